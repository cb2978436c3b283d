import { openPostgres } from './postgres.js';
import type { Db, OpenDbOptions } from './types.js';

/**
 * Opens the database: PostgreSQL when `url` is given, else the embedded PGlite in `dataDir`.
 * @example
 * const db = await openDb({ dataDir: './data/pg' });           // embedded
 * const db = await openDb({ url: process.env.DATABASE_URL });  // server
 */
export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.url) return openPostgres({ ...opts, url: opts.url });
  // Loaded only for the embedded database: PGlite costs ~45 MB of memory in a process that doesn't use it.
  const { openPglite } = await import('./pglite.js');
  return openPglite(opts.dataDir);
}
