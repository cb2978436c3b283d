/**
 * OCPP 2.0.1 and 2.1 functional blocks end to end: reservations (H), local authorization list (D),
 * smart charging (K), firmware (L), logs (N), display messages (O), data transfer (P) and
 * CostUpdated (I). A strict ocpp-rpc charger (every frame checked against the official schemas of
 * its version, so Voltlane's replies are too) answers the commands the API sends and sends its own
 * CALLs; Voltlane's stored view is checked through the REST API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { ADMIN_TOKEN, eventually, startTestServer, type TestServer } from './helpers.js';
import { RawCharger } from './raw-charger.js';
import { rpcCharger } from './rpc-peer.js';

const HOUR = 3600_000;
const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();
const VERSIONS = ['ocpp2.0.1', 'ocpp2.1'] as const;
const BLOCKS = ['RES', 'LST', 'SC', 'FW', 'LOG', 'DSP', 'DT', 'COST'];
const sid = (block: string, version: string) => `${block}-${version === 'ocpp2.1' ? '21' : '201'}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Charger = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const schedule = (limit: number) => ({
  id: 1, chargingRateUnit: 'A', startSchedule: '2030-01-01T00:00:00.000Z', chargingSchedulePeriod: [{ startPeriod: 0, limit }],
});
const profile = (id: number, stackLevel: number, limit: number, purpose = 'TxDefaultProfile') => ({
  id, stackLevel, chargingProfilePurpose: purpose, chargingProfileKind: 'Absolute', chargingSchedule: [schedule(limit)],
});
const message = (id: number, content: string, priority = 'NormalCycle') => ({
  id, priority, message: { format: 'UTF8', content, language: 'en' },
});

for (const tdb of testDatabases()) {
  describe(`OCPP 2.x functional blocks against a strict ocpp-rpc charger (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    const clients: Charger[] = [];
    const connected = new Map<string, Charger>();

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db, { VOLTLANE_COMMAND_TIMEOUT_SEC: '2' });
      for (const v of VERSIONS) for (const b of BLOCKS) assert.equal((await s.api('POST', '/api/v1/stations', { id: sid(b, v) })).status, 201);
      assert.equal((await s.api('POST', '/api/v1/stations', { id: 'LOG-16' })).status, 201);
    });
    after(async () => {
      for (const c of clients) await c.close({ force: true }).catch(() => undefined);
      await s.stop();
      await cleanup();
    });

    async function connect(stationId: string, version: string): Promise<Charger> {
      const cp = rpcCharger({ endpoint: s.ws, identity: stationId, protocols: [version] });
      clients.push(cp);
      connected.set(stationId, cp);
      await cp.connect();
      assert.equal(cp.protocol, version);
      const boot = await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'ocpp-rpc', model: 'blocks' } });
      assert.equal(boot.status, 'Accepted');
      return cp;
    }

    async function command(stationId: string, action: string, payload: object): Promise<Json> {
      const r = await s.api('POST', `/api/v1/stations/${stationId}/commands/${action}`, payload);
      assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
      return r.body.response;
    }

    async function view(stationId: string, path: string): Promise<Json[]> {
      const r = await s.api('GET', `/api/v1/stations/${stationId}/${path}`);
      assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
      return r.body.items;
    }

    for (const version of VERSIONS) {
      it(`${version} H01-H04 reservations: ReserveNow of an EVSE or any, CancelReservation, ReservationStatusUpdate, honoured at start`, async () => {
        const id = sid('RES', version);
        const cp = await connect(id, version);
        const received: Json[] = [];
        cp.handle('ReserveNow', ({ params }: Json) => {
          received.push(params);
          return { status: 'Accepted' };
        });
        cp.handle('CancelReservation', () => ({ status: 'Accepted' }));
        const reservation = async (rid: number) => {
          const r = await s.api('GET', `/api/v1/reservations?stationId=${id}&limit=1000`);
          return r.body.items.find((x: Json) => x.id === rid);
        };

        // The allocating endpoint speaks the station's version: EVSE 1, typed token, connector type.
        const made = await s.api('POST', `/api/v1/stations/${id}/reservations`, {
          connectorId: 1, idToken: 'TAG-R', idTokenType: 'ISO14443', expiresAt: ahead(HOUR), connectorType: 'cType2',
        });
        assert.equal(made.status, 200, JSON.stringify(made.body));
        assert.deepEqual(made.body.response, { status: 'Accepted' });
        const rid = made.body.reservationId as number;
        assert.deepEqual(
          (({ id: i, evseId, idToken, connectorType }) => ({ i, evseId, idToken, connectorType }))(received[0]),
          { i: rid, evseId: 1, idToken: { idToken: 'TAG-R', type: 'ISO14443' }, connectorType: 'cType2' },
        );
        const stored = await reservation(rid);
        assert.deepEqual(
          [stored.connectorId, stored.idToken, stored.idTokenType, stored.connectorType, stored.status],
          [1, 'TAG-R', 'ISO14443', 'cType2', 'Active'],
        );
        // Honoured at start (TransactionEvent uses forStart): others are blocked on EVSE 1, the holder gets it.
        assert.deepEqual(await s.v.core.reservations.forStart(id, 1, 'TAG-OTHER', undefined, undefined), { blocked: true });
        assert.deepEqual(await s.v.core.reservations.forStart(id, 2, 'TAG-OTHER', undefined, undefined), { blocked: false });
        assert.deepEqual(await s.v.core.reservations.forStart(id, 1, 'TAG-R', undefined, rid), { reservationId: rid, blocked: false });

        // Any EVSE: no evseId sent, stored as 0; a group id token is the parent.
        const anyEvse = await command(id, 'ReserveNow', {
          id: rid + 100, expiryDateTime: ahead(HOUR), idToken: { idToken: 'TAG-G', type: 'Central' }, groupIdToken: { idToken: 'FLEET', type: 'Central' },
        });
        assert.deepEqual(anyEvse, { status: 'Accepted' });
        assert.equal(received[1].evseId, undefined);
        const any = await reservation(rid + 100);
        assert.deepEqual([any.connectorId, any.parentIdToken], [0, 'FLEET']);
        assert.deepEqual(await s.v.core.reservations.forStart(id, 2, 'TAG-X', 'FLEET', undefined), { reservationId: rid + 100, blocked: false });

        // CancelReservation -> Cancelled; the station's own updates -> Expired, Removed.
        assert.deepEqual(await command(id, 'CancelReservation', { reservationId: rid }), { status: 'Accepted' });
        assert.equal((await reservation(rid)).status, 'Cancelled');
        const second = (await s.api('POST', `/api/v1/stations/${id}/reservations`, { connectorId: 2, idToken: 'TAG-R', expiresAt: ahead(HOUR) })).body;
        assert.equal(received.at(-1).evseId, 2);
        assert.deepEqual(await cp.call('ReservationStatusUpdate', { reservationId: second.reservationId, reservationUpdateStatus: 'Expired' }), {});
        assert.equal((await reservation(second.reservationId)).status, 'Expired');
        assert.deepEqual(await cp.call('ReservationStatusUpdate', { reservationId: rid + 100, reservationUpdateStatus: 'Removed' }), {});
        assert.equal((await reservation(rid + 100)).status, 'Removed');
        // Already ended: a late update does not revive or change it.
        await cp.call('ReservationStatusUpdate', { reservationId: rid, reservationUpdateStatus: 'Expired' });
        assert.equal((await reservation(rid)).status, 'Cancelled');

        // Refused: nothing stored.
        cp.handle('ReserveNow', () => ({ status: 'Occupied' }));
        const refused = await s.api('POST', `/api/v1/stations/${id}/reservations`, { connectorId: 1, idToken: 'TAG-R', expiresAt: ahead(HOUR) });
        assert.deepEqual(refused.body.response, { status: 'Occupied' });
        assert.equal(await reservation(refused.body.reservationId), undefined);
      });

      it(`${version} D01-D02 local authorization list: Full, Differential, refused, GetLocalListVersion`, async () => {
        const id = sid('LST', version);
        const cp = await connect(id, version);
        cp.handle('SendLocalList', () => ({ status: 'Accepted' }));
        const list = async () => (await s.api('GET', `/api/v1/stations/${id}/local-list`)).body;
        const full = {
          versionNumber: 1, updateType: 'Full',
          localAuthorizationList: [
            { idToken: { idToken: 'CARD-A', type: 'ISO14443' }, idTokenInfo: { status: 'Accepted', language1: 'nl' } },
            { idToken: { idToken: 'CARD-B', type: 'ISO15693' }, idTokenInfo: { status: 'Blocked', cacheExpiryDateTime: '2031-01-01T00:00:00.000Z' } },
          ],
        };
        assert.deepEqual(await command(id, 'SendLocalList', full), { status: 'Accepted' });
        let l = await list();
        assert.equal(l.version, 1);
        assert.deepEqual(l.entries.map((e: Json) => [e.idToken, e.idTokenType, e.status, e.expiresAt]), [
          ['CARD-A', 'ISO14443', 'Accepted', null], ['CARD-B', 'ISO15693', 'Blocked', '2031-01-01T00:00:00.000Z'],
        ]);
        assert.equal(l.entries[0].info.language1, 'nl');

        const diff = {
          versionNumber: 2, updateType: 'Differential',
          localAuthorizationList: [
            { idToken: { idToken: 'CARD-C', type: 'eMAID' }, idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'FLEET-1', type: 'Central' } } },
            { idToken: { idToken: 'CARD-B', type: 'ISO15693' }, idTokenInfo: { status: 'Accepted' } },
            { idToken: { idToken: 'CARD-A', type: 'ISO14443' } },
          ],
        };
        assert.deepEqual(await command(id, 'SendLocalList', diff), { status: 'Accepted' });
        l = await list();
        assert.equal(l.version, 2);
        assert.deepEqual(l.entries.map((e: Json) => [e.idToken, e.status, e.parentIdToken, e.expiresAt]), [
          ['CARD-B', 'Accepted', null, null], ['CARD-C', 'Accepted', 'FLEET-1', null],
        ]);

        cp.handle('SendLocalList', () => ({ status: 'VersionMismatch' }));
        assert.deepEqual(await command(id, 'SendLocalList', { versionNumber: 3, updateType: 'Full' }), { status: 'VersionMismatch' });
        l = await list();
        assert.deepEqual([l.version, l.entries.length], [2, 2]);

        // The station's own version wins (e.g. its list was reset).
        cp.handle('GetLocalListVersion', () => ({ versionNumber: 0 }));
        assert.deepEqual(await command(id, 'GetLocalListVersion', {}), { versionNumber: 0 });
        assert.equal((await list()).version, 0);
      });

      it(`${version} K01-K10 charging profiles: set, replace, reject, clear, GetChargingProfiles reports (both orders), composite schedule`, async () => {
        const id = sid('SC', version);
        const cp = await connect(id, version);
        cp.handle('SetChargingProfile', () => ({ status: 'Accepted' }));
        cp.handle('ClearChargingProfile', () => ({ status: 'Accepted' }));
        const stored = async () => (await view(id, 'charging-profiles')).map((p) => [p.connectorId, p.chargingLimitSource, p.chargingProfileId, p.stackLevel]);

        assert.deepEqual(await command(id, 'SetChargingProfile', { evseId: 1, chargingProfile: profile(10, 1, 32) }), { status: 'Accepted' });
        const first = (await view(id, 'charging-profiles'))[0];
        assert.deepEqual([first.connectorId, first.purpose, first.kind, first.profile.chargingSchedule[0].chargingSchedulePeriod[0].limit], [1, 'TxDefaultProfile', 'Absolute', 32]);
        // Same stack level and purpose on the EVSE replaces; another stack level adds; EVSE 0 is the station.
        await command(id, 'SetChargingProfile', { evseId: 1, chargingProfile: profile(11, 1, 16) });
        await command(id, 'SetChargingProfile', { evseId: 1, chargingProfile: profile(12, 2, 8) });
        await command(id, 'SetChargingProfile', { evseId: 0, chargingProfile: profile(20, 0, 100, 'ChargingStationMaxProfile') });
        await command(id, 'SetChargingProfile', { evseId: 2, chargingProfile: profile(30, 0, 10) });
        assert.deepEqual(await stored(), [[0, 'CSO', 20, 0], [1, 'CSO', 11, 1], [1, 'CSO', 12, 2], [2, 'CSO', 30, 0]]);
        cp.handle('SetChargingProfile', () => ({ status: 'Rejected' }));
        assert.deepEqual(await command(id, 'SetChargingProfile', { evseId: 1, chargingProfile: profile(13, 3, 6) }), { status: 'Rejected' });
        assert.equal((await stored()).length, 4);

        // ClearChargingProfile by id, then by criteria.
        assert.deepEqual(await command(id, 'ClearChargingProfile', { chargingProfileId: 11 }), { status: 'Accepted' });
        assert.deepEqual(await stored(), [[0, 'CSO', 20, 0], [1, 'CSO', 12, 2], [2, 'CSO', 30, 0]]);
        await command(id, 'ClearChargingProfile', { chargingProfileCriteria: { evseId: 1, chargingProfilePurpose: 'TxDefaultProfile' } });
        assert.deepEqual(await stored(), [[0, 'CSO', 20, 0], [2, 'CSO', 30, 0]]);

        // GetChargingProfiles: the station reports in two messages, after its reply. Its list for
        // what was asked (all EVSEs, all sources) replaces the stored one: 30 is gone, an EMS limit appears.
        cp.handle('GetChargingProfiles', ({ params }: Json) => {
          setTimeout(() => {
            void (async () => {
              await cp.call('ReportChargingProfiles', {
                requestId: params.requestId, chargingLimitSource: 'CSO', evseId: 0, tbc: true, chargingProfile: [profile(20, 0, 90, 'ChargingStationMaxProfile')],
              });
              await cp.call('ReportChargingProfiles', {
                requestId: params.requestId, chargingLimitSource: 'EMS', evseId: 0, chargingProfile: [profile(20, 1, 50, 'ChargingStationExternalConstraints')],
              });
            })();
          }, 20);
          return { status: 'Accepted' };
        });
        assert.deepEqual(await command(id, 'GetChargingProfiles', { requestId: 501, chargingProfile: {} }), { status: 'Accepted' });
        await until(async () => JSON.stringify(await stored()) === JSON.stringify([[0, 'CSO', 20, 0], [0, 'EMS', 20, 1]]), 'the reported profiles');
        const reported = await view(id, 'charging-profiles');
        assert.equal(reported[0].profile.chargingSchedule[0].chargingSchedulePeriod[0].limit, 90, 'reported values replace stored ones');
        assert.equal(reported[1].purpose, 'ChargingStationExternalConstraints');

        // Reports sent before the reply (the CSMS sees them before its request's reply), for EVSE 2
        // and CSO only: the EMS limit and the station-wide profile stay.
        cp.handle('SetChargingProfile', () => ({ status: 'Accepted' }));
        await command(id, 'SetChargingProfile', { evseId: 2, chargingProfile: profile(31, 0, 12) });
        await command(id, 'SetChargingProfile', { evseId: 2, chargingProfile: profile(32, 1, 11) });
        cp.handle('GetChargingProfiles', async ({ params }: Json) => {
          await cp.call('ReportChargingProfiles', { requestId: params.requestId, chargingLimitSource: 'CSO', evseId: 2, chargingProfile: [profile(32, 1, 11)] });
          return { status: 'Accepted' };
        });
        await command(id, 'GetChargingProfiles', { requestId: 502, evseId: 2, chargingProfile: { chargingLimitSource: ['CSO'] } });
        await until(async () => JSON.stringify(await stored()) === JSON.stringify([[0, 'CSO', 20, 0], [0, 'EMS', 20, 1], [2, 'CSO', 32, 1]]), 'profile 31 removed');

        // NoProfiles: nothing matching is left on the station.
        cp.handle('GetChargingProfiles', () => ({ status: 'NoProfiles' }));
        assert.deepEqual(await command(id, 'GetChargingProfiles', { requestId: 503, evseId: 2, chargingProfile: {} }), { status: 'NoProfiles' });
        assert.deepEqual(await stored(), [[0, 'CSO', 20, 0], [0, 'EMS', 20, 1]]);

        // GetCompositeSchedule: the reply is kept.
        const composite = {
          status: 'Accepted',
          schedule: { evseId: 1, duration: 3600, scheduleStart: '2030-01-01T00:00:00.000Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
        };
        cp.handle('GetCompositeSchedule', () => composite);
        assert.deepEqual(await command(id, 'GetCompositeSchedule', { duration: 3600, evseId: 1, chargingRateUnit: 'A' }), composite);
        const last = (await s.api('GET', `/api/v1/stations/${id}/charging-profiles`)).body.lastCompositeSchedule;
        assert.deepEqual([last.request, last.response], [{ duration: 3600, evseId: 1, chargingRateUnit: 'A' }, composite]);
      });

      it(`${version} K11-K17 external limits and ISO 15118 charging needs: stored, cleared, answered Accepted`, async () => {
        const id = sid('SC', version);
        const cp = connected.get(id) ?? (await connect(id, version));
        assert.deepEqual(await cp.call('NotifyChargingLimit', {
          evseId: 1, chargingLimit: { chargingLimitSource: 'EMS', isGridCritical: true }, chargingSchedule: [schedule(6)],
        }), {});
        assert.deepEqual(await cp.call('NotifyChargingLimit', { chargingLimit: { chargingLimitSource: 'SO' } }), {});
        let limits = await view(id, 'charging-limits');
        assert.deepEqual(limits.map((l) => [l.evseId, l.chargingLimitSource, l.isGridCritical]), [[0, 'SO', null], [1, 'EMS', true]]);
        assert.equal(limits[1].chargingSchedule[0].chargingSchedulePeriod[0].limit, 6);
        // A newer limit of the same source and EVSE replaces the old one.
        await cp.call('NotifyChargingLimit', { evseId: 1, chargingLimit: { chargingLimitSource: 'EMS', isGridCritical: false }, chargingSchedule: [schedule(7)] });
        limits = await view(id, 'charging-limits');
        assert.deepEqual([limits.length, limits[1].isGridCritical, limits[1].chargingSchedule[0].chargingSchedulePeriod[0].limit], [2, false, 7]);
        assert.deepEqual(await cp.call('ClearedChargingLimit', { chargingLimitSource: 'EMS', evseId: 1 }), {});
        assert.deepEqual((await view(id, 'charging-limits')).map((l) => l.chargingLimitSource), ['SO']);
        await cp.call('ClearedChargingLimit', { chargingLimitSource: 'SO' });
        assert.deepEqual(await view(id, 'charging-limits'), []);

        const needs = {
          requestedEnergyTransfer: 'AC_three_phase', departureTime: '2030-01-01T08:00:00.000Z',
          acChargingParameters: { energyAmount: 30000, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 },
        };
        assert.deepEqual(await cp.call('NotifyEVChargingNeeds', { evseId: 1, maxScheduleTuples: 3, chargingNeeds: needs }), { status: 'Accepted' });
        assert.deepEqual(await cp.call('NotifyEVChargingSchedule', { evseId: 1, timeBase: '2030-01-01T00:00:00.000Z', chargingSchedule: schedule(20) }), { status: 'Accepted' });
        const [ev] = await view(id, 'ev-charging-needs');
        assert.deepEqual([ev.evseId, ev.maxScheduleTuples, ev.chargingNeeds], [1, 3, needs]);
        assert.ok(ev.receivedAt);
        assert.deepEqual([ev.evChargingSchedule.timeBase, ev.evChargingSchedule.chargingSchedule], ['2030-01-01T00:00:00.000Z', schedule(20)]);
      });

      it(`${version} L01-L04 firmware: UpdateFirmware to the download endpoint, status notifications with request id, publish status`, async () => {
        const id = sid('FW', version);
        const cp = await connect(id, version);
        const image = Buffer.from(Array.from({ length: 2000 }, (_, i) => i % 241));
        const name = `fw-${id}.bin`;
        const up = await fetch(`${s.v.url}/api/v1/files/firmware/${name}`, {
          method: 'PUT', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/octet-stream' }, body: image,
        });
        assert.equal(up.status, 201);
        const file = (await up.json()) as { url: string };
        let downloaded: Buffer | undefined;
        cp.handle('UpdateFirmware', ({ params }: Json) => {
          setTimeout(() => void fetch(params.firmware.location).then(async (r) => (downloaded = Buffer.from(await r.arrayBuffer()))), 0);
          return { status: 'Accepted' };
        });
        const update = {
          requestId: 77, retries: 2,
          firmware: { location: file.url, retrieveDateTime: ahead(0), signingCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', signature: 'c2lnbmF0dXJl' },
        };
        assert.deepEqual(await command(id, 'UpdateFirmware', update), { status: 'Accepted' });
        await until(async () => downloaded !== undefined, 'the firmware download');
        assert.deepEqual(downloaded, image);
        for (const status of ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'InstallRebooting', 'Installed']) {
          assert.deepEqual(await cp.call('FirmwareStatusNotification', { status, requestId: 77 }), {});
          assert.equal((await s.api('GET', `/api/v1/stations/${id}`)).body.firmwareStatus, status);
        }
        const history = await view(id, 'file-transfers?kind=firmware');
        assert.deepEqual(history.map((h) => [h.status, h.requestId]).at(0), ['Installed', 77]);
        assert.equal(history.length, 6);
        // An idle report (triggered, nothing ongoing) has no request id.
        await cp.call('FirmwareStatusNotification', { status: 'Idle' });
        const [idle] = await view(id, 'file-transfers?limit=1');
        assert.deepEqual([idle.kind, idle.status, idle.requestId], ['firmware', 'Idle', null]);

        // A local controller publishing firmware: the command passes through, its status is stored (not the station's own).
        cp.handle('PublishFirmware', () => ({ status: 'Accepted' }));
        assert.deepEqual(await command(id, 'PublishFirmware', { location: file.url, checksum: 'a'.repeat(32), requestId: 78 }), { status: 'Accepted' });
        await cp.call('PublishFirmwareStatusNotification', { status: 'Published', requestId: 78, location: ['http://lc.local/fw.bin'] });
        const [pub] = await view(id, 'file-transfers?kind=publishFirmware');
        assert.deepEqual([pub.status, pub.requestId, pub.locations], ['Published', 78, ['http://lc.local/fw.bin']]);
        assert.equal((await s.api('GET', `/api/v1/stations/${id}`)).body.firmwareStatus, 'Idle');
      });

      it(`${version} N01 logs: GetLog, the upload (POST) to the diagnostics endpoint, LogStatusNotification`, async () => {
        const id = sid('LOG', version);
        const cp = await connect(id, version);
        const log = Buffer.from(`security log of ${id}\n`);
        cp.handle('GetLog', ({ params }: Json) => {
          setTimeout(() => {
            void (async () => {
              await cp.call('LogStatusNotification', { status: 'Uploading', requestId: params.requestId });
              const r = await fetch(`${params.log.remoteLocation}security.log`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: log });
              await cp.call('LogStatusNotification', { status: r.status === 201 ? 'Uploaded' : 'UploadFailure', requestId: params.requestId });
            })();
          }, 0);
          return { status: 'Accepted', filename: 'security.log' };
        });
        const reply = await command(id, 'GetLog', { logType: 'SecurityLog', requestId: 9, log: { remoteLocation: `${s.v.url}/files/diagnostics/${id}/` } });
        assert.deepEqual(reply, { status: 'Accepted', filename: 'security.log' });
        await until(async () => (await s.api('GET', `/api/v1/stations/${id}`)).body.diagnosticsStatus === 'Uploaded', 'the upload');
        assert.deepEqual((await view(id, 'file-transfers?kind=log')).map((h) => [h.status, h.requestId]), [['Uploaded', 9], ['Uploading', 9]]);
        const files = (await s.api('GET', `/api/v1/files?kind=diagnostics&stationId=${id}`)).body.items;
        assert.equal(files.length, 1);
        const got = await fetch(files[0].url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        assert.deepEqual(Buffer.from(await got.arrayBuffer()), log);
      });

      it(`${version} O01-O06 display messages: set, refused, clear, GetDisplayMessages reports, Unknown`, async () => {
        const id = sid('DSP', version);
        const cp = await connect(id, version);
        cp.handle('SetDisplayMessage', ({ params }: Json) => ({ status: params.message.priority === 'AlwaysFront' ? 'NotSupportedPriority' : 'Accepted' }));
        cp.handle('ClearDisplayMessage', () => ({ status: 'Accepted' }));
        const ids = async () => (await view(id, 'display-messages')).map((m) => [m.id, m.priority, m.messageInfo.message.content]);

        assert.deepEqual(await command(id, 'SetDisplayMessage', { message: { ...message(1, 'Welcome'), startDateTime: '2030-01-01T00:00:00.000Z' } }), { status: 'Accepted' });
        await command(id, 'SetDisplayMessage', { message: message(2, 'Tariff: 0.30/kWh', 'InFront') });
        await command(id, 'SetDisplayMessage', { message: message(3, 'Closed on Sunday') });
        assert.deepEqual(await command(id, 'SetDisplayMessage', { message: message(4, 'Urgent', 'AlwaysFront') }), { status: 'NotSupportedPriority' });
        assert.deepEqual(await ids(), [[1, 'NormalCycle', 'Welcome'], [2, 'InFront', 'Tariff: 0.30/kWh'], [3, 'NormalCycle', 'Closed on Sunday']]);
        assert.equal((await view(id, 'display-messages'))[0].startAt, '2030-01-01T00:00:00.000Z');
        assert.deepEqual(await command(id, 'ClearDisplayMessage', { id: 3 }), { status: 'Accepted' });
        assert.deepEqual((await ids()).map((m) => m[0]), [1, 2]);

        // The station's report (two messages) replaces the view: 1 changed, 2 gone, 5 set by someone else.
        cp.handle('GetDisplayMessages', ({ params }: Json) => {
          setTimeout(() => {
            void (async () => {
              await cp.call('NotifyDisplayMessages', { requestId: params.requestId, tbc: true, messageInfo: [message(1, 'Welcome back')] });
              await cp.call('NotifyDisplayMessages', { requestId: params.requestId, messageInfo: [{ ...message(5, 'Out of order', 'InFront'), state: 'Faulted' }] });
            })();
          }, 20);
          return { status: 'Accepted' };
        });
        assert.deepEqual(await command(id, 'GetDisplayMessages', { requestId: 31 }), { status: 'Accepted' });
        await until(async () => JSON.stringify(await ids()) === JSON.stringify([[1, 'NormalCycle', 'Welcome back'], [5, 'InFront', 'Out of order']]), 'the reported messages');
        assert.equal((await view(id, 'display-messages'))[1].state, 'Faulted');

        // Unknown for InFront messages: the station has none, so the stored InFront one goes; others stay.
        cp.handle('GetDisplayMessages', () => ({ status: 'Unknown' }));
        assert.deepEqual(await command(id, 'GetDisplayMessages', { requestId: 32, priority: 'InFront' }), { status: 'Unknown' });
        assert.deepEqual((await ids()).map((m) => m[0]), [1]);
      });

      it(`${version} P01-P02 data transfer: any JSON both ways through the vendor hooks, logged as text`, async () => {
        const id = sid('DT', version);
        const cp = await connect(id, version);
        assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'com.nobody', messageId: 'm1', data: { a: 1 } }), { status: 'UnknownVendorId' });
        s.v.core.dataTransfer.registerVendor('com.voltlane.blocks', async ({ stationId, version: v, messageId, data }) => ({
          status: 'Accepted', data: { stationId, version: v, messageId, echo: data },
        }));
        assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'com.voltlane.blocks', messageId: 'echo', data: [1, 'two', { three: 3 }] }), {
          status: 'Accepted', data: { stationId: id, version, messageId: 'echo', echo: [1, 'two', { three: 3 }] },
        });
        assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'com.voltlane.blocks', data: 'plain' }), {
          status: 'Accepted', data: { stationId: id, version, echo: 'plain' },
        });
        cp.handle('DataTransfer', ({ params }: Json) => ({ status: 'Accepted', data: { got: params.data } }));
        assert.deepEqual(await command(id, 'DataTransfer', { vendorId: 'com.charger', messageId: 'ping', data: { n: 42 } }), { status: 'Accepted', data: { got: { n: 42 } } });
        cp.handle('DataTransfer', () => ({ status: 'UnknownMessageId' }));
        assert.deepEqual(await command(id, 'DataTransfer', { vendorId: 'com.charger', data: 7 }), { status: 'UnknownMessageId' });
        assert.deepEqual((await view(id, 'data-transfers')).map((x) => [x.direction, x.vendorId, x.messageId, x.data, x.status]), [
          ['out', 'com.charger', null, '7', 'UnknownMessageId'],
          ['out', 'com.charger', 'ping', '{"n":42}', 'Accepted'],
          ['in', 'com.voltlane.blocks', null, 'plain', 'Accepted'],
          ['in', 'com.voltlane.blocks', 'echo', '[1,"two",{"three":3}]', 'Accepted'],
          ['in', 'com.nobody', 'm1', '{"a":1}', 'UnknownVendorId'],
        ]);
      });

      it(`${version} I: CostUpdated passes through to the charger`, async () => {
        const id = sid('COST', version);
        const cp = await connect(id, version);
        let got: Json;
        cp.handle('CostUpdated', ({ params }: Json) => {
          got = params;
          return {};
        });
        assert.deepEqual(await command(id, 'CostUpdated', { totalCost: 4.27, transactionId: 'tx-1' }), {});
        assert.deepEqual(got, { totalCost: 4.27, transactionId: 'tx-1' });
      });
    }

    it('1.6 Security Whitepaper LogStatusNotification: the station\'s log status and history', async () => {
      const cp = await RawCharger.connect(`${s.ws}/LOG-16`);
      try {
        assert.equal((await cp.call('BootNotification', { chargePointVendor: 'raw', chargePointModel: 'sec' })).status, 'Accepted');
        assert.deepEqual(await cp.call('LogStatusNotification', { status: 'Uploading', requestId: 3 }), {});
        assert.deepEqual(await cp.call('DiagnosticsStatusNotification', { status: 'Uploaded' }), {});
        assert.equal((await s.api('GET', '/api/v1/stations/LOG-16')).body.diagnosticsStatus, 'Uploaded');
        assert.deepEqual((await view('LOG-16', 'file-transfers')).map((h) => [h.kind, h.status, h.requestId]), [['log', 'Uploaded', null], ['log', 'Uploading', 3]]);
      } finally {
        await cp.close();
      }
    });
  });
}

/** Polls until fn is true: reports the station sends after its reply arrive a moment later. */
function until(fn: () => Promise<boolean>, what: string): Promise<true> {
  return eventually(async () => (await fn()) || undefined, 5000, what);
}
