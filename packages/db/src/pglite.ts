import { mkdir } from 'node:fs/promises';
import { PGlite, types as pgliteTypes, type ParserOptions, type Results } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { copyStatement, inlineParams, keyColumn } from './copy.js';
import { Mutex } from './mutex.js';
import { identity, OID, parseInt8 } from './parsers.js';
import type { CopyOutOptions, Db, QueryResult, ScriptRunner } from './types.js';

function toResult<T>(res: Results<T>): QueryResult<T> {
  // rowCount is the command tag count (SELECT/UPDATE/...); DDL has none.
  return { rows: res.rows, rowCount: res.rowCount ?? res.affectedRows ?? res.rows.length };
}

function runner(target: Pick<PGlite, 'query' | 'exec'>): ScriptRunner {
  return {
    query: async <T>(sql: string, params?: unknown[]) => toResult(await target.query<T>(sql, params)),
    exec: async (script: string) => {
      await target.exec(script);
    },
  };
}

/**
 * PostgreSQL's default 128 MB of shared buffers live inside PGlite's WASM heap, i.e. in our
 * process: a smaller cache keeps the all-in-one server's memory modest (the OS page cache still
 * holds the data files).
 */
const PGLITE_CONF = ['shared_buffers=32MB', 'wal_buffers=2MB', 'work_mem=4MB', 'maintenance_work_mem=32MB'];

/** PGlite parsers; its array parsers look up these element parsers, so arrays follow. */
function pgliteParsers(): ParserOptions {
  const bytea = pgliteTypes.parsers[OID.BYTEA]!;
  return {
    [OID.INT8]: parseInt8,
    [OID.DATE]: identity,
    [OID.INTERVAL]: identity,
    [OID.BYTEA]: (text: string) => {
      const u8 = bytea(text) as Uint8Array;
      return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
    },
  };
}

/**
 * Opens the embedded PGlite database in `dataDir` (created if missing), or in memory when
 * `dataDir` is undefined or `'memory://'`. Start-up takes a second or two (WASM).
 * @example const db = await openPglite('./data/pg');
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  const inMemory = dataDir === undefined || dataDir === 'memory://';
  if (!inMemory) await mkdir(dataDir, { recursive: true });
  // pg_trgm (trigram search) ships with PGlite; a migration creates the extension.
  const pg = await PGlite.create(inMemory ? undefined : dataDir, { parsers: pgliteParsers(), postgresqlconf: PGLITE_CONF, extensions: { pg_trgm } });
  // PGlite is one connection. Everything goes through one mutex so a statement never lands in
  // somebody else's open transaction. (PGlite 0.5 also serialises internally; we don't rely on it.)
  const mutex = new Mutex();
  const direct = runner(pg);
  return {
    kind: 'pglite',
    query: <T>(sql: string, params?: unknown[]) => mutex.run(() => direct.query<T>(sql, params)),
    exec: (script) => mutex.run(() => direct.exec(script)),
    transaction: (fn) => mutex.run(() => pg.transaction((tx) => fn(runner(tx)))),
    copyOut: (sql, params, opts) => copyOutBatches(pg, mutex, sql, params, opts),
    close: () => mutex.run(() => pg.close()),
  };
}

/**
 * PGlite's COPY writes to an in-memory blob, so a large result is copied in keyset-paginated
 * batches: the key of the batch's last row is looked up first, then `key > last and key <= that`
 * is copied. Each statement takes the mutex on its own, so the server keeps working in between.
 */
async function* copyOutBatches(pg: PGlite, mutex: Mutex, sql: string, params: unknown[], opts: CopyOutOptions): AsyncGenerator<Buffer> {
  const key = keyColumn(opts.key);
  const batch = Math.max(1, Math.floor(opts.batchRows ?? 5000));
  const inner = inlineParams(sql, params);
  let last: string | null = null;
  let header = opts.header ?? false;
  for (;;) {
    const after: string = last === null ? 'true' : `q.${key} > $${params.length + 1}`;
    const bound = await mutex.run(() =>
      pg.query<{ k: string }>(`select q.${key}::text as k from (${sql}) q where ${after} order by q.${key} offset ${batch - 1} limit 1`, last === null ? params : [...params, last]),
    );
    const upper = bound.rows[0]?.k ?? null;
    const where = [last === null ? 'true' : `q.${key} > ${inlineParams('$1', [last])}`, upper === null ? 'true' : `q.${key} <= ${inlineParams('$1', [upper])}`].join(' and ');
    const select = `select * from (${inner}) q where ${where} order by q.${key}`;
    const res = await mutex.run(() => pg.query(copyStatement(select, `'/dev/blob'`, header)));
    if (res.blob && res.blob.size > 0) yield Buffer.from(await res.blob.arrayBuffer());
    if (upper === null) return;
    last = upper;
    header = false;
  }
}
