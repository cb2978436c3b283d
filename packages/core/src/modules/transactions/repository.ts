import type { Queryable } from '@voltlane/db';
import { iso, num } from '../../rows.js';
import type { MeterRow, Sample } from './samples.js';

export interface Transaction {
  id: number;
  stationId: string;
  evseId: number;
  connectorId: number;
  idToken: string | null;
  status: 'active' | 'completed';
  startedAt: string;
  stoppedAt: string | null;
  meterStartWh: number | null;
  meterStopWh: number | null;
  /** Final energy for completed transactions; energy so far (last register reading) for active ones. */
  energyWh: number | null;
  stopReason: string | null;
  stopIdToken: string | null;
  reservationId: number | null;
}

export function toTransaction(r: Record<string, unknown>): Transaction {
  const start = num(r.meter_start_wh);
  const last = num(r.last_meter_wh);
  const live = r.status === 'active' && start !== null && last !== null ? Math.max(last - start, 0) : null;
  return {
    id: num(r.id)!,
    stationId: r.station_id as string,
    // 1.6 numbering: EVSE n = connector n
    evseId: r.evse_id as number,
    connectorId: r.evse_id as number,
    idToken: (r.id_token as string) ?? null,
    status: r.status as Transaction['status'],
    startedAt: iso(r.started_at)!,
    stoppedAt: iso(r.stopped_at),
    meterStartWh: start,
    meterStopWh: num(r.meter_stop_wh),
    energyWh: r.status === 'completed' ? num(r.energy_wh) : live,
    stopReason: (r.stop_reason as string) ?? null,
    stopIdToken: (r.stop_id_token as string) ?? null,
    reservationId: (r.reservation_id as number) ?? null,
  };
}

/** Inserts a transaction, or returns the id of the identical one already stored (retried StartTransaction). */
export async function insertTransaction(
  db: Queryable,
  t: { stationId: string; evseId: number; connectorId: number; idToken: string | null; startedAt: Date; meterStartWh: number | null; reservationId: number | null },
): Promise<{ id: number; duplicate: boolean }> {
  const ins = await db.query<{ id: number }>(
    `insert into transactions (station_id, evse_id, connector_id, id_token, status, started_at, meter_start_wh, last_meter_wh, reservation_id)
     values ($1, $2, $3, $4, 'active', $5, $6, $6, $7)
     on conflict (station_id, evse_id, started_at, coalesce(id_token, '')) do nothing returning id`,
    [t.stationId, t.evseId, t.connectorId, t.idToken, t.startedAt, t.meterStartWh, t.reservationId],
  );
  if (ins.rows[0]) return { id: num(ins.rows[0].id)!, duplicate: false };
  const existing = await db.query<{ id: number }>(
    `select id from transactions where station_id = $1 and evse_id = $2 and started_at = $3 and coalesce(id_token, '') = coalesce($4, '')`,
    [t.stationId, t.evseId, t.startedAt, t.idToken],
  );
  return { id: num(existing.rows[0]!.id)!, duplicate: true };
}

export async function findTransaction(db: Queryable, id: number, stationId?: string): Promise<Transaction | undefined> {
  const r = stationId
    ? await db.query('select * from transactions where id = $1 and station_id = $2', [id, stationId])
    : await db.query('select * from transactions where id = $1', [id]);
  return r.rows[0] ? toTransaction(r.rows[0]) : undefined;
}

/** Completes an active transaction; returns false if it was already completed (a retried stop bills once). */
export async function completeTransaction(
  db: Queryable,
  id: number,
  s: { stoppedAt: Date; meterStopWh: number | null; energyWh: number | null; stopReason: string; stopIdToken: string | null },
): Promise<boolean> {
  const r = await db.query(
    `update transactions set status = 'completed', stopped_at = $2, meter_stop_wh = $3, energy_wh = $4, stop_reason = $5,
       stop_id_token = $6, updated_at = now() where id = $1 and status = 'active'`,
    [id, s.stoppedAt, s.meterStopWh, s.energyWh, s.stopReason, s.stopIdToken],
  );
  return r.rowCount === 1;
}

