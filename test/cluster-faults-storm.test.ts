/**
 * Reconnect storm: 10,000 stations on one gateway; the gateway is SIGKILLed and all of them
 * reconnect at once (each after a random 0-3 s, as real chargers do) to the other gateway and
 * boot. No crash, every station booted, and the gateway's memory stays bounded. Real processes on
 * the shared RabbitMQ (a queue prefix of its own) and a fresh PostgreSQL database. Needs
 * TEST_AMQP_URL and TEST_DATABASE_URL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { WebSocket } from 'ws';
import { AmqpBus } from '@voltlane/bus';
import { freshDatabase, Role, sleep, sql, suiteLog, waitFor } from './cluster-harness.js';

const amqpUrl = process.env.TEST_AMQP_URL;
const pgUrl = process.env.TEST_DATABASE_URL;
const skip = !amqpUrl || !pgUrl ? 'cluster fault tests need TEST_AMQP_URL (RabbitMQ) and TEST_DATABASE_URL (PostgreSQL)' : false;

const STATIONS = Number(process.env.STORM_STATIONS ?? 10_000);
const JITTER_MS = 3000;
/** Gateway RSS allowed while 10,000 stations reconnect and boot (idle: ~270 MB per 10,000 in the benchmarks). */
const RSS_LIMIT = 600 * 1024 * 1024;

/** The lightest charger: one socket, a BootNotification per connection, reconnect to the next URL after a jittered pause. */
class StormStation {
  ws?: WebSocket;
  booted = 0;
  connects = 0;
  /** The last frame received (diagnostics). */
  last = '';
  private stopped = false;
  private url = 0;

  /** Gateways it dials, in turn: first only gateway-a, then (for the storm) gateway-a and gateway-b. */
  urls: string[];

  constructor(
    readonly id: string,
    url: string,
  ) {
    this.urls = [url];
  }

  connect(delayMs: number): void {
    setTimeout(() => this.dial(), delayMs).unref();
  }

  private dial(): void {
    if (this.stopped) return;
    const ws = new WebSocket(`${this.urls[this.url]}/${this.id}`, ['ocpp1.6'], { perMessageDeflate: false });
    this.ws = ws;
    ws.on('open', () => {
      this.connects++;
      ws.send(JSON.stringify([2, 'b', 'BootNotification', { chargePointVendor: 'storm', chargePointModel: 'raw' }]));
    });
    ws.on('message', (data) => {
      this.last = String(data).slice(0, 200);
      const frame = JSON.parse(String(data)) as unknown[];
      if (frame[0] === 3 && frame[1] === 'b' && (frame[2] as { status?: string }).status === 'Accepted') this.booted++;
      else if (frame[0] === 4 && frame[1] === 'b') setTimeout(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify([2, 'b', 'BootNotification', { chargePointVendor: 'storm', chargePointModel: 'raw' }])), 1000 + Math.random() * 2000).unref();
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (this.ws !== ws || this.stopped) return;
      // Its gateway went away (or refused): the next one, after a random pause.
      this.url = (this.url + 1) % this.urls.length;
      this.connect(Math.random() * JITTER_MS);
    });
  }

  close(): void {
    this.stopped = true;
    this.ws?.terminate();
  }
}

