/**
 * Cluster faults with real processes (`voltlane api|gateway|worker`) on the shared RabbitMQ and a
 * fresh PostgreSQL database: workers share the shards through leases; a worker SIGKILLed during
 * 1,000 transactions loses nothing and doubles nothing; a new worker takes its share; a gateway
 * SIGKILLed: its stations reconnect to the other gateway and commands reach them there, and those
 * that do not come back are marked offline. Needs TEST_AMQP_URL and TEST_DATABASE_URL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { AmqpBus } from '@voltlane/bus';
import { Charger, errorLines, FAULT_ADMIN_TOKEN, freshDatabase, Role, sql, suiteLog, waitFor } from './cluster-harness.js';

const amqpUrl = process.env.TEST_AMQP_URL;
const pgUrl = process.env.TEST_DATABASE_URL;
const skip = !amqpUrl || !pgUrl ? 'cluster fault tests need TEST_AMQP_URL (RabbitMQ) and TEST_DATABASE_URL (PostgreSQL)' : false;

const LEASE_SEC = 3;

describe('cluster faults: worker killed, worker added, gateway killed (real processes)', { skip }, () => {
  const prefix = `voltlane-faults-${randomBytes(4).toString('hex')}`;
  const log = suiteLog('faults');
  const roles: Role[] = [];
  const chargers: Charger[] = [];
  let db: { url: string; drop(): Promise<void> } | undefined;
  let env: NodeJS.ProcessEnv;
  let api: Role, gw1: Role, gw2: Role, w1: Role, w2: Role;
  let failed = false;
  /** Marks the suite failed (its logs are kept) when a test throws. */
  const step = (fn: (t: { diagnostic(msg: string): void }) => Promise<void>) => async (t: { diagnostic(msg: string): void }) => {
    try {
      await fn(t);
    } catch (err) {
      failed = true;
      throw err;
    }
  };

  const start = async (name: string, role: 'gateway' | 'worker' | 'api') => {
    const r = await Role.start(name, role, env, log.stream);
    roles.push(r);
    return r;
  };
  async function callApi(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${FAULT_ADMIN_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  const shardsOf = async (r: Role) => ((await r.health()).body.shards as number[]) ?? [];

  before(async () => {
    db = await freshDatabase(pgUrl!, 'faults');
    env = {
      DATABASE_URL: db.url, VOLTLANE_BUS_URL: amqpUrl, VOLTLANE_BUS_PREFIX: prefix, VOLTLANE_LEASE_SEC: String(LEASE_SEC),
      VOLTLANE_ADMIN_TOKEN: FAULT_ADMIN_TOKEN, VOLTLANE_UNKNOWN_STATIONS: 'accept', VOLTLANE_LOG_LEVEL: 'info',
      VOLTLANE_COMMAND_TIMEOUT_SEC: '5',
    };
    api = await start('api-1', 'api'); // migrates first; the others find the schema in place
    [gw1, gw2, w1] = await Promise.all([start('gateway-1', 'gateway'), start('gateway-2', 'gateway'), start('worker-1', 'worker')]);
    w2 = await start('worker-2', 'worker');
    await sql(db.url, `insert into id_tokens (id_token, status) select 'FT-TAG-' || g, 'Accepted' from generate_series(1, 200) g`);
  });

  after(async () => {
    for (const c of chargers) c.close();
    await Promise.all(roles.map((r) => r.stop()));
    log.stream.end();
    if (amqpUrl) await AmqpBus.deleteTopology(amqpUrl, prefix, 16).catch(() => undefined);
    await db?.drop();
    if (failed) console.log(`cluster logs kept in ${log.path}`);
    else rmSync(log.dir, { recursive: true, force: true });
  });

  /** A 1.6 charging session history: `tx` transactions of 3 meter values each, 400 Wh apiece. */
  async function charge(c: Charger, tag: string, tx: number, base: number, onCall: () => void): Promise<number[]> {
    await c.call('BootNotification', { chargePointVendor: 'faults', chargePointModel: 'raw' });
    const ids: number[] = [];
    for (let t = 0; t < tx; t++) {
      const t0 = base + t * 60_000;
      const start = await c.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: t * 1000, timestamp: new Date(t0).toISOString() });
      onCall();
      for (let m = 1; m <= 3; m++) {
        await c.call('MeterValues', {
          connectorId: 1, transactionId: start.transactionId,
          meterValue: [{ timestamp: new Date(t0 + m * 10_000).toISOString(), sampledValue: [{ value: String(t * 1000 + m * 100), unit: 'Wh', measurand: 'Energy.Active.Import.Register' }] }],
        });
        onCall();
      }
      await c.call('StopTransaction', { transactionId: start.transactionId, meterStop: t * 1000 + 400, timestamp: new Date(t0 + 50_000).toISOString(), reason: 'Local' });
      onCall();
      ids.push(start.transactionId as number);
    }
    return ids;
  }

  /** Every transaction of these stations exactly once, completed with 400 Wh, with exactly its 3 meter values. */
  async function assertExact(stationIds: string[], perStation: number): Promise<void> {
    const rows = await sql<{ station_id: string; n: string; exact: string }>(
      db!.url,
      `select station_id, count(*)::text as n, count(*) filter (where status = 'completed' and energy_wh = 400)::text as exact
       from transactions where station_id = any($1) group by station_id`,
      [stationIds],
    );
    assert.equal(rows.length, stationIds.length, 'every station has transactions');
    for (const r of rows) assert.deepEqual([r.station_id, Number(r.n), Number(r.exact)], [r.station_id, perStation, perStation]);
    const mv = await sql<{ n: string; bad: string; orphan: string }>(
      db!.url,
      `select count(*)::text as n,
         (select count(*) from (select transaction_id from meter_values m join transactions t on t.id = m.transaction_id
            where t.station_id = any($1) group by transaction_id having count(*) <> 3) x)::text as bad,
         count(*) filter (where m.transaction_id is null)::text as orphan
       from meter_values m where m.station_id = any($1)`,
      [stationIds],
    );
    assert.deepEqual(mv.map((r) => [Number(r.n), Number(r.bad), Number(r.orphan)]), [[stationIds.length * perStation * 3, 0, 0]]);
  }

  it('two workers split the 16 shards and both handle messages', step(async () => {
    const [a, b] = await waitFor(async () => {
      const s = await Promise.all([shardsOf(w1), shardsOf(w2)]);
      return s[0]!.length === 8 && s[1]!.length === 8 ? s : undefined;
    }, 20_000, 'an 8/8 split of the shards');
    assert.deepEqual([...a!, ...b!].sort((x, y) => x - y), Array.from({ length: 16 }, (_, k) => k));
  }));

  it('a worker SIGKILLed during 1,000 transactions: each stored once with exact energy, no meter value lost or doubled', step(async (t) => {
    const STATIONS = 100;
    const TX = 10;
    const total = STATIONS * TX * 5;
    const base = Math.floor(Date.now() / 1000) * 1000 - 86_400_000;
    const ids = Array.from({ length: STATIONS }, (_, i) => `FT-${i + 1}`);
    let calls = 0;
    const handledBefore = await Promise.all([w1.health(), w2.health()]);
    const runs = ids.map((id, i) => {
      const c = new Charger(id, i % 2 ? [gw2.wsUrl, gw1.wsUrl] : [gw1.wsUrl, gw2.wsUrl]);
      chargers.push(c);
      return charge(c, `FT-TAG-${i + 1}`, TX, base, () => calls++);
    });
    const all = Promise.all(runs);
    all.catch(() => undefined);
    await waitFor(() => calls >= total / 4, 120_000, 'a quarter of the calls answered');
    const handled = await Promise.all([w1.health(), w2.health()]);
    for (const [i, h] of handled.entries()) assert.ok(h.body.handled > handledBefore[i]!.body.handled, `worker-${i + 1} handled messages`);
    w2.kill('SIGKILL');
    const killedAt = calls;
    await w2.exited;
    const takeover = Date.now();
    await waitFor(async () => (await shardsOf(w1)).length === 16, 20_000, 'worker-1 taking over all 16 shards');
    t.diagnostic(`worker-2 killed after ${killedAt}/${total} calls; worker-1 held all shards ${Date.now() - takeover} ms later`);
    await all;
    t.diagnostic(`worker-1 handled ${(await w1.health()).body.redelivered} redelivered messages`);
    assert.equal(calls, total);
    await assertExact(ids, TX);
  }));

  it('a worker added later takes half of the shards and handles messages', step(async () => {
    const w3 = await start('worker-3', 'worker');
    await waitFor(async () => {
      const [a, b] = await Promise.all([shardsOf(w1), shardsOf(w3)]);
      return a.length === 8 && b.length === 8;
    }, 20_000, 'worker-1 and worker-3 at 8 shards each');
    const ids = Array.from({ length: 40 }, (_, i) => `FT-NEW-${i + 1}`);
    const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    await Promise.all(
      ids.map((id, i) => {
        const c = new Charger(id, [gw1.wsUrl, gw2.wsUrl]);
        chargers.push(c);
        return charge(c, `FT-TAG-${101 + i}`, 2, base, () => undefined);
      }),
    );
    assert.ok((await w3.health()).body.handled > 0, 'worker-3 handled messages');
    await assertExact(ids, 2);
  }));

  it('a gateway SIGKILLed: its stations reconnect to the other and take commands there; those that do not return go offline', step(async () => {
    const movers = Array.from({ length: 12 }, (_, i) => new Charger(`FT-GW-${i + 1}`, [gw1.wsUrl, gw2.wsUrl]));
    const gone = Array.from({ length: 4 }, (_, i) => new Charger(`FT-LOST-${i + 1}`, [gw1.wsUrl]));
    for (const c of [...movers, ...gone]) {
      chargers.push(c);
      c.handlers.set('Reset', () => ({ status: 'Accepted' }));
      await c.call('BootNotification', { chargePointVendor: 'faults', chargePointModel: 'raw' });
    }
    for (const c of gone) c.reconnect = false; // these lose power together with the gateway
    await waitFor(async () => {
      const list = await Promise.all([...movers, ...gone].map((c) => callApi('GET', `/api/v1/stations/${c.id}`)));
      return list.every((r) => r.body.online === true);
    }, 10_000, 'all 16 stations online');
    assert.ok((await gw1.health()).body.stationsConnected >= 16);

    gw1.kill('SIGKILL');
    await gw1.exited;
    await waitFor(() => movers.every((c) => c.open && c.at === 1), 20_000, 'the stations reconnected to gateway-2');
    for (const c of movers) {
      const res = await waitFor(async () => {
        const r = await callApi('POST', `/api/v1/stations/${c.id}/commands/Reset`, { type: 'Soft' });
        return r.status === 200 ? r : undefined;
      }, 10_000, `Reset reaching ${c.id} on gateway-2`);
      assert.deepEqual(res.body, { response: { status: 'Accepted' } });
    }
    // The stations that did not come back: the dead gateway stopped heartbeating, a worker marks them offline.
    await waitFor(async () => {
      const list = await Promise.all(gone.map((c) => callApi('GET', `/api/v1/stations/${c.id}`)));
      return list.every((r) => r.body.online === false);
    }, LEASE_SEC * 1000 + 10_000, 'the dead gateway\'s stations offline');
    const moved = await Promise.all(movers.map((c) => callApi('GET', `/api/v1/stations/${c.id}`)));
    assert.ok(moved.every((r) => r.body.online === true), 'stations on gateway-2 stay online');
    const offline = await callApi('POST', `/api/v1/stations/${gone[0]!.id}/commands/Reset`, { type: 'Soft' });
    assert.deepEqual([offline.status, offline.body.error.code], [409, 'STATION_OFFLINE']);
  }));

  it('SIGTERM stops every node gracefully: exit 0, stations offline, no error logged', step(async () => {
    const from = readFileSync(log.path, 'utf8').length;
    const live = roles.filter((r) => r.exitStatus === undefined);
    const order = ['gateway', 'api', 'worker'];
    for (const role of order) {
      const exits = await Promise.all(live.filter((r) => r.role === role).map((r) => r.stop()));
      for (const e of exits) assert.deepEqual(e, { code: 0, signal: null }, `${role} exit`);
    }
    const errors = errorLines(log.path).filter((l) => readFileSync(log.path, 'utf8').indexOf(l) >= from);
    assert.deepEqual(errors, []);
    const online = await sql<{ n: string }>(db!.url, `select count(*)::text as n from stations where online`);
    assert.equal(Number(online[0]!.n), 0, 'a gateway shutting down reports its stations offline');
  }));
});
