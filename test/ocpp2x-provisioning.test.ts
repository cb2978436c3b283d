/**
 * OCPP 2.0.1 and 2.1 on the same endpoint: ocpp-rpc in strict mode (every frame checked against
 * the official schemas of its version) boots, heartbeats and reports status.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { startTestServer, type TestServer } from './helpers.js';

import { RawCharger } from './raw-charger.js';
import { rpcCharger } from './rpc-peer.js';

for (const tdb of testDatabases()) {
  describe(`OCPP 2.x provisioning (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const clients: any[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db);
      for (const id of ['V201', 'V21', 'NEWEST']) await s.api('POST', '/api/v1/stations', { id });
    });
    after(async () => {
      for (const c of clients) await c.close({ force: true }).catch(() => undefined);
      await s.stop();
      await cleanup();
    });

    function client(identity: string, protocols: string[]) {
      const c = rpcCharger({ endpoint: s.ws, identity, protocols });
      clients.push(c);
      return c;
    }

    for (const [id, version] of [['V201', 'ocpp2.0.1'], ['V21', 'ocpp2.1']] as const) {
      it(`${version}: boot, heartbeat, status notification, and the stored version`, async () => {
        const cp = client(id, [version]);
        await cp.connect();
        assert.equal(cp.protocol, version);
        const boot = await cp.call('BootNotification', {
          reason: 'PowerUp',
          chargingStation: { vendorName: 'ocpp-rpc', model: 'strict-2x', serialNumber: 'SN-1', firmwareVersion: '2.0', modem: { iccid: '8931', imsi: '2620' } },
        });
        assert.equal(boot.status, 'Accepted');
        assert.ok(boot.interval > 0);
        assert.ok((await cp.call('Heartbeat', {})).currentTime);
        await cp.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
        const station = (await s.api('GET', `/api/v1/stations/${id}`)).body;
        assert.deepEqual(
          [station.ocppVersion, station.vendor, station.model, station.firmwareVersion, station.online],
          [version, 'ocpp-rpc', 'strict-2x', '2.0', true],
        );
        assert.deepEqual([station.connectors[0].evseId, station.connectors[0].connectorId, station.connectors[0].status], [1, 1, 'Available']);
      });
    }

    it('B02/B03: an unknown 2.0.1 station boots Pending, other messages get SecurityError; Rejected when the operator says so', async () => {
      const cp = client('UNKNOWN-201', ['ocpp2.0.1']);
      await cp.connect();
      const boot = { reason: 'PowerUp', chargingStation: { vendorName: 'x', model: 'y' } };
      assert.equal((await cp.call('BootNotification', boot)).status, 'Pending');
      await assert.rejects(cp.call('Heartbeat', {}), (e: { rpcErrorCode?: string }) => e.rpcErrorCode === 'SecurityError');
      await s.api('PATCH', '/api/v1/stations/UNKNOWN-201', { registrationStatus: 'Rejected' });
      assert.equal((await cp.call('BootNotification', boot)).status, 'Rejected');
      await s.api('PATCH', '/api/v1/stations/UNKNOWN-201', { registrationStatus: 'Accepted' });
      assert.equal((await cp.call('BootNotification', boot)).status, 'Accepted');
      assert.ok((await cp.call('Heartbeat', {})).currentTime);
    });

    it('picks the newest version a charger offers', async () => {
      const cp = client('NEWEST', ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1']);
      await cp.connect();
      assert.equal(cp.protocol, 'ocpp2.1');
    });

    it('answers 2.0.1 bad input with the 2.0.1 error codes', async () => {
      const cp = await RawCharger.connect(`${s.ws}/V201`, ['ocpp2.0.1']);
      try {
        const codes = async (frame: string) => {
          const id = String((JSON.parse(frame) as unknown[])[1]);
          return (await cp.sendAndWait(frame, id))[2];
        };
        assert.equal(await codes('[2,"a","StatusNotification",{"timestamp":"2024-01-01T00:00:00Z","connectorStatus":"Available","evseId":1}]'), 'OccurrenceConstraintViolation');
        assert.equal(await codes('[2,"b","Heartbeat"]'), 'FormatViolation');
        assert.equal(await codes('[2,"c","StatusNotification",{"timestamp":"2024-01-01T00:00:00Z","connectorStatus":"Available","evseId":"1","connectorId":1}]'), 'TypeConstraintViolation');
        assert.equal(await codes('[7,"d","Heartbeat",{}]'), 'MessageTypeNotSupported');
        assert.equal(await codes('[2,17,"Heartbeat",{}]'), 'RpcFrameworkError');
        assert.equal(await codes('[2,"e","Reset",{"type":"Immediate"}]'), 'NotSupported');
      } finally {
        await cp.close();
      }
    });
  });
}
