import type { Queryable } from '@voltlane/db';
import type { Tariff } from '@voltlane/billing';
import { iso, num } from '../../rows.js';

/** A stored tariff: the OCPI object and when Voltlane received it. */
export interface StoredTariff {
  id: string;
  currency: string;
  tariff: Tariff;
  createdAt: string;
  updatedAt: string;
}

/** Where a tariff applies: a station, optionally one EVSE and one id token group. */
export interface TariffAssignment {
  stationId: string;
  evseId: number | null;
  idTokenGroup: string | null;
  tariffId: string;
  /** IANA time zone of the location (restrictions on times, dates and weekdays are local to it). */
  timeZone: string;
}

/** The cost fixed on a completed transaction. */
export interface StoredCost {
  tariffId: string;
  currency: string;
  exclVat: string;
  inclVat: string;
}

const toTariff = (r: Record<string, unknown>): StoredTariff => ({
  id: r.id as string, currency: r.currency as string, tariff: r.tariff as Tariff, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
});

const toAssignment = (r: Record<string, unknown>): TariffAssignment => ({
  stationId: r.station_id as string, evseId: (r.evse_id as number) ?? null, idTokenGroup: (r.id_token_group as string) ?? null,
  tariffId: r.tariff_id as string, timeZone: r.time_zone as string,
});

/** Inserts a tariff; false when the id is taken. */
export async function insertTariff(db: Queryable, t: Tariff): Promise<boolean> {
  const r = await db.query('insert into tariffs (id, currency, tariff) values ($1, $2, $3) on conflict (id) do nothing', [t.id, t.currency, JSON.stringify(t)]);
  return r.rowCount === 1;
}

/** Replaces a tariff; false when it does not exist. */
export async function updateTariff(db: Queryable, t: Tariff): Promise<boolean> {
  const r = await db.query('update tariffs set currency = $2, tariff = $3, updated_at = now() where id = $1', [t.id, t.currency, JSON.stringify(t)]);
  return r.rowCount === 1;
}

/** Deletes a tariff (and its assignments); false when it does not exist. */
export async function deleteTariff(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('delete from tariffs where id = $1', [id])).rowCount === 1;
}

export async function findTariff(db: Queryable, id: string): Promise<StoredTariff | undefined> {
  const r = await db.query('select * from tariffs where id = $1', [id]);
  return r.rows[0] ? toTariff(r.rows[0]) : undefined;
}

/** Tariffs by id, paged. */
export async function listTariffs(db: Queryable, f: { limit: number; offset: number }): Promise<{ items: StoredTariff[]; total: number }> {
  const total = await db.query<{ n: number }>('select count(*)::int as n from tariffs');
  const rows = await db.query('select * from tariffs order by id limit $1 offset $2', [f.limit, f.offset]);
  return { items: rows.rows.map(toTariff), total: total.rows[0]!.n };
}

/** Creates or replaces the assignment of one scope (station, EVSE or all, group or all). */
export async function upsertAssignment(db: Queryable, a: TariffAssignment): Promise<void> {
  await db.query(
    `insert into tariff_assignments (station_id, evse_id, id_token_group, tariff_id, time_zone) values ($1, $2, $3, $4, $5)
     on conflict (station_id, coalesce(evse_id, -1), coalesce(id_token_group, ''))
     do update set tariff_id = excluded.tariff_id, time_zone = excluded.time_zone, updated_at = now()`,
    [a.stationId, a.evseId, a.idTokenGroup, a.tariffId, a.timeZone],
  );
}

/** Assignments of a station, most specific first. */
export async function listAssignments(db: Queryable, stationId: string): Promise<TariffAssignment[]> {
  const r = await db.query(
    `select * from tariff_assignments where station_id = $1
     order by (evse_id is not null) desc, (id_token_group is not null) desc, evse_id, id_token_group`,
    [stationId],
  );
  return r.rows.map(toAssignment);
}

/**
 * The tariff for a station, EVSE and id token group: the most specific assignment wins
 * (EVSE + group > EVSE > station + group > station).
 */
