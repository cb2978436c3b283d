/**
 * Cluster mode in one test process: 2 gateways + 2 workers + 1 API node, each with its own
 * RabbitMQ connection (AmqpBus) over one PostgreSQL, under a queue prefix unique to this run.
 * Needs TEST_AMQP_URL and TEST_DATABASE_URL; skipped otherwise.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { testDatabases } from '@voltlane/db';
import { AmqpBus, shardOf } from '@voltlane/bus';
import { loadConfig } from '@voltlane/core';
import { SimStation } from '@voltlane/sim';
import { startClusterNode, type ClusterRole, type VoltlaneNode } from '@voltlane/cli';
import { ADMIN_TOKEN, eventually } from './helpers.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { RPCClient, createRPCError } = require('ocpp-rpc') as any;

const amqpUrl = process.env.TEST_AMQP_URL;
const postgres = testDatabases().find((t) => t.name === 'postgres');
const skip = !amqpUrl || !postgres ? 'cluster tests need TEST_AMQP_URL (RabbitMQ) and TEST_DATABASE_URL (PostgreSQL)' : false;

describe('cluster: 2 gateways, 2 workers, 1 API over RabbitMQ', { skip }, () => {
  const prefix = `voltlane-test-${randomBytes(4).toString('hex')}`;
  const shards = 8;
  const nodes: VoltlaneNode[] = [];
  const sims: SimStation[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const peers: any[] = [];
  let cleanup: () => Promise<void> = async () => undefined;
  let apiUrl: string;
  let gw: [string, string];

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  before(async () => {
    const opened = await postgres!.open();
    cleanup = opened.cleanup;
    const start = async (role: ClusterRole, n: number) => {
      const config = loadConfig({
        VOLTLANE_HTTP_PORT: '0',
        VOLTLANE_ADMIN_TOKEN: ADMIN_TOKEN,
        VOLTLANE_COMMAND_TIMEOUT_SEC: '2',
        VOLTLANE_LOG_LEVEL: process.env.VOLTLANE_LOG_LEVEL ?? 'silent',
      });
      const node = await startClusterNode(role, config, { busUrl: amqpUrl!, prefix, shards, nodeId: `${role}-${n}` }, {
        db: opened.db,
        log: pino({ level: config.logLevel }),
      });
      nodes.push(node);
      return node;
    };
    apiUrl = (await start('api', 1)).url;
    gw = [`${(await start('gateway', 1)).url.replace('http', 'ws')}/ocpp`, `${(await start('gateway', 2)).url.replace('http', 'ws')}/ocpp`];
    await start('worker', 1);
    await start('worker', 2);
    for (const id of ['CL-1', 'CL-2', 'CL-3', 'CL-4', 'CL-RPC', 'CL-OFF']) {
      assert.equal((await api('POST', '/api/v1/stations', { id, password: 'cluster-pass' })).status, 201);
    }
    // One tag per station: a tag may have one transaction at a time.
    for (const idToken of ['CL-TAG', 'CL-1-TAG', 'CL-2-TAG', 'CL-3-TAG', 'CL-4-TAG']) {
      assert.equal((await api('POST', '/api/v1/id-tokens', { idToken, status: 'Accepted' })).status, 201);
    }
  });

  after(async () => {
    for (const s of sims) await s.stop();
    for (const p of peers) await p.close({ force: true }).catch(() => undefined);
    for (const n of nodes.reverse()) await n.stop();
    if (amqpUrl) await AmqpBus.deleteTopology(amqpUrl, prefix, shards);
    await cleanup();
  });

  it('every node answers /health with its role and readiness', async () => {
    for (const n of nodes) {
      const res = await fetch(`${n.url}/health`);
      assert.equal(res.status, 200);
      const h = (await res.json()) as { role: string; ready: boolean; node: string };
      assert.deepEqual([h.role, h.ready, h.node], [n.role, true, n.nodeId]);
    }
    // API nodes take no OCPP sockets; gateways serve no REST API.
    const gwHttp = nodes.find((n) => n.role === 'gateway')!.url;
    assert.equal((await fetch(`${gwHttp}/api/v1/stations`)).status, 404);
  });

  it('stations on both gateways charge; commands reach them through the API and return their replies', async () => {
    const ids = ['CL-1', 'CL-2', 'CL-3', 'CL-4'];
    for (const [i, id] of ids.entries()) {
      const sim = new SimStation({ url: gw[i % 2]!, id, password: 'cluster-pass', connectors: 1, meterValueIntervalSec: 1, reconnectMinMs: 100, powerW: 22000 });
      sims.push(sim);
      await sim.start();
    }
    await eventually(async () => {
      const list = await Promise.all(ids.map((id) => api('GET', `/api/v1/stations/${id}`)));
      return list.every((r) => r.body.online === true);
    }, 10_000, 'all stations online');

    for (const id of ids) {
      const start = await api('POST', `/api/v1/stations/${id}/commands/RemoteStartTransaction`, { connectorId: 1, idTag: `${id}-TAG` });
      assert.deepEqual([start.status, start.body], [200, { response: { status: 'Accepted' } }], id);
    }
    const txs = await eventually(async () => {
      const r = await api('GET', '/api/v1/transactions?status=active');
      return r.body.items.length === ids.length ? r.body.items : undefined;
    }, 10_000, 'four active transactions');
    await eventually(async () => {
      const all = await Promise.all(txs.map((t: { id: number }) => api('GET', `/api/v1/transactions/${t.id}`)));
      return all.every((r) => r.body.energyWh > 0);
    }, 10_000, 'energy on every transaction');
    for (const t of txs) {
      const stop = await api('POST', `/api/v1/stations/${t.stationId}/commands/RemoteStopTransaction`, { transactionId: t.id });
      assert.deepEqual(stop.body, { response: { status: 'Accepted' } });
    }
    for (const t of txs) {
      const done = await eventually(async () => {
        const r = (await api('GET', `/api/v1/transactions/${t.id}`)).body;
        return r.status === 'completed' ? r : undefined;
      }, 10_000, `transaction ${t.id} completed`);
      assert.equal(done.energyWh, done.meterStopWh - done.meterStartWh);
      assert.equal(done.stopReason, 'Remote');
    }
    const cfg = await api('POST', '/api/v1/stations/CL-3/commands/GetConfiguration', {});
    assert.equal(cfg.status, 200);
    assert.ok(cfg.body.response.configurationKey.some((k: { key: string }) => k.key === 'HeartbeatInterval'));
  });

  it('keeps one station\'s messages in order, stored once; CALLERROR -> 502, no reply -> 504, offline -> 409', async () => {
    const cp = new RPCClient({ endpoint: gw[1], identity: 'CL-RPC', password: 'cluster-pass', protocols: ['ocpp1.6'], strictMode: true, reconnect: false, callTimeoutMs: 10_000 });
    peers.push(cp);
    cp.handle('UnlockConnector', () => {
      throw createRPCError('NotSupported', 'no actuator');
    });
    cp.handle('ClearCache', () => new Promise(() => undefined));
    cp.handle('Reset', () => ({ status: 'Accepted' }));
    await cp.connect();
    assert.equal((await cp.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'cluster' })).status, 'Accepted');
    const t0 = Date.now() - 600_000;
    const start = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CL-TAG', meterStart: 1000, timestamp: new Date(t0).toISOString() });
    // 40 meter values as fast as the charger may send them (one call at a time, as OCPP-J demands).
    for (let i = 1; i <= 40; i++) {
      await cp.call('MeterValues', {
        connectorId: 1, transactionId: start.transactionId,
        meterValue: [{ timestamp: new Date(t0 + i * 1000).toISOString(), sampledValue: [{ value: String(1000 + i * 10), unit: 'Wh', measurand: 'Energy.Active.Import.Register' }] }],
      });
    }
    await cp.call('StopTransaction', { transactionId: start.transactionId, meterStop: 1400, timestamp: new Date(t0 + 41_000).toISOString(), reason: 'Local' });
    const tx = (await api('GET', `/api/v1/transactions/${start.transactionId}`)).body;
    assert.deepEqual([tx.status, tx.energyWh, tx.meterStartWh, tx.meterStopWh], ['completed', 400, 1000, 1400]);
    const values = tx.meterValues.map((m: { value: number | string }) => Number(m.value)).sort((a: number, b: number) => a - b);
    assert.deepEqual(values, Array.from({ length: 40 }, (_, i) => 1000 + (i + 1) * 10));

    const reset = await api('POST', '/api/v1/stations/CL-RPC/commands/Reset', { type: 'Soft' });
    assert.deepEqual([reset.status, reset.body], [200, { response: { status: 'Accepted' } }]);
    const unlock = await api('POST', '/api/v1/stations/CL-RPC/commands/UnlockConnector', { connectorId: 1 });
    assert.equal(unlock.status, 502);
    assert.deepEqual([unlock.body.error.code, unlock.body.error.details.ocppErrorCode], ['CHARGER_ERROR', 'NotSupported']);
    const clear = await api('POST', '/api/v1/stations/CL-RPC/commands/ClearCache', {});
    assert.deepEqual([clear.status, clear.body.error.code], [504, 'CHARGER_TIMEOUT']);
    const offline = await api('POST', '/api/v1/stations/CL-OFF/commands/Reset', { type: 'Soft' });
    assert.deepEqual([offline.status, offline.body.error.code], [409, 'STATION_OFFLINE']);

    // After the charger leaves, its gateway unbinds it: commands answer 409 again.
    await cp.close({ force: true });
    await eventually(async () => (await api('GET', '/api/v1/stations/CL-RPC')).body.online === false, 10_000, 'CL-RPC offline');
    const gone = await api('POST', '/api/v1/stations/CL-RPC/commands/Reset', { type: 'Soft' });
    assert.deepEqual([gone.status, gone.body.error.code], [409, 'STATION_OFFLINE']);
  });

  it('an API node streams live events raised on workers, shows raw frames held by a gateway, and closes a deleted station\'s socket', async () => {
    assert.equal((await api('POST', '/api/v1/stations', { id: 'CL-LIVE' })).status, 201);
    const ac = new AbortController();
    const res = await fetch(`${apiUrl}/api/v1/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: ac.signal });
    const seen: string[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) seen.push(decoder.decode(chunk, { stream: true }));
      } catch {
        // aborted
      }
    })();
    const cp = new RPCClient({ endpoint: gw[0], identity: 'CL-LIVE', protocols: ['ocpp1.6'], strictMode: true, reconnect: false });
    peers.push(cp);
    await cp.connect();
    assert.equal((await cp.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'live' })).status, 'Accepted');
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    await eventually(async () => {
      const text = seen.join('');
      return ['station.connected', 'station.booted', 'connector.status'].every((e) => text.includes(`event: ${e}\ndata: {"stationId":"CL-LIVE"`));
    }, 10_000, 'live events from the worker on the API node');

    const frames = await api('GET', '/api/v1/stations/CL-LIVE/frames?direction=in');
    assert.equal(frames.status, 200);
    const actions = frames.body.items.map((f: { text: string }) => JSON.parse(f.text)[2]);
    assert.deepEqual(actions, ['StatusNotification', 'BootNotification']);

    const closed = new Promise<void>((resolve) => cp.once('close', () => resolve()));
    assert.equal((await api('DELETE', '/api/v1/stations/CL-LIVE')).status, 204);
    await closed;
    ac.abort();
    await reading;
  });

  it('spreads stations over shards by a stable hash', () => {
    assert.equal(shardOf('CL-1', shards), shardOf('CL-1', shards));
    const used = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`CP-${i}`, shards)));
    assert.equal(used.size, shards);
  });
});
