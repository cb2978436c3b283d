/**
 * What commands leave on a station, kept by Voltlane: the charging profile sent with a remote start
 * (K05, and 1.6 RemoteStartTransaction) and the network connection profiles sent with
 * SetNetworkProfile (B09), secrets masked. Strict ocpp-rpc chargers through the command endpoint.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { bootRequest, startTestServer, type TestServer } from './helpers.js';
import { rpcCharger } from './rpc-peer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const TX_PROFILE_201 = {
  id: 77, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative',
  chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }],
};

for (const tdb of testDatabases()) {
  describe(`start profiles (K05) and network profiles (B09) (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    const clients: Json[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db);
    });
    after(async () => {
      for (const c of clients) await c.close({ force: true }).catch(() => undefined);
      await s.stop();
      await cleanup();
    });

    async function charger(id: string, version: 'ocpp2.0.1' | 'ocpp2.1' | 'ocpp1.6'): Promise<Json> {
      assert.equal((await s.api('POST', '/api/v1/stations', { id })).status, 201);
      const cp = rpcCharger({ endpoint: s.ws, identity: id, protocols: [version] });
      clients.push(cp);
      await cp.connect();
      assert.equal((await cp.call('BootNotification', bootRequest(version))).status, 'Accepted');
      return cp;
    }

    const profiles = async (id: string) => (await s.api('GET', `/api/v1/stations/${id}/charging-profiles`)).body.items;

    it('K05: the TxProfile of an accepted RequestStartTransaction is stored for its EVSE and transaction; a rejected one is not', async () => {
      const cp = await charger('K05', 'ocpp2.0.1');
      let answer: Json = { status: 'Rejected' };
      cp.handle('RequestStartTransaction', () => answer);
      const start = (remoteStartId: number) => s.api('POST', '/api/v1/stations/K05/commands/RequestStartTransaction', {
        idToken: { idToken: 'TAG', type: 'ISO14443' }, remoteStartId, evseId: 1, chargingProfile: TX_PROFILE_201,
      });
      assert.equal((await start(1)).status, 200);
      assert.deepEqual(await profiles('K05'), [], 'rejected: nothing on the station');

      answer = { status: 'Accepted', transactionId: 'K05-TX' };
      assert.equal((await start(2)).body.response.status, 'Accepted');
      const stored = await profiles('K05');
      assert.deepEqual(stored.map((p: Json) => [p.connectorId, p.chargingProfileId, p.purpose, p.transactionId, p.chargingLimitSource]), [[1, 77, 'TxProfile', 'K05-TX', 'CSO']]);
      assert.deepEqual(stored[0].profile, TX_PROFILE_201);
    });

    it('K05 for 1.6: RemoteStartTransaction with a charging profile', async () => {
      const cp = await charger('K05-16', 'ocpp1.6');
      cp.handle('RemoteStartTransaction', () => ({ status: 'Accepted' }));
      const profile = { chargingProfileId: 5, stackLevel: 1, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] } };
      const r = await s.api('POST', '/api/v1/stations/K05-16/commands/RemoteStartTransaction', { connectorId: 2, idTag: 'TAG', chargingProfile: profile });
      assert.equal(r.status, 200);
      assert.deepEqual((await profiles('K05-16')).map((p: Json) => [p.connectorId, p.chargingProfileId, p.purpose]), [[2, 5, 'TxProfile']]);
    });

    it('B09: connection profiles per slot with the station\'s answer, VPN and APN secrets masked', async () => {
      const cp = await charger('B09', 'ocpp2.0.1');
      cp.handle('SetNetworkProfile', ({ params }: Json) => (params.configurationSlot === 1
        ? { status: 'Accepted' }
        : { status: 'Rejected', statusInfo: { reasonCode: 'InvalidSlot', additionalInfo: 'slot 2 is read-only' } }));
      const connectionData = {
        ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://csms.example.com/ocpp', messageTimeout: 30, securityProfile: 1, ocppInterface: 'Wireless0',
        vpn: { server: 'vpn.example.com', user: 'cp', password: 'vpn-secret', key: 'psk-secret', type: 'IPSec' },
        apn: { apn: 'internet', apnPassword: 'apn-secret', simPin: 1234, apnAuthentication: 'AUTO' },
      };
      for (const slot of [1, 2]) {
        assert.equal((await s.api('POST', '/api/v1/stations/B09/commands/SetNetworkProfile', { configurationSlot: slot, connectionData })).status, 200);
      }
      const list = await s.api('GET', '/api/v1/stations/B09/network-profiles');
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.items.map((p: Json) => [p.configurationSlot, p.status, p.statusInfo]), [
        [1, 'Accepted', null], [2, 'Rejected', { reasonCode: 'InvalidSlot', additionalInfo: 'slot 2 is read-only' }],
      ]);
      assert.deepEqual(list.body.items[0].connectionData, {
        ...connectionData,
        vpn: { ...connectionData.vpn, password: '***', key: '***' },
        apn: { ...connectionData.apn, apnPassword: '***', simPin: '***' },
      });
      assert.doesNotMatch(JSON.stringify(list.body), /secret|1234/);
      assert.equal((await s.api('GET', '/api/v1/stations/NOPE/network-profiles')).status, 404);
    });
  });
}
