/**
 * Tariffs (OCPI 2.2.1 Tariff objects) through the API, their assignment to stations, EVSEs and
 * id token groups, and the cost of OCPP 2.0.1 and 1.6 sessions: totalCost in TransactionEvent
 * responses (I02/I03) and cost in the transactions API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { eventually, startTestServer, type TestServer } from './helpers.js';
import { rpcCharger } from './rpc-peer.js';

const MIN = 60_000;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** € 0.50 start (20% VAT) + € 0.25 per kWh (10% VAT). */
const KWH_TARIFF = {
  id: 'T-KWH', currency: 'EUR',
  elements: [{ price_components: [{ type: 'FLAT', price: 0.5, vat: 20, step_size: 1 }, { type: 'ENERGY', price: 0.25, vat: 10, step_size: 1 }] }],
};
/** € 0.10 per kWh, no VAT: for the FLEET-G group. */
const FLEET_TARIFF = { id: 'T-FLEET', currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: '0.10', step_size: 1 }] }] };
/** € 1 flat: EVSE 2 only. */
const EVSE_TARIFF = { id: 'T-EVSE', currency: 'EUR', elements: [{ price_components: [{ type: 'FLAT', price: 1, step_size: 0 }] }] };

function energy(at: number, wh: number): Json {
  return { timestamp: new Date(at).toISOString(), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] };
}

