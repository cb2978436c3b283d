import { AppError } from '@voltlane/core';
import type { ApiOptions, App } from '../server.js';
import { List, Nullable, Paging, Type } from '../schemas.js';

const tags = ['dashboard'];
const err = { $ref: 'Error#' };
const config = { access: 'operator' as const };
const DateTime = Type.String({ format: 'date-time' });

/** What a station is doing, as the console shows and filters it. The first rule that holds wins. */
export const STATION_STATES = ['offline', 'faulted', 'charging', 'available', 'unavailable'] as const;
const StationState = Type.String({
  enum: [...STATION_STATES],
  description:
    'offline: not connected; faulted: the station or a connector reports Faulted; charging: an active session or a connector ' +
    'Charging/SuspendedEV/SuspendedEVSE; available: a connector is Available; unavailable: connected but none of the above',
});

// One definition of the state for the counts and the list filter, so they always agree.
const STATE_SQL = `case
  when not s.online then 'offline'
  when s.status = 'Faulted' or exists (select 1 from connectors c where c.station_id = s.id and c.status = 'Faulted') then 'faulted'
  when exists (select 1 from transactions t where t.station_id = s.id and t.status = 'active')
    or exists (select 1 from connectors c where c.station_id = s.id and c.status in ('Charging', 'SuspendedEV', 'SuspendedEVSE')) then 'charging'
  when exists (select 1 from connectors c where c.station_id = s.id and c.evse_id > 0 and c.status = 'Available') then 'available'
  else 'unavailable'
end`;

const Summary = Type.Object({
  since: DateTime,
  stations: Type.Object({
    total: Type.Integer(), online: Type.Integer(), offline: Type.Integer(), faulted: Type.Integer(),
    charging: Type.Integer(), available: Type.Integer(), unavailable: Type.Integer(),
    pending: Type.Integer({ description: 'registration status Pending (waiting for an operator to accept them)' }),
  }),
  activeSessions: Type.Integer(),
  energySinceWh: Type.Number({ description: 'energy delivered since `since` by sessions running at any time since then' }),
  sessionsSince: Type.Integer({ description: 'sessions started since `since`' }),
  powerW: Type.Number({ description: 'sum of the latest active power reported by each active session' }),
});

const ConsoleStation = Type.Object({
  id: Type.String(),
  state: StationState,
  online: Type.Boolean(),
  registrationStatus: Type.String(),
  ocppVersion: Nullable(Type.String()),
  vendor: Nullable(Type.String()),
  model: Nullable(Type.String()),
  firmwareVersion: Nullable(Type.String()),
  lastSeenAt: Nullable(DateTime),
  activeSessions: Type.Integer(),
  connectors: Type.Array(Type.Object({ evseId: Type.Integer(), connectorId: Type.Integer(), status: Nullable(Type.String()) })),
});

