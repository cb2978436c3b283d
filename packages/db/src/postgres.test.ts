import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgres } from './postgres.js';

const url = process.env.TEST_DATABASE_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL backend', { skip: url ? false : 'set TEST_DATABASE_URL' }, () => {
  const open = (schema: string, errors: Error[] = []) =>
    openPostgres({ url: url!, schema, poolSize: 2, onError: (e) => errors.push(e) });

  async function kill(pid: number): Promise<void> {
    const admin = await open('public');
    try {
      await admin.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.close();
    }
  }

  it('rejects a schema name it would have to quote', async () => {
    await assert.rejects(open('Bad-Name'), /Invalid schema name/);
  });

  it('creates the schema, uses it as search_path and UTC as time zone', async () => {
    const schema = `t_pg_${process.pid}`;
    const [a, b] = await Promise.all([open(schema), open(schema)]); // concurrent creation is fine
    try {
      const { rows } = await a.query(`select current_schema() as s, current_setting('TimeZone') as tz`);
      assert.deepEqual(rows, [{ s: schema, tz: 'UTC' }]);
    } finally {
      await a.query(`drop schema ${schema} cascade`);
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('survives an idle connection being killed', async () => {
    const errors: Error[] = [];
    const db = await open('public', errors);
    try {
      const { rows } = await db.query<{ pid: number }>('select pg_backend_pid() as pid');
      await kill(rows[0]!.pid);
      await sleep(50);
      assert.equal(errors.length, 1);
      assert.equal((await db.query('select 1 as one')).rows[0]?.one, 1);
    } finally {
      await db.close();
    }
  });

  it('survives the connection of an open transaction being killed', async () => {
    const errors: Error[] = [];
    const db = await open('public', errors);
    try {
      await assert.rejects(
        db.transaction(async (tx) => {
          const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
          await kill(rows[0]!.pid);
          await sleep(50); // the error event arrives while the client is checked out
          await tx.query('select 1');
        }),
      );
      assert.ok(errors.length >= 1);
      assert.equal((await db.query('select 1 as one')).rows[0]?.one, 1);
    } finally {
      await db.close();
    }
  });
});
