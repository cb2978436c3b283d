import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inlineParams } from './copy.js';
import { testDatabases } from './testing.js';
import type { CopyOutOptions, Db } from './types.js';

describe('inlineParams', () => {
  it('writes each value as a literal', () => {
    const sql = inlineParams('select $1, $2, $3, $4, $5, $6::text[], $10', [
      "O'Brien \\ x", 42, 7n, true, new Date('2026-01-02T03:04:05.678Z'), ['a"b', null], 0, 0, 0, null,
    ]);
    assert.equal(sql, `select  E'O''Brien \\\\ x', 42, 7, true, '2026-01-02T03:04:05.678Z',  E'{"a\\\\"b",NULL}'::text[], NULL`);
  });
  it('refuses missing, non-finite and unknown values', () => {
    assert.throws(() => inlineParams('select $2', [1]), /\$2 has no value/);
    assert.throws(() => inlineParams('select $1', [Number.NaN]), /finite/);
    assert.throws(() => inlineParams('select $1', [{}]), /type object/);
  });
});

async function text(db: Db, sql: string, params: unknown[], opts: CopyOutOptions): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of db.copyOut(sql, params, opts)) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

for (const t of testDatabases()) {
  describe(`copyOut on ${t.name}`, () => {
    let db: Db;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ db, cleanup } = await t.open());
      await db.exec(`create table copy_t (id bigint primary key, v text, n numeric);
        insert into copy_t select g, case when g % 3 = 0 then 'a,"b"' || g when g % 3 = 1 then '' else null end, g * 0.25 from generate_series(1, 23) g;`);
    });
    after(() => cleanup());

    it('streams every row in key order, CSV quoted, across batches', async () => {
      const csv = await text(db, 'select id, v, n from copy_t where id >= $1 order by id desc', [2], { key: 'id', header: true, batchRows: 5 });
      const lines = csv.split('\n');
      assert.equal(lines[0], 'id,v,n');
      assert.equal(lines.length, 1 + 22 + 1); // header, rows, trailing ''
      assert.equal(lines[1], '2,,0.50');
      assert.equal(lines[2], '3,"a,""b""3",0.75');
      assert.equal(lines[3], '4,"",1.00');
      assert.deepEqual(lines.slice(1, -1).map((l) => Number(l.split(',')[0])), Array.from({ length: 22 }, (_, i) => i + 2));
    });

    it('gives only the header for no rows, and nothing without a header', async () => {
      assert.equal(await text(db, 'select id, v from copy_t where id > $1', [100], { key: 'id', header: true }), 'id,v\n');
      assert.equal(await text(db, 'select id, v from copy_t where id > $1', [100], { key: 'id' }), '');
    });

    it('can be stopped early and the database stays usable', async () => {
      let chunks = 0;
      for await (const c of db.copyOut('select id from copy_t', [], { key: 'id', batchRows: 2 })) {
        assert.ok(c.length > 0);
        if (++chunks === 1) break;
      }
      assert.equal((await db.query<{ n: number }>('select count(*)::int as n from copy_t')).rows[0]!.n, 23);
    });

    it('inlines parameters to the values a bound query sees', async () => {
      const sql = 'select $1::text as s, $2::int as i, $3::timestamptz as t, $4::text[] as a, $5::text as n';
      const params = ["it's \\ \"quoted\"", 5, new Date('2026-01-02T03:04:05.678Z'), ['x,y', 'z"', null], null];
      const bound = await db.query(sql, params);
      const inlined = await db.query(inlineParams(sql, params));
      assert.deepEqual(inlined.rows, bound.rows);
    });

    it('refuses a key that is not a plain column name', async () => {
      await assert.rejects(text(db, 'select id from copy_t', [], { key: 'id; drop table copy_t' }), /plain lower-case column/);
    });
  });
}
