import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrate, testDatabases, type Db } from './index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One query covering every type we normalise; both backends must return the same values. */
const TYPES_SQL = `select 1::int4 as i4, 42::int8 as i8, 9007199254740993::int8 as big, 1.50::numeric as num,
  '2024-01-02 03:04:05.678+00'::timestamptz as ts, '{"a":[1,2],"b":null}'::jsonb as j, 'x'::text as t,
  true as b, 1.5::float8 as f8, '2024-01-02'::date as d, '1 day 02:00:00'::interval as iv,
  '\\x0102'::bytea as by, array[1,2]::int8[] as i8arr, array[1.5,2.25]::numeric[] as numarr,
  array['2024-01-02']::date[] as darr, null::int8 as nul, (select count(*) from generate_series(1,3)) as cnt`;

const EXPECTED_TYPES = {
  i4: 1, i8: 42, big: 9007199254740993n, num: '1.50',
  ts: new Date('2024-01-02T03:04:05.678Z'), j: { a: [1, 2], b: null }, t: 'x',
  b: true, f8: 1.5, d: '2024-01-02', iv: '1 day 02:00:00',
  by: Buffer.from([1, 2]), i8arr: [1, 2], numarr: ['1.5', '2.25'],
  darr: ['2024-01-02'], nul: null, cnt: 3,
};

const typeResults = new Map<string, unknown>();

async function keys(db: Pick<Db, 'query'>, prefix: string): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>('select key from settings where key like $1 order by key', [`${prefix}%`]);
  return rows.map((r) => r.key);
}

