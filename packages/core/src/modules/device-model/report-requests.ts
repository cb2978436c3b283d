import type { Queryable } from '@voltlane/db';
import { iso } from '../../rows.js';

/** The Notify* message that carries the answer to a request, in parts (requestId, seqNo, tbc). */
export type NotifyAction = 'NotifyReport' | 'NotifyMonitoringReport' | 'NotifyCustomerInformation';

/** Where a request stands: the charger refused it, it is waiting for parts, receiving them, or done. */
export type ReportStatus = 'Requested' | 'Accepted' | 'InProgress' | 'Complete' | 'Rejected' | 'NotSupported' | 'EmptyResultSet' | 'Invalid';

/** A tracked request, as the API shows it. */
export interface ReportRequest {
  requestId: number;
  kind: string | null;
  status: ReportStatus;
  responseStatus: string | null;
  request: Record<string, unknown> | null;
  parts: number;
  requestedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

type Row = Record<string, unknown>;

/** A row of `report_requests` to the API shape. */
export function toReportRequest(r: Row): ReportRequest {
  const response = (r.response_status as string | null) ?? null;
  const refused = response !== null && response !== 'Accepted';
  const status: ReportStatus = refused
    ? (response as ReportStatus)
    : r.complete ? 'Complete' : (r.parts as number) > 0 ? 'InProgress' : response === 'Accepted' ? 'Accepted' : 'Requested';
  return {
    requestId: r.request_id as number,
    kind: (r.kind as string | null) ?? null,
    status,
    responseStatus: response,
    request: (r.request as Record<string, unknown> | null) ?? null,
    parts: r.parts as number,
    requestedAt: iso(r.requested_at),
    startedAt: iso(r.started_at),
    completedAt: iso(r.completed_at),
  };
}

/**
 * Records the charger's reply to a request. The first part may already have arrived (the charger
 * sends it right after replying), so parts and completion are kept. A refused request, or one
 * answered without parts (`expectsParts: false`), is complete.
 */
export async function recordRequest(
  db: Queryable,
  stationId: string,
  notify: NotifyAction,
  r: { requestId: number; kind: string; request: unknown; responseStatus: string; expectsParts?: boolean },
): Promise<Row> {
  const done = r.responseStatus !== 'Accepted' || r.expectsParts === false;
  const res = await db.query(
    `insert into report_requests (station_id, notify_action, request_id, kind, request, response_status, complete, requested_at, completed_at)
     values ($1, $2, $3, $4, $5, $6, $7, now(), case when $7 then now() end)
     on conflict (station_id, notify_action, request_id) do update set kind = excluded.kind, request = excluded.request,
       response_status = excluded.response_status, requested_at = excluded.requested_at,
       complete = report_requests.complete or excluded.complete,
       completed_at = coalesce(report_requests.completed_at, excluded.completed_at)
     returning *`,
    [stationId, notify, r.requestId, r.kind, JSON.stringify(r.request), r.responseStatus, done],
  );
  return res.rows[0]!;
}

/**
 * Counts a received part. Part 0 (re)starts the request; a retried part is not counted twice.
 * @returns the request row after the update.
 */
export async function recordPart(
  db: Queryable,
  stationId: string,
  notify: NotifyAction,
  p: { requestId: number; seqNo: number; tbc: boolean; at: Date },
): Promise<Row> {
  const res = await db.query(
    `insert into report_requests (station_id, notify_action, request_id, parts, last_seq_no, complete, started_at, completed_at)
     values ($1, $2, $3, 1, $4, not $5, $6, case when $5 then null else $6::timestamptz end)
     on conflict (station_id, notify_action, request_id) do update set
       parts = case when excluded.last_seq_no = 0 then 1
                    when excluded.last_seq_no = report_requests.last_seq_no then report_requests.parts
                    else report_requests.parts + 1 end,
       started_at = case when excluded.last_seq_no = 0 or report_requests.started_at is null then excluded.started_at
                         else report_requests.started_at end,
       pruned = report_requests.pruned and excluded.last_seq_no <> 0,
       last_seq_no = excluded.last_seq_no, complete = excluded.complete, completed_at = excluded.completed_at
     returning *`,
    [stationId, notify, p.requestId, p.seqNo, p.tbc, p.at],
  );
  return res.rows[0]!;
}

/**
 * Claims the one-time replacement of older data by a complete full report.
 * @returns when the report started (older rows are stale), or undefined when already done or not complete.
 */
export async function claimPrune(db: Queryable, stationId: string, notify: NotifyAction, requestId: number): Promise<Date | undefined> {
  const r = await db.query<{ started_at: Date }>(
    `update report_requests set pruned = true
     where station_id = $1 and notify_action = $2 and request_id = $3 and complete and not pruned and started_at is not null
     returning started_at`,
    [stationId, notify, requestId],
  );
  return r.rows[0]?.started_at;
}

/** Tracked requests of one kind of Notify message, newest first. */
export async function listRequests(db: Queryable, stationId: string, notify: NotifyAction, limit: number): Promise<ReportRequest[]> {
  const r = await db.query(
    `select * from report_requests where station_id = $1 and notify_action = $2
     order by coalesce(requested_at, started_at) desc nulls last, request_id desc limit $3`,
    [stationId, notify, limit],
  );
  return r.rows.map(toReportRequest);
}

/** One tracked request, or undefined. */
export async function findRequest(db: Queryable, stationId: string, notify: NotifyAction, requestId: number): Promise<ReportRequest | undefined> {
  const r = await db.query('select * from report_requests where station_id = $1 and notify_action = $2 and request_id = $3', [
    stationId, notify, requestId,
  ]);
  return r.rows[0] ? toReportRequest(r.rows[0]) : undefined;
}
