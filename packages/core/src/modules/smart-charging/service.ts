import type { V16 } from '@voltlane/ocpp';
import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';
import { iso } from '../../rows.js';

export interface StoredChargingProfile {
  connectorId: number;
  chargingProfileId: number;
  stackLevel: number;
  purpose: string;
  kind: string;
  validFrom: string | null;
  validTo: string | null;
  transactionId: string | null;
  profile: unknown;
  createdAt: string;
}

/**
 * Charging profiles each station accepted (SetChargingProfile), removed as ClearChargingProfile
 * says, and the last composite schedule each station reported, all queryable.
 */
export class SmartChargingService {
  private readonly composite = new Map<string, { at: string; request: unknown; response: unknown }>();
  constructor(private readonly ctx: CoreContext) {}

  /** OCPP 2.0.1/2.1 messages of this block. */
  register201(_reg: HandlerRegistry): void {}

  register16(reg: HandlerRegistry): void {
    reg.effect16('SetChargingProfile', async (stationId, req, res) => {
      if (res.status !== 'Accepted') return;
      const p = req.csChargingProfiles;
      // Same id replaces; same stack level and purpose on the connector also replaces (1.6 §3.13.2).
      await this.ctx.db.transaction(async (tx) => {
        await tx.query(
          `delete from charging_profiles where station_id = $1 and (charging_profile_id = $2
             or (connector_id = $3 and stack_level = $4 and purpose = $5))`,
          [stationId, p.chargingProfileId, req.connectorId, p.stackLevel, p.chargingProfilePurpose],
        );
        await tx.query(
          `insert into charging_profiles (station_id, connector_id, charging_profile_id, stack_level, purpose, kind, recurrency_kind,
             valid_from, valid_to, transaction_id, profile) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [stationId, req.connectorId, p.chargingProfileId, p.stackLevel, p.chargingProfilePurpose, p.chargingProfileKind,
            p.recurrencyKind ?? null, p.validFrom ?? null, p.validTo ?? null, p.transactionId?.toString() ?? null, JSON.stringify(p)],
        );
      });
    });
    reg.effect16('ClearChargingProfile', async (stationId, req, res) => {
      if (res.status !== 'Accepted') return;
      await this.clear(stationId, req);
    });
    reg.effect16('GetCompositeSchedule', async (stationId, req, res) => {
      this.composite.set(stationId, { at: new Date().toISOString(), request: req, response: res });
    });
  }

  /** Removes the profiles a ClearChargingProfile request matches (no criteria: all of them). */
  private async clear(stationId: string, req: V16.ClearChargingProfileRequest): Promise<void> {
    const where = ['station_id = $1'];
    const params: unknown[] = [stationId];
    if (req.id !== undefined) where.push(`charging_profile_id = $${params.push(req.id)}`);
    else {
      if (req.connectorId !== undefined) where.push(`connector_id = $${params.push(req.connectorId)}`);
      if (req.chargingProfilePurpose) where.push(`purpose = $${params.push(req.chargingProfilePurpose)}`);
      if (req.stackLevel !== undefined) where.push(`stack_level = $${params.push(req.stackLevel)}`);
    }
    await this.ctx.db.query(`delete from charging_profiles where ${where.join(' and ')}`, params);
  }

  async list(stationId: string): Promise<StoredChargingProfile[]> {
    const r = await this.ctx.db.query('select * from charging_profiles where station_id = $1 order by connector_id, stack_level', [stationId]);
    return r.rows.map((x) => ({
      connectorId: x.connector_id as number,
      chargingProfileId: x.charging_profile_id as number,
      stackLevel: x.stack_level as number,
      purpose: x.purpose as string,
      kind: x.kind as string,
      validFrom: iso(x.valid_from),
      validTo: iso(x.valid_to),
      transactionId: (x.transaction_id as string) ?? null,
      profile: x.profile,
      createdAt: iso(x.created_at)!,
    }));
  }

  /** The composite schedule the station last reported (GetCompositeSchedule reply). */
  lastComposite(stationId: string) {
    return this.composite.get(stationId) ?? null;
  }
}
