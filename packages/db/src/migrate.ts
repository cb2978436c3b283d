import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db, Queryable } from './types.js';

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** The directory holding this package's `NNNN_name.sql` migrations. */
export function migrationsDir(): string {
  return fileURLToPath(new URL('../migrations/', import.meta.url));
}

/** Migration versions (file names without `.sql`) in `dir`, in apply order. */
export async function listMigrations(dir: string): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Map<string, string>();
  for (const file of files) {
    const prefix = FILE_NAME.exec(file)?.[1];
    if (!prefix) throw new Error(`Migration ${file} in ${dir}: name it NNNN_lower_snake.sql`);
    const other = seen.get(prefix);
    if (other) throw new Error(`Migrations ${other} and ${file} share number ${prefix}: renumber one`);
    seen.set(prefix, file);
  }
  return files.map((f) => f.slice(0, -'.sql'.length));
}

/**
 * On PostgreSQL, serialises migrators on the same database and schema until the transaction ends
 * (two processes starting at once). PGlite has one connection and the Db mutex already serialises.
 */
async function lock(db: Db, tx: Queryable): Promise<void> {
  if (db.kind === 'postgres') {
    await tx.query(`select pg_advisory_xact_lock(hashtext('voltlane.migrate'), hashtext(current_schema()))`);
  }
}

/**
 * Applies pending migrations from `dir` (default {@link migrationsDir}) in order, each in its own
 * transaction, and records them in `schema_migrations`. Safe to run concurrently.
 * @example const { applied } = await migrate(db, console.log);
 */
export async function migrate(db: Db, log: (msg: string) => void = () => {}, dir = migrationsDir()): Promise<{ applied: string[] }> {
  const versions = await listMigrations(dir);
  await db.transaction(async (tx) => {
    await lock(db, tx);
    await tx.query('create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())');
  });
  const done = new Set((await db.query<{ version: string }>('select version from schema_migrations')).rows.map((r) => r.version));
  const applied: string[] = [];
  for (const version of versions.filter((v) => !done.has(v))) {
    const sql = await readFile(join(dir, `${version}.sql`), 'utf8');
    const ran = await db.transaction(async (tx) => {
      await lock(db, tx);
      // Re-check under the lock: another process may have applied it since we looked.
      const { rowCount } = await tx.query('select 1 from schema_migrations where version = $1', [version]);
      if (rowCount > 0) return false;
      const started = performance.now();
      await tx.exec(sql).catch((err: Error) => {
        throw new Error(`Migration ${version}.sql failed, nothing of it was applied: ${err.message}`, { cause: err });
      });
      await tx.query('insert into schema_migrations (version, applied_at) values ($1, now())', [version]);
      log(`migration ${version} applied in ${Math.round(performance.now() - started)} ms`);
      return true;
    });
    if (ran) applied.push(version);
  }
  return { applied };
}
