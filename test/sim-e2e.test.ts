/**
 * The operator's view, end to end: Voltlane with a simulated charger, every common command sent
 * through the REST API, and the effects checked both on the charger and in Voltlane.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { SimStation } from '@voltlane/sim';
import { eventually, startTestServer, type TestServer } from './helpers.js';

for (const tdb of testDatabases()) {
  describe(`operator drives a simulated charger through the API (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let sim: SimStation;

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db, { VOLTLANE_COMMAND_TIMEOUT_SEC: '5' });
      await s.api('POST', '/api/v1/stations', { id: 'E2E-1', password: 'e2e-password' });
      await s.api('POST', '/api/v1/id-tokens', { idToken: 'E2E-TAG', status: 'Accepted' });
      sim = new SimStation({ url: s.ws, id: 'E2E-1', password: 'e2e-password', connectors: 2, meterValueIntervalSec: 1, rebootDelayMs: 100, reconnectMinMs: 100, powerW: 22000 });
      await sim.start();
    });
    after(async () => {
      await sim.stop();
      await s.stop();
      await cleanup();
    });

    const command = (action: string, body: object) => s.api('POST', `/api/v1/stations/E2E-1/commands/${action}`, body);

    it('remote start charges with rising energy; remote stop completes the transaction', async () => {
      const start = await command('RemoteStartTransaction', { connectorId: 1, idTag: 'E2E-TAG' });
      assert.deepEqual(start.body, { response: { status: 'Accepted' } });
      const tx = await eventually(async () => (await s.api('GET', '/api/v1/transactions?stationId=E2E-1&status=active')).body.items[0], 5000, 'active tx');
      assert.equal(tx.idToken, 'E2E-TAG');
      const station = await eventually(async () => {
        const st = (await s.api('GET', '/api/v1/stations/E2E-1')).body;
        return st.connectors.find((c: { evseId: number; status: string }) => c.evseId === 1 && c.status === 'Charging') ? st : undefined;
      }, 5000, 'Charging status');
      assert.equal(station.online, true);
      const first = await eventually(async () => {
        const t = (await s.api('GET', `/api/v1/transactions/${tx.id}`)).body;
        return t.energyWh > 0 ? t : undefined;
      }, 5000, 'energy > 0');
      const later = await eventually(async () => {
        const t = (await s.api('GET', `/api/v1/transactions/${tx.id}`)).body;
        return t.energyWh > first.energyWh ? t : undefined;
      }, 5000, 'energy rising');
      assert.ok(later.meterValues.length > 0);

      const stop = await command('RemoteStopTransaction', { transactionId: tx.id });
      assert.deepEqual(stop.body, { response: { status: 'Accepted' } });
      const done = await eventually(async () => {
        const t = (await s.api('GET', `/api/v1/transactions/${tx.id}`)).body;
        return t.status === 'completed' ? t : undefined;
      }, 5000, 'completed');
      assert.equal(done.stopReason, 'Remote');
      assert.equal(done.energyWh, done.meterStopWh - done.meterStartWh);
      assert.ok(done.energyWh >= later.energyWh);
      assert.equal(sim.snapshot().connectors[0]!.transactionId, undefined);
    });

    it('configuration, availability, trigger, unlock and data transfer reach the charger', async () => {
      const cfg = await command('GetConfiguration', {});
      assert.equal(cfg.status, 200);
      assert.ok(cfg.body.response.configurationKey.some((k: { key: string }) => k.key === 'HeartbeatInterval'));
      assert.deepEqual((await command('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '30' })).body.response, { status: 'Accepted' });
      assert.equal(sim.snapshot().configuration.MeterValueSampleInterval, '30');
      const stored = (await s.api('GET', '/api/v1/stations/E2E-1/configuration')).body.items;
      assert.equal(stored.find((k: { key: string }) => k.key === 'MeterValueSampleInterval').value, '30');

      assert.deepEqual((await command('ChangeAvailability', { connectorId: 2, type: 'Inoperative' })).body.response, { status: 'Accepted' });
      await eventually(async () => {
        const st = (await s.api('GET', '/api/v1/stations/E2E-1')).body;
        return st.connectors.find((c: { evseId: number; status: string }) => c.evseId === 2 && c.status === 'Unavailable');
      }, 5000, 'connector 2 Unavailable');
      await command('ChangeAvailability', { connectorId: 2, type: 'Operative' });

      assert.deepEqual((await command('TriggerMessage', { requestedMessage: 'Heartbeat' })).body.response, { status: 'Accepted' });
      await eventually(async () => (await s.api('GET', '/api/v1/stations/E2E-1')).body.lastHeartbeatAt, 5000, 'heartbeat');
      assert.equal((await command('UnlockConnector', { connectorId: 1 })).body.response.status, 'Unlocked');
      assert.equal((await command('ClearCache', {})).body.response.status, 'Accepted');
      assert.equal((await command('DataTransfer', { vendorId: 'Voltlane', messageId: 'echo', data: 'ping' })).body.response.data, 'ping');
      assert.equal((await command('GetLocalListVersion', {})).status, 200);
    });

    it('smart charging profiles are stored and the charger reports a composite schedule', async () => {
      const profile = {
        chargingProfileId: 7, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
        chargingSchedule: { chargingRateUnit: 'W', startSchedule: new Date().toISOString(), chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] },
      };
      assert.equal((await command('SetChargingProfile', { connectorId: 1, csChargingProfiles: profile })).body.response.status, 'Accepted');
      const composite = await command('GetCompositeSchedule', { connectorId: 1, duration: 3600, chargingRateUnit: 'W' });
      assert.equal(composite.body.response.status, 'Accepted');
      assert.equal(composite.body.response.chargingSchedule.chargingSchedulePeriod[0].limit, 7400);
      const profiles = (await s.api('GET', '/api/v1/stations/E2E-1/charging-profiles')).body;
      assert.equal(profiles.items[0].chargingProfileId, 7);
      assert.equal(profiles.lastCompositeSchedule.response.status, 'Accepted');
      assert.equal((await command('ClearChargingProfile', { id: 7 })).body.response.status, 'Accepted');
      assert.equal((await s.api('GET', '/api/v1/stations/E2E-1/charging-profiles')).body.total, 0);
    });

    it('firmware update downloads from Voltlane and diagnostics upload to it', async () => {
      const fw = await fetch(`${s.v.url}/api/v1/files/firmware/fw-2.0.bin`, {
        method: 'PUT',
        headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/octet-stream' },
        body: Buffer.from('firmware image 2.0'),
      });
      const file = (await fw.json()) as { url: string };
      assert.equal((await command('UpdateFirmware', { location: file.url, retrieveDate: new Date().toISOString() })).status, 200);
      await eventually(async () => (await s.api('GET', '/api/v1/stations/E2E-1')).body.firmwareStatus === 'Installed', 10_000, 'firmware Installed');
      await eventually(async () => sim.connected && sim.registrationStatus === 'Accepted', 10_000, 'reboot after firmware');

      const diag = await command('GetDiagnostics', { location: `${s.v.url}/files/diagnostics/E2E-1/` });
      const fileName = diag.body.response.fileName as string;
      assert.ok(fileName);
      await eventually(async () => (await s.api('GET', '/api/v1/stations/E2E-1')).body.diagnosticsStatus === 'Uploaded', 10_000, 'diagnostics Uploaded');
      const files = (await s.api('GET', '/api/v1/files?kind=diagnostics&stationId=E2E-1')).body.items;
      assert.ok(files.some((f: { name: string }) => f.name === `E2E-1/${fileName}`));
    });

    it('a reset makes the charger reboot and boot again', async () => {
      const before = (await s.api('GET', '/api/v1/stations/E2E-1')).body.lastBootAt;
      assert.deepEqual((await command('Reset', { type: 'Hard' })).body.response, { status: 'Accepted' });
      await eventually(async () => {
        const st = (await s.api('GET', '/api/v1/stations/E2E-1')).body;
        return st.online && st.lastBootAt !== before;
      }, 10_000, 'reboot');
      const attempts = (await s.api('GET', '/api/v1/stations/E2E-1/connection-attempts')).body.items;
      assert.ok(attempts.filter((a: { outcome: string }) => a.outcome === 'accepted').length >= 2);
    });
  });
}
