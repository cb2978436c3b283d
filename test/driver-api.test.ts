/**
 * The driver API: a driver sees and starts only their own sessions. Remote start and stop on an
 * OCPP 1.6 and a 2.0.1 charger (ocpp-rpc strict), session history and detail, monthly stats and
 * CSV with exactly the driver's data, no access to another driver's sessions or tokens, live
 * events filtered to the driver's own transactions, and the public connector page.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { ADMIN_TOKEN, eventually, startTestServer, type TestServer } from './helpers.js';
import { rpcCharger } from './rpc-peer.js';
import { Client, collectSse, type Json } from './users-auth-client.js';

const PW = 'driver password 1';
const HOUR = 3600_000;
/** € 0.25 per kWh, no VAT. */
const TARIFF = { id: 'T-DRIVER', currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }] }] };

/** Noon UTC on day `day` of the month `back` months before the current one. */
function monthsAgo(back: number, day = 10): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, day, 12);
}
function ym(t: number): string {
  return new Date(t).toISOString().slice(0, 7);
}

for (const tdb of testDatabases()) {
  describe(`Driver API (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let base: string;
    let ana: Client;
    let ben: Client;
    let op: Client;
    let anaId: number;
    const clients: Json[] = [];
    const admin = () => new Client(base, { bearer: ADMIN_TOKEN });
    /** 1.6 charger: transactions it started, by idTag. */
    let cp16: Json;
    let cp201: Json;

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db);
      base = s.v.url;
      const users: Record<string, number> = {};
      for (const [email, role] of [['ana@example.com', 'driver'], ['ben@example.com', 'driver'], ['cleo@example.com', 'driver'], ['olga@example.com', 'operator']] as const) {
        const r = await admin().post('/api/v1/users', { email, role, password: PW, name: email.slice(0, 4) });
        assert.equal(r.status, 201, r.text);
        users[email] = r.body.id;
      }
      anaId = users['ana@example.com']!;
      for (const [idToken, owner, status] of [['ANA-1', 'ana', 'Accepted'], ['ana-old', 'ana', 'Blocked'], ['BEN-1', 'ben', 'Accepted'], ['CLEO-X', 'cleo', 'Blocked']] as const) {
        assert.equal((await admin().post('/api/v1/id-tokens', { idToken, status })).status, 201);
        assert.equal((await admin().patch(`/api/v1/id-tokens/${idToken}`, { userId: users[`${owner}@example.com`] })).status, 200);
      }
      assert.equal((await admin().post('/api/v1/tariffs', TARIFF)).status, 201);
      ana = await new Client(base).login('ana@example.com', PW);
      ben = await new Client(base).login('ben@example.com', PW);
      op = await new Client(base).login('olga@example.com', PW);

      // An OCPP 1.6 charger that starts and stops when told to, reporting energy and power.
      assert.equal((await admin().post('/api/v1/stations', { id: 'DRV-16' })).status, 201);
      assert.equal((await admin().req('PUT', '/api/v1/stations/DRV-16/tariff', { tariffId: 'T-DRIVER' })).status, 200);
      cp16 = rpcCharger({ endpoint: s.ws, identity: 'DRV-16', protocols: ['ocpp1.6'] });
      clients.push(cp16);
      await cp16.connect();
      await cp16.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'strict' });
      for (const connectorId of [1, 2]) await cp16.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available' });
      cp16.handle('RemoteStartTransaction', ({ params }: Json) => {
        setTimeout(() => void (async () => {
          // In the past, so the cost so far covers the reading.
          const at = Date.now() - 2000;
          const { transactionId } = await cp16.call('StartTransaction', { connectorId: params.connectorId ?? 1, idTag: params.idTag, meterStart: 5000, timestamp: new Date(at).toISOString() });
          await cp16.call('MeterValues', {
            connectorId: params.connectorId ?? 1, transactionId,
            meterValue: [{ timestamp: new Date(at + 1000).toISOString(), sampledValue: [
              { value: '6500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }, { value: '7400', measurand: 'Power.Active.Import', unit: 'W' },
            ] }],
          });
        })(), 50);
        return { status: 'Accepted' };
      });
      cp16.handle('RemoteStopTransaction', ({ params }: Json) => {
        setTimeout(() => void cp16.call('StopTransaction', { transactionId: params.transactionId, meterStop: 9000, timestamp: new Date().toISOString(), reason: 'Remote' }), 50);
        return { status: 'Accepted' };
      });

      // An OCPP 2.0.1 charger doing the same with RequestStart/StopTransaction.
      assert.equal((await admin().post('/api/v1/stations', { id: 'DRV-201' })).status, 201);
      cp201 = rpcCharger({ endpoint: s.ws, identity: 'DRV-201', protocols: ['ocpp2.0.1'] });
      clients.push(cp201);
      await cp201.connect();
      await cp201.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'ocpp-rpc', model: 'strict-2x' } });
      cp201.handle('RequestStartTransaction', ({ params }: Json) => {
        setTimeout(() => void cp201.call('TransactionEvent', {
          eventType: 'Started', seqNo: 0, timestamp: new Date().toISOString(), triggerReason: 'RemoteStart',
          transactionInfo: { transactionId: `R-${params.remoteStartId}`, remoteStartId: params.remoteStartId },
          evse: { id: params.evseId ?? 1, connectorId: 1 }, idToken: params.idToken,
          meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: 100, measurand: 'Energy.Active.Import.Register', context: 'Transaction.Begin' }] }],
        }), 50);
        return { status: 'Accepted' };
      });
      cp201.handle('RequestStopTransaction', ({ params }: Json) => {
        setTimeout(() => void cp201.call('TransactionEvent', {
          eventType: 'Ended', seqNo: 1, timestamp: new Date().toISOString(), triggerReason: 'RemoteStop',
          transactionInfo: { transactionId: params.transactionId, stoppedReason: 'Remote' },
          meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: 2100, measurand: 'Energy.Active.Import.Register', context: 'Transaction.End' }] }],
        }), 50);
        return { status: 'Accepted' };
      });

      // History: Ana 10 kWh + 4 kWh two months ago, 6 kWh last month; Ben 50 kWh last month.
      for (const [idTag, at, kWh] of [['ANA-1', monthsAgo(2, 5), 10], ['ANA-1', monthsAgo(2, 20), 4], ['ana-1', monthsAgo(1, 3), 6], ['BEN-1', monthsAgo(1, 4), 50]] as const) {
        const { transactionId } = await cp16.call('StartTransaction', { connectorId: 2, idTag, meterStart: 0, timestamp: new Date(at).toISOString() });
        await cp16.call('StopTransaction', { transactionId, meterStop: kWh * 1000, timestamp: new Date(at + HOUR).toISOString(), reason: 'Local' });
      }
    });
    after(async () => {
      for (const c of clients) await c.close({ force: true }).catch(() => undefined);
      await s.stop();
      await cleanup();
    });

    it('a driver sees only their own id tokens', async () => {
      assert.deepEqual((await ana.get('/api/v1/me/id-tokens')).body.items.map((t: Json) => t.idToken), ['ANA-1', 'ana-old']);
      assert.deepEqual((await ben.get('/api/v1/me/id-tokens')).body.items.map((t: Json) => t.idToken), ['BEN-1']);
      assert.equal((await ana.get('/api/v1/id-tokens')).status, 403);
      assert.equal((await ana.get('/api/v1/id-tokens/BEN-1')).status, 403);
    });

    it('OCPP 1.6: a driver starts a session with their valid token, watches it, and stops it', async () => {
      const start = await ana.post('/api/v1/me/sessions', { stationId: 'DRV-16', evseId: 1 });
      assert.equal(start.status, 202, start.text);
      assert.equal(start.body.status, 'Accepted');
      assert.deepEqual(start.body.reply, { status: 'Accepted' });
      const id = start.body.transactionId;
      assert.ok(Number.isInteger(id), 'the new session id is returned');
      const tx = (await admin().get(`/api/v1/transactions/${id}`)).body;
      assert.equal(tx.idToken, 'ANA-1', 'started with the first valid token (the blocked one is skipped)');

      const live = await eventually(async () => {
        const r = (await ana.get(`/api/v1/me/sessions/${id}`)).body;
        return r.energyWh === 1500 ? r : undefined;
      }, 5000, 'meter values');
      assert.equal(live.status, 'active');
      assert.equal(live.powerW, 7400);
      assert.equal(live.stationId, 'DRV-16');
      assert.equal(live.evseId, 1);
      assert.ok(live.durationS >= 0);
      assert.deepEqual(live.meterValues.map((m: Json) => [m.energyWh, m.powerW]), [[1500, 7400]]);
      assert.equal(live.currency, 'EUR');
      assert.equal(Number(live.costInclVat), 0.375, 'cost so far: 1.5 kWh x 0.25');

      // Ben can neither see nor stop it, and learns nothing about its existence.
      for (const r of [await ben.get(`/api/v1/me/sessions/${id}`), await ben.post(`/api/v1/me/sessions/${id}/stop`), await ben.get('/api/v1/me/sessions/999999')]) {
        assert.equal(r.status, 404);
        assert.equal(r.body.error.code, 'TRANSACTION_NOT_FOUND');
      }
      assert.equal((await ben.get(`/api/v1/transactions/${id}`)).status, 403);

      const stop = await ana.post(`/api/v1/me/sessions/${id}/stop`);
      assert.equal(stop.status, 200, stop.text);
      assert.deepEqual(stop.body, { status: 'Accepted', reply: { status: 'Accepted' } });
      // The cost is fixed just after the completion is stored (two writes): wait for both.
      const done = await eventually(async () => {
        const r = (await ana.get(`/api/v1/me/sessions/${id}`)).body;
        return r.status === 'completed' && r.costInclVat !== null ? r : undefined;
      }, 5000, 'stop');
      assert.equal(done.energyWh, 4000);
      assert.equal(done.powerW, null);
      assert.equal(done.costInclVat, '1.00');
      const again = await ana.post(`/api/v1/me/sessions/${id}/stop`);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'SESSION_NOT_ACTIVE');
    });

    it('OCPP 2.0.1: remote start with RequestStartTransaction and remote stop with the station\'s transaction id', async () => {
      const start = await ben.post('/api/v1/me/sessions', { stationId: 'DRV-201' });
      assert.equal(start.status, 202, start.text);
      assert.equal(start.body.status, 'Accepted');
      const id = start.body.transactionId;
      assert.ok(Number.isInteger(id));
      const tx = (await admin().get(`/api/v1/transactions/${id}`)).body;
      assert.equal(tx.idToken, 'BEN-1');
      assert.equal(tx.idTokenType, 'Central');
      assert.equal((await ana.get(`/api/v1/me/sessions/${id}`)).status, 404);
      assert.equal((await ben.post(`/api/v1/me/sessions/${id}/stop`)).body.status, 'Accepted');
      const done = await eventually(async () => {
        const r = (await ben.get(`/api/v1/me/sessions/${id}`)).body;
        return r.status === 'completed' ? r : undefined;
      }, 5000, '2.x stop');
      assert.equal(done.energyWh, 2000);
    });

    it('refusals: no valid id token (409), unknown station (404), offline station (409), admin token has no sessions', async () => {
      const cleo = await new Client(base).login('cleo@example.com', PW);
      const none = await cleo.post('/api/v1/me/sessions', { stationId: 'DRV-16' });
      assert.equal(none.status, 409);
      assert.equal(none.body.error.code, 'NO_ID_TOKEN');
      assert.match(none.body.error.message, /id token/);
      assert.equal((await ana.post('/api/v1/me/sessions', { stationId: 'NOPE' })).status, 404);
      assert.equal((await admin().post('/api/v1/stations', { id: 'DRV-OFF' })).status, 201);
      const off = await ana.post('/api/v1/me/sessions', { stationId: 'DRV-OFF' });
      assert.equal(off.status, 409);
      assert.equal(off.body.error.code, 'STATION_OFFLINE');
      assert.equal((await admin().get('/api/v1/me/sessions')).status, 403);
      assert.equal((await ana.post('/api/v1/me/sessions', { stationId: 'DRV-16', evseId: 0 })).status, 400);
    });

    it('session history: only one\'s own, filtered by status and time, paged', async () => {
      const all = (await ana.get('/api/v1/me/sessions')).body;
      assert.equal(all.total, 4, 'three old sessions and the remote one');
      assert.ok(all.items.every((x: Json) => x.idToken.toUpperCase() === 'ANA-1'));
      assert.deepEqual(all.items.map((x: Json) => x.startedAt), [...all.items.map((x: Json) => x.startedAt)].sort().reverse(), 'newest first');
      const ben1 = (await ben.get('/api/v1/me/sessions')).body;
      assert.equal(ben1.total, 2);
      const anaIds = new Set(all.items.map((x: Json) => x.id));
      assert.ok(ben1.items.every((x: Json) => !anaIds.has(x.id)));

      const old = (await ana.get(`/api/v1/me/sessions?from=${new Date(monthsAgo(2, 1)).toISOString()}&to=${new Date(monthsAgo(1, 1)).toISOString()}`)).body;
      assert.deepEqual(old.items.map((x: Json) => x.energyWh), [4000, 10000]);
      // 1.6 connector 2 is EVSE 2, connector 1: the same numbering as the station and location APIs.
      assert.deepEqual(old.items.map((x: Json) => [x.evseId, x.connectorId]), [[2, 1], [2, 1]]);
      assert.deepEqual(((await ana.get(`/api/v1/me/sessions/${old.items[0].id}`)).body as Json).connectorId, 1);
      assert.equal(old.items[0].costInclVat, '1.00');
      assert.equal(old.items[1].costInclVat, '2.50');
      const paged = (await ana.get('/api/v1/me/sessions?limit=1&offset=1')).body;
      assert.deepEqual([paged.total, paged.items.length, paged.items[0].id], [4, 1, all.items[1].id]);
      assert.equal((await ana.get('/api/v1/me/sessions?status=active')).body.total, 0);
      assert.equal((await ana.get('/api/v1/me/sessions?from=yesterday')).status, 400);
    });

    it('monthly stats have exactly the driver\'s sessions, energy and cost, with empty months as zeros', async () => {
      const r = await ana.get('/api/v1/me/stats/monthly?months=4');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.items, [
        { month: ym(monthsAgo(3)), sessions: 0, energyWh: 0, costInclVat: null, currency: null },
        { month: ym(monthsAgo(2)), sessions: 2, energyWh: 14000, costInclVat: '3.50', currency: 'EUR' },
        { month: ym(monthsAgo(1)), sessions: 1, energyWh: 6000, costInclVat: '1.50', currency: 'EUR' },
        { month: ym(monthsAgo(0)), sessions: 1, energyWh: 4000, costInclVat: '1.00', currency: 'EUR' },
      ]);
      const b = (await ben.get('/api/v1/me/stats/monthly')).body.items;
      assert.equal(b.length, 12);
      assert.deepEqual(b.at(-2), { month: ym(monthsAgo(1)), sessions: 1, energyWh: 50000, costInclVat: '12.50', currency: 'EUR' });
      assert.equal(b.at(-1).sessions, 1, 'the 2.0.1 session (no tariff there)');
      assert.equal(b.at(-1).costInclVat, null);
      assert.equal((await ana.get('/api/v1/me/stats/monthly?months=0')).status, 400);
    });

    it('CSV export has exactly the driver\'s own sessions', async () => {
      const r = await ana.get('/api/v1/me/sessions.csv');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type')!, /^text\/csv/);
      assert.match(r.headers.get('content-disposition')!, /attachment; filename="voltlane-sessions.csv"/);
      const lines = r.text.trimEnd().split('\r\n');
      assert.equal(lines[0], 'id,stationId,evseId,connectorId,idToken,status,startedAt,stoppedAt,durationS,energyWh,costInclVat,currency');
      const rows = lines.slice(1).map((l) => l.split(','));
      const api = (await ana.get('/api/v1/me/sessions')).body.items;
      assert.deepEqual(rows.map((x) => Number(x[0])).sort(), api.map((x: Json) => x.id).sort());
      assert.ok(rows.every((x) => x[4]!.toUpperCase() === 'ANA-1'));
      assert.ok(!r.text.includes('BEN-1'));
      const oldest = rows.find((x) => x[9] === '10000')!;
      assert.deepEqual(oldest.slice(2, 4), ['2', '1'], '1.6 connector 2: EVSE 2, connector 1');
      assert.deepEqual(oldest.slice(5), ['completed', new Date(monthsAgo(2, 5)).toISOString(), new Date(monthsAgo(2, 5) + HOUR).toISOString(), '3600', '10000', '2.50', 'EUR']);
      assert.equal((await new Client(base).get('/api/v1/me/sessions.csv')).status, 401);
    });

    it('live events: a driver gets availability and their own transactions only; operators get everything', async () => {
      const until = (evs: Json[]) => evs.some((e) => e.event === 'transaction.stopped');
      let benTx = 0;
      let anaTx = 0;
      const drive = async () => {
        await new Promise((r) => setTimeout(r, 100));
        await cp16.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Preparing' });
        const at = Date.now();
        benTx = (await cp16.call('StartTransaction', { connectorId: 2, idTag: 'BEN-1', meterStart: 0, timestamp: new Date(at).toISOString() })).transactionId;
        await cp16.call('MeterValues', { connectorId: 2, transactionId: benTx, meterValue: [{ timestamp: new Date(at + 500).toISOString(), sampledValue: [{ value: '300', unit: 'Wh' }] }] });
        await cp16.call('StopTransaction', { transactionId: benTx, meterStop: 700, timestamp: new Date(at + 1000).toISOString(), reason: 'Local' });
        anaTx = (await cp16.call('StartTransaction', { connectorId: 2, idTag: 'ana-1', meterStart: 0, timestamp: new Date(at + 2000).toISOString() })).transactionId;
        await cp16.call('MeterValues', { connectorId: 2, transactionId: anaTx, meterValue: [{ timestamp: new Date(at + 2500).toISOString(), sampledValue: [{ value: '200', unit: 'Wh' }] }] });
        await cp16.call('StopTransaction', { transactionId: anaTx, meterStop: 400, timestamp: new Date(at + 3000).toISOString(), reason: 'Local' });
      };
      const url = `${base}/api/v1/events`;
      const [forAna, forOp] = await Promise.all([
        collectSse(url, { cookie: `voltlane_session=${ana.cookie}` }, 8000, (evs) => evs.filter((e) => e.event === 'transaction.stopped').length >= 1 && evs.some((e) => e.data.transactionId === anaTx && e.event === 'transaction.stopped')),
        collectSse(url, { cookie: `voltlane_session=${op.cookie}` }, 8000, (evs) => evs.filter((e) => e.event === 'transaction.stopped').length >= 2, drive),
      ]);
      assert.ok(until(forOp));
      const txIds = (evs: Json[]) => new Set(evs.filter((e) => 'transactionId' in e.data).map((e) => e.data.transactionId));
      assert.deepEqual(txIds(forOp), new Set([benTx, anaTx]), 'the operator sees both drivers\' transactions');
      assert.deepEqual(txIds(forAna), new Set([anaTx]), 'Ana sees only hers');
      assert.deepEqual(forAna.filter((e) => e.data.transactionId === anaTx).map((e) => e.event), ['transaction.started', 'meter.values', 'transaction.stopped']);
      assert.ok(forAna.some((e) => e.event === 'connector.status' && e.data.status === 'Preparing'), 'availability is for everyone');
      assert.ok(!forAna.some((e) => e.event === 'meter.values' && e.data.transactionId === null));
      // API clients may use their own token as ?token= (EventSource cannot set headers).
      const token = (await ana.post('/api/v1/me/api-tokens', { name: 'sse' })).body.token;
      const res = await fetch(`${url}?token=${token}`);
      assert.equal(res.status, 200);
      await res.body!.cancel();
    });

    it('public connector page: status per connector without login; unknown or unaccepted stations are 404', async () => {
      const anon = new Client(base);
      const r = await anon.get('/api/v1/public/stations/DRV-16/connectors');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.stationId, 'DRV-16');
      assert.equal(r.body.online, true);
      assert.deepEqual(r.body.connectors.map((c: Json) => [c.evseId, c.connectorId, c.status]), [[1, 1, 'Available'], [2, 1, 'Preparing']]);
      assert.ok(!('hasPassword' in r.body) && !('vendor' in r.body));
      assert.equal((await anon.get('/api/v1/public/stations/NOPE/connectors')).status, 404);
      assert.equal((await admin().patch('/api/v1/stations/DRV-OFF', { registrationStatus: 'Pending' })).status, 200);
      assert.equal((await anon.get('/api/v1/public/stations/DRV-OFF/connectors')).status, 404);
      assert.ok(anaId > 0);
    });
  });
}