export async function findApplicable(
  db: Queryable, stationId: string, evseId: number, group: string | null,
): Promise<{ assignment: TariffAssignment; tariff: Tariff } | undefined> {
  const r = await db.query(
    `select a.*, t.tariff from tariff_assignments a join tariffs t on t.id = a.tariff_id
     where a.station_id = $1 and (a.evse_id is null or a.evse_id = $2) and (a.id_token_group is null or a.id_token_group = $3)
     order by (a.evse_id is not null) desc, (a.id_token_group is not null) desc limit 1`,
    [stationId, evseId, group],
  );
  const row = r.rows[0];
  return row ? { assignment: toAssignment(row), tariff: row.tariff as Tariff } : undefined;
}

/** The group (parent id token) of an id token, case insensitive. */
export async function tokenGroup(db: Queryable, idToken: string | null): Promise<string | null> {
  if (!idToken) return null;
  const r = await db.query<{ parent_id_token: string | null }>('select parent_id_token from id_tokens where lower(id_token) = lower($1) limit 1', [idToken]);
  return r.rows[0]?.parent_id_token ?? null;
}

/** One stored MeterValue of a transaction, as the cost needs it. */
export interface MeterPoint {
  ts: Date;
  energyWh: number | null;
  powerW: number | null;
  currentA: number | null;
}

/** A transaction's meter values in time order; current is the sum of Current.Import over phases. */
export async function meterPoints(db: Queryable, transactionId: number, limit = 100_000): Promise<MeterPoint[]> {
  const r = await db.query<{ ts: Date | string; energy_wh: number | null; power_w: number | null; sampled_values: { measurand: string; phase?: string; value: string; unit?: string }[] }>(
    'select ts, energy_wh, power_w, sampled_values from meter_values where transaction_id = $1 order by ts, id limit $2',
    [transactionId, limit],
  );
  return r.rows.map((x) => {
    const currents = x.sampled_values.filter((s) => s.measurand === 'Current.Import' && Number.isFinite(Number(s.value)));
    const phased = currents.filter((s) => s.phase === 'L1' || s.phase === 'L2' || s.phase === 'L3');
    const use = phased.length ? phased : currents.filter((s) => !s.phase).slice(0, 1);
    return {
      ts: new Date(x.ts), energyWh: num(x.energy_wh), powerW: num(x.power_w),
      currentA: use.length ? use.reduce((a, s) => a + Number(s.value), 0) : null,
    };
  });
}

/** Charging-state changes reported in a 2.x transaction's events, in time order. */
export async function chargingStates(db: Queryable, transactionId: number): Promise<{ ts: Date; state: string }[]> {
  const r = await db.query<{ ts: Date | string; charging_state: string }>(
    'select ts, charging_state from transaction_events where transaction_id = $1 and charging_state is not null order by ts, seq_no',
    [transactionId],
  );
  return r.rows.map((x) => ({ ts: new Date(x.ts), state: x.charging_state }));
}

/** Fixes the final cost of a completed transaction (once). */
export async function saveCost(db: Queryable, transactionId: number, c: StoredCost): Promise<void> {
  await db.query(
    `update transactions set tariff_id = $2, cost_currency = $3, cost_excl_vat = $4, cost_incl_vat = $5
     where id = $1 and cost_currency is null`,
    [transactionId, c.tariffId, c.currency, c.exclVat, c.inclVat],
  );
}

/** The cost fixed on a transaction, if any. */
export async function storedCost(db: Queryable, transactionId: number): Promise<StoredCost | undefined> {
  const r = await db.query<{ tariff_id: string; cost_currency: string | null; cost_excl_vat: string; cost_incl_vat: string }>(
    'select tariff_id, cost_currency, cost_excl_vat::text as cost_excl_vat, cost_incl_vat::text as cost_incl_vat from transactions where id = $1',
    [transactionId],
  );
  const row = r.rows[0];
  if (!row?.cost_currency) return undefined;
  return { tariffId: row.tariff_id, currency: row.cost_currency, exclVat: row.cost_excl_vat, inclVat: row.cost_incl_vat };
}

