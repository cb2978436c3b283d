import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMigrations, migrate, migrationsDir } from './migrate.js';
import { openDb } from './open.js';
import { testDatabases } from './testing.js';
import type { Db } from './types.js';

/** A temporary migrations directory holding `files`. */
async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'voltlane-migrations-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return dir;
}

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const tempDir = async (files: Record<string, string>) => {
  const dir = await dirWith(files);
  dirs.push(dir);
  return dir;
};

describe('listMigrations', () => {
  it('lists the package migrations in order, starting with 0001_init', async () => {
    const versions = await listMigrations(migrationsDir());
    assert.equal(versions[0], '0001_init');
    assert.deepEqual(versions, [...versions].sort());
  });

  it('rejects badly named and duplicate-numbered files', async () => {
    await assert.rejects(listMigrations(await tempDir({ 'init.sql': '' })), /name it NNNN_lower_snake\.sql/);
    await assert.rejects(listMigrations(await tempDir({ '0001_a.sql': '', '0001_b.sql': '' })), /share number 0001/);
  });
});

for (const target of testDatabases()) {
  describe(`migrate on ${target.name}`, () => {
    let db: Db;
    let cleanup: () => Promise<void>;
    before(async () => ({ db, cleanup } = await target.open()));
    after(() => cleanup());

    it('applies pending files in order, once, and logs each', async () => {
      const dir = await tempDir({
        '9002_fill.sql': `insert into m_a values (1); insert into m_a values (2);`,
        '9001_create.sql': `create table m_a (x int primary key);`,
      });
      const log: string[] = [];
      assert.deepEqual(await migrate(db, (m) => log.push(m), dir), { applied: ['9001_create', '9002_fill'] });
      assert.equal(log.length, 2);
      assert.match(log[0]!, /9001_create applied/);
      assert.deepEqual(await migrate(db, undefined, dir), { applied: [] });
      assert.equal((await db.query('select x from m_a')).rowCount, 2);
    });

    it('rolls back a failing migration entirely and names the file', async () => {
      const dir = await tempDir({ '9101_bad.sql': `create table m_bad (x int); select no_such_function();` });
      await assert.rejects(migrate(db, undefined, dir), /Migration 9101_bad\.sql failed.*no_such_function/);
      const { rows } = await db.query(`select to_regclass('m_bad') as t, (select count(*) from schema_migrations where version = '9101_bad') as n`);
      assert.deepEqual(rows, [{ t: null, n: 0 }]);
    });

    it('is safe when two migrators run at once', async () => {
      const files: Record<string, string> = {};
      for (let i = 1; i <= 5; i++) files[`920${i}_step.sql`] = `create table m_step_${i} (x int);`;
      const dir = await tempDir(files);
      // On PostgreSQL the second migrator is a separate pool (as a second process would be).
      let other = db;
      if (db.kind === 'postgres') {
        const { rows } = await db.query<{ s: string }>('select current_schema() as s');
        other = await openDb({ url: process.env.TEST_DATABASE_URL, schema: rows[0]!.s });
      }
      try {
        const [a, b] = await Promise.all([migrate(db, undefined, dir), migrate(other, undefined, dir)]);
        assert.deepEqual([...a.applied, ...b.applied].sort(), Object.keys(files).map((f) => f.slice(0, -4)));
      } finally {
        if (other !== db) await other.close();
      }
    });
  });
}