export async function listTransactions(
  db: Queryable,
  f: { limit: number; offset: number; stationId?: string; status?: string; idToken?: string },
): Promise<{ items: Transaction[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.stationId) where.push(`station_id = $${params.push(f.stationId)}`);
  if (f.status) where.push(`status = $${params.push(f.status)}`);
  if (f.idToken) where.push(`id_token = $${params.push(f.idToken)}`);
  const w = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: number }>(`select count(*)::int as n from transactions ${w}`, params);
  const rows = await db.query(`select * from transactions ${w} order by id desc limit $${params.length + 1} offset $${params.length + 2}`, [
    ...params, f.limit, f.offset,
  ]);
  return { items: rows.rows.map(toTransaction), total: total.rows[0]!.n };
}

export interface StoredSample extends Omit<Sample, 'ts'> {
  timestamp: string;
}

/** Samples of a transaction, flattened, in time order. */
export async function listSamples(db: Queryable, transactionId: number, limit = 10_000): Promise<StoredSample[]> {
  const r = await db.query<{ ts: Date; sampled_values: StoredJson[] }>(
    'select ts, sampled_values from meter_values where transaction_id = $1 order by ts, id limit $2',
    [transactionId, limit],
  );
  return r.rows.flatMap((x) =>
    x.sampled_values.map((s) => {
      const n = s.format === 'Raw' ? Number(s.value) : NaN;
      return { timestamp: iso(x.ts)!, ...s, valueNum: s.value.trim() !== '' && Number.isFinite(n) ? n : null };
    }),
  );
}

/** A sample as kept in `meter_values.sampled_values`. */
type StoredJson = Omit<Sample, 'ts' | 'valueNum'>;

/** One MeterValue bound to its station, EVSE and (claimed) transaction, ready for the bulk insert. */
export interface MeterValueRow extends MeterRow {
  stationId: string;
  evseId: number;
  transactionId: number | null;
}

/**
 * Bulk-inserts meter values in one statement (the rows travel as one JSON document; retried
 * messages are skipped by the dedupe index) and moves each transaction's last register reading
 * forward. A transaction id the station does not own is stored as null rather than trusted.
 */
export async function insertMeterValues(db: Queryable, rows: MeterValueRow[], registers: Map<number, { stationId: string; wh: number }>): Promise<void> {
  if (rows.length) {
    const doc = rows.map((r) => ({
      tx: r.transactionId,
      station_id: r.stationId,
      evse_id: r.evseId,
      ts: r.ts.toISOString(),
      energy_wh: r.energyWh ?? null,
      power_w: r.powerW ?? null,
      sampled_values: r.samples.map(({ ts: _ts, valueNum: _n, ...s }) => s),
    }));
    await db.query(
      `insert into meter_values (transaction_id, station_id, evse_id, ts, energy_wh, power_w, sampled_values)
       select t.id, v.station_id, v.evse_id, v.ts, v.energy_wh, v.power_w, v.sampled_values
       from json_to_recordset($1::json)
         as v(tx bigint, station_id text, evse_id int, ts timestamptz, energy_wh float8, power_w float8, sampled_values jsonb)
       left join transactions t on t.id = v.tx and t.station_id = v.station_id
       on conflict do nothing`,
      [JSON.stringify(doc)],
    );
  }
  if (registers.size) {
    // Sorted so concurrent batches lock transaction rows in one order (no deadlock).
    const ids = [...registers.keys()].sort((a, b) => a - b);
    await db.query(
      `update transactions t set last_meter_wh = greatest(coalesce(t.last_meter_wh, v.wh), v.wh), updated_at = now()
       from unnest($1::bigint[], $2::text[], $3::numeric[]) as v(id, station_id, wh)
       where t.id = v.id and t.station_id = v.station_id`,
      [ids, ids.map((i) => registers.get(i)!.stationId), ids.map((i) => registers.get(i)!.wh)],
    );
  }
}
