/**
 * The operator's view with OCPP 2.0.1 and 2.1 stations: the simulator (which validates every
 * frame against the official schemas of its version) driven through the REST API.
 * Covers remote control (F), availability (G), reset (B11/B12) and a device model report (B07).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { SimStation } from '@voltlane/sim';
import { eventually, startTestServer, type TestServer } from './helpers.js';

for (const tdb of testDatabases()) {
  for (const version of ['ocpp2.0.1', 'ocpp2.1'] as const) {
    describe(`operator drives a simulated ${version} charger through the API (${tdb.name})`, () => {
      let s: TestServer;
      let cleanup: () => Promise<void>;
      let sim: SimStation;
      const id = `E2E-${version.replace(/\W/g, '')}`;

      before(async () => {
        const opened = await tdb.open();
        cleanup = opened.cleanup;
        s = await startTestServer(opened.db, { VOLTLANE_COMMAND_TIMEOUT_SEC: '5' });
        await s.api('POST', '/api/v1/stations', { id, password: 'e2e-password-201' });
        await s.api('POST', '/api/v1/id-tokens', { idToken: 'E2E-201-TAG', status: 'Accepted' });
        sim = new SimStation({
          url: s.ws, id, password: 'e2e-password-201', ocppVersion: version, connectors: 2,
          rebootDelayMs: 100, reconnectMinMs: 100, powerW: 22000,
        });
        await sim.start();
        // One-second transaction updates so the test sees energy rise quickly.
        const set = await command('SetVariables', {
          setVariableData: [{ component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' }, attributeValue: '1' }],
        });
        assert.equal(set.status, 200);
      });
      after(async () => {
        await sim.stop();
        await s.stop();
        await cleanup();
      });

      const command = (action: string, body: object) => s.api('POST', `/api/v1/stations/${id}/commands/${action}`, body);
      const station = async () => (await s.api('GET', `/api/v1/stations/${id}`)).body;

      it('boots with its version and reports its device model (B01, B07)', async () => {
        const st = await station();
        assert.deepEqual([st.ocppVersion, st.online, st.registrationStatus], [version, true, 'Accepted']);
        const report = await command('GetBaseReport', { requestId: 7, reportBase: 'FullInventory' });
        assert.equal(report.body.response.status, 'Accepted');
        const dm = await eventually(async () => {
          const r = (await s.api('GET', `/api/v1/stations/${id}/device-model?component=OCPPCommCtrlr&variable=HeartbeatInterval`)).body;
          return r.total > 0 ? r : undefined;
        }, 5000, 'device model');
        assert.equal(dm.items[0].variable.name, 'HeartbeatInterval');
      });

      it('remote start, energy rising in TransactionEvent Updated, remote stop (F01-F03, E, J02)', async () => {
        const start = await command('RequestStartTransaction', { idToken: { idToken: 'E2E-201-TAG', type: 'ISO14443' }, remoteStartId: 42, evseId: 1 });
        assert.equal(start.body.response.status, 'Accepted');
        // The station may report the transaction (cable plugged in) before the token authorizes it.
        const tx = await eventually(async () => {
          const items = (await s.api('GET', `/api/v1/transactions?stationId=${id}&status=active`)).body.items;
          return items.find((t: { idToken: string | null }) => t.idToken === 'E2E-201-TAG');
        }, 5000, 'active tx with the remote start token');
        assert.ok(tx.ocppTransactionId);
        const rising = await eventually(async () => {
          const t = (await s.api('GET', `/api/v1/transactions/${tx.id}`)).body;
          return t.energyWh > 0 ? t : undefined;
        }, 8000, 'energy > 0');
        const status = await command('GetTransactionStatus', { transactionId: tx.ocppTransactionId });
        assert.equal(status.body.response.ongoingIndicator, true);
        const stop = await command('RequestStopTransaction', { transactionId: tx.ocppTransactionId });
        assert.equal(stop.body.response.status, 'Accepted');
        const done = await eventually(async () => {
          const t = (await s.api('GET', `/api/v1/transactions/${tx.id}`)).body;
          return t.status === 'completed' ? t : undefined;
        }, 5000, 'completed');
        assert.equal(done.stopReason, 'Remote');
        assert.ok(done.energyWh >= rising.energyWh);
        assert.equal(done.remoteStartId, 42);
      });

      it('availability, trigger message and unlock reach the charger (F05, F06, G03)', async () => {
        assert.equal((await command('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 2 } })).body.response.status, 'Accepted');
        await eventually(async () => (await station()).connectors.find((c: { evseId: number; status: string }) => c.evseId === 2 && c.status === 'Unavailable'), 5000, 'EVSE 2 Unavailable');
        await command('ChangeAvailability', { operationalStatus: 'Operative', evse: { id: 2 } });
        const before = (await station()).lastHeartbeatAt;
        assert.equal((await command('TriggerMessage', { requestedMessage: 'Heartbeat' })).body.response.status, 'Accepted');
        await eventually(async () => (await station()).lastHeartbeatAt !== before, 5000, 'triggered heartbeat');
        assert.equal((await command('UnlockConnector', { evseId: 1, connectorId: 1 })).status, 200);
      });

      it('a reset makes the charger reboot and boot again (B11)', async () => {
        const before = (await station()).lastBootAt;
        assert.equal((await command('Reset', { type: 'Immediate' })).body.response.status, 'Accepted');
        await eventually(async () => {
          const st = await station();
          return st.online && st.lastBootAt !== before;
        }, 10_000, 'reboot');
      });
    });
  }
}
