/**
 * C16 Stop transaction with a master pass (OCPP 2.0.1/2.1), CSMS side. The master pass group is
 * the station's AuthCtrlr.MasterPassGroupId, set with SetVariables through the command endpoint
 * (the recipe of docs/conformance.md). A token whose group is that id is a master pass there:
 * Authorize answers Accepted with the groupIdToken (never ConcurrentTx); in a TransactionEvent it
 * stops the transaction as its stop token (never becoming the transaction's token) and it cannot
 * start one (Invalid). At a station without the setting the same token is an ordinary card.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { startTestServer, type TestServer } from './helpers.js';
import { RawCharger } from './raw-charger.js';

const iso = (t: number) => new Date(t).toISOString();

for (const tdb of testDatabases()) {
  describe(`C16 stop with a master pass (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let cp: RawCharger;
    const chargers: RawCharger[] = [];
    let seq = 0;

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db);
      for (const t of [
        { idToken: 'MP-CARD', status: 'Accepted', parentIdToken: 'MASTER-GROUP' },
        { idToken: 'DRIVER-MP', status: 'Accepted' },
        { idToken: 'DRIVER-MP2', status: 'Accepted' },
      ]) assert.equal((await s.api('POST', '/api/v1/id-tokens', t)).status, 201);
      cp = await station('MP-201');
    });
    after(async () => {
      for (const c of chargers) await c.close();
      await s.stop();
      await cleanup();
    });

    async function station(id: string): Promise<RawCharger> {
      assert.equal((await s.api('POST', '/api/v1/stations', { id })).status, 201);
      const c = await RawCharger.connect(`${s.ws}/${id}`, ['ocpp2.0.1']);
      chargers.push(c);
      assert.equal((await c.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } })).status, 'Accepted');
      return c;
    }
    const ev = (c: RawCharger, txId: string, eventType: string, triggerReason: string, more: object = {}) => c.call('TransactionEvent', {
      eventType, seqNo: seq++, timestamp: iso(Date.now()), triggerReason, transactionInfo: { transactionId: txId }, evse: { id: 1, connectorId: 1 }, ...more,
    });
    const tx = async (stationId: string, id: string) =>
      (await s.api('GET', `/api/v1/transactions?stationId=${stationId}&ocppTransactionId=${id}`)).body.items[0];
    const mp = { idToken: 'MP-CARD', type: 'ISO14443' };

    it('the master pass group is set with SetVariables AuthCtrlr.MasterPassGroupId through the command endpoint', async () => {
      let got: unknown;
      cp.handle('SetVariables', (p) => {
        got = p;
        return { setVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'AuthCtrlr' }, variable: { name: 'MasterPassGroupId' } }] };
      });
      const r = await s.api('POST', '/api/v1/stations/MP-201/commands/SetVariables', {
        setVariableData: [{ component: { name: 'AuthCtrlr' }, variable: { name: 'MasterPassGroupId' }, attributeValue: 'MASTER-GROUP' }],
      });
      assert.equal(r.status, 200);
      assert.deepEqual(got, { setVariableData: [{ component: { name: 'AuthCtrlr' }, variable: { name: 'MasterPassGroupId' }, attributeValue: 'MASTER-GROUP' }] });
      const dm = (await s.api('GET', '/api/v1/stations/MP-201/device-model?component=AuthCtrlr&variable=MasterPassGroupId')).body.items[0];
      assert.equal(dm.attributes[0].value, 'MASTER-GROUP');
    });

    it('Authorize of a master pass: Accepted with the groupIdToken, also while the card is in a transaction elsewhere', async () => {
      const r = await cp.call('Authorize', { idToken: mp });
      assert.deepEqual(r.idTokenInfo, { status: 'Accepted', groupIdToken: { idToken: 'MASTER-GROUP', type: 'Central' } });
      // The same card charging at another station (where it is an ordinary card) is no ConcurrentTx for a master pass.
      const other = await station('MP-OTHER');
      const started = await ev(other, 'o-1', 'Started', 'Authorized', { idToken: mp });
      assert.equal(started.idTokenInfo.status, 'Accepted', 'no master pass group at MP-OTHER');
      assert.equal((await other.call('Authorize', { idToken: mp })).idTokenInfo.status, 'ConcurrentTx');
      assert.equal((await cp.call('Authorize', { idToken: mp })).idTokenInfo.status, 'Accepted');
      await ev(other, 'o-1', 'Ended', 'StopAuthorized', { idToken: mp, transactionInfo: { transactionId: 'o-1', stoppedReason: 'Local' } });
    });

    it("stops a driver's transaction: stop token MP-CARD, reason MasterPass, the driver's token kept", async () => {
      await ev(cp, 'mp-1', 'Started', 'Authorized', { idToken: { idToken: 'DRIVER-MP', type: 'ISO14443' } });
      const stop = await ev(cp, 'mp-1', 'Updated', 'StopAuthorized', { idToken: mp });
      assert.equal(stop.idTokenInfo.status, 'Accepted');
      await ev(cp, 'mp-1', 'Ended', 'StopAuthorized', { transactionInfo: { transactionId: 'mp-1', stoppedReason: 'MasterPass' } });
      const t = await tx('MP-201', 'mp-1');
      assert.deepEqual([t.status, t.idToken, t.stopIdToken, t.stopReason], ['completed', 'DRIVER-MP', 'MP-CARD', 'MasterPass']);
    });

    it('stops a transaction that has no token yet without becoming its token', async () => {
      await ev(cp, 'mp-2', 'Started', 'CablePluggedIn');
      const ended = await ev(cp, 'mp-2', 'Ended', 'StopAuthorized', { idToken: mp, transactionInfo: { transactionId: 'mp-2', stoppedReason: 'MasterPass' } });
      assert.equal(ended.idTokenInfo.status, 'Accepted');
      const t = await tx('MP-201', 'mp-2');
      assert.deepEqual([t.status, t.idToken, t.stopIdToken, t.stopReason], ['completed', null, 'MP-CARD', 'MasterPass']);
    });

    it('cannot start a transaction: Invalid, and the card is not recorded as its token', async () => {
      const r = await ev(cp, 'mp-3', 'Started', 'Authorized', { idToken: mp });
      assert.equal(r.idTokenInfo.status, 'Invalid');
      assert.equal((await tx('MP-201', 'mp-3')).idToken, null);
      // An ordinary card starts normally at the same station.
      const ok = await ev(cp, 'mp-4', 'Started', 'Authorized', { idToken: { idToken: 'DRIVER-MP2', type: 'ISO14443' }, evse: { id: 2, connectorId: 1 } });
      assert.equal(ok.idTokenInfo.status, 'Accepted');
    });
  });
}