/** A stretch of a transaction priced with one tariff (I06); tariff null = no tariff (free). */
export interface TariffPeriod {
  seq: number;
  startsAt: Date;
  tariffId: string | null;
  tariff: Tariff | null;
  timeZone: string;
  announced: boolean;
}

/** The tariff periods of a transaction in order (empty: the tariff never changed while it ran). */
export async function tariffPeriods(db: Queryable, transactionId: number): Promise<TariffPeriod[]> {
  const r = await db.query('select * from transaction_tariff_periods where transaction_id = $1 order by seq', [transactionId]);
  return r.rows.map((x) => ({
    seq: x.seq as number, startsAt: new Date(x.starts_at as string), tariffId: (x.tariff_id as string) ?? null,
    tariff: (x.tariff as Tariff) ?? null, timeZone: x.time_zone as string, announced: x.announced as boolean,
  }));
}

/** Appends a tariff period to a transaction. */
export async function addTariffPeriod(db: Queryable, transactionId: number, p: Omit<TariffPeriod, 'seq'>): Promise<void> {
  await db.query(
    `insert into transaction_tariff_periods (transaction_id, seq, starts_at, tariff_id, tariff, time_zone, announced)
     select $1, coalesce(max(seq) + 1, 0), $2, $3, $4, $5, $6 from transaction_tariff_periods where transaction_id = $1`,
    [transactionId, p.startsAt, p.tariffId, p.tariff && JSON.stringify(p.tariff), p.timeZone, p.announced],
  );
}

/** Marks a transaction's tariff periods as told to the station; true if one was not yet. */
export async function markAnnounced(db: Queryable, transactionId: number): Promise<boolean> {
  const r = await db.query('update transaction_tariff_periods set announced = true where transaction_id = $1 and not announced', [transactionId]);
  return r.rowCount > 0;
}

/** Active transactions of a station, or of every station with an assignment of a tariff. */
export async function activeTransactionIds(db: Queryable, f: { stationId?: string; tariffId?: string }): Promise<number[]> {
  const r = f.stationId
    ? await db.query<{ id: number | string }>(`select id from transactions where status = 'active' and station_id = $1`, [f.stationId])
    : await db.query<{ id: number | string }>(
      `select id from transactions where status = 'active' and station_id in (select station_id from tariff_assignments where tariff_id = $1)
       union select transaction_id from transaction_tariff_periods p join transactions t on t.id = p.transaction_id
       where t.status = 'active' and p.tariff_id = $1`,
      [f.tariffId],
    );
  return r.rows.map((x) => Number(x.id));
}

/** A transaction of a station by the station's (2.x) transaction id: id, EVSE and token. */
export async function findByOcppId(db: Queryable, stationId: string, ocppTransactionId: string): Promise<{ id: number; evseId: number; idToken: string | null } | undefined> {
  const r = await db.query<{ id: number | string; evse_id: number; id_token: string | null }>(
    'select id, evse_id, id_token from transactions where station_id = $1 and ocpp_transaction_id = $2',
    [stationId, ocppTransactionId],
  );
  const row = r.rows[0];
  return row ? { id: Number(row.id), evseId: row.evse_id, idToken: row.id_token } : undefined;
}

/** The display language of the token's owner (the user's locale), if the token has an owner. */
export async function ownerLanguage(db: Queryable, idToken: string): Promise<string | undefined> {
  const r = await db.query<{ locale: string }>(
    'select u.locale from id_tokens t join users u on u.id = t.user_id where lower(t.id_token) = lower($1) order by (t.id_token = $1) desc limit 1',
    [idToken],
  );
  return r.rows[0]?.locale || undefined;
}

/** The station-wide tariff for every driver (no EVSE, no group): the default a fallback message describes. */
export async function stationDefault(db: Queryable, stationId: string): Promise<Tariff | undefined> {
  const r = await db.query(
    `select t.tariff from tariff_assignments a join tariffs t on t.id = a.tariff_id
     where a.station_id = $1 and a.evse_id is null and a.id_token_group is null`,
    [stationId],
  );
  return (r.rows[0]?.tariff as Tariff | undefined) ?? undefined;
}
