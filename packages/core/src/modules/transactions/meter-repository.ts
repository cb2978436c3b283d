import type { Queryable } from '@voltlane/db';
import { iso } from '../../rows.js';
import type { MeterRow, Sample } from './samples.js';

export interface StoredSample extends Omit<Sample, 'ts'> {
  timestamp: string;
}

/** A sample as kept in `meter_values.sampled_values` (a 2.x signedMeterValue included as received). */
type StoredJson = Omit<Sample, 'ts' | 'valueNum'>;

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

/** One MeterValue bound to its station, EVSE and (claimed) transaction, ready for the bulk insert. */
export interface MeterValueRow extends MeterRow {
  stationId: string;
  evseId: number;
  transactionId: number | null;
}

/** Register readings of one transaction in a batch: the highest (latest) and the lowest (first). */
export interface RegisterReading {
  stationId: string;
  wh: number;
  firstWh: number;
}

/**
 * Bulk-inserts meter values in one statement (the rows travel as one JSON document; retried
 * messages are skipped by the dedupe index) and moves each transaction's last register reading
 * forward. A transaction without a meter start yet (2.x: its Started event had no reading) gets
 * its first reading as meter start. A transaction id the station does not own is stored as null
 * rather than trusted.
 */
export async function insertMeterValues(db: Queryable, rows: MeterValueRow[], registers: Map<number, RegisterReading>): Promise<void> {
  if (rows.length) {
    const doc = rows.map((r) => ({
      tx: r.transactionId,
      station_id: r.stationId,
      evse_id: r.evseId,
      ts: r.ts.toISOString(),
      energy_wh: r.energyWh ?? null,
      power_w: r.powerW ?? null,
      sampled_values: r.samples.map(({ ts: _ts, valueNum: _n, ...s }): StoredJson => s),
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
    const at = (i: number) => registers.get(i)!;
    await db.query(
      `update transactions t set last_meter_wh = greatest(coalesce(t.last_meter_wh, v.wh), v.wh),
         meter_start_wh = coalesce(t.meter_start_wh, v.first_wh), updated_at = now()
       from unnest($1::bigint[], $2::text[], $3::numeric[], $4::numeric[]) as v(id, station_id, wh, first_wh)
       where t.id = v.id and t.station_id = v.station_id`,
      [ids, ids.map((i) => at(i).stationId), ids.map((i) => at(i).wh), ids.map((i) => at(i).firstWh)],
    );
  }
}