for (const tdb of testDatabases()) {
  describe(`Tariffs and transaction cost (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    const clients: Json[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db);
      for (const t of [{ idToken: 'DRIVER', status: 'Accepted' }, { idToken: 'FLEET-G', status: 'Accepted' }, { idToken: 'CARD-G', status: 'Accepted', parentIdToken: 'FLEET-G' }]) {
        assert.equal((await s.api('POST', '/api/v1/id-tokens', t)).status, 201);
      }
    });
    after(async () => {
      for (const c of clients) await c.close({ force: true }).catch(() => undefined);
      await s.stop();
      await cleanup();
    });

    async function charger(id: string, version: 'ocpp2.0.1' | 'ocpp1.6'): Promise<Json> {
      assert.equal((await s.api('POST', '/api/v1/stations', { id })).status, 201);
      const cp = rpcCharger({ endpoint: s.ws, identity: id, protocols: [version] });
      clients.push(cp);
      cp.costUpdates = [] as Json[];
      if (version !== 'ocpp1.6') {
        cp.handle('CostUpdated', ({ params }: Json) => {
          cp.costUpdates.push(params);
          return {};
        });
      }
      await cp.connect();
      const boot = version === 'ocpp1.6'
        ? await cp.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'strict-16' })
        : await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'ocpp-rpc', model: 'strict-2x' } });
      assert.equal(boot.status, 'Accepted');
      return cp;
    }

    function txEvent(cp: Json, eventType: string, tx: string, seqNo: number, at: number, more: Json = {}): Promise<Json> {
      return cp.call('TransactionEvent', {
        eventType, seqNo, timestamp: new Date(at).toISOString(),
        triggerReason: eventType === 'Started' ? 'Authorized' : eventType === 'Ended' ? 'EVDeparted' : 'MeterValuePeriodic',
        transactionInfo: { transactionId: tx, ...(eventType === 'Ended' ? { stoppedReason: 'EVDisconnected' } : {}) },
        ...more,
      });
    }

    async function byOcppId(stationId: string, ocppTransactionId: string): Promise<Json> {
      const list = await s.api('GET', `/api/v1/transactions?stationId=${stationId}&ocppTransactionId=${ocppTransactionId}`);
      assert.equal(list.body.total, 1);
      return list.body.items[0];
    }

    /** A 2.0.1 session of 20 kWh on `evseId` with `idToken`; returns the event responses. */
    async function session201(cp: Json, tx: string, idToken: string, evseId = 1): Promise<Json[]> {
      const t0 = Date.now() - 30 * MIN;
      return [
        await txEvent(cp, 'Started', tx, 0, t0, { evse: { id: evseId, connectorId: 1 }, idToken: { idToken, type: 'ISO14443' }, meterValue: [energy(t0, 1000)] }),
        await txEvent(cp, 'Updated', tx, 1, t0 + 10 * MIN, { meterValue: [energy(t0 + 10 * MIN, 11_000)] }),
        await txEvent(cp, 'Ended', tx, 2, t0 + 20 * MIN, { meterValue: [energy(t0 + 20 * MIN, 21_000)] }),
      ];
    }

    it('creates, lists, reads, replaces and deletes tariffs', async () => {
      for (const t of [KWH_TARIFF, FLEET_TARIFF, EVSE_TARIFF]) {
        const r = await s.api('POST', '/api/v1/tariffs', t);
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.deepEqual([r.body.id, r.body.currency, r.body.tariff], [t.id, t.currency, t]);
      }
      assert.equal((await s.api('POST', '/api/v1/tariffs', KWH_TARIFF)).status, 409);
      const list = await s.api('GET', '/api/v1/tariffs');
      assert.deepEqual(list.body.items.map((t: Json) => t.id), ['T-EVSE', 'T-FLEET', 'T-KWH']);
      const tmp = { id: 'T-TMP', currency: 'JPY', elements: [{ price_components: [{ type: 'TIME', price: 300, step_size: 60 }] }] };
      assert.equal((await s.api('POST', '/api/v1/tariffs', tmp)).status, 201);
      const put = await s.api('PUT', '/api/v1/tariffs/T-TMP', { ...tmp, currency: 'USD' });
      assert.equal(put.body.currency, 'USD');
      assert.equal((await s.api('GET', '/api/v1/tariffs/T-TMP')).body.tariff.currency, 'USD');
      assert.equal((await s.api('DELETE', '/api/v1/tariffs/T-TMP')).status, 204);
      assert.equal((await s.api('GET', '/api/v1/tariffs/T-TMP')).status, 404);
    });

    it('refuses invalid tariffs with 400 naming the field', async () => {
      const bad: [Json, string][] = [
        [{ ...KWH_TARIFF, id: 'B1', currency: 'EURO' }, 'tariff.currency'],
        [{ ...KWH_TARIFF, id: 'B2', elements: [] }, 'tariff.elements'],
        [{ ...KWH_TARIFF, id: 'B3', elements: [{ price_components: [{ type: 'ENERGY', price: -0.25, step_size: 1 }] }] }, 'tariff.elements[0].price_components[0].price'],
        [{ ...KWH_TARIFF, id: 'B4', elements: [{ ...KWH_TARIFF.elements[0], restrictions: { start_time: '25:00' } }] }, 'tariff.elements[0].restrictions.start_time'],
      ];
      for (const [body, field] of bad) {
        const r = await s.api('POST', '/api/v1/tariffs', body);
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, 'VALIDATION_FAILED');
        assert.equal(r.body.error.details.field, field);
        assert.ok(r.body.error.message.startsWith(field), r.body.error.message);
      }
      assert.equal((await s.api('PUT', '/api/v1/tariffs/T-KWH', { ...KWH_TARIFF, currency: 'XXX' })).status, 400);
    });

    it('2.0.1: running cost as CostUpdated, final totalCost in the Ended response, cost in the API, fixed at the stop', async () => {
      const cp = await charger('TAR-201', 'ocpp2.0.1');
      const assign = await s.api('PUT', '/api/v1/stations/TAR-201/tariff', { tariffId: 'T-KWH', timeZone: 'Europe/Amsterdam' });
      assert.equal(assign.status, 200, JSON.stringify(assign.body));
      assert.deepEqual(assign.body.items, [{ stationId: 'TAR-201', evseId: null, idTokenGroup: null, tariffId: 'T-KWH', timeZone: 'Europe/Amsterdam' }]);

      const [started, updated, ended] = await session201(cp, 'P-1', 'DRIVER');
      assert.equal(started.totalCost, undefined);
      assert.equal(updated.totalCost, undefined); // only when charging has ended
      assert.equal(ended.totalCost, 6.1); // 0.60 + 20 kWh * 0.275
      const running = await eventually(async () => cp.costUpdates[0], 5000, 'CostUpdated');
      assert.deepEqual(running, { totalCost: 3.35, transactionId: 'P-1' }); // 0.60 start + 10 kWh * 0.275
      const tx = await byOcppId('TAR-201', 'P-1');
      assert.deepEqual(tx.cost, { currency: 'EUR', exclVat: '5.50', inclVat: '6.10' });
      assert.deepEqual((await s.api('GET', `/api/v1/transactions/${tx.id}`)).body.cost, tx.cost);

      // Completed transactions keep the cost they stopped with.
      const pricier = { ...KWH_TARIFF, elements: [{ price_components: [{ type: 'ENERGY', price: 1, step_size: 1 }] }] };
      assert.equal((await s.api('PUT', '/api/v1/tariffs/T-KWH', pricier)).status, 200);
      assert.deepEqual((await s.api('GET', `/api/v1/transactions/${tx.id}`)).body.cost, tx.cost);
      assert.equal((await s.api('PUT', '/api/v1/tariffs/T-KWH', KWH_TARIFF)).status, 200);
    });

    it('the most specific assignment applies: EVSE + group > EVSE > station + group > station', async () => {
      const cp = await charger('TAR-SPEC', 'ocpp2.0.1');
      for (const a of [{ tariffId: 'T-KWH' }, { tariffId: 'T-FLEET', idTokenGroup: 'FLEET-G' }, { tariffId: 'T-EVSE', evseId: 2 }]) {
        assert.equal((await s.api('PUT', '/api/v1/stations/TAR-SPEC/tariff', a)).status, 200);
      }
      const list = await s.api('GET', '/api/v1/stations/TAR-SPEC/tariff');
      assert.deepEqual(list.body.items.map((a: Json) => a.tariffId), ['T-EVSE', 'T-FLEET', 'T-KWH']);

      assert.equal((await session201(cp, 'S-1', 'DRIVER', 1))[2].totalCost, 6.1); // station
      assert.equal((await session201(cp, 'S-2', 'CARD-G', 1))[2].totalCost, 2); // station + group: 20 kWh * 0.10
      assert.equal((await session201(cp, 'S-3', 'CARD-G', 2))[2].totalCost, 1); // EVSE beats station + group
      assert.equal((await s.api('PUT', '/api/v1/stations/TAR-SPEC/tariff', { tariffId: 'T-FLEET', evseId: 2, idTokenGroup: 'FLEET-G' })).status, 200);
      assert.equal((await session201(cp, 'S-4', 'CARD-G', 2))[2].totalCost, 2); // EVSE + group
      assert.deepEqual((await byOcppId('TAR-SPEC', 'S-4')).cost, { currency: 'EUR', exclVat: '2.00', inclVat: '2.00' });
    });

    it('1.6: cost of a session in the API, live and after the stop', async () => {
      const cp = await charger('TAR-16', 'ocpp1.6');
      assert.equal((await s.api('PUT', '/api/v1/stations/TAR-16/tariff', { tariffId: 'T-KWH' })).status, 200);
      const t0 = Date.now() - 20 * MIN;
      const start = await cp.call('StartTransaction', { connectorId: 1, idTag: 'DRIVER', meterStart: 1000, timestamp: new Date(t0).toISOString() });
      await cp.call('MeterValues', {
        connectorId: 1, transactionId: start.transactionId,
        meterValue: [{ timestamp: new Date(t0 + 10 * MIN).toISOString(), sampledValue: [{ value: '11000', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
      });
      const live = await s.api('GET', `/api/v1/transactions/${start.transactionId}`);
      assert.deepEqual(live.body.cost, { currency: 'EUR', exclVat: '3.00', inclVat: '3.35' });
      await cp.call('StopTransaction', { transactionId: start.transactionId, meterStop: 21_000, timestamp: new Date(t0 + 20 * MIN).toISOString(), reason: 'Local' });
      const done = await s.api('GET', `/api/v1/transactions?stationId=TAR-16`);
      assert.deepEqual(done.body.items[0].cost, { currency: 'EUR', exclVat: '5.50', inclVat: '6.10' });
    });

    it('no tariff: no totalCost and cost null', async () => {
      const cp = await charger('TAR-NONE', 'ocpp2.0.1');
      const [, updated, ended] = await session201(cp, 'N-1', 'DRIVER');
      assert.equal(updated.totalCost, undefined);
      assert.equal(ended.totalCost, undefined);
      assert.equal((await byOcppId('TAR-NONE', 'N-1')).cost, null);
    });

    it('refuses assignments to unknown tariffs, stations and time zones', async () => {
      assert.equal((await s.api('PUT', '/api/v1/stations/TAR-201/tariff', { tariffId: 'NOPE' })).status, 404);
      assert.equal((await s.api('PUT', '/api/v1/stations/NOPE/tariff', { tariffId: 'T-KWH' })).status, 404);
      const tz = await s.api('PUT', '/api/v1/stations/TAR-201/tariff', { tariffId: 'T-KWH', timeZone: 'Mars/Olympus' });
      assert.equal(tz.status, 400);
      assert.equal(tz.body.error.details.field, 'body.timeZone');
    });
  });
}
