import { mkdir } from 'node:fs/promises';
import { PGlite, type Results } from '@electric-sql/pglite';
import { Mutex } from './mutex.js';
import { pgliteParsers } from './parsers.js';
import type { Db, QueryResult, ScriptRunner } from './types.js';

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

/**
 * Opens the embedded PGlite database in `dataDir` (created if missing), or in memory when
 * `dataDir` is undefined or `'memory://'`. Start-up takes a second or two (WASM).
 * @example const db = await openPglite('./data/pg');
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  const inMemory = dataDir === undefined || dataDir === 'memory://';
  if (!inMemory) await mkdir(dataDir, { recursive: true });
  const pg = await PGlite.create(inMemory ? undefined : dataDir, { parsers: pgliteParsers(), postgresqlconf: PGLITE_CONF });
  // PGlite is one connection. Everything goes through one mutex so a statement never lands in
  // somebody else's open transaction. (PGlite 0.5 also serialises internally; we don't rely on it.)
  const mutex = new Mutex();
  const direct = runner(pg);
  return {
    kind: 'pglite',
    query: <T>(sql: string, params?: unknown[]) => mutex.run(() => direct.query<T>(sql, params)),
    exec: (script) => mutex.run(() => direct.exec(script)),
    transaction: (fn) => mutex.run(() => pg.transaction((tx) => fn(runner(tx)))),
    close: () => mutex.run(() => pg.close()),
  };
}
