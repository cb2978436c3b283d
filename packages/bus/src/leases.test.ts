import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases, type Db } from '@voltlane/db';
import { planLeases, PgLeaseStore, ShardCoordinator, type LeaseView } from './leases.js';

const view = (owners: (string | null)[], valid = true): LeaseView[] => owners.map((owner, shard) => ({ shard, owner, valid }));
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('planLeases', () => {
  it('a lone worker takes every free shard', () => {
    assert.deepEqual(planLeases('w1', ['w1'], view(Array(16).fill(null)), 16), { keep: [], claim: range(0, 16), release: [] });
  });

  it('a worker holding everything releases the share of a newcomer; the newcomer claims once freed', () => {
    const all = view(Array(16).fill('w1'));
    assert.deepEqual(planLeases('w1', ['w1', 'w2'], all, 16), { keep: range(0, 8), claim: [], release: range(8, 16) });
    assert.deepEqual(planLeases('w2', ['w1', 'w2'], all, 16), { keep: [], claim: [], release: [] });
    const freed = view([...Array(8).fill('w1'), ...Array(8).fill(null)]);
    assert.deepEqual(planLeases('w2', ['w1', 'w2'], freed, 16), { keep: [], claim: range(8, 16), release: [] });
  });

  it('splits uneven counts by id order (16 over 3: 6, 5, 5) and every worker computes the same', () => {
    const free = view(Array(16).fill(null));
    const live = ['c', 'a', 'b'];
    assert.equal(planLeases('a', live, free, 16).claim.length, 6);
    assert.equal(planLeases('b', live, free, 16).claim.length, 5);
    assert.equal(planLeases('c', live, free, 16).claim.length, 5);
  });

  it('takes over the shards of a dead worker (not live, or lease expired) but not a live one\'s', () => {
    const leases = view([...Array(8).fill('w1'), ...Array(8).fill('dead')]);
    assert.deepEqual(planLeases('w1', ['w1'], leases, 16).claim, range(8, 16));
    const expired = leases.map((l) => (l.owner === 'dead' ? { ...l, valid: false } : l));
    assert.deepEqual(planLeases('w1', ['w1', 'dead'], expired, 16).claim, []); // 'dead' is live: its quota is 8, w1 has 8
    const liveOther = view([...Array(8).fill('w1'), ...Array(8).fill('w2')]);
    assert.deepEqual(planLeases('w1', ['w1'], liveOther.map((l) => ({ ...l })), 16).claim, range(8, 16)); // w2 not live
    assert.deepEqual(planLeases('w1', ['w1', 'w2'], liveOther, 16), { keep: range(0, 8), claim: [], release: [] });
  });

  it('counts itself even when its heartbeat is not in the list yet', () => {
    assert.equal(planLeases('w2', ['w1'], view(Array(4).fill(null)), 4).claim.length, 2);
  });
});

for (const t of testDatabases()) {
  describe(`PgLeaseStore and ShardCoordinator (${t.name})`, () => {
    let db: Db;
    let cleanup: () => Promise<void>;
    before(async () => ({ db, cleanup } = await t.open()));
    after(() => cleanup());

    const log = { info() {}, warn() {}, error() {}, debug() {} };
    const owners = async (cluster: string) =>
      (await db.query<{ shard: number; owner: string | null }>('select shard, owner from shard_leases where cluster = $1 order by shard', [cluster])).rows.map((r) => r.owner);

    it('splits shards between workers, drains before handing over, and takes over from one that left', async () => {
      const store = new PgLeaseStore(db, 'unit', 30);
      const consumed = new Map<string, number[]>();
      const calls: string[] = [];
      const bus = (id: string) => ({
        async setShards(shards: Iterable<number>) {
          const list = [...shards];
          const before = consumed.get(id) ?? [];
          // A shard is consumed by one worker at a time: nobody else may consume what this one takes.
          for (const [other, held] of consumed) if (other !== id) for (const k of list) assert.ok(!held.includes(k) || before.includes(k), `shard ${k} of ${other} taken by ${id}`);
          consumed.set(id, list);
          calls.push(`${id}:${list.length}`);
        },
      });
      const w1 = new ShardCoordinator({ store, bus: bus('w1'), workerId: 'w1', shards: 8, log, intervalMs: 60_000 });
      const w2 = new ShardCoordinator({ store, bus: bus('w2'), workerId: 'w2', shards: 8, log, intervalMs: 60_000 });
      await w1.start();
      assert.deepEqual(w1.shards, range(0, 8));
      await w2.start(); // nothing free yet
      assert.deepEqual(w2.shards, []);
      // w1's next tick releases its surplus after draining it; w2 then claims it.
      await (w1 as unknown as { tickNow(): Promise<void> }).tickNow();
      assert.deepEqual(w1.shards, range(0, 4));
      assert.deepEqual(await owners('unit'), [...Array(4).fill('w1'), ...Array(4).fill(null)]);
      await (w2 as unknown as { tickNow(): Promise<void> }).tickNow();
      assert.deepEqual(w2.shards, range(4, 8));
      assert.deepEqual(await store.live('worker'), ['w1', 'w2']);
      // w2 leaves gracefully: its shards are freed at once and w1 takes them at its next tick.
      await w2.stop();
      assert.deepEqual(consumed.get('w2'), []);
      await (w1 as unknown as { tickNow(): Promise<void> }).tickNow();
      assert.deepEqual(w1.shards, range(0, 8));
      assert.deepEqual(await store.live('worker'), ['w1']);
      await w1.stop();
      assert.deepEqual(await owners('unit'), Array(8).fill(null));
    });

    it('a worker whose heartbeat stopped loses its shards to the others once its lease expired', async () => {
      const store = new PgLeaseStore(db, 'expiry', 1);
      const noop = { async setShards() {} };
      const w1 = new ShardCoordinator({ store, bus: noop, workerId: 'w1', shards: 4, log, intervalMs: 60_000 });
      await w1.start();
      assert.deepEqual(await owners('expiry'), Array(4).fill('w1'));
      const w2 = new ShardCoordinator({ store, bus: noop, workerId: 'w2', shards: 4, log, intervalMs: 60_000 });
      await new Promise((r) => setTimeout(r, 1300)); // w1 "died": no tick for longer than the lease
      await w2.start();
      assert.deepEqual(w2.shards, range(0, 4));
      assert.deepEqual(await owners('expiry'), Array(4).fill('w2'));
      assert.equal(w1.healthy, false);
      await w2.stop();
    });
  });
}
