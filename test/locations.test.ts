/**
 * Station locations, connector details, the charge point map API, the public station page data,
 * the public web app settings and the printable QR sheet, against simulated chargers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import QRCode from 'qrcode';
import { testDatabases } from '@voltlane/db';
import { loadConfig, ConfigError } from '@voltlane/core';
import { SimStation } from '@voltlane/sim';
import { eventually, startTestServer, type TestServer } from './helpers.js';
import { Client } from './users-auth-client.js';


for (const tdb of testDatabases()) {
  describe(`station locations, map, QR sheet (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let sims: SimStation[] = [];
    let driver: Client;
    let anonymous: Client;

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db, { VOLTLANE_COMMAND_TIMEOUT_SEC: '5', VOLTLANE_MAP_STYLE_URL: 'https://tiles.example.org/style.json' });
      for (const id of ['LYON-1', 'LYON-2', 'PARIS-201', 'NOWHERE-1']) assert.equal((await s.api('POST', '/api/v1/stations', { id })).status, 201);
      assert.equal((await s.api('POST', '/api/v1/stations', { id: 'PENDING-1', registrationStatus: 'Pending' })).status, 201);
      const user = await s.v.core.users.create({ email: 'driver@example.org', role: 'driver', password: 'driver-password-1' });
      driver = new Client(s.v.url, { bearer: (await s.v.core.users.createApiToken(user.id, 'test')).token });
      anonymous = new Client(s.v.url);
      sims = [
        new SimStation({ url: s.ws, id: 'LYON-1', connectors: 2, rebootDelayMs: 100, reconnectMinMs: 100 }),
        new SimStation({ url: s.ws, id: 'PARIS-201', ocppVersion: 'ocpp2.0.1', connectors: 1, rebootDelayMs: 100, reconnectMinMs: 100 }),
      ];
      for (const sim of sims) await sim.start();
    });
    after(async () => {
      for (const sim of sims) await sim.stop();
      await s.stop();
      await cleanup();
    });

    const place = (id: string, body: object) => s.api('PATCH', `/api/v1/stations/${id}`, body);
    const connector = (id: string, evse: number, conn: number, body: object) => s.api('PATCH', `/api/v1/stations/${id}/connectors/${evse}/${conn}`, body);
    const map = async (query = '') => {
      const r = await driver.get(`/api/v1/map/stations${query}`);
      assert.equal(r.status, 200, r.text);
      return r.body as { id: string; availability: string; connectors: { evseId: number; type: string | null; maxPowerW: number | null; status: string | null }[] }[];
    };

    it('operators set a station\'s location with PATCH /stations/{id}; null clears, partial patches keep the rest', async () => {
      const r = await place('LYON-1', {
        name: 'Lyon Part-Dieu', address: '17 Rue du Docteur Bouchut', city: 'Lyon', postalCode: '69003', country: 'fra',
        latitude: 45.7606, longitude: 4.8593, timeZone: 'Europe/Paris',
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.id, 'LYON-1');
      assert.deepEqual(r.body.location, {
        name: 'Lyon Part-Dieu', address: '17 Rue du Docteur Bouchut', city: 'Lyon', postalCode: '69003', country: 'FRA',
        latitude: 45.7606, longitude: 4.8593, timeZone: 'Europe/Paris',
      });
      // Location and station fields in one patch.
      assert.equal((await place('LYON-1', { postalCode: null, registrationStatus: 'Accepted' })).status, 200);
      const loc = (await s.api('GET', '/api/v1/stations/LYON-1/location')).body;
      assert.equal(loc.postalCode, null);
      assert.equal(loc.name, 'Lyon Part-Dieu');
      assert.equal(loc.latitude, 45.7606);
      // A patch without location fields answers as before (no location key).
      const plain = await place('LYON-1', { registrationStatus: 'Accepted' });
      assert.equal(plain.status, 200);
      assert.equal(plain.body.location, undefined);
    });

    it('rejects bad location input with a 400 naming the field, and unknown stations with 404', async () => {
      const half = await place('LYON-2', { latitude: 45.75 });
      assert.equal(half.status, 400);
      assert.equal(half.body.error.code, 'VALIDATION_FAILED');
      assert.match(half.body.error.message, /longitude/);
      assert.equal((await place('LYON-2', { latitude: 91, longitude: 4 })).body.error.details.field, 'body.latitude');
      assert.equal((await place('LYON-2', { timeZone: 'Mars/Olympus' })).body.error.details.field, 'body.timeZone');
      assert.equal((await place('LYON-2', { country: 'France' })).status, 400);
      assert.equal((await place('LYON-2', { name: 'x', colour: 'red' })).status, 400);
      const missing = await place('NOPE', { name: 'x' });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'STATION_NOT_FOUND');
      // Nothing of a refused patch was stored.
      assert.equal((await s.api('GET', '/api/v1/stations/LYON-2/location')).body.latitude, null);
    });

    it('operators set connector type, format and power; connectors not reported yet are created; bad values are 400', async () => {
      await eventually(async () => (await s.api('GET', '/api/v1/stations/LYON-1')).body.connectors?.length === 2, 5000, 'LYON-1 connectors');
      const c1 = await connector('LYON-1', 1, 1, { standard: 'IEC_62196_T2', format: 'SOCKET', powerType: 'AC_3_PHASE', maxPowerW: 22000, maxVoltage: 230, maxAmperage: 32 });
      assert.equal(c1.status, 200, JSON.stringify(c1.body));
      assert.deepEqual({ ...c1.body, statusAt: undefined }, {
        evseId: 1, connectorId: 1, status: 'Available', statusAt: undefined, standard: 'IEC_62196_T2', format: 'SOCKET', powerType: 'AC_3_PHASE', maxPowerW: 22000, maxVoltage: 230, maxAmperage: 32,
      });
      assert.equal((await connector('LYON-1', 2, 1, { standard: 'IEC_62196_T2_COMBO', format: 'CABLE', powerType: 'DC', maxPowerW: 150000 })).status, 200);
      // LYON-2 never connected: its connector is described ahead of installation.
      const created = await connector('LYON-2', 1, 1, { standard: 'CHADEMO', powerType: 'DC', maxPowerW: 50000 });
      assert.equal(created.status, 200);
      assert.equal(created.body.status, null);
      assert.equal((await connector('LYON-2', 1, 1, { standard: 'TYPE2' })).status, 400);
      assert.equal((await connector('LYON-2', 1, 1, { maxPowerW: 0 })).status, 400);
      assert.equal((await connector('LYON-2', 0, 1, { maxPowerW: 1000 })).status, 400);
      assert.equal((await connector('NOPE', 1, 1, { maxPowerW: 1000 })).status, 404);
      const loc = (await s.api('GET', '/api/v1/stations/LYON-1/location')).body;
      assert.deepEqual(loc.connectors.map((c: { standard: string; maxPowerW: number }) => [c.standard, c.maxPowerW]), [['IEC_62196_T2', 22000], ['IEC_62196_T2_COMBO', 150000]]);
    });

    it('a 2.x station\'s reported ConnectorType becomes the OCPI type until the operator sets one', async () => {
      const report = await s.api('POST', '/api/v1/stations/PARIS-201/commands/GetBaseReport', { requestId: 3, reportBase: 'FullInventory' });
      assert.equal(report.body.response.status, 'Accepted');
      const pub = await eventually(async () => {
        const r = await anonymous.get('/api/v1/public/stations/PARIS-201/connectors');
        return r.body.connectors?.[0]?.type ? r.body : undefined;
      }, 5000, 'reported connector type');
      assert.equal(pub.connectors[0].type, 'IEC_62196_T2'); // the simulator reports cType2
      assert.equal((await connector('PARIS-201', 1, 1, { standard: 'IEC_62196_T2_COMBO', maxPowerW: 300000 })).status, 200);
      const after = (await anonymous.get('/api/v1/public/stations/PARIS-201/connectors')).body;
      assert.deepEqual([after.connectors[0].type, after.connectors[0].maxPowerW], ['IEC_62196_T2_COMBO', 300000]);
    });

    it('the map lists Accepted stations with coordinates, their availability and connectors; filters hide stations', async () => {
      await place('LYON-2', { name: 'Lyon Confluence', latitude: 45.7417, longitude: 4.8186 });
      await place('PARIS-201', { name: 'Paris Bercy', latitude: 48.8397, longitude: 2.3828 });
      await place('PENDING-1', { latitude: 45.7, longitude: 4.8 });
      const all = await map();
      assert.deepEqual(all.map((x) => x.id), ['LYON-1', 'LYON-2', 'PARIS-201']); // no coordinates or Pending: not on the map
      const byId = Object.fromEntries(all.map((x) => [x.id, x]));
      assert.equal(byId['LYON-1']!.availability, 'available');
      assert.equal(byId['LYON-2']!.availability, 'offline');
      assert.deepEqual(byId['LYON-1']!.connectors.map((c) => [c.evseId, c.type, c.maxPowerW, c.status]), [[1, 'IEC_62196_T2', 22000, 'Available'], [2, 'IEC_62196_T2_COMBO', 150000, 'Available']]);
      assert.deepEqual((await map('?available=true')).map((x) => x.id), ['LYON-1', 'PARIS-201']);
      assert.deepEqual((await map('?connectorType=CHADEMO')).map((x) => x.id), ['LYON-2']);
      assert.deepEqual((await map('?connectorType=CHADEMO&connectorType=IEC_62196_T2')).map((x) => x.id), ['LYON-1', 'LYON-2']);
      assert.deepEqual((await map('?minPowerKw=100')).map((x) => x.id), ['LYON-1', 'PARIS-201']);
      // Conditions hold for one and the same connector: LYON-1's Type 2 is 22 kW only.
      assert.deepEqual((await map('?connectorType=IEC_62196_T2&minPowerKw=50')).map((x) => x.id), []);
      assert.deepEqual((await map('?available=true&connectorType=CHADEMO')).map((x) => x.id), []);
      assert.deepEqual((await map('?bbox=4.5,45.5,5.0,46.0')).map((x) => x.id), ['LYON-1', 'LYON-2']);
      assert.equal((await driver.get('/api/v1/map/stations?connectorType=TYPE2')).status, 400);
      assert.equal((await driver.get('/api/v1/map/stations?minPowerKw=-1')).status, 400);
      assert.equal((await driver.get('/api/v1/map/stations?bbox=4,46,5,45')).status, 400);
    });

    it('availability follows connector status: a charging connector leaves the station available only while another is free', async () => {
      const sim = sims[0]!;
      await s.api('POST', '/api/v1/id-tokens', { idToken: 'LOC-TAG', status: 'Accepted' });
      await s.api('POST', '/api/v1/stations/LYON-1/commands/RemoteStartTransaction', { connectorId: 1, idTag: 'LOC-TAG' });
      await eventually(async () => (await map()).find((x) => x.id === 'LYON-1')!.connectors[0]!.status === 'Charging', 5000, 'connector 1 Charging');
      assert.equal((await map()).find((x) => x.id === 'LYON-1')!.availability, 'available');
      assert.equal((await s.api('POST', '/api/v1/stations/LYON-1/commands/ChangeAvailability', { connectorId: 2, type: 'Inoperative' })).body.response.status, 'Accepted');
      await eventually(async () => (await map()).find((x) => x.id === 'LYON-1')!.availability === 'charging', 5000, 'LYON-1 charging');
      assert.deepEqual((await map('?available=true')).map((x) => x.id), ['PARIS-201']);
      await s.api('POST', '/api/v1/stations/LYON-1/commands/ChangeAvailability', { connectorId: 2, type: 'Operative' });
      const tx = (await s.api('GET', '/api/v1/transactions?stationId=LYON-1&status=active')).body.items[0];
      await s.api('POST', '/api/v1/stations/LYON-1/commands/RemoteStopTransaction', { transactionId: tx.id });
      await eventually(async () => sim.snapshot().connectors[0]!.transactionId === undefined, 5000, 'stopped');
    });

    it('the public station view needs no login, shows no private data, and hides stations that are not Accepted', async () => {
      const r = await anonymous.get('/api/v1/public/stations/LYON-1/connectors');
      assert.equal(r.status, 200);
      assert.deepEqual(Object.keys(r.body).sort(), ['availability', 'connectors', 'name', 'online', 'stationId']);
      assert.equal(r.body.name, 'Lyon Part-Dieu');
      assert.deepEqual(Object.keys(r.body.connectors[0]).sort(), ['connectorId', 'evseId', 'maxPowerW', 'powerType', 'status', 'type']);
      assert.equal((await anonymous.get('/api/v1/public/stations/PENDING-1/connectors')).status, 404);
      assert.equal((await anonymous.get('/api/v1/public/stations/NOPE/connectors')).body.error.code, 'STATION_NOT_FOUND');
    });

    it('roles: the map is for logged-in users, locations and QR sheets for operators, config is public', async () => {
      assert.equal((await anonymous.get('/api/v1/map/stations')).status, 401);
      assert.equal((await driver.patch('/api/v1/stations/LYON-1', { name: 'Mine' })).status, 403);
      assert.equal((await driver.patch('/api/v1/stations/LYON-1/connectors/1/1', { maxPowerW: 1 })).status, 403);
      assert.equal((await driver.get('/api/v1/stations/LYON-1/location')).status, 403);
      assert.equal((await driver.get('/api/v1/stations/LYON-1/qr-sheet')).status, 403);
      const cfg = await anonymous.get('/api/v1/public/config');
      assert.deepEqual(cfg.body, { mapStyleUrl: 'https://tiles.example.org/style.json', publicUrl: s.v.url });
    });

    it('the QR sheet has one labelled QR code per connector encoding the start URL of its EVSE', async () => {
      const res = await fetch(`${s.v.url}/api/v1/stations/LYON-1/qr-sheet`, { headers: { authorization: 'Bearer test-admin-token' } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^text\/html/);
      const html = await res.text();
      assert.equal(html.match(/<svg /g)?.length, 2);
      for (const evse of [1, 2]) {
        // On a random port the public URL is the server's own (VOLTLANE_PUBLIC_URL applies on a fixed port).
        const url = `${s.v.url}/app/start/LYON-1/${evse}`;
        assert.ok(html.includes(url), `label with ${url}`);
        // The same generator gives the same matrix: the code on the sheet encodes exactly this URL.
        const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
        assert.ok(html.includes(svg), `QR code for ${url}`);
      }
      assert.match(html, /Lyon Part-Dieu/);
      assert.match(html, /Type 2 · 22 kW · AC/);
      assert.match(html, /CCS \(Combo 2\) · 150 kW · DC/);
      const fr = await (await fetch(`${s.v.url}/api/v1/stations/LYON-1/qr-sheet?lang=fr`, { headers: { authorization: 'Bearer test-admin-token' } })).text();
      assert.match(fr, /Scannez pour recharger/);
      assert.match(fr, /<html lang="fr">/);
      // Names are escaped.
      await place('LYON-2', { name: '<b>Quai</b> & Co' });
      const escaped = await (await fetch(`${s.v.url}/api/v1/stations/LYON-2/qr-sheet`, { headers: { authorization: 'Bearer test-admin-token' } })).text();
      assert.ok(escaped.includes('&#60;b&#62;Quai&#60;/b&#62; &#38; Co') && !escaped.includes('<b>Quai'));
      assert.equal((await s.api('GET', '/api/v1/stations/NOPE/qr-sheet')).status, 404);
    });
  });
}

describe('VOLTLANE_MAP_STYLE_URL', () => {
  it('is optional and must be an http(s) URL', () => {
    assert.equal(loadConfig({}).mapStyleUrl, undefined);
    assert.equal(loadConfig({ VOLTLANE_MAP_STYLE_URL: 'https://tiles.example.org/style.json' }).mapStyleUrl, 'https://tiles.example.org/style.json');
    assert.throws(() => loadConfig({ VOLTLANE_MAP_STYLE_URL: 'tiles.example.org/style.json' }), ConfigError);
  });
});