for (const target of testDatabases()) {
  describe(`Db on ${target.name}`, () => {
    let db: Db;
    let cleanup: () => Promise<void>;
    before(async () => ({ db, cleanup } = await target.open()));
    after(() => cleanup());

    it('migrate is idempotent: a second run applies nothing', async () => {
      assert.deepEqual(await migrate(db), { applied: [] });
      const { rows } = await db.query<{ version: string }>('select version from schema_migrations order by version');
      assert.equal(rows[0]?.version, '0001_init');
    });

    it('commits a transaction and returns its value', async () => {
      const value = await db.transaction(async (tx) => {
        await tx.query(`insert into settings (key, value) values ('commit.a', '1')`);
        return 'done';
      });
      assert.equal(value, 'done');
      assert.deepEqual(await keys(db, 'commit.'), ['commit.a']);
    });

    it('rolls a transaction back when fn throws, and rethrows', async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query(`insert into settings (key, value) values ('rollback.a', '1')`);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await keys(db, 'rollback.'), []);
    });

    it('rolls back when a statement fails and stays usable', async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query(`insert into settings (key, value) values ('fail.a', '1')`);
          await tx.query(`insert into settings (key, value) values ('fail.a', '2')`);
        }),
        /duplicate key/,
      );
      assert.deepEqual(await keys(db, 'fail.'), []);
    });

    it('keeps concurrent transactions isolated', async () => {
      const log: string[] = [];
      const run = (name: string, pause: number) =>
        db.transaction(async (tx) => {
          log.push(`${name} begin`);
          await tx.query('insert into settings (key, value) values ($1, $2)', [`iso.${name}`, name]);
          const seen = await keys(tx, 'iso.');
          await sleep(pause); // a stays open while b runs (if b can run at all)
          log.push(`${name} end`);
          return seen;
        });
      const [a, b] = await Promise.all([run('a', 30), run('b', 0)]);
      // a never sees b's row: b has not started (PGlite) or not committed (PostgreSQL).
      assert.deepEqual(a, ['iso.a']);
      if (db.kind === 'pglite') {
        // One connection: b waits for a to commit, never interleaves with it.
        assert.deepEqual(log, ['a begin', 'a end', 'b begin', 'b end']);
        assert.deepEqual(b, ['iso.a', 'iso.b']);
      } else {
        // A connection each: b runs and commits while a is still open, without seeing a's row.
        assert.ok(log.indexOf('b end') < log.indexOf('a end'), log.join(', '));
        assert.deepEqual(b, ['iso.b']);
      }
    });

    it('does not let a plain query slip into an open transaction', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const tx = db.transaction(async (t) => {
        await t.query(`insert into settings (key, value) values ('slip.tx', '1')`);
        await gate;
        throw new Error('roll back');
      });
      await sleep(5); // let the transaction start
      const outside = db.query(`insert into settings (key, value) values ('slip.outside', '1')`);
      release();
      await assert.rejects(tx, /roll back/);
      await outside;
      // Had the plain insert run inside the transaction, the rollback would have removed it.
      assert.deepEqual(await keys(db, 'slip.'), ['slip.outside']);
    });

    it('returns normalised values for every common type', async () => {
      const { rows, rowCount } = await db.query(TYPES_SQL);
      assert.equal(rowCount, 1);
      assert.deepEqual(rows[0], EXPECTED_TYPES);
      typeResults.set(target.name, rows[0]);
    });

    it('binds $n parameters of many types', async () => {
      await db.query(`insert into stations (id) values ('P1')`);
      const started = new Date('2024-05-06T07:08:09.123Z');
      const { rows } = await db.query<{ id: number; started_at: Date; meter_start_wh: string; id_token: string | null }>(
        `insert into transactions (station_id, evse_id, connector_id, id_token, status, started_at, meter_start_wh)
         values ($1, $2, $3, $4, 'active', $5, $6) returning id, started_at, meter_start_wh, id_token`,
        ['P1', 1, 2, null, started, '1234.5'],
      );
      assert.deepEqual(rows, [{ id: 1, started_at: started, meter_start_wh: '1234.5', id_token: null }]);
      const cmd = await db.query<{ request: unknown; n: number }>(
        `insert into command_log (station_id, action, request, started_at) values ($1, $2, $3, now()) returning request, $4::int8 as n`,
        ['P1', 'Reset', { type: 'Hard', nested: { list: [1, 'x'] } }, 10n],
      );
      assert.deepEqual(cmd.rows, [{ request: { type: 'Hard', nested: { list: [1, 'x'] } }, n: 10 }]);
      const upd = await db.query('update stations set online = $1 where id = any($2::text[])', [true, ['P1', 'nope']]);
      assert.equal(upd.rowCount, 1);
    });

    it('bulk inserts with unnest($1::text[], $2::int[])', async () => {
      const ids = ['B1', 'B2', 'B3'];
      const res = await db.query('insert into stations (id, heartbeat_interval) select * from unnest($1::text[], $2::int[])', [ids, [60, 120, 300]]);
      assert.equal(res.rowCount, 3);
      const { rows } = await db.query(`select id, heartbeat_interval from stations where id like 'B%' order by id`);
      assert.deepEqual(rows, [
        { id: 'B1', heartbeat_interval: 60 },
        { id: 'B2', heartbeat_interval: 120 },
        { id: 'B3', heartbeat_interval: 300 },
      ]);
    });

    it('runs multi-statement scripts with exec, but one statement per query', async () => {
      await db.exec(`insert into settings (key, value) values ('exec.a', '1'); insert into settings (key, value) values ('exec.b', '2');`);
      assert.deepEqual(await keys(db, 'exec.'), ['exec.a', 'exec.b']);
      await assert.rejects(db.query('select 1; select 2'), /multiple commands/);
    });

    it('round-trips bytea as a Buffer', async () => {
      const data = Buffer.from([0, 1, 2, 254, 255]);
      const { rows } = await db.query<{ data: Buffer; size: number }>(
        `insert into files (kind, name, size, sha256, data) values ('firmware', 'fw.bin', $1, 'x', $2) returning data, size`,
        [data.length, data],
      );
      assert.ok(Buffer.isBuffer(rows[0]?.data));
      assert.deepEqual(rows[0], { data, size: 5 });
    });
  });
}

describe('both backends', () => {
  it('return identical values for the same query', (t) => {
    if (typeResults.size < 2) return t.skip('set TEST_DATABASE_URL to compare with PostgreSQL');
    assert.deepEqual(typeResults.get('pglite'), typeResults.get('postgres'));
  });
});
