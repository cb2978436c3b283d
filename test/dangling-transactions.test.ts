/**
 * A station that starts a transaction on an EVSE (1.6: connector) where one is still active lost
 * the old one's stop (power cut, reset, a restarted simulator): Voltlane completes the old one
 * with stop reason Superseded at its last reading, priced and with its CDR, and the token it held
 * may start again. A stop that still arrives later is answered and its reading kept; an older
 * transaction replayed from an offline queue does not end a newer one; a retried start does
 * not end itself. Same for 2.x TransactionEvent on an EVSE.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { bootRequest, startTestServer, tariffedStation, type TestServer } from './helpers.js';
import { RawCharger } from './raw-charger.js';

const MIN = 60_000;
const TARIFF = { id: 'T-DANGLE', currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 0.5, vat: 20, step_size: 1 }] }] };
const iso = (t: number) => new Date(t).toISOString();
const energy16 = (t: number, wh: number) => ({ timestamp: iso(t), sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] });

for (const tdb of testDatabases()) {
  describe(`Dangling transactions (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    const chargers: RawCharger[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db);
      assert.equal((await s.api('POST', '/api/v1/tariffs', TARIFF)).status, 201);
      for (const idToken of ['DANGLE-1', 'DANGLE-2']) assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken, status: 'Accepted' })).status, 201);
    });
    after(async () => {
      for (const c of chargers) await c.close();
      await s.stop();
      await cleanup();
    });

    const station = (id: string, version: 'ocpp1.6' | 'ocpp2.0.1') => tariffedStation(s, id, version, TARIFF.id, chargers);
    async function boot(cp: RawCharger, version: string): Promise<void> {
      assert.equal((await cp.call('BootNotification', bootRequest(version))).status, 'Accepted');
    }
    const tx = async (id: number) => (await s.api('GET', `/api/v1/transactions/${id}`)).body;
    const active = async (stationId: string) => (await s.api('GET', `/api/v1/transactions?stationId=${stationId}&status=active`)).body.items.map((t: { id: number }) => t.id);

    it('1.6: a start on a connector with an active transaction completes the old one (Superseded), priced, with its CDR', async () => {
      const cp = await station('DANGLE-16', 'ocpp1.6');
      const t0 = Date.now() - 60 * MIN;
      const a = await cp.call('StartTransaction', { connectorId: 1, idTag: 'DANGLE-1', meterStart: 1000, timestamp: iso(t0) });
      assert.equal(a.idTagInfo.status, 'Accepted');
      await cp.call('MeterValues', { connectorId: 1, transactionId: a.transactionId, meterValue: [energy16(t0 + 10 * MIN, 5000)] });
      // The station reboots and forgets the transaction: no StopTransaction, a new one on connector 1
      // with the same card (which must not be refused as ConcurrentTx).
      await boot(cp, 'ocpp1.6');
      const b = await cp.call('StartTransaction', { connectorId: 1, idTag: 'DANGLE-1', meterStart: 200, timestamp: iso(t0 + 30 * MIN) });
      assert.equal(b.idTagInfo.status, 'Accepted');
      assert.notEqual(b.transactionId, a.transactionId);

      const old = await tx(a.transactionId);
      assert.equal(old.status, 'completed');
      assert.equal(old.stopReason, 'Superseded');
      assert.equal(old.stoppedAt, iso(t0 + 10 * MIN), 'stopped at its last reading, not at the new start');
      assert.equal(old.energyWh, 4000);
      assert.equal(old.meterStopWh, 5000);
      assert.deepEqual(old.cost, { currency: 'EUR', exclVat: '2.00', inclVat: '2.40' });
      const cdrs = (await s.api('GET', '/api/v1/cdrs?stationId=DANGLE-16')).body;
      assert.equal(cdrs.total, 1);
      assert.equal(cdrs.items[0].total_cost.incl_vat, 2.4);
      assert.deepEqual(await active('DANGLE-16'), [b.transactionId]);

      // A retried StartTransaction of the new one is the same transaction: it does not end itself.
      const again = await cp.call('StartTransaction', { connectorId: 1, idTag: 'DANGLE-1', meterStart: 200, timestamp: iso(t0 + 30 * MIN) });
      assert.equal(again.transactionId, b.transactionId);
      assert.deepEqual(await active('DANGLE-16'), [b.transactionId]);

      // The old stop still arrives (replayed after the reboot): answered, its reading kept, the sealed cost unchanged.
      const late = await cp.call('StopTransaction', { transactionId: a.transactionId, idTag: 'DANGLE-1', meterStop: 5600, timestamp: iso(t0 + 12 * MIN), reason: 'PowerLoss' });
      assert.equal(late.idTagInfo.status, 'Accepted');
      const kept = await tx(a.transactionId);
      assert.equal(kept.stopReason, 'Superseded');
      assert.deepEqual(kept.cost, old.cost);
      assert.ok(
        kept.meterValues.some((m: { timestamp: string; valueNum: number; context: string }) => m.timestamp === iso(t0 + 12 * MIN) && m.valueNum === 5600 && m.context === 'Transaction.End'),
        `the late meterStop is stored: ${JSON.stringify(kept.meterValues)}`,
      );
      assert.deepEqual(await active('DANGLE-16'), [b.transactionId]);
      assert.equal((await s.api('GET', '/api/v1/cdrs?stationId=DANGLE-16')).body.total, 1);
    });

    it('1.6: an older transaction replayed from the offline queue does not end the newer active one', async () => {
      const cp = await station('DANGLE-16B', 'ocpp1.6');
      const t0 = Date.now() - 60 * MIN;
      const b = await cp.call('StartTransaction', { connectorId: 2, idTag: 'DANGLE-2', meterStart: 0, timestamp: iso(t0 + 30 * MIN) });
      const older = await cp.call('StartTransaction', { connectorId: 2, idTag: 'DANGLE-2', meterStart: 0, timestamp: iso(t0) });
      assert.deepEqual((await active('DANGLE-16B')).sort(), [b.transactionId, older.transactionId].sort());
      await cp.call('StopTransaction', { transactionId: older.transactionId, meterStop: 100, timestamp: iso(t0 + 5 * MIN), reason: 'Local' });
      assert.deepEqual(await active('DANGLE-16B'), [b.transactionId]);
      assert.equal((await tx(older.transactionId)).stopReason, 'Local');
    });

    it('2.0.1: a new transaction on the same EVSE completes the dangling one; other EVSEs are untouched', async () => {
      const cp = await station('DANGLE-201', 'ocpp2.0.1');
      const t0 = Date.now() - 60 * MIN;
      const ev = (id: string, eventType: string, seqNo: number, at: number, more: object = {}) => cp.call('TransactionEvent', {
        eventType, seqNo, timestamp: iso(at), triggerReason: eventType === 'Started' ? 'CablePluggedIn' : 'MeterValuePeriodic',
        transactionInfo: { transactionId: id }, ...more,
      });
      const mv = (at: number, wh: number) => ({ meterValue: [{ timestamp: iso(at), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register' }] }] });
      await ev('a', 'Started', 0, t0, { evse: { id: 1, connectorId: 1 }, ...mv(t0, 0) });
      await ev('a', 'Updated', 1, t0 + 10 * MIN, mv(t0 + 10 * MIN, 3000));
      await ev('other', 'Started', 0, t0 + 5 * MIN, { evse: { id: 2, connectorId: 1 } });
      // The station rebooted and lost "a"; "b" starts on EVSE 1 (its EVSE named in a later event).
      await boot(cp, 'ocpp2.0.1');
      await ev('b', 'Started', 0, t0 + 40 * MIN, mv(t0 + 40 * MIN, 3000));
      const list = async (id: string) => (await s.api('GET', `/api/v1/transactions?stationId=DANGLE-201&ocppTransactionId=${id}`)).body.items[0];
      assert.equal((await list('a')).status, 'active', 'EVSE of "b" not known yet');
      await ev('b', 'Updated', 1, t0 + 41 * MIN, { evse: { id: 1, connectorId: 1 } });
      const a = await list('a');
      assert.equal(a.status, 'completed');
      assert.equal(a.stopReason, 'Superseded');
      assert.equal(a.stoppedAt, iso(t0 + 10 * MIN));
      assert.equal(a.energyWh, 3000);
      assert.equal(a.cost.inclVat, '1.80');
      assert.equal((await list('b')).status, 'active');
      assert.equal((await list('other')).status, 'active');
      // Its Ended still arriving later is answered and changes nothing sealed.
      const ended = await cp.call('TransactionEvent', {
        eventType: 'Ended', seqNo: 2, timestamp: iso(t0 + 11 * MIN), triggerReason: 'AbnormalCondition',
        transactionInfo: { transactionId: 'a', stoppedReason: 'PowerLoss' }, ...mv(t0 + 11 * MIN, 3100),
      });
      assert.equal(ended.totalCost, 1.8);
      assert.equal((await list('a')).stopReason, 'Superseded');
    });
  });
}
