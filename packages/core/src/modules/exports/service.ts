import { createReadStream, createWriteStream, type ReadStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { page } from '../../rows.js';
import { CsvParser, CsvRecordCounter } from './csv.js';
import { exportQuery, type ColumnType, type ExportFilter, type ExportFormat, type ExportKind } from './definitions.js';
import { exportRepo, type ExportJob } from './repository.js';
import { loadExcel, XlsxRecordWriter } from './xlsx.js';

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
/** Excel reads a CSV as UTF-8 only when it starts with the byte order mark. */
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
/** How often a running job writes its progress (and proves it is alive). */
const PROGRESS_EVERY_MS = 1000;
/** XLSX rows written between two turns of the event loop, so OCPP traffic is not held up. */
const XLSX_SLICE = 500;

/** What POST /exports asks for. */
export interface ExportRequest {
  kind: ExportKind;
  format: ExportFormat;
  filter?: ExportFilter;
}

/** A finished export file to stream to the client. */
export interface ExportFile {
  stream: ReadStream;
  size: number;
  contentType: string;
  fileName: string;
}

/** A time of the filter as a Date; a bad one is a 400 naming the field. */
function parseTime(field: string, value: string): Date {
  const d = new Date(DATE.test(value) ? `${value}T00:00:00Z` : value);
  const shapeOk = DATE.test(value) || DATE_TIME.test(value);
  // new Date('2026-02-31') rolls over to March: the round trip catches impossible dates.
  const dayOk = shapeOk && !Number.isNaN(d.getTime()) && (!DATE.test(value) || d.toISOString().startsWith(value));
  if (!dayOk) {
    throw new AppError('VALIDATION_FAILED', `${field} "${value}" is not a date: use ISO 8601, e.g. 2026-01-31 or 2026-01-31T00:00:00Z`, { field });
  }
  return d;
}

/** The filter with its times normalised to ISO 8601 UTC. */
function normaliseFilter(f: ExportFilter = {}): ExportFilter {
  const out: ExportFilter = {};
  if (f.from !== undefined) out.from = parseTime('body.filter.from', f.from).toISOString();
  if (f.to !== undefined) out.to = parseTime('body.filter.to', f.to).toISOString();
  if (f.stationId !== undefined) out.stationId = f.stationId;
  if (f.userId !== undefined) out.userId = f.userId;
  if (f.partner !== undefined) out.partner = f.partner;
  return out;
}

/**
 * Exports of sessions, CDRs and meter values as CSV or XLSX, run as background jobs with
 * progress. Jobs live in the `exports` table, files in `config.exportDir` (shared by cluster API
 * nodes). Each process runs one job at a time; a queued job is taken by whichever node is free.
 * @example const job = await core.exports.create({ kind: 'sessions', format: 'csv', filter: { stationId: 'CP1' } }, null);
 */
export class ExportService {
  #running: { id: number; abort: AbortController } | null = null;
  #pumping = false;
  #stopped = false;

  constructor(private readonly ctx: CoreContext) {}

  get #dir(): string {
    return this.ctx.config.exportDir;
  }

  #path(job: Pick<ExportJob, 'id' | 'format'>): string {
    return join(this.#dir, `${job.id}.${job.format}`);
  }

  /** Queues an export and starts it when this node is free. */
  async create(req: ExportRequest, createdBy: number | null): Promise<ExportJob> {
    const filter = normaliseFilter(req.filter);
    if (req.kind === 'cdrs') {
      const { rows } = await this.ctx.db.query<{ t: string | null }>(`select to_regclass('cdrs')::text as t`);
      if (!rows[0]?.t) throw new AppError('VALIDATION_FAILED', 'body.kind "cdrs": this server has no CDRs yet (billing is not installed)', { field: 'body.kind' });
    }
    const job = await exportRepo.insert(this.ctx.db, { kind: req.kind, format: req.format, filter, createdBy });
    this.ctx.log.info({ exportId: job.id, kind: job.kind, format: job.format, filter }, 'export queued');
    this.#pump();
    return job;
  }

  /** Export jobs, newest first. Also notices jobs of stopped nodes and picks up queued ones. */
  async list(q: { limit?: number; offset?: number }): Promise<{ items: ExportJob[]; total: number }> {
    await this.#housekeeping();
    return exportRepo.list(this.ctx.db, page(q));
  }

  /** One export job. */
  async get(id: number): Promise<ExportJob> {
    await this.#housekeeping();
    const job = await exportRepo.get(this.ctx.db, id);
    if (!job) throw new AppError('EXPORT_NOT_FOUND', `Export ${id} does not exist: list exports with GET /api/v1/exports`);
    return job;
  }

  /** The finished file of a job; 409 while it is still queued or running, or when it failed. */
  async file(id: number): Promise<ExportFile> {
    const job = await this.get(id);
    if (job.status !== 'done') {
      const why = job.status === 'failed' ? `failed (${job.error}); start a new export` : `is ${job.status}: download it once GET /api/v1/exports/${id} says done`;
      throw new AppError('EXPORT_NOT_READY', `Export ${id} ${why}`);
    }
    const path = this.#path(job);
    const size = await stat(path).then((s) => s.size, () => null);
    if (size === null) {
      throw new AppError('FILE_NOT_FOUND', `The file of export ${id} is missing from ${this.#dir} (cluster API nodes need one shared export directory): start the export again`);
    }
    const stamp = job.createdAt.slice(0, 10);
    return { stream: createReadStream(path), size, contentType: CONTENT_TYPES[job.format], fileName: `voltlane-${job.kind}-${stamp}-${job.id}.${job.format}` };
  }

  /** Deletes a job and its file; a running job is cancelled. */
  async remove(id: number): Promise<void> {
    const job = await exportRepo.remove(this.ctx.db, id);
    if (!job) throw new AppError('EXPORT_NOT_FOUND', `Export ${id} does not exist: list exports with GET /api/v1/exports`);
    if (this.#running?.id === id) this.#running.abort.abort(new Error('deleted'));
    await rm(this.#path(job), { force: true });
    this.ctx.log.info({ exportId: id }, 'export deleted');
  }

  /** Resumes queued jobs (all-in-one start). */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#housekeeping();
  }

  /** Stops taking jobs; a running one goes back to the queue for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const running = this.#running;
    if (running) {
      running.abort.abort(new Error('shutdown'));
      while (this.#pumping) await new Promise((r) => setTimeout(r, 10));
    }
  }

  async #housekeeping(): Promise<void> {
    const n = await exportRepo.failStale(this.ctx.db);
    if (n) this.ctx.log.warn({ jobs: n }, 'export jobs of a stopped server marked failed');
    this.#pump();
  }

  /** Runs queued jobs one after another until none is left. */
  #pump(): void {
    if (this.#pumping || this.#stopped) return;
    this.#pumping = true;
    void (async () => {
      try {
        while (!this.#stopped) {
          const job = await exportRepo.claim(this.ctx.db);
          if (!job) break;
          await this.#run(job);
        }
      } catch (err) {
        this.ctx.log.error({ err }, 'export queue failed');
      } finally {
        this.#pumping = false;
      }
    })();
  }

  async #run(job: ExportJob): Promise<void> {
    const abort = new AbortController();
    this.#running = { id: job.id, abort };
    const { db, log } = this.ctx;
    const started = performance.now();
    const query = exportQuery(job.kind, job.filter);
    let rows = 0;
    let total: number | null = null;
    // Counting runs beside the copy (its own connection on PostgreSQL); progress shows once it is known.
    const counting = db
      .query<{ count: number }>(query.countSql, query.params)
      .then((r) => (total = Number(r.rows[0]!.count)))
      .catch((err: Error) => log.warn({ exportId: job.id, err: err.message }, 'export row count failed: no progress shown'));
    const timer = setInterval(() => {
      exportRepo.progress(db, job.id, rows, total).catch((err: Error) => log.warn({ exportId: job.id, err: err.message }, 'export progress not saved'));
    }, PROGRESS_EVERY_MS);
    const part = `${this.#path(job)}.part`;
    try {
      await mkdir(this.#dir, { recursive: true });
      const source = db.copyOut(query.sql, query.params, { key: query.key, header: true });
      const out = createWriteStream(part);
      if (job.format === 'csv') {
        const counter = new CsvRecordCounter();
        await pipeline(
          async function* () {
            yield UTF8_BOM;
            for await (const chunk of source) {
              counter.push(chunk);
              rows = Math.max(counter.records - 1, 0);
              yield chunk;
            }
          },
          out,
          { signal: abort.signal },
        );
        rows = Math.max(counter.records - 1, 0);
      } else {
        rows = await this.#writeXlsx(job, source, out, query.columns, abort.signal, (n) => (rows = n));
      }
      await counting;
      await rename(part, this.#path(job));
      const { size } = await stat(this.#path(job));
      await exportRepo.done(db, job.id, rows, size);
      log.info({ exportId: job.id, rows, bytes: size, ms: Math.round(performance.now() - started) }, 'export done');
    } catch (err) {
      await rm(part, { force: true });
      const reason = abort.signal.aborted ? (abort.signal.reason as Error).message : null;
      if (reason === 'shutdown') {
        await exportRepo.requeue(db, job.id);
        log.info({ exportId: job.id }, 'export interrupted by shutdown: queued again');
      } else if (reason !== 'deleted') {
        log.error({ exportId: job.id, err }, 'export failed');
        await exportRepo.failed(db, job.id, `${(err as Error).message}; see the server log`);
      }
    } finally {
      clearInterval(timer);
      await counting;
      this.#running = null;
    }
  }

  /** CSV from the database, parsed and written as XLSX rows; returns the number of data rows. */
  async #writeXlsx(
    job: ExportJob, source: AsyncIterable<Buffer>, out: WriteStream, columns: Record<string, ColumnType>, signal: AbortSignal, onRows: (n: number) => void,
  ): Promise<number> {
    await loadExcel();
    const parser = new CsvParser();
    let writer: XlsxRecordWriter | null = null;
    let rows = 0;
    const closed = once(out, 'close');
    closed.catch(() => undefined);
    try {
      for await (const chunk of source) {
        const records = parser.push(chunk);
        for (let i = 0; i < records.length; i++) {
          const rec = records[i]!;
          if (!writer) {
            writer = new XlsxRecordWriter(out, job.kind, rec.map((h) => h ?? ''), columns, this.ctx.config.exportRowsPerSheet);
            continue;
          }
          writer.add(rec);
          onRows(++rows);
          if (rows % XLSX_SLICE === 0) {
            signal.throwIfAborted();
            await yieldToLoop();
            await writer.backpressure(signal);
          }
        }
      }
      parser.end();
      signal.throwIfAborted();
      if (!writer) throw new Error('the database sent no header row');
      await writer.finish();
      await closed;
      return rows;
    } catch (err) {
      out.destroy();
      throw err;
    }
  }
}