describe('cluster faults: reconnect storm of 10,000 stations (real processes)', { skip }, () => {
  const prefix = `voltlane-storm-${randomBytes(4).toString('hex')}`;
  const log = suiteLog('storm');
  const roles: Role[] = [];
  const stations: StormStation[] = [];
  let db: { url: string; drop(): Promise<void> } | undefined;
  let a: Role, b: Role, worker: Role;
  let failed = false;

  before(async () => {
    db = await freshDatabase(pgUrl!, 'storm');
    const env = {
      DATABASE_URL: db.url, VOLTLANE_BUS_URL: amqpUrl, VOLTLANE_BUS_PREFIX: prefix, VOLTLANE_LEASE_SEC: '5',
      VOLTLANE_LOG_LEVEL: 'warn', VOLTLANE_ADMIN_TOKEN: 'storm-test-token', VOLTLANE_UNKNOWN_STATIONS: 'reject',
    };
    worker = await Role.start('worker-1', 'worker', env, log.stream); // migrates
    roles.push(worker);
    [a, b] = await Promise.all([Role.start('gateway-a', 'gateway', env, log.stream), Role.start('gateway-b', 'gateway', env, log.stream)]);
    roles.push(a, b);
    await sql(db.url, `insert into stations (id, registration_status) select 'ST-' || g, 'Accepted' from generate_series(1, $1::int) g`, [STATIONS]);
  });

  after(async () => {
    for (const s of stations) s.close();
    await Promise.all(roles.map((r) => r.stop()));
    log.stream.end();
    if (amqpUrl) await AmqpBus.deleteTopology(amqpUrl, prefix, 16).catch(() => undefined);
    await db?.drop();
    if (failed) console.log(`cluster logs kept in ${log.path}`);
    else rmSync(log.dir, { recursive: true, force: true });
  });

  it('every station reconnects to the other gateway and boots; no crash; bounded memory', async (t) => {
    try {
      for (let i = 1; i <= STATIONS; i++) stations.push(new StormStation(`ST-${i}`, a.wsUrl));
      const t0 = Date.now();
      for (const s of stations) s.connect(Math.random() * JITTER_MS);
      const count = (n: number) => {
        const late = stations.filter((s) => s.booted < n);
        const sample = late.slice(0, 3).map((s) => `${s.id}: connects ${s.connects}, last ${s.last || '-'}`);
        return `${STATIONS - late.length}/${STATIONS} booted, ${stations.filter((s) => s.ws?.readyState === WebSocket.OPEN).length} open; ${sample.join('; ')}`;
      };
      await waitFor(() => stations.every((s) => s.booted === 1), 90_000, 'every station booted on gateway-a', 250).catch((err: Error) => {
        throw new Error(`${err.message}: ${count(1)}`);
      });
      t.diagnostic(`${STATIONS} stations connected and booted on gateway-a in ${Date.now() - t0} ms`);
      const idleRss = b.rss();
      for (const s of stations) s.urls = [a.wsUrl, b.wsUrl];

      // The storm: gateway-a dies, every station reconnects to gateway-b within the jitter window.
      a.kill('SIGKILL');
      const t1 = Date.now();
      let peak = b.rss();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(peak, b.rss());
          await sleep(200);
        }
      })();
      try {
        await waitFor(() => {
          if (b.exitStatus !== undefined) throw new Error(`gateway-b exited (${b.exitStatus})`);
          return stations.every((s) => s.booted === 2);
        }, 90_000, 'every station booted again on gateway-b', 250).catch((err: Error) => {
          throw new Error(`${err.message}: ${count(2)}`);
        });
      } finally {
        sampling = false;
        await sampler;
      }
      const took = Date.now() - t1;
      const h = await b.health();
      t.diagnostic(`storm: ${STATIONS} reconnected and booted on gateway-b in ${took} ms; gateway-b RSS ${Math.round(idleRss / 2 ** 20)} MB before, peak ${Math.round(peak / 2 ** 20)} MB`);
      assert.equal(h.status, 200);
      assert.equal(h.body.stationsConnected, STATIONS);
      assert.equal(worker.exitStatus, undefined, 'the worker did not crash');
      assert.ok(peak < RSS_LIMIT, `gateway-b peak RSS ${Math.round(peak / 2 ** 20)} MB under ${RSS_LIMIT / 2 ** 20} MB`);
      const online = await waitFor(async () => {
        const r = await sql<{ n: string }>(db!.url, `select count(*)::text as n from stations where online and gateway_node = 'gateway-b'`);
        return Number(r[0]!.n) === STATIONS ? STATIONS : undefined;
      }, 30_000, 'all stations online at gateway-b in the database').catch(async (err: Error) => {
        const by = await sql(db!.url, 'select online, gateway_node, count(*)::int as n from stations group by 1, 2');
        throw new Error(`${err.message}: ${JSON.stringify(by)}`);
      });
      assert.equal(online, STATIONS);
    } catch (err) {
      failed = true;
      throw err;
    }
  });
});
