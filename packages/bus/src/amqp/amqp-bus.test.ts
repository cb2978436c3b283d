import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AmqpBus } from './amqp-bus.js';
import { shardOf } from './wire.js';

const url = process.env.TEST_AMQP_URL;
const log = { info() {}, warn() {}, error() {}, debug() {} };

describe('AmqpBus shard hand-over (RabbitMQ)', { skip: url ? false : 'needs TEST_AMQP_URL (RabbitMQ)' }, () => {
  const prefix = `voltlane-unit-${randomBytes(4).toString('hex')}`;
  const shards = 2;
  const buses: AmqpBus[] = [];
  const bus = (nodeId: string) => {
    const b = new AmqpBus({ url: url!, nodeId, prefix, shards, log, leasedShards: true, prefetch: 8 });
    buses.push(b);
    return b;
  };
  after(async () => {
    for (const b of buses) await b.close();
    await AmqpBus.deleteTopology(url!, prefix, shards);
  });

  it('a released shard is drained before another worker consumes it: one station\'s messages stay in order, each handled once', async () => {
    const gateway = bus('gw');
    const a = bus('worker-a');
    const b = bus('worker-b');
    await Promise.all([gateway.start(), a.start(), b.start()]);
    const handled: { by: string; seq: number; start: number; end: number }[] = [];
    let running = 0;
    const handler = (by: string) => async (call: { payload: Record<string, unknown> }) => {
      running++;
      assert.equal(running, 1, 'one station\'s messages never run at once, on any worker');
      const start = performance.now();
      await new Promise((r) => setTimeout(r, 15));
      handled.push({ by, seq: call.payload.seq as number, start, end: performance.now() });
      running--;
      return { ok: by };
    };
    a.onStationCall(handler('a'));
    b.onStationCall(handler('b'));
    await a.setShards([0, 1]);
    assert.deepEqual(a.stats.shards, [0, 1]);

    const stationId = 'HANDOVER-1';
    assert.ok(shardOf(stationId, shards) < shards);
    const replies = Array.from({ length: 40 }, (_, i) =>
      gateway.stationCall({ stationId, version: 'ocpp1.6', action: 'Heartbeat', payload: { seq: i + 1 }, messageId: String(i + 1), receivedAt: new Date() }),
    );
    while (handled.length < 3) await new Promise((r) => setTimeout(r, 5));
    await a.setShards([]); // resolves once what worker-a took is handled and acked
    const releasedAt = performance.now();
    const byA = handled.length;
    assert.equal(running, 0, 'nothing of worker-a still running after the release');
    await b.setShards([0, 1]);
    const results = (await Promise.all(replies)) as { ok: string }[];

    assert.deepEqual(handled.map((h) => h.seq), Array.from({ length: 40 }, (_, i) => i + 1), 'in order, each once');
    assert.ok(handled.slice(0, byA).every((h) => h.by === 'a' && h.end <= releasedAt));
    assert.ok(handled.slice(byA).every((h) => h.by === 'b' && h.start >= releasedAt));
    assert.ok(byA < 40, 'worker-b handled the rest');
    assert.deepEqual(results.map((r) => r.ok), handled.map((h) => h.by));
    assert.deepEqual([a.stats.handled, b.stats.handled], [byA, 40 - byA]);
  });
});
