import type { Queryable } from '@voltlane/db';
import { iso, num } from '../../rows.js';
import { componentVariableView, type ComponentVariableView } from '../device-model/component-variable.js';

type Row = Record<string, unknown>;

/** Component/variable columns of events and monitors: absent parts are null. */
export interface CvColumns {
  componentName: string;
  componentInstance: string | null;
  evseId: number | null;
  connectorId: number | null;
  variableName: string;
  variableInstance: string | null;
}

const CV_COLUMNS = 'component_name, component_instance, evse_id, connector_id, variable_name, variable_instance';
const CV_RECORD = `"componentName" text, "componentInstance" text, "evseId" integer, "connectorId" integer, "variableName" text, "variableInstance" text`;
const CV_SELECT = 'r."componentName", r."componentInstance", r."evseId", r."connectorId", r."variableName", r."variableInstance"';

/** The fields of one NotifyEvent entry. */
interface EventFields {
  eventId: number;
  timestamp: string;
  trigger: string;
  cause: number | null;
  actualValue: string;
  techCode: string | null;
  techInfo: string | null;
  cleared: boolean | null;
  transactionId: string | null;
  variableMonitoringId: number | null;
  eventNotificationType: string;
  severity: number | null;
}

/** An event a station notified (NotifyEvent), as the API shows it. */
export type DeviceEvent = ComponentVariableView & EventFields & { id: number; generatedAt: string; receivedAt: string };

/** What one NotifyEvent entry stores. */
export type EventRow = CvColumns & EventFields;

/** Stores the events of one NotifyEvent in one statement; a retried message adds nothing. */
export async function insertEvents(db: Queryable, stationId: string, events: EventRow[], generatedAt: string): Promise<number> {
  if (events.length === 0) return 0;
  const r = await db.query(
    `insert into device_events (station_id, event_id, ts, trigger, cause, actual_value, tech_code, tech_info, cleared, transaction_id,
       ${CV_COLUMNS}, variable_monitoring_id, event_notification_type, severity, generated_at)
     select $1, r."eventId", r."timestamp", r.trigger, r.cause, r."actualValue", r."techCode", r."techInfo", r.cleared, r."transactionId",
       ${CV_SELECT}, r."variableMonitoringId", r."eventNotificationType", r.severity, $3
     from jsonb_to_recordset($2::jsonb) as r("eventId" integer, "timestamp" timestamptz, trigger text, cause integer, "actualValue" text,
       "techCode" text, "techInfo" text, cleared boolean, "transactionId" text, ${CV_RECORD}, "variableMonitoringId" integer,
       "eventNotificationType" text, severity integer)
     on conflict (station_id, event_id, ts) do nothing`,
    [stationId, JSON.stringify(events), generatedAt],
  );
  return r.rowCount;
}

/** Filters of the event list. */
export interface EventFilter {
  component?: string | undefined;
  variable?: string | undefined;
  trigger?: string | undefined;
  since?: string | undefined;
}

