/**
 * RabbitMQ restarted, then PostgreSQL restarted, while chargers charge through a gateway and a
 * worker (real processes): both roles reconnect by themselves and carry on, and everything that
 * was acknowledged to a charger is stored exactly once. Runs on a private PostgreSQL and a private
 * RabbitMQ node started for this suite (the shared servers are never restarted). Needs
 * TEST_AMQP_URL and TEST_DATABASE_URL (the same gate as the other cluster tests) and the
 * PostgreSQL 15 and RabbitMQ server binaries.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  Charger, PrivatePostgres, PrivateRabbit, privateServersMissing, Role, sql, suiteLog, waitFor, withDatabase,
} from './cluster-harness.js';

const gate = !process.env.TEST_AMQP_URL || !process.env.TEST_DATABASE_URL ? 'cluster fault tests need TEST_AMQP_URL and TEST_DATABASE_URL' : false;
const skip = gate || (privateServersMissing() ? `private servers unavailable: ${privateServersMissing()}` : false);

describe('cluster faults: RabbitMQ and PostgreSQL restarted under load (private servers)', { skip }, () => {
  const log = suiteLog('restart');
  let pgsql: PrivatePostgres | undefined;
  let rabbit: PrivateRabbit | undefined;
  let dbUrl: string;
  let gw: Role, worker: Role;
  const roles: Role[] = [];
  const chargers: Charger[] = [];
  let failed = false;

  before(async () => {
    [pgsql, rabbit] = await Promise.all([PrivatePostgres.start(), PrivateRabbit.start()]);
    await sql(pgsql.url, 'create database voltlane');
    dbUrl = withDatabase(pgsql.url, 'voltlane');
    const env = {
      DATABASE_URL: dbUrl, VOLTLANE_BUS_URL: rabbit.url, VOLTLANE_LEASE_SEC: '3', VOLTLANE_UNKNOWN_STATIONS: 'accept',
      VOLTLANE_LOG_LEVEL: 'info', VOLTLANE_ADMIN_TOKEN: 'restart-test-token',
    };
    gw = await Role.start('gateway-1', 'gateway', env, log.stream);
    roles.push(gw);
    worker = await Role.start('worker-1', 'worker', env, log.stream);
    roles.push(worker);
    await sql(dbUrl, `insert into id_tokens (id_token, status) select 'RS-TAG-' || g, 'Accepted' from generate_series(1, 50) g`);
  });

  after(async () => {
    for (const c of chargers) c.close();
    await Promise.all(roles.map((r) => r.stop()));
    log.stream.end();
    await rabbit?.destroy();
    pgsql?.destroy();
    if (failed) console.log(`cluster logs kept in ${log.path}`);
    else rmSync(log.dir, { recursive: true, force: true });
  });

  it('every role reconnects by itself and nothing acknowledged to a charger is lost', async (t) => {
    try {
      const STATIONS = 20;
      const acked = { calls: 0, meterValues: [] as { station: string; ts: string }[], stops: [] as { station: string; tx: number }[] };
      const starts = new Map<string, Set<number>>();
      let running = true;
      const base = Math.floor(Date.now() / 1000) * 1000 - 86_400_000;
      const runs = Array.from({ length: STATIONS }, async (_, i) => {
        const id = `RS-${i + 1}`;
        const c = new Charger(id, [gw.wsUrl], { retryDeadlineMs: 90_000 });
        chargers.push(c);
        starts.set(id, new Set());
        await c.call('BootNotification', { chargePointVendor: 'restart', chargePointModel: 'raw' });
        for (let n = 0; running; n++) {
          const t0 = base + n * 60_000;
          const start = await c.call('StartTransaction', { connectorId: 1, idTag: `RS-TAG-${i + 1}`, meterStart: n * 1000, timestamp: new Date(t0).toISOString() });
          starts.get(id)!.add(start.transactionId as number);
          acked.calls++;
          for (let m = 1; m <= 3; m++) {
            const ts = new Date(t0 + m * 10_000).toISOString();
            await c.call('MeterValues', {
              connectorId: 1, transactionId: start.transactionId,
              meterValue: [{ timestamp: ts, sampledValue: [{ value: String(n * 1000 + m * 100), unit: 'Wh', measurand: 'Energy.Active.Import.Register' }] }],
            });
            acked.meterValues.push({ station: id, ts });
            acked.calls++;
          }
          await c.call('StopTransaction', { transactionId: start.transactionId, meterStop: n * 1000 + 400, timestamp: new Date(t0 + 50_000).toISOString(), reason: 'Local' });
          acked.stops.push({ station: id, tx: start.transactionId as number });
          acked.calls++;
        }
      });
      const all = Promise.all(runs);
      all.catch(() => undefined);
      const progress = async (what: string, more: number) => {
        const from = acked.calls;
        await waitFor(() => acked.calls >= from + more, 60_000, `${more} more calls answered ${what}`);
      };
      const ready = async (what: string) => {
        await waitFor(async () => {
          const h = await Promise.all([gw.health().catch(() => undefined), worker.health().catch(() => undefined)]);
          return h.every((x) => x?.status === 200);
        }, 60_000, `both roles ready ${what}`, 250);
      };
      await progress('at first', 200);

      const t1 = Date.now();
      await rabbit!.restart(1000);
      await ready('after the RabbitMQ restart');
      await progress('after the RabbitMQ restart', 200);
      t.diagnostic(`RabbitMQ restart: charging went on ${Date.now() - t1} ms after it began`);

      const t2 = Date.now();
      const duringPg = waitFor(async () => (await worker.health().catch(() => undefined))?.body.database === 'unreachable', 20_000, 'the worker noticing', 100)
        .then(() => true, () => false);
      await pgsql!.restart(2000);
      await ready('after the PostgreSQL restart');
      await progress('after the PostgreSQL restart', 200);
      t.diagnostic(`PostgreSQL restart: charging went on ${Date.now() - t2} ms after it began (worker reported the database unreachable: ${await duringPg})`);

      running = false;
      await all;
      assert.equal(gw.exitStatus, undefined, 'gateway still running');
      assert.equal(worker.exitStatus, undefined, 'worker still running');

      // Every transaction the chargers were given exists once and is complete with its energy.
      const txs = await sql<{ id: string; station_id: string; status: string; energy_wh: string }>(dbUrl, 'select id::text, station_id, status, energy_wh::text from transactions');
      const given = [...starts.entries()].flatMap(([station, ids]) => [...ids].map((id) => `${station}#${id}`)).sort();
      assert.deepEqual(txs.map((x) => `${x.station_id}#${x.id}`).sort(), given, 'one transaction per acknowledged start, no duplicates');
      assert.equal(acked.stops.length, given.length);
      assert.ok(txs.every((x) => x.status === 'completed' && Number(x.energy_wh) === 400), 'every acknowledged stop completed with 400 Wh');
      // Every acknowledged meter value stored exactly once.
      const mv = await sql<{ station_id: string; ts: Date; n: string }>(dbUrl, 'select station_id, ts, count(*)::text as n from meter_values group by station_id, ts');
      const stored = new Map(mv.map((r) => [`${r.station_id}@${r.ts.toISOString()}`, Number(r.n)]));
      const missing = acked.meterValues.filter((v) => stored.get(`${v.station}@${v.ts}`) !== 1);
      assert.deepEqual(missing, [], 'acknowledged meter values stored once');
      assert.equal(mv.length, acked.meterValues.length);
      t.diagnostic(`${given.length} transactions and ${acked.meterValues.length} meter values acknowledged, all stored once`);
    } catch (err) {
      failed = true;
      throw err;
    }
  });
});