/** Start of the current UTC day: the default "today" when the client gives no `since`. */
function startOfUtcDay(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

function parseSince(since: string | undefined): Date {
  if (since === undefined) return startOfUtcDay();
  const d = new Date(since);
  if (Number.isNaN(d.getTime())) throw new AppError('VALIDATION_FAILED', 'querystring.since must be an ISO-8601 date-time, e.g. 2026-01-31T00:00:00+01:00', { field: 'querystring.since' });
  return d;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());

/**
 * The operator console's views computed in SQL: network summary (stations by state, energy today,
 * active sessions, power now), the power curve of the network, and a station list with a state
 * one can filter on.
 */
export function dashboardRoutes(app: App, { core }: ApiOptions): void {
  const db = core.ctx.db;

  app.get('/dashboard/summary', {
    config,
    schema: {
      tags, summary: 'Stations by state, energy and sessions since a time (default: start of today UTC), active sessions and power now',
      querystring: Type.Object({ since: Type.Optional(Type.String({ description: 'ISO-8601; the web app sends the local midnight' })) }),
      response: { 200: Summary, 400: err },
    },
  }, async (req) => {
    const since = parseSince(req.query.since);
    const states = await db.query<{ state: string; online: boolean; pending: boolean; n: number }>(
      `select ${STATE_SQL} as state, s.online, s.registration_status = 'Pending' as pending, count(*)::int as n
       from stations s group by 1, 2, 3`,
    );
    const stations = { total: 0, online: 0, offline: 0, faulted: 0, charging: 0, available: 0, unavailable: 0, pending: 0 };
    for (const r of states.rows) {
      stations.total += r.n;
      if (r.online) stations.online += r.n;
      if (r.pending) stations.pending += r.n;
      stations[r.state as (typeof STATION_STATES)[number]] += r.n;
    }
    // Energy of each session that ran since `since`, less what it had delivered before then
    // (its last energy register reading before `since`).
    const energy = await db.query<{ wh: number | null; started: number; active: number; power: number | null }>(
      `with tx as (
         select t.id, t.status, t.started_at,
           case when t.status = 'completed' then coalesce(t.energy_wh, 0)::float8
                else greatest(coalesce(t.last_meter_wh - t.meter_start_wh, 0), 0)::float8 end as total_wh,
           case when t.started_at >= $1 then 0::float8
                else greatest(coalesce((select max(m.energy_wh) from meter_values m where m.transaction_id = t.id and m.ts < $1) - t.meter_start_wh::float8, 0), 0) end as before_wh
         from transactions t where t.status = 'active' or t.stopped_at >= $1
       )
       select coalesce(sum(greatest(total_wh - before_wh, 0)), 0)::float8 as wh,
         count(*) filter (where started_at >= $1)::int as started,
         count(*) filter (where status = 'active')::int as active,
         coalesce(sum(case when status = 'active' then
           (select m.power_w from meter_values m where m.transaction_id = tx.id and m.power_w is not null order by m.ts desc limit 1) end), 0)::float8 as power
       from tx`,
      [since],
    );
    const e = energy.rows[0]!;
    return {
      since: since.toISOString(), stations, activeSessions: e.active, energySinceWh: Number(e.wh ?? 0), sessionsSince: e.started, powerW: Number(e.power ?? 0),
    };
  });

  app.get('/dashboard/power', {
    config,
    schema: {
      tags, summary: 'Total power of the network over time: per bucket, the sum over EVSEs of their average reported active power',
      querystring: Type.Object({
        minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, default: 60, description: 'how far back' })),
        bucketSec: Type.Optional(Type.Integer({ minimum: 5, maximum: 3600, default: 60 })),
      }),
      response: { 200: Type.Object({ bucketSec: Type.Integer(), items: Type.Array(Type.Object({ at: DateTime, powerW: Type.Number() })) }) },
    },
  }, async (req) => {
    const minutes = req.query.minutes ?? 60;
    const bucket = req.query.bucketSec ?? 60;
    const from = new Date(Date.now() - minutes * 60_000);
    const rows = await db.query<{ bucket: Date | string; power: number }>(
      `select bucket, sum(avg_w)::float8 as power from (
         select to_timestamp(floor(extract(epoch from ts) / $2) * $2) as bucket, station_id, evse_id, avg(power_w) as avg_w
         from meter_values where ts >= $1 and power_w is not null group by 1, 2, 3
       ) per_evse group by bucket order by bucket`,
      [from, bucket],
    );
    return { bucketSec: bucket, items: rows.rows.map((r) => ({ at: iso(r.bucket)!, powerW: Number(r.power) })) };
  });

  app.get('/dashboard/stations', {
    config,
    schema: {
      tags, summary: 'Stations with their state and connector statuses, filterable by state, connection, OCPP version and text',
      querystring: Type.Object({
        ...Paging,
        q: Type.Optional(Type.String({ maxLength: 100, description: 'part of the id, vendor or model' })),
        state: Type.Optional(StationState),
        online: Type.Optional(Type.Boolean()),
        ocppVersion: Type.Optional(Type.String({ enum: ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'] })),
        registrationStatus: Type.Optional(Type.String({ enum: ['Accepted', 'Pending', 'Rejected'] })),
      }),
      response: { 200: List(ConsoleStation), 400: err },
    },
  }, async (req) => {
    const q = req.query;
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.q) where.push(`(s.id ilike $${params.push(`%${q.q}%`)} or s.vendor ilike $${params.length} or s.model ilike $${params.length})`);
    if (q.state) where.push(`(${STATE_SQL}) = $${params.push(q.state)}`);
    if (q.online !== undefined) where.push(`s.online = $${params.push(q.online)}`);
    if (q.ocppVersion) where.push(`s.ocpp_version = $${params.push(q.ocppVersion)}`);
    if (q.registrationStatus) where.push(`s.registration_status = $${params.push(q.registrationStatus)}`);
    const w = where.length ? `where ${where.join(' and ')}` : '';
    const total = await db.query<{ n: number }>(`select count(*)::int as n from stations s ${w}`, params);
    const rows = await db.query<Record<string, unknown>>(
      `select s.id, ${STATE_SQL} as state, s.online, s.registration_status, s.ocpp_version, s.vendor, s.model, s.firmware_version,
         greatest(s.last_heartbeat_at, s.connected_at, s.disconnected_at) as last_seen_at,
         (select count(*)::int from transactions t where t.station_id = s.id and t.status = 'active') as active_sessions
       from stations s ${w} order by s.id limit $${params.length + 1} offset $${params.length + 2}`,
      [...params, q.limit ?? 50, q.offset ?? 0],
    );
    const ids = rows.rows.map((r) => r.id as string);
    const connectors = ids.length
      ? await db.query<{ station_id: string; evse_id: number; connector_id: number; status: string | null }>(
        `select station_id, evse_id, connector_id, status from connectors where station_id = any($1::text[]) and evse_id > 0 order by station_id, evse_id, connector_id`,
        [ids],
      )
      : { rows: [] };
    const byStation = new Map<string, { evseId: number; connectorId: number; status: string | null }[]>();
    for (const c of connectors.rows) {
      const list = byStation.get(c.station_id) ?? [];
      list.push({ evseId: c.evse_id, connectorId: c.connector_id, status: c.status });
      byStation.set(c.station_id, list);
    }
    return {
      total: total.rows[0]!.n,
      items: rows.rows.map((r) => ({
        id: r.id as string,
        state: r.state as string,
        online: r.online as boolean,
        registrationStatus: r.registration_status as string,
        ocppVersion: (r.ocpp_version as string | null) ?? null,
        vendor: (r.vendor as string | null) ?? null,
        model: (r.model as string | null) ?? null,
        firmwareVersion: (r.firmware_version as string | null) ?? null,
        lastSeenAt: iso(r.last_seen_at),
        activeSessions: r.active_sessions as number,
        connectors: byStation.get(r.id as string) ?? [],
      })),
    };
  });
}
