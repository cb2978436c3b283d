import { randomBytes } from 'node:crypto';
import { migrate } from './migrate.js';
import { openPostgres } from './postgres.js';
import type { Db } from './types.js';

/** A database to run a test suite against; `open` returns a fresh, migrated one. */
export interface TestDatabase {
  name: 'pglite' | 'postgres';
  open(): Promise<{ db: Db; cleanup(): Promise<void> }>;
}

/**
 * The databases tests should run against: always an in-memory PGlite and, when
 * `TEST_DATABASE_URL` is set, PostgreSQL in a fresh `t_<random>` schema that cleanup drops.
 * @example
 * for (const t of testDatabases()) describe(t.name, () => {
 *   let db: Db, cleanup: () => Promise<void>;
 *   before(async () => ({ db, cleanup } = await t.open()));
 *   after(() => cleanup());
 * });
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [
    {
      name: 'pglite',
      async open() {
        const { openPglite } = await import('./pglite.js');
        const db = await openPglite();
        await migrate(db);
        return { db, cleanup: () => db.close() };
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    list.push({
      name: 'postgres',
      async open() {
        const schema = `t_${randomBytes(6).toString('hex')}`;
        const db = await openPostgres({ url, schema, poolSize: 4 });
        await migrate(db);
        const cleanup = async () => {
          try {
            await db.query(`drop schema "${schema}" cascade`);
          } finally {
            await db.close();
          }
        };
        return { db, cleanup };
      },
    });
  }
  return list;
}
