import type { Queryable } from '@voltlane/db';
import { iso, num } from '../../rows.js';
import type { ExportFilter, ExportFormat, ExportKind } from './definitions.js';

export type ExportStatus = 'queued' | 'running' | 'done' | 'failed';

/** An export job as the API shows it. */
export interface ExportJob {
  id: number;
  kind: ExportKind;
  format: ExportFormat;
  filter: ExportFilter;
  status: ExportStatus;
  /** Rows written so far (all of them once done). */
  rows: number;
  /** Rows the filter selects, once counted. */
  totalRows: number | null;
  /** 0..1; 1 when done. */
  progress: number;
  error: string | null;
  sizeBytes: number | null;
  createdBy: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** An `exports` row as the API shows it. */
export function toExportJob(r: Record<string, unknown>): ExportJob {
  const rows = num(r.rows) ?? 0;
  const total = num(r.total_rows);
  const status = r.status as ExportStatus;
  return {
    id: num(r.id)!,
    kind: r.kind as ExportKind,
    format: r.format as ExportFormat,
    filter: (r.filter ?? {}) as ExportFilter,
    status,
    rows,
    totalRows: total,
    progress: status === 'done' ? 1 : total ? Math.min(rows / total, 0.99) : 0,
    error: (r.error as string) ?? null,
    sizeBytes: num(r.size_bytes),
    createdBy: num(r.created_by),
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
  };
}

/** A running job whose node has not touched it for this long was interrupted. */
export const STALE_AFTER_SEC = 120;

/** Storage of export jobs (table `exports`, migration 0012). */
export const exportRepo = {
  async insert(db: Queryable, j: { kind: ExportKind; format: ExportFormat; filter: ExportFilter; createdBy: number | null }): Promise<ExportJob> {
    const r = await db.query(`insert into exports (kind, format, filter, created_by) values ($1, $2, $3::jsonb, $4) returning *`, [
      j.kind, j.format, JSON.stringify(j.filter), j.createdBy,
    ]);
    return toExportJob(r.rows[0]!);
  },

  async get(db: Queryable, id: number): Promise<ExportJob | null> {
    const r = await db.query('select * from exports where id = $1', [id]);
    return r.rows[0] ? toExportJob(r.rows[0]) : null;
  },

  async list(db: Queryable, p: { limit: number; offset: number }): Promise<{ items: ExportJob[]; total: number }> {
    const r = await db.query('select *, count(*) over () as total_count from exports order by id desc limit $1 offset $2', [p.limit, p.offset]);
    const total = r.rows[0] ? num(r.rows[0].total_count)! : num((await db.query('select count(*) as n from exports')).rows[0]!.n)!;
    return { items: r.rows.map(toExportJob), total };
  },

  /** Takes the oldest queued job for this node; another node never gets the same one. */
  async claim(db: Queryable): Promise<ExportJob | null> {
    const r = await db.query(`update exports set status = 'running', started_at = now(), heartbeat_at = now(), rows = 0, total_rows = null
      where id = (select id from exports where status = 'queued' order by id limit 1 for update skip locked) returning *`);
    return r.rows[0] ? toExportJob(r.rows[0]) : null;
  },

  async progress(db: Queryable, id: number, rows: number, total: number | null): Promise<void> {
    await db.query(`update exports set rows = $2, total_rows = coalesce($3, total_rows), heartbeat_at = now() where id = $1 and status = 'running'`, [id, rows, total]);
  },

  async done(db: Queryable, id: number, rows: number, sizeBytes: number): Promise<void> {
    await db.query(`update exports set status = 'done', rows = $2, total_rows = $2, size_bytes = $3, finished_at = now() where id = $1`, [id, rows, sizeBytes]);
  },

  async failed(db: Queryable, id: number, error: string): Promise<void> {
    await db.query(`update exports set status = 'failed', error = $2, finished_at = now() where id = $1`, [id, error]);
  },

  /** Back in the queue (this node is shutting down): the next node to start runs it again. */
  async requeue(db: Queryable, id: number): Promise<void> {
    await db.query(`update exports set status = 'queued', rows = 0, total_rows = null, started_at = null, heartbeat_at = null where id = $1 and status = 'running'`, [id]);
  },

  /** Marks jobs of nodes that stopped without saying so (crash, kill) as failed. */
  async failStale(db: Queryable): Promise<number> {
    const r = await db.query(`update exports set status = 'failed', finished_at = now(),
        error = 'Interrupted: the server running it stopped. Start the export again.'
      where status = 'running' and heartbeat_at < now() - make_interval(secs => $1)`, [STALE_AFTER_SEC]);
    return r.rowCount;
  },

  async remove(db: Queryable, id: number): Promise<ExportJob | null> {
    const r = await db.query('delete from exports where id = $1 returning *', [id]);
    return r.rows[0] ? toExportJob(r.rows[0]) : null;
  },
};
