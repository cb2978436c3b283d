import type { Queryable } from '@voltlane/db';
import { iso } from '../../rows.js';

/** An external charging limit in force on a station (NotifyChargingLimit), until ClearedChargingLimit. */
export interface ChargingLimit {
  /** 0: the whole station. */
  evseId: number;
  chargingLimitSource: string;
  isGridCritical: boolean | null;
  chargingSchedule: unknown[] | null;
  updatedAt: string;
}

/** What the EV on an EVSE asked for (ISO 15118 via NotifyEVChargingNeeds) and the schedule it chose. */
export interface EvChargingNeeds {
  evseId: number;
  chargingNeeds: unknown;
  maxScheduleTuples: number | null;
  receivedAt: string | null;
  evChargingSchedule: { timeBase: string; chargingSchedule: unknown; receivedAt: string } | null;
}

export async function putLimit(
  db: Queryable, stationId: string,
  l: { evseId: number; source: string; isGridCritical?: boolean | undefined; schedule?: unknown[] | undefined },
): Promise<void> {
  await db.query(
    `insert into charging_limits (station_id, evse_id, charging_limit_source, is_grid_critical, charging_schedule) values ($1, $2, $3, $4, $5)
     on conflict (station_id, evse_id, charging_limit_source) do update set is_grid_critical = excluded.is_grid_critical,
       charging_schedule = excluded.charging_schedule, updated_at = now()`,
    [stationId, l.evseId, l.source, l.isGridCritical ?? null, l.schedule ? JSON.stringify(l.schedule) : null],
  );
}

/** Removes the limits of a source: on one EVSE, or on all of them when no EVSE is given. */
export async function clearLimit(db: Queryable, stationId: string, source: string, evseId: number | undefined): Promise<void> {
  const params: unknown[] = [stationId, source];
  const evse = evseId === undefined ? '' : ` and evse_id = $${params.push(evseId)}`;
  await db.query(`delete from charging_limits where station_id = $1 and charging_limit_source = $2${evse}`, params);
}

export async function listLimits(db: Queryable, stationId: string): Promise<ChargingLimit[]> {
  const r = await db.query('select * from charging_limits where station_id = $1 order by evse_id, charging_limit_source', [stationId]);
  return r.rows.map((x) => ({
    evseId: x.evse_id as number,
    chargingLimitSource: x.charging_limit_source as string,
    isGridCritical: (x.is_grid_critical as boolean) ?? null,
    chargingSchedule: (x.charging_schedule as unknown[]) ?? null,
    updatedAt: iso(x.updated_at)!,
  }));
}

export async function putNeeds(db: Queryable, stationId: string, evseId: number, needs: unknown, maxScheduleTuples: number | undefined, at: Date): Promise<void> {
  await db.query(
    `insert into ev_charging_needs (station_id, evse_id, charging_needs, max_schedule_tuples, needs_at) values ($1, $2, $3, $4, $5)
     on conflict (station_id, evse_id) do update set charging_needs = excluded.charging_needs,
       max_schedule_tuples = excluded.max_schedule_tuples, needs_at = excluded.needs_at`,
    [stationId, evseId, JSON.stringify(needs), maxScheduleTuples ?? null, at],
  );
}

export async function putEvSchedule(db: Queryable, stationId: string, evseId: number, timeBase: string, schedule: unknown, at: Date): Promise<void> {
  await db.query(
    `insert into ev_charging_needs (station_id, evse_id, ev_schedule, ev_schedule_time_base, ev_schedule_at) values ($1, $2, $3, $4, $5)
     on conflict (station_id, evse_id) do update set ev_schedule = excluded.ev_schedule,
       ev_schedule_time_base = excluded.ev_schedule_time_base, ev_schedule_at = excluded.ev_schedule_at`,
    [stationId, evseId, JSON.stringify(schedule), timeBase, at],
  );
}

export async function listNeeds(db: Queryable, stationId: string): Promise<EvChargingNeeds[]> {
  const r = await db.query('select * from ev_charging_needs where station_id = $1 order by evse_id', [stationId]);
  return r.rows.map((x) => ({
    evseId: x.evse_id as number,
    chargingNeeds: x.charging_needs ?? null,
    maxScheduleTuples: (x.max_schedule_tuples as number) ?? null,
    receivedAt: iso(x.needs_at),
    evChargingSchedule: x.ev_schedule
      ? { timeBase: iso(x.ev_schedule_time_base)!, chargingSchedule: x.ev_schedule, receivedAt: iso(x.ev_schedule_at)! }
      : null,
  }));
}
