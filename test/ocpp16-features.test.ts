/**
 * OCPP 1.6 features end to end: a hand-written charger answers the commands the API sends
 * (POST /api/v1/stations/{id}/commands/{Action}) and sends its own CALLs, and Voltlane's stored
 * view (reservations, local list, charging profiles, configuration, files, id tokens,
 * transactions) is checked through the REST API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { ADMIN_TOKEN, startTestServer, eventually, type TestServer } from './helpers.js';
import { RawCharger } from './raw-charger.js';

const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();

interface Reservation {
  id: number;
  stationId: string;
  connectorId: number;
  idToken: string;
  status: string;
  transactionId: number | null;
}

for (const tdb of testDatabases()) {
  describe(`OCPP 1.6 features against a hand-written charger (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    const chargers: RawCharger[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db, { VOLTLANE_COMMAND_TIMEOUT_SEC: '2', VOLTLANE_UNKNOWN_STATIONS: 'reject' });
      for (const id of ['RES1', 'LIST1', 'SC1', 'CFG1', 'DT1', 'FW1', 'TOK1', 'OFF1', 'NRG1']) {
        assert.equal((await s.api('POST', '/api/v1/stations', { id })).status, 201);
      }
      for (const idToken of ['TAG-R', 'TAG-OTHER', 'TAG-OFF', 'TAG-KWH', 'TAG-PH']) {
        assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken, status: 'Accepted' })).status, 201);
      }
    });
    after(async () => {
      for (const c of chargers) await c.close();
      await s.stop();
      await cleanup();
    });

    async function connect(stationId: string): Promise<RawCharger> {
      const cp = await RawCharger.connect(`${s.ws}/${stationId}`);
      chargers.push(cp);
      assert.equal((await cp.call('BootNotification', { chargePointVendor: 'raw', chargePointModel: 'by-hand' })).status, 'Accepted');
      return cp;
    }

    async function command(stationId: string, action: string, payload: object) {
      const r = await s.api('POST', `/api/v1/stations/${stationId}/commands/${action}`, payload);
      assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
      return r.body.response;
    }

    async function reservation(id: number): Promise<Reservation> {
      const r = await s.api('GET', '/api/v1/reservations?limit=1000');
      const found = r.body.items.find((x: Reservation) => x.id === id);
      assert.ok(found, `reservation ${id} listed`);
      return found;
    }

    it('reservations: ReserveNow, honoured at StartTransaction, used, expired, cancelled; ids allocated', async () => {
      const cp = await connect('RES1');
      cp.handle('ReserveNow', () => ({ status: 'Accepted' }));
      cp.handle('CancelReservation', () => ({ status: 'Accepted' }));

      // Reserve connector 1 for TAG-R through the allocating endpoint.
      const made = await s.api('POST', '/api/v1/stations/RES1/reservations', { connectorId: 1, idToken: 'TAG-R', expiresAt: ahead(HOUR) });
      assert.equal(made.status, 200);
      assert.deepEqual(made.body.response, { status: 'Accepted' });
      const rid = made.body.reservationId as number;
      assert.ok(Number.isInteger(rid));
      const reserveFrame = cp.received.find((f) => Array.isArray(f) && f[2] === 'ReserveNow') as unknown[];
      assert.deepEqual((reserveFrame[3] as { reservationId: number }).reservationId, rid);
      assert.deepEqual(
        (({ stationId, connectorId, idToken, status }) => ({ stationId, connectorId, idToken, status }))(await reservation(rid)),
        { stationId: 'RES1', connectorId: 1, idToken: 'TAG-R', status: 'Active' },
      );

      // Somebody else cannot start on the reserved connector...
      const t0 = Date.now() - 60_000;
      const other = await cp.call('StartTransaction', { connectorId: 1, idTag: 'TAG-OTHER', meterStart: 0, timestamp: new Date(t0).toISOString() });
      assert.equal(other.idTagInfo.status, 'Invalid');
      await cp.call('StopTransaction', { transactionId: other.transactionId, meterStop: 0, timestamp: new Date(t0 + 1000).toISOString(), reason: 'DeAuthorized' });
      assert.equal((await reservation(rid)).status, 'Active');
      // ...but on another connector they can.
      const elsewhere = await cp.call('StartTransaction', { connectorId: 2, idTag: 'TAG-OTHER', meterStart: 0, timestamp: new Date(t0).toISOString() });
      assert.equal(elsewhere.idTagInfo.status, 'Accepted');
      await cp.call('StopTransaction', { transactionId: elsewhere.transactionId, meterStop: 10, timestamp: new Date(t0 + 1000).toISOString() });

      // The reserved id tag starts with the reservation id: Accepted, reservation Used.
      const mine = await cp.call('StartTransaction', {
        connectorId: 1, idTag: 'TAG-R', meterStart: 0, timestamp: new Date(t0 + 2000).toISOString(), reservationId: rid,
      });
      assert.equal(mine.idTagInfo.status, 'Accepted');
      const used = await reservation(rid);
      assert.deepEqual([used.status, used.transactionId], ['Used', mine.transactionId]);
      await cp.call('StopTransaction', { transactionId: mine.transactionId, meterStop: 100, timestamp: new Date(t0 + 3000).toISOString() });

      // A reservation past its expiry becomes Expired and no longer blocks the connector.
      const shortExpiry = ahead(300);
      const short = await s.api('POST', '/api/v1/stations/RES1/reservations', { connectorId: 2, idToken: 'TAG-R', expiresAt: shortExpiry });
      const shortId = short.body.reservationId as number;
      assert.ok(shortId > rid, 'a fresh reservation id');
      assert.equal((await reservation(shortId)).status, 'Active');
      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(shortExpiry) - Date.now() + 20)));
      assert.ok((await s.v.core.reservations.expire()) >= 1);
      assert.equal((await reservation(shortId)).status, 'Expired');
      const free = await cp.call('StartTransaction', { connectorId: 2, idTag: 'TAG-OTHER', meterStart: 0, timestamp: ago(1000) });
      assert.equal(free.idTagInfo.status, 'Accepted');
      await cp.call('StopTransaction', { transactionId: free.transactionId, meterStop: 0, timestamp: ago(0) });

      // CancelReservation -> Cancelled.
      const toCancel = await s.api('POST', '/api/v1/stations/RES1/reservations', { connectorId: 1, idToken: 'TAG-R', expiresAt: ahead(HOUR) });
      const cancelId = toCancel.body.reservationId as number;
      assert.deepEqual(await command('RES1', 'CancelReservation', { reservationId: cancelId }), { status: 'Accepted' });
      assert.equal((await reservation(cancelId)).status, 'Cancelled');

      // An id an operator chose in a raw ReserveNow is never handed out again by the allocator.
      const chosen = cancelId + 1;
      assert.deepEqual(
        await command('RES1', 'ReserveNow', { connectorId: 2, expiryDate: ahead(HOUR), idTag: 'TAG-OTHER', reservationId: chosen }),
        { status: 'Accepted' },
      );
      const next = await s.api('POST', '/api/v1/stations/RES1/reservations', { connectorId: 1, idToken: 'TAG-R', expiresAt: ahead(HOUR) });
      assert.ok(next.body.reservationId > chosen, `allocated ${next.body.reservationId} after chosen ${chosen}`);
      const kept = await reservation(chosen);
      assert.deepEqual([kept.idToken, kept.connectorId, kept.status], ['TAG-OTHER', 2, 'Active']);

      // A refused ReserveNow stores nothing.
      cp.handle('ReserveNow', () => ({ status: 'Occupied' }));
      const refused = await s.api('POST', '/api/v1/stations/RES1/reservations', { connectorId: 1, idToken: 'TAG-R', expiresAt: ahead(HOUR) });
      assert.deepEqual(refused.body.response, { status: 'Occupied' });
      const all = await s.api('GET', `/api/v1/reservations?stationId=RES1&limit=1000`);
      assert.ok(!all.body.items.some((x: Reservation) => x.id === refused.body.reservationId));
    });

    it('local authorization list: Full then Differential updates with versions', async () => {
      const cp = await connect('LIST1');
      cp.handle('SendLocalList', () => ({ status: 'Accepted' }));
      const full = {
        listVersion: 1,
        updateType: 'Full',
        localAuthorizationList: [
          { idTag: 'CARD-A', idTagInfo: { status: 'Accepted' } },
          { idTag: 'CARD-B', idTagInfo: { status: 'Blocked', expiryDate: '2031-01-01T00:00:00.000Z' } },
        ],
      };
      assert.deepEqual(await command('LIST1', 'SendLocalList', full), { status: 'Accepted' });
      let list = (await s.api('GET', '/api/v1/stations/LIST1/local-list')).body;
      assert.equal(list.version, 1);
      assert.deepEqual(list.entries.map((e: { idToken: string; status: string }) => [e.idToken, e.status]), [['CARD-A', 'Accepted'], ['CARD-B', 'Blocked']]);
      assert.equal(list.entries[1].expiresAt, '2031-01-01T00:00:00.000Z');

      const diff = {
        listVersion: 2,
        updateType: 'Differential',
        localAuthorizationList: [
          { idTag: 'CARD-C', idTagInfo: { status: 'Accepted', parentIdTag: 'FLEET-1' } },
          { idTag: 'CARD-B', idTagInfo: { status: 'Accepted' } },
          { idTag: 'CARD-A' },
        ],
      };
      assert.deepEqual(await command('LIST1', 'SendLocalList', diff), { status: 'Accepted' });
      list = (await s.api('GET', '/api/v1/stations/LIST1/local-list')).body;
      assert.equal(list.version, 2);
      assert.deepEqual(
        list.entries.map((e: { idToken: string; status: string; parentIdToken: string | null; expiresAt: string | null }) => [e.idToken, e.status, e.parentIdToken, e.expiresAt]),
        [['CARD-B', 'Accepted', null, null], ['CARD-C', 'Accepted', 'FLEET-1', null]],
      );

      // A list the charger refuses leaves the stored list alone.
      cp.handle('SendLocalList', () => ({ status: 'VersionMismatch' }));
      assert.deepEqual(await command('LIST1', 'SendLocalList', { listVersion: 3, updateType: 'Full' }), { status: 'VersionMismatch' });
      assert.equal((await s.api('GET', '/api/v1/stations/LIST1/local-list')).body.version, 2);
      assert.equal((await s.api('GET', '/api/v1/stations/LIST1/local-list')).body.entries.length, 2);
    });

    it('smart charging: SetChargingProfile stored and replaced, ClearChargingProfile by id, composite schedule kept', async () => {
      const cp = await connect('SC1');
      cp.handle('SetChargingProfile', () => ({ status: 'Accepted' }));
      cp.handle('ClearChargingProfile', () => ({ status: 'Accepted' }));
      const composite = {
        status: 'Accepted', connectorId: 1, scheduleStart: '2030-01-01T00:00:00.000Z',
        chargingSchedule: { duration: 3600, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 1800, limit: 10 }] },
      };
      cp.handle('GetCompositeSchedule', () => composite);
      const profile = (id: number, stackLevel: number, limit: number) => ({
        connectorId: 1,
        csChargingProfiles: {
          chargingProfileId: id, stackLevel, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
          validFrom: '2030-01-01T00:00:00.000Z',
          chargingSchedule: { startSchedule: '2030-01-01T00:00:00.000Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
        },
      });
      const listed = async () => {
        const r = await s.api('GET', '/api/v1/stations/SC1/charging-profiles');
        assert.equal(r.status, 200);
        return r.body as { items: { chargingProfileId: number; stackLevel: number; purpose: string; profile: { chargingSchedule: { chargingSchedulePeriod: { limit: number }[] } } }[]; lastCompositeSchedule: unknown };
      };

      assert.deepEqual(await command('SC1', 'SetChargingProfile', profile(10, 1, 32)), { status: 'Accepted' });
      let r = await listed();
      assert.deepEqual(r.items.map((p) => [p.chargingProfileId, p.stackLevel, p.purpose]), [[10, 1, 'TxDefaultProfile']]);
      assert.equal(r.items[0]!.profile.chargingSchedule.chargingSchedulePeriod[0]!.limit, 32);

      // Same stack level and purpose on the connector replaces it.
      await command('SC1', 'SetChargingProfile', profile(11, 1, 16));
      r = await listed();
      assert.deepEqual(r.items.map((p) => p.chargingProfileId), [11]);
      await command('SC1', 'SetChargingProfile', profile(12, 2, 8));
      assert.deepEqual((await listed()).items.map((p) => p.chargingProfileId), [11, 12]);
      // A profile the charger rejects is not stored.
      cp.handle('SetChargingProfile', () => ({ status: 'Rejected' }));
      assert.deepEqual(await command('SC1', 'SetChargingProfile', profile(13, 3, 6)), { status: 'Rejected' });
      assert.deepEqual((await listed()).items.map((p) => p.chargingProfileId), [11, 12]);

      assert.deepEqual(await command('SC1', 'ClearChargingProfile', { id: 11 }), { status: 'Accepted' });
      assert.deepEqual((await listed()).items.map((p) => p.chargingProfileId), [12]);

      assert.equal((await listed()).lastCompositeSchedule, null);
      assert.deepEqual(await command('SC1', 'GetCompositeSchedule', { connectorId: 1, duration: 3600, chargingRateUnit: 'A' }), composite);
      const last = (await listed()).lastCompositeSchedule as { response: unknown; request: unknown };
      assert.deepEqual(last.response, composite);
      assert.deepEqual(last.request, { connectorId: 1, duration: 3600, chargingRateUnit: 'A' });
    });

    it('configuration: GetConfiguration stored, ChangeConfiguration updates accepted values only', async () => {
      const cp = await connect('CFG1');
      cp.handle('GetConfiguration', () => ({
        configurationKey: [
          { key: 'HeartbeatInterval', readonly: false, value: '300' },
          { key: 'NumberOfConnectors', readonly: true, value: '2' },
          { key: 'AuthorizationKey', readonly: false },
        ],
        unknownKey: [],
      }));
      cp.handle('ChangeConfiguration', (p) => ({ status: p.key === 'HeartbeatInterval' ? 'Accepted' : 'Rejected' }));
      const reply = await command('CFG1', 'GetConfiguration', {});
      assert.equal(reply.configurationKey.length, 3);
      const config = async () => {
        const r = await s.api('GET', '/api/v1/stations/CFG1/configuration');
        return Object.fromEntries(r.body.items.map((k: { key: string; value: string | null; readonly: boolean | null }) => [k.key, [k.value, k.readonly]]));
      };
      assert.deepEqual(await config(), {
        AuthorizationKey: [null, false], HeartbeatInterval: ['300', false], NumberOfConnectors: ['2', true],
      });
      assert.deepEqual(await command('CFG1', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '60' }), { status: 'Accepted' });
      assert.deepEqual(await command('CFG1', 'ChangeConfiguration', { key: 'NumberOfConnectors', value: '3' }), { status: 'Rejected' });
      const after = await config();
      assert.deepEqual(after.HeartbeatInterval, ['60', false]);
      assert.deepEqual(after.NumberOfConnectors, ['2', true]);
    });

    it('data transfer: unknown vendor, a registered vendor hook, both directions listed', async () => {
      const cp = await connect('DT1');
      cp.handle('DataTransfer', (p) => ({ status: 'Accepted', data: `echo:${String(p.data)}` }));
      assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'com.nobody', messageId: 'm1', data: 'hello' }), { status: 'UnknownVendorId' });
      s.v.core.dataTransfer.registerVendor('com.voltlane.test', async ({ stationId, messageId, data }) => ({
        status: 'Accepted', data: `${stationId}/${messageId}/${String(data).toUpperCase()}`,
      }));
      assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'com.voltlane.test', messageId: 'shout', data: 'hi' }), {
        status: 'Accepted', data: 'DT1/shout/HI',
      });
      assert.deepEqual(await command('DT1', 'DataTransfer', { vendorId: 'com.charger', data: 'ping' }), { status: 'Accepted', data: 'echo:ping' });
      const r = await s.api('GET', '/api/v1/stations/DT1/data-transfers');
      assert.deepEqual(
        r.body.items.map((x: { direction: string; vendorId: string; messageId: string | null; data: string | null; status: string }) =>
          [x.direction, x.vendorId, x.messageId, x.data, x.status]),
        [
          ['out', 'com.charger', null, 'ping', 'Accepted'],
          ['in', 'com.voltlane.test', 'shout', 'hi', 'Accepted'],
          ['in', 'com.nobody', 'm1', 'hello', 'UnknownVendorId'],
        ],
      );
    });

    it('firmware and diagnostics: files over HTTP and the status notifications', async () => {
      const cp = await connect('FW1');
      const image = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
      const up = await fetch(`${s.v.url}/api/v1/files/firmware/fw-1.bin`, {
        method: 'PUT', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/octet-stream' }, body: image,
      });
      assert.equal(up.status, 201);
      const file = (await up.json()) as { url: string; size: number; sha256: string };
      assert.equal(file.size, image.length);
      assert.equal(file.url, `${s.v.url}/files/firmware/fw-1.bin`);
      const down = await fetch(file.url); // chargers have no token
      assert.equal(down.status, 200);
      assert.deepEqual(Buffer.from(await down.arrayBuffer()), image);
      assert.equal(down.headers.get('x-checksum-sha256'), file.sha256);
      assert.equal((await fetch(`${s.v.url}/files/firmware/nope.bin`)).status, 404);

      // UpdateFirmware with that URL; the charger reports its progress.
      let location = '';
      cp.handle('UpdateFirmware', (p) => {
        location = String(p.location);
        return {};
      });
      assert.deepEqual(await command('FW1', 'UpdateFirmware', { location: file.url, retrieveDate: ahead(0) }), {});
      assert.equal(location, file.url);
      for (const status of ['Downloading', 'Downloaded', 'Installing', 'Installed']) {
        assert.deepEqual(await cp.call('FirmwareStatusNotification', { status }), {});
        assert.equal((await s.api('GET', '/api/v1/stations/FW1')).body.firmwareStatus, status);
      }

      // GetDiagnostics: the charger uploads to the location it was given.
      cp.handle('GetDiagnostics', () => ({ fileName: 'diag.log' }));
      const diagBase = `${s.v.url}/files/diagnostics/FW1`;
      assert.deepEqual(await command('FW1', 'GetDiagnostics', { location: `${diagBase}/` }), { fileName: 'diag.log' });
      await cp.call('DiagnosticsStatusNotification', { status: 'Uploading' });
      assert.equal((await s.api('GET', '/api/v1/stations/FW1')).body.diagnosticsStatus, 'Uploading');
      const log = Buffer.from('line 1\nline 2: all good\n');
      const put = await fetch(`${diagBase}/diag.log`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: log });
      assert.equal(put.status, 201);
      await cp.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
      assert.equal((await s.api('GET', '/api/v1/stations/FW1')).body.diagnosticsStatus, 'Uploaded');

      const listed = await s.api('GET', '/api/v1/files?kind=diagnostics');
      assert.equal(listed.status, 200);
      const diag = listed.body.items.find((f: { stationId: string }) => f.stationId === 'FW1');
      assert.ok(diag, JSON.stringify(listed.body));
      assert.equal(diag.size, log.length);
      assert.ok(!listed.body.items.some((f: { kind: string }) => f.kind !== 'diagnostics'));
      assert.equal((await fetch(diag.url)).status, 401, 'diagnostics need the admin token');
      const got = await fetch(diag.url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(got.status, 200);
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), log);

      const stranger = await fetch(`${s.v.url}/files/diagnostics/NOT-A-STATION/diag.log`, {
        method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: log,
      });
      assert.equal(stranger.status, 404);
      assert.equal(((await stranger.json()) as { error: { code: string } }).error.code, 'STATION_NOT_FOUND');
    });

    it('id tokens: expiry, blocked parent, PATCH, DELETE, validation errors', async () => {
      const cp = await connect('TOK1');
      const authorize = async (idTag: string) => (await cp.call('Authorize', { idTag })).idTagInfo;

      assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken: 'OLD-CARD', status: 'Accepted', expiresAt: ago(HOUR) })).status, 201);
      const old = await authorize('OLD-CARD');
      assert.equal(old.status, 'Expired');
      assert.ok(old.expiryDate);

      assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken: 'FLEET-X', status: 'Blocked' })).status, 201);
      assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken: 'DRIVER-X', status: 'Accepted', parentIdToken: 'FLEET-X' })).status, 201);
      assert.deepEqual(await authorize('DRIVER-X'), { status: 'Blocked', parentIdTag: 'FLEET-X' });

      // PATCH the parent back to Accepted, and clear the expiry of the old card.
      const patched = await s.api('PATCH', '/api/v1/id-tokens/FLEET-X', { status: 'Accepted' });
      assert.deepEqual([patched.status, patched.body.status], [200, 'Accepted']);
      assert.deepEqual(await authorize('DRIVER-X'), { status: 'Accepted', parentIdTag: 'FLEET-X' });
      assert.equal((await s.api('PATCH', '/api/v1/id-tokens/OLD-CARD', { expiresAt: null })).body.expiresAt, null);
      assert.deepEqual(await authorize('OLD-CARD'), { status: 'Accepted' });
      assert.equal((await s.api('PATCH', '/api/v1/id-tokens/NO-SUCH', { status: 'Blocked' })).status, 404);

      // DELETE: gone from the API and unknown to the charger.
      assert.equal((await s.api('DELETE', '/api/v1/id-tokens/DRIVER-X')).status, 204);
      assert.equal((await s.api('GET', '/api/v1/id-tokens/DRIVER-X')).status, 404);
      assert.equal((await authorize('DRIVER-X')).status, 'Invalid');
      assert.equal((await s.api('DELETE', '/api/v1/id-tokens/DRIVER-X')).status, 404);

      // Validation errors: 400 with {"error": {"code", "message"}} naming the field.
      const bad: [string, string, unknown, RegExp][] = [
        ['POST', '/api/v1/id-tokens', { idToken: 5, status: 'Accepted' }, /idToken/],
        ['POST', '/api/v1/id-tokens', { idToken: 5 }, /status|idToken/],
        ['POST', '/api/v1/id-tokens', { idToken: 'NEW-1', status: 'Maybe' }, /status/],
        ['POST', '/api/v1/id-tokens', { idToken: 'NEW-1', status: 'Accepted', expiresAt: 'tomorrow' }, /expiresAt/],
        ['POST', '/api/v1/id-tokens', { idToken: 'NEW-1', status: 'Accepted', colour: 'red' }, /colour/],
        ['PATCH', '/api/v1/id-tokens/FLEET-X', { status: 'Sometimes' }, /status/],
        ['PATCH', '/api/v1/id-tokens/FLEET-X', { parentIdToken: 'FLEET-X' }, /parentIdToken/],
      ];
      for (const [method, path, body, field] of bad) {
        const r = await s.api(method, path, body);
        assert.equal(r.status, 400, `${method} ${JSON.stringify(body)} -> ${JSON.stringify(r.body)}`);
        assert.equal(typeof r.body.error.code, 'string');
        assert.match(r.body.error.message, field, `${method} ${JSON.stringify(body)} names the field`);
      }
      assert.equal((await s.api('GET', '/api/v1/id-tokens/5')).status, 404, 'a numeric idToken is not coerced into a token');
      assert.equal((await s.api('GET', '/api/v1/id-tokens/NEW-1')).status, 404);
    });

    it('offline transactions: replayed after reconnect, retried messages stored once', async () => {
      const startedAt = ago(3 * HOUR);
      const start = { connectorId: 1, idTag: 'TAG-OFF', meterStart: 10_000, timestamp: startedAt };
      let cp = await connect('OFF1');
      // The charger sends StartTransaction but loses the connection before it reads the answer...
      const first = await cp.call('StartTransaction', start);
      await cp.close();
      await eventually(async () => (await s.api('GET', '/api/v1/stations/OFF1')).body.online === false, 5000, 'OFF1 offline');

      // ...then reconnects and replays its queue: the start again, meter values (one of them twice), the stop.
      cp = await connect('OFF1');
      const replayed = await cp.call('StartTransaction', start);
      assert.equal(replayed.transactionId, first.transactionId);
      const txId = replayed.transactionId as number;
      const meter = (minutes: number, kwh: string) => ({
        timestamp: new Date(Date.parse(startedAt) + minutes * 60_000).toISOString(),
        sampledValue: [
          { value: kwh, unit: 'kWh', measurand: 'Energy.Active.Import.Register', context: 'Sample.Periodic' },
          { value: '11000', unit: 'W', measurand: 'Power.Active.Import' },
        ],
      });
      const mv = { connectorId: 1, transactionId: txId, meterValue: [meter(15, '12.75')] };
      await cp.call('MeterValues', mv);
      await cp.call('MeterValues', mv); // retried: no answer seen before
      await cp.call('MeterValues', { connectorId: 1, transactionId: txId, meterValue: [meter(30, '15.5')] });
      let tx = (await s.api('GET', `/api/v1/transactions/${txId}`)).body;
      assert.equal(tx.meterValues.length, 4, 'the retried MeterValues is stored once');
      assert.equal(tx.energyWh, 5500);

      const stop = {
        transactionId: txId, idTag: 'TAG-OFF', meterStop: 25_000, timestamp: new Date(Date.parse(startedAt) + 45 * 60_000).toISOString(),
        reason: 'EVDisconnected', transactionData: [meter(30, '15.5'), meter(45, '25')],
      };
      assert.equal((await cp.call('StopTransaction', stop)).idTagInfo.status, 'Accepted');
      await cp.call('StopTransaction', stop); // retried stop

      const all = await s.api('GET', '/api/v1/transactions?stationId=OFF1');
      assert.equal(all.body.total, 1, 'one transaction');
      tx = (await s.api('GET', `/api/v1/transactions/${txId}`)).body;
      assert.deepEqual(
        [tx.status, tx.startedAt, tx.stoppedAt, tx.meterStartWh, tx.meterStopWh, tx.energyWh, tx.stopReason],
        ['completed', startedAt, stop.timestamp, 10_000, 25_000, 15_000, 'EVDisconnected'],
      );
      assert.equal(tx.meterValues.length, 6, 'transactionData overlapping earlier MeterValues is stored once');
    });

    it('energy from kWh samples and from per-phase samples', async () => {
      const cp = await connect('NRG1');
      const t0 = Date.now() - 2 * HOUR;
      const at = (min: number) => new Date(t0 + min * 60_000).toISOString();

      // kWh register samples; the charger's meterStop is unusable (0), so the samples give the energy.
      const a = await cp.call('StartTransaction', { connectorId: 1, idTag: 'TAG-KWH', meterStart: 1000, timestamp: at(0) });
      await cp.call('MeterValues', { connectorId: 1, transactionId: a.transactionId, meterValue: [{ timestamp: at(10), sampledValue: [{ value: '1.5', unit: 'kWh' }] }] });
      await cp.call('MeterValues', { connectorId: 1, transactionId: a.transactionId, meterValue: [{ timestamp: at(20), sampledValue: [{ value: '3.25', unit: 'kWh' }] }] });
      assert.equal((await s.api('GET', `/api/v1/transactions/${a.transactionId}`)).body.energyWh, 2250);
      await cp.call('StopTransaction', { transactionId: a.transactionId, meterStop: 0, timestamp: at(30) });
      const doneA = (await s.api('GET', `/api/v1/transactions/${a.transactionId}`)).body;
      assert.deepEqual([doneA.status, doneA.energyWh], ['completed', 2250]);

      // Per-phase register samples (Wh) add up.
      const b = await cp.call('StartTransaction', { connectorId: 2, idTag: 'TAG-PH', meterStart: 0, timestamp: at(0) });
      const phases = (values: [string, string, string]) => values.map((value, i) => ({
        value, unit: 'Wh', measurand: 'Energy.Active.Import.Register', phase: `L${i + 1}`, location: 'Outlet',
      }));
      await cp.call('MeterValues', {
        connectorId: 2, transactionId: b.transactionId,
        meterValue: [{ timestamp: at(10), sampledValue: phases(['100', '120', '80']) }, { timestamp: at(20), sampledValue: phases(['1000', '1100', '900']) }],
      });
      assert.equal((await s.api('GET', `/api/v1/transactions/${b.transactionId}`)).body.energyWh, 3000);
      await cp.call('StopTransaction', { transactionId: b.transactionId, meterStop: 3000, timestamp: at(30) });
      const doneB = (await s.api('GET', `/api/v1/transactions/${b.transactionId}`)).body;
      assert.deepEqual([doneB.energyWh, doneB.meterValues.length], [3000, 6]);
    });
  });
}
