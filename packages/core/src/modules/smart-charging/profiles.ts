import type { Queryable } from '@voltlane/db';
import { iso } from '../../rows.js';

/** A charging profile in version-neutral terms (1.6 csChargingProfiles, 2.x chargingProfile). */
export interface ProfileRow {
  /** 1.6 connector, 2.x EVSE; 0 = the whole station. */
  evseId: number;
  id: number;
  stackLevel: number;
  purpose: string;
  kind: string;
  recurrencyKind?: string | undefined;
  validFrom?: string | undefined;
  validTo?: string | undefined;
  transactionId?: string | undefined;
  /** Who installed it: CSO (the CSMS), EMS, SO, Other. */
  source: string;
  /** The profile as sent or reported. */
  profile: unknown;
}

/** Which stored profiles a ClearChargingProfile, GetChargingProfiles or report concerns (absent = any). */
export interface ProfileCriteria {
  ids?: number[] | undefined;
  evseId?: number | undefined;
  purpose?: string | undefined;
  stackLevel?: number | undefined;
  sources?: string[] | undefined;
}

export interface StoredChargingProfile {
  /** 1.6 connector, 2.x EVSE. */
  connectorId: number;
  chargingProfileId: number;
  stackLevel: number;
  purpose: string;
  kind: string;
  chargingLimitSource: string;
  validFrom: string | null;
  validTo: string | null;
  transactionId: string | null;
  profile: unknown;
  createdAt: string;
}

/** The key a report uses to say which profiles it mentioned. */
export const profileKey = (source: string, id: number): string => `${source}|${id}`;

/**
 * Stores a profile the station accepted from the CSMS. Same id replaces; so does the same stack
 * level and purpose on the same connector/EVSE (the station accepted it, so it replaced the old one).
 */
export async function setProfile(db: Queryable, stationId: string, p: ProfileRow): Promise<void> {
  await db.query(
    `delete from charging_profiles where station_id = $1 and charging_limit_source = $6 and (charging_profile_id = $2
       or (connector_id = $3 and stack_level = $4 and purpose = $5))`,
    [stationId, p.id, p.evseId, p.stackLevel, p.purpose, p.source],
  );
  await upsertProfile(db, stationId, p);
}

/** Stores a profile as a station reported it (ReportChargingProfiles), replacing the one of the same source and id. */
export async function upsertProfile(db: Queryable, stationId: string, p: ProfileRow): Promise<void> {
  await db.query(
    `insert into charging_profiles (station_id, connector_id, charging_profile_id, stack_level, purpose, kind, recurrency_kind,
       valid_from, valid_to, transaction_id, charging_limit_source, profile) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     on conflict (station_id, charging_limit_source, charging_profile_id) do update set connector_id = excluded.connector_id,
       stack_level = excluded.stack_level, purpose = excluded.purpose, kind = excluded.kind, recurrency_kind = excluded.recurrency_kind,
       valid_from = excluded.valid_from, valid_to = excluded.valid_to, transaction_id = excluded.transaction_id,
       profile = excluded.profile, created_at = now()`,
    [stationId, p.evseId, p.id, p.stackLevel, p.purpose, p.kind, p.recurrencyKind ?? null, p.validFrom ?? null, p.validTo ?? null,
      p.transactionId ?? null, p.source, JSON.stringify(p.profile)],
  );
}

/** Removes the stored profiles matching the criteria, except those whose {@link profileKey} is in `keep`. */
export async function deleteProfiles(db: Queryable, stationId: string, c: ProfileCriteria, keep: string[] = []): Promise<void> {
  const where = ['station_id = $1'];
  const params: unknown[] = [stationId];
  if (c.ids) where.push(`charging_profile_id = any($${params.push(c.ids)}::int[])`);
  if (c.evseId !== undefined) where.push(`connector_id = $${params.push(c.evseId)}`);
  if (c.purpose) where.push(`purpose = $${params.push(c.purpose)}`);
  if (c.stackLevel !== undefined) where.push(`stack_level = $${params.push(c.stackLevel)}`);
  if (c.sources) where.push(`charging_limit_source = any($${params.push(c.sources)}::text[])`);
  if (keep.length) where.push(`not (charging_limit_source || '|' || charging_profile_id::text) = any($${params.push(keep)}::text[])`);
  await db.query(`delete from charging_profiles where ${where.join(' and ')}`, params);
}

export async function listProfiles(db: Queryable, stationId: string): Promise<StoredChargingProfile[]> {
  const r = await db.query(
    'select * from charging_profiles where station_id = $1 order by connector_id, charging_limit_source, stack_level, charging_profile_id',
    [stationId],
  );
  return r.rows.map((x) => ({
    connectorId: x.connector_id as number,
    chargingProfileId: x.charging_profile_id as number,
    stackLevel: x.stack_level as number,
    purpose: x.purpose as string,
    kind: x.kind as string,
    chargingLimitSource: x.charging_limit_source as string,
    validFrom: iso(x.valid_from),
    validTo: iso(x.valid_to),
    transactionId: (x.transaction_id as string) ?? null,
    profile: x.profile,
    createdAt: iso(x.created_at)!,
  }));
}
