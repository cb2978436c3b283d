/**
 * The operator console's dashboard endpoints: stations by state, energy since a time (sessions that
 * started before it count only what they delivered after it), active sessions and power now, the
 * network power curve, the filterable station list, and who may read them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { RawCharger } from './raw-charger.js';
import { eventually, startTestServer, type TestServer } from './helpers.js';

const BOOT = { chargePointVendor: 'Acme', chargePointModel: 'Dash 22' };
const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
const sample = (wh: number, w?: number) => ({
  timestamp: new Date().toISOString(),
  sampledValue: [
    { value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
    ...(w === undefined ? [] : [{ value: String(w), measurand: 'Power.Active.Import', unit: 'W' }]),
  ],
});
const status = (connectorId: number, s: string, errorCode = 'NoError') => ({ connectorId, status: s, errorCode, timestamp: new Date().toISOString() });

for (const tdb of testDatabases()) {
  describe(`dashboard summary, power and station states (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    const chargers: RawCharger[] = [];
    // Energy is counted from an hour ago.
    const since = ago(60);

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db);
      for (const id of ['D-1', 'D-2', 'D-3', 'D-4']) await s.api('POST', '/api/v1/stations', { id, registrationStatus: 'Accepted' });
      await s.api('POST', '/api/v1/stations', { id: 'D-5', registrationStatus: 'Pending' });
      await s.api('POST', '/api/v1/id-tokens', { idToken: 'DASH-TAG', status: 'Accepted' });
      const connect = async (id: string) => {
        const cp = await RawCharger.connect(`${s.ws}/${id}`);
        chargers.push(cp);
        await cp.call('BootNotification', BOOT);
        return cp;
      };
      // D-1 charges since two hours ago: 2,000 Wh before `since`, 2,000 Wh after, 7 kW now.
      const d1 = await connect('D-1');
      await d1.call('StatusNotification', status(1, 'Charging'));
      const t1 = await d1.call('StartTransaction', { connectorId: 1, idTag: 'DASH-TAG', meterStart: 1000, timestamp: ago(120) });
      await d1.call('MeterValues', { connectorId: 1, transactionId: t1.transactionId, meterValue: [{ ...sample(3000, 6000), timestamp: ago(90) }] });
      await d1.call('MeterValues', { connectorId: 1, transactionId: t1.transactionId, meterValue: [{ ...sample(5000, 7000), timestamp: ago(1) }] });
      // D-2 is faulted.
      const d2 = await connect('D-2');
      await d2.call('StatusNotification', status(1, 'Faulted', 'GroundFailure'));
      // D-3 charged 1,500 Wh within the window and is available again.
      const d3 = await connect('D-3');
      const t3 = await d3.call('StartTransaction', { connectorId: 1, idTag: 'DASH-TAG', meterStart: 0, timestamp: ago(30) });
      await d3.call('StopTransaction', { transactionId: t3.transactionId, meterStop: 1500, timestamp: ago(10), reason: 'Local' });
      await d3.call('StatusNotification', status(1, 'Available'));
      await d3.call('StatusNotification', status(2, 'Available'));
      // D-4 never connects; D-5 is Pending and offline.
      await s.v.core.transactions.flush();
    });
    after(async () => {
      for (const cp of chargers) await cp.close();
      await s.stop();
      await cleanup();
    });

    it('counts stations by state, energy since the given time, active sessions and power now', async () => {
      const r = await s.api('GET', `/api/v1/dashboard/summary?since=${encodeURIComponent(since)}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.stations, { total: 5, online: 3, offline: 2, faulted: 1, charging: 1, available: 1, unavailable: 0, pending: 1 });
      assert.equal(r.body.activeSessions, 1);
      assert.equal(r.body.sessionsSince, 1, 'only D-3 started within the window');
      assert.equal(r.body.energySinceWh, 2000 + 1500);
      assert.equal(r.body.powerW, 7000);
      assert.equal(r.body.since, new Date(since).toISOString());
    });

    it('defaults to the start of the UTC day and rejects a since that is no date', async () => {
      const r = await s.api('GET', '/api/v1/dashboard/summary');
      assert.equal(r.status, 200);
      const midnight = new Date();
      midnight.setUTCHours(0, 0, 0, 0);
      assert.equal(r.body.since, midnight.toISOString());
      const bad = await s.api('GET', '/api/v1/dashboard/summary?since=yesterday-ish');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
      assert.match(bad.body.error.message, /since/);
    });

    it('sums the average power of each EVSE per bucket', async () => {
      const r = await s.api('GET', '/api/v1/dashboard/power?minutes=180&bucketSec=3600');
      assert.equal(r.status, 200);
      assert.equal(r.body.bucketSec, 3600);
      const total = r.body.items.reduce((n: number, i: { powerW: number }) => n + i.powerW, 0);
      // Two samples (6 kW 90 min ago, 7 kW a minute ago) fall in one or two hourly buckets.
      assert.ok(total === 13000 || total === 6500, `got ${JSON.stringify(r.body.items)}`);
      const recent = await s.api('GET', '/api/v1/dashboard/power?minutes=5&bucketSec=60');
      assert.deepEqual(recent.body.items.map((i: { powerW: number }) => i.powerW), [7000]);
      assert.equal((await s.api('GET', '/api/v1/dashboard/power?bucketSec=1')).status, 400);
    });

    it('lists stations with state and connectors, filtered by state, connection, version and text', async () => {
      const ids = async (query: string) => (await s.api('GET', `/api/v1/dashboard/stations${query}`)).body.items.map((x: { id: string }) => x.id);
      assert.deepEqual(await ids('?state=charging'), ['D-1']);
      assert.deepEqual(await ids('?state=faulted'), ['D-2']);
      assert.deepEqual(await ids('?state=available'), ['D-3']);
      assert.deepEqual(await ids('?state=offline'), ['D-4', 'D-5']);
      assert.deepEqual(await ids('?online=true&ocppVersion=ocpp1.6'), ['D-1', 'D-2', 'D-3']);
      assert.deepEqual(await ids('?registrationStatus=Pending'), ['D-5']);
      assert.deepEqual(await ids('?q=d-2'), ['D-2']);
      assert.deepEqual(await ids('?q=dash%2022'), ['D-1', 'D-2', 'D-3'], 'model matches');
      const page = await s.api('GET', '/api/v1/dashboard/stations?limit=2&offset=2');
      assert.equal(page.body.total, 5);
      assert.deepEqual(page.body.items.map((x: { id: string }) => x.id), ['D-3', 'D-4']);
      const d1 = (await s.api('GET', '/api/v1/dashboard/stations?q=D-1')).body.items[0];
      assert.equal(d1.activeSessions, 1);
      assert.equal(d1.vendor, 'Acme');
      assert.deepEqual(d1.connectors, [{ evseId: 1, connectorId: 1, status: 'Charging' }]);
      assert.equal((await s.api('GET', '/api/v1/dashboard/stations?state=sleeping')).status, 400);
    });

    it('follows a station that goes offline', async () => {
      await chargers[1]!.close();
      await eventually(async () => (await s.api('GET', '/api/v1/dashboard/stations?state=offline')).body.items.some((x: { id: string }) => x.id === 'D-2'), 5000, 'D-2 offline');
      const r = await s.api('GET', `/api/v1/dashboard/summary?since=${encodeURIComponent(since)}`);
      assert.equal(r.body.stations.faulted, 0);
      assert.equal(r.body.stations.offline, 3);
    });

    it('is for operators and admins only', async () => {
      await s.v.core.users.create({ email: 'driver@dash.test', role: 'driver', password: 'driver-password-1' });
      await s.v.core.users.create({ email: 'op@dash.test', role: 'operator', password: 'operator-password-1' });
      const cookieOf = async (email: string, password: string) => {
        const res = await fetch(`${s.v.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
        assert.equal(res.status, 200);
        return res.headers.get('set-cookie')!.split(';')[0]!;
      };
      const get = async (path: string, cookie?: string) => (await fetch(`${s.v.url}${path}`, cookie ? { headers: { cookie } } : {})).status;
      assert.equal(await get('/api/v1/dashboard/summary'), 401);
      assert.equal(await get('/api/v1/dashboard/summary', await cookieOf('driver@dash.test', 'driver-password-1')), 403);
      const op = await cookieOf('op@dash.test', 'operator-password-1');
      for (const path of ['/api/v1/dashboard/summary', '/api/v1/dashboard/power', '/api/v1/dashboard/stations']) assert.equal(await get(path, op), 200, path);
    });
  });
}
