import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMigrations, migrate, migrationsDir } from './migrate.js';
import { openDb } from './open.js';

describe('PGlite in a data directory', () => {
  it('keeps data across close and reopen', async () => {
    const root = await mkdtemp(join(tmpdir(), 'voltlane-pglite-'));
    const dataDir = join(root, 'nested', 'pg'); // parents are created
    try {
      const first = await openDb({ dataDir });
      assert.equal(first.kind, 'pglite');
      // Every package migration, whichever exist by now.
      assert.deepEqual(await migrate(first), { applied: await listMigrations(migrationsDir()) });
      await first.query(`insert into settings (key, value) values ('k', 'v')`);
      await first.close();

      const second = await openDb({ dataDir });
      try {
        assert.deepEqual(await migrate(second), { applied: [] });
        assert.deepEqual((await second.query('select key, value from settings')).rows, [{ key: 'k', value: 'v' }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
