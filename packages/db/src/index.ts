/**
 * @voltlane/db: one interface over the embedded PGlite database (default) and a PostgreSQL
 * server, plus the SQL migration runner.
 * @example
 * const db = await openDb({ url: process.env.DATABASE_URL, dataDir: './data/pg' });
 * await migrate(db, console.log);
 * await db.transaction(async (tx) => tx.query('update stations set online = $1 where id = $2', [true, 'CP1']));
 */
export type { CopyOutOptions, Db, OpenDbOptions, QueryResult, Queryable, ScriptRunner } from './types.js';
export { openDb } from './open.js';
export { migrate, migrationsDir } from './migrate.js';
export { testDatabases, type TestDatabase } from './testing.js';
export { inlineParams } from './copy.js';