/** Events, newest first. */
export async function listEvents(
  db: Queryable, stationId: string, f: EventFilter & { limit: number; offset: number },
): Promise<{ items: DeviceEvent[]; total: number }> {
  const params: unknown[] = [stationId];
  const w = ['station_id = $1'];
  if (f.component !== undefined) w.push(`component_name = $${params.push(f.component)}`);
  if (f.variable !== undefined) w.push(`variable_name = $${params.push(f.variable)}`);
  if (f.trigger !== undefined) w.push(`trigger = $${params.push(f.trigger)}`);
  if (f.since !== undefined) w.push(`ts >= $${params.push(f.since)}`);
  const total = await db.query<{ n: number }>(`select count(*)::int as n from device_events where ${w.join(' and ')}`, params);
  const rows = await db.query(
    `select * from device_events where ${w.join(' and ')} order by ts desc, id desc limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, f.limit, f.offset],
  );
  return { items: rows.rows.map(toEvent), total: total.rows[0]!.n };
}

function toEvent(r: Row): DeviceEvent {
  return {
    id: num(r.id)!,
    eventId: r.event_id as number,
    timestamp: iso(r.ts)!,
    trigger: r.trigger as string,
    cause: (r.cause as number | null) ?? null,
    actualValue: r.actual_value as string,
    techCode: (r.tech_code as string | null) ?? null,
    techInfo: (r.tech_info as string | null) ?? null,
    cleared: (r.cleared as boolean | null) ?? null,
    transactionId: (r.transaction_id as string | null) ?? null,
    ...componentVariableView(r),
    variableMonitoringId: (r.variable_monitoring_id as number | null) ?? null,
    eventNotificationType: r.event_notification_type as string,
    severity: (r.severity as number | null) ?? null,
    generatedAt: iso(r.generated_at)!,
    receivedAt: iso(r.received_at)!,
  };
}

/** A variable monitor, as the API shows it. */
export type Monitor = ComponentVariableView & {
  id: number;
  type: string;
  value: number;
  severity: number;
  transaction: boolean;
  eventNotificationType: string | null;
  /** report: listed by NotifyMonitoringReport; set: accepted in reply to SetVariableMonitoring. */
  source: string;
  updatedAt: string;
};

/** What one monitor stores. */
export interface MonitorRow extends CvColumns {
  id: number;
  type: string;
  value: number;
  severity: number;
  transaction: boolean;
  eventNotificationType: string | null;
}

/** Stores monitors (ids must be distinct) in one statement; a monitor id set again is replaced. */
export async function upsertMonitors(db: Queryable, stationId: string, monitors: MonitorRow[], source: 'report' | 'set', at: Date): Promise<void> {
  if (monitors.length === 0) return;
  await db.query(
    `insert into variable_monitors (station_id, monitor_id, ${CV_COLUMNS}, type, value, severity, transaction, event_notification_type,
       source, reported_at, updated_at)
     select $1, r.id, ${CV_SELECT}, r.type, r.value, r.severity, r.transaction, r."eventNotificationType",
       $3, case when $3 = 'report' then $4::timestamptz end, $4
     from jsonb_to_recordset($2::jsonb) as r(id integer, ${CV_RECORD}, type text, value double precision, severity integer,
       transaction boolean, "eventNotificationType" text)
     on conflict (station_id, monitor_id) do update set component_name = excluded.component_name,
       component_instance = excluded.component_instance, evse_id = excluded.evse_id, connector_id = excluded.connector_id,
       variable_name = excluded.variable_name, variable_instance = excluded.variable_instance, type = excluded.type,
       value = excluded.value, severity = excluded.severity, transaction = excluded.transaction,
       event_notification_type = excluded.event_notification_type, source = excluded.source,
       reported_at = coalesce(excluded.reported_at, variable_monitors.reported_at), updated_at = excluded.updated_at`,
    [stationId, JSON.stringify(monitors), source, at],
  );
}

/** Removes monitors by id (cleared by ClearVariableMonitoring). */
export async function deleteMonitors(db: Queryable, stationId: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query('delete from variable_monitors where station_id = $1 and monitor_id = any($2::int[])', [stationId, ids]);
}

/** Removes the monitors the CSMS set (custom monitors), e.g. after SetMonitoringBase HardWiredOnly. */
export async function deleteSetMonitors(db: Queryable, stationId: string): Promise<void> {
  await db.query(`delete from variable_monitors where station_id = $1 and source = 'set'`, [stationId]);
}

/** Removes monitors not touched since a complete monitoring report of the whole station started. */
export async function deleteMonitorsNotSeenSince(db: Queryable, stationId: string, since: Date): Promise<number> {
  return (await db.query('delete from variable_monitors where station_id = $1 and updated_at < $2', [stationId, since])).rowCount;
}

/** A station's monitors in id order. */
export async function listMonitors(db: Queryable, stationId: string, f: { component?: string | undefined; variable?: string | undefined }): Promise<Monitor[]> {
  const params: unknown[] = [stationId];
  const w = ['station_id = $1'];
  if (f.component !== undefined) w.push(`component_name = $${params.push(f.component)}`);
  if (f.variable !== undefined) w.push(`variable_name = $${params.push(f.variable)}`);
  const r = await db.query(`select * from variable_monitors where ${w.join(' and ')} order by monitor_id`, params);
  return r.rows.map((x) => ({
    id: x.monitor_id as number,
    ...componentVariableView(x),
    type: x.type as string,
    value: x.value as number,
    severity: x.severity as number,
    transaction: x.transaction as boolean,
    eventNotificationType: (x.event_notification_type as string | null) ?? null,
    source: x.source as string,
    updatedAt: iso(x.updated_at)!,
  }));
}

/** The monitoring base and level a station accepted last (null until one was set through Voltlane). */
export interface MonitoringSettings {
  monitoringBase: string | null;
  monitoringLevel: number | null;
}

/** Stores the accepted monitoring base and/or level, keeping the other. */
export async function saveSettings(db: Queryable, stationId: string, s: { monitoringBase?: string; monitoringLevel?: number }): Promise<void> {
  await db.query(
    `insert into monitoring_settings (station_id, monitoring_base, monitoring_level) values ($1, $2, $3)
     on conflict (station_id) do update set monitoring_base = coalesce(excluded.monitoring_base, monitoring_settings.monitoring_base),
       monitoring_level = coalesce(excluded.monitoring_level, monitoring_settings.monitoring_level), updated_at = now()`,
    [stationId, s.monitoringBase ?? null, s.monitoringLevel ?? null],
  );
}

/** The stored monitoring base and level (nulls when none was set). */
export async function getSettings(db: Queryable, stationId: string): Promise<MonitoringSettings> {
  const r = await db.query('select monitoring_base, monitoring_level from monitoring_settings where station_id = $1', [stationId]);
  return { monitoringBase: (r.rows[0]?.monitoring_base as string | undefined) ?? null, monitoringLevel: (r.rows[0]?.monitoring_level as number | undefined) ?? null };
}

/** Stores one NotifyCustomerInformation chunk; part 0 starts the request's data afresh. */
export async function putCustomerPart(
  db: Queryable, stationId: string, p: { requestId: number; seqNo: number; data: string; generatedAt: string },
): Promise<void> {
  if (p.seqNo === 0) await db.query('delete from customer_information_parts where station_id = $1 and request_id = $2', [stationId, p.requestId]);
  await db.query(
    `insert into customer_information_parts (station_id, request_id, seq_no, data, generated_at) values ($1, $2, $3, $4, $5)
     on conflict (station_id, request_id, seq_no) do update set data = excluded.data, generated_at = excluded.generated_at, received_at = now()`,
    [stationId, p.requestId, p.seqNo, p.data, p.generatedAt],
  );
}

/** One NotifyCustomerInformation chunk. */
export interface CustomerPart {
  seqNo: number;
  data: string;
  generatedAt: string;
  receivedAt: string;
}

/** The customer information chunks of one request, in seqNo order. */
export async function customerParts(db: Queryable, stationId: string, requestId: number): Promise<CustomerPart[]> {
  const r = await db.query('select * from customer_information_parts where station_id = $1 and request_id = $2 order by seq_no', [
    stationId, requestId,
  ]);
  return r.rows.map((x) => ({ seqNo: x.seq_no as number, data: x.data as string, generatedAt: iso(x.generated_at)!, receivedAt: iso(x.received_at)! }));
}
