/**
 * An independent charger: the npm package ocpp-rpc in strict mode (it validates every frame
 * against the official OCPP 1.6 schemas, both ways) runs full sessions against Voltlane.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { testDatabases } from '@voltlane/db';
import { startTestServer, eventually, type TestServer } from './helpers.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { RPCClient, createRPCError } = require('ocpp-rpc') as any;

for (const tdb of testDatabases()) {
  describe(`ocpp-rpc strict charger (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const clients: any[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db, { VOLTLANE_COMMAND_TIMEOUT_SEC: '1', VOLTLANE_UNKNOWN_STATIONS: 'pending' });
      assert.equal((await s.api('POST', '/api/v1/stations', { id: 'RPC1', password: 'correct-horse' })).status, 201);
      assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken: 'TAG-OK', status: 'Accepted' })).status, 201);
      assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken: 'TAG-BLOCKED', status: 'Blocked' })).status, 201);
    });
    after(async () => {
      for (const c of clients) await c.close({ force: true }).catch(() => undefined);
      await s.stop();
      await cleanup();
    });

    function client(identity: string, password?: string, protocols = ['ocpp1.6']) {
      const c = new RPCClient({
        endpoint: s.ws, identity, protocols, strictMode: true, reconnect: false, callTimeoutMs: 5000,
        ...(password ? { password } : {}),
      });
      clients.push(c);
      return c;
    }

    it('runs a full charging session and bills a duplicated StopTransaction once', async () => {
      const cp = client('RPC1', 'correct-horse');
      cp.handle('Reset', () => ({ status: 'Accepted' }));
      cp.handle('UnlockConnector', () => {
        throw createRPCError('NotSupported', 'no actuator');
      });
      cp.handle('ClearCache', () => new Promise(() => undefined)); // never answers
      await cp.connect();
      const boot = await cp.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'strict' });
      assert.equal(boot.status, 'Accepted');
      assert.ok(boot.interval > 0);
      await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
      assert.equal((await cp.call('Authorize', { idTag: 'TAG-OK' })).idTagInfo.status, 'Accepted');
      assert.equal((await cp.call('Authorize', { idTag: 'TAG-BLOCKED' })).idTagInfo.status, 'Blocked');
      assert.equal((await cp.call('Authorize', { idTag: 'NOBODY' })).idTagInfo.status, 'Invalid');

      const t0 = new Date(Date.now() - 60_000);
      const start = await cp.call('StartTransaction', { connectorId: 1, idTag: 'TAG-OK', meterStart: 1000, timestamp: t0.toISOString() });
      assert.equal(start.idTagInfo.status, 'Accepted');
      // A retried StartTransaction gets the same transaction id.
      const again = await cp.call('StartTransaction', { connectorId: 1, idTag: 'TAG-OK', meterStart: 1000, timestamp: t0.toISOString() });
      assert.equal(again.transactionId, start.transactionId);
      assert.equal((await cp.call('Authorize', { idTag: 'TAG-OK' })).idTagInfo.status, 'ConcurrentTx');

      await cp.call('MeterValues', {
        connectorId: 1,
        transactionId: start.transactionId,
        meterValue: [{
          timestamp: new Date(t0.getTime() + 30_000).toISOString(),
          sampledValue: [
            { value: '1.75', unit: 'kWh', measurand: 'Energy.Active.Import.Register' },
            { value: '7400', measurand: 'Power.Active.Import', unit: 'W' },
            { value: '16.1', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
          ],
        }],
      });
      const live = await s.api('GET', `/api/v1/transactions/${start.transactionId}`);
      assert.equal(live.body.status, 'active');
      assert.equal(live.body.energyWh, 750);
      assert.equal(live.body.meterValues.length, 3);

      const stop = { transactionId: start.transactionId, meterStop: 3500, timestamp: new Date().toISOString(), reason: 'EVDisconnected', idTag: 'TAG-OK' };
      assert.equal((await cp.call('StopTransaction', stop)).idTagInfo.status, 'Accepted');
      await cp.call('StopTransaction', stop);
      const done = await s.api('GET', `/api/v1/transactions?stationId=RPC1&status=completed`);
      assert.equal(done.body.total, 1);
      const tx = done.body.items[0];
      assert.deepEqual(
        [tx.energyWh, tx.meterStartWh, tx.meterStopWh, tx.stopReason, tx.connectorId, tx.idToken],
        [2500, 1000, 3500, 'EVDisconnected', 1, 'TAG-OK'],
      );

      const station = await s.api('GET', '/api/v1/stations/RPC1');
      assert.equal(station.body.online, true);
      assert.equal(station.body.ocppVersion, 'ocpp1.6');
      assert.equal(station.body.vendor, 'ocpp-rpc');
      assert.equal(station.body.connectors[0].status, 'Preparing');

      // Commands: reply, CALLERROR, timeout, invalid payload, unknown action.
      const reset = await s.api('POST', '/api/v1/stations/RPC1/commands/Reset', { type: 'Soft' });
      assert.deepEqual([reset.status, reset.body], [200, { response: { status: 'Accepted' } }]);
      const unlock = await s.api('POST', '/api/v1/stations/RPC1/commands/UnlockConnector', { connectorId: 1 });
      assert.equal(unlock.status, 502);
      assert.equal(unlock.body.error.details.ocppErrorCode, 'NotSupported');
      const clear = await s.api('POST', '/api/v1/stations/RPC1/commands/ClearCache', {});
      assert.equal(clear.status, 504);
      const bad = await s.api('POST', '/api/v1/stations/RPC1/commands/Reset', { type: 'Sideways' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /type/);
      const unknown = await s.api('POST', '/api/v1/stations/RPC1/commands/Heartbeat', {});
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error.code, 'UNKNOWN_ACTION');
      const frames = await s.api('GET', '/api/v1/stations/RPC1/frames?limit=500');
      assert.ok(frames.body.items.some((f: { text: string }) => f.text.includes('"BootNotification"')));
    });

    it('refuses a wrong password and logs why; answers a pending station with SecurityError', async () => {
      const wrong = client('RPC1', 'wrong-password');
      await assert.rejects(wrong.connect());
      const attempts = await eventually(async () => {
        const r = await s.api('GET', '/api/v1/stations/RPC1/connection-attempts');
        return r.body.items.find((a: { reason: string }) => a.reason === 'bad password');
      });
      assert.equal(attempts.outcome, 'refused');

      const stranger = client('STRANGER-1');
      await stranger.connect();
      const boot = await stranger.call('BootNotification', { chargePointVendor: 'x', chargePointModel: 'y' });
      assert.equal(boot.status, 'Pending');
      await assert.rejects(stranger.call('Heartbeat', {}), (e: { rpcErrorCode?: string }) => e.rpcErrorCode === 'SecurityError');
      const station = await s.api('GET', '/api/v1/stations/STRANGER-1');
      assert.deepEqual([station.body.registrationStatus, station.body.autoRegistered], ['Pending', true]);
      await s.api('PATCH', '/api/v1/stations/STRANGER-1', { registrationStatus: 'Accepted' });
      assert.equal((await stranger.call('BootNotification', { chargePointVendor: 'x', chargePointModel: 'y' })).status, 'Accepted');
      assert.ok((await stranger.call('Heartbeat', {})).currentTime);
    });

    it('offline stations get 409 on commands', async () => {
      await s.api('POST', '/api/v1/stations', { id: 'NEVER-ONLINE' });
      const r = await s.api('POST', '/api/v1/stations/NEVER-ONLINE/commands/Reset', { type: 'Hard' });
      assert.equal(r.status, 409);
      assert.equal(r.body.error.code, 'STATION_OFFLINE');
    });
  });
}
