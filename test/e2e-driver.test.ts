/**
 * The map and the driver pages in a real browser (Debian's chromium driven by playwright-core)
 * against a running Voltlane with simulated chargers: map filters hide stations and markers
 * recolour live; a driver opens a connector's QR URL, logs in, starts, watches the energy rise and
 * stops; a driver cannot open another driver's session; phone width and French.
 * The map canvas renders here (chromium falls back to SwiftShader for WebGL); the markers the
 * tests look at are the map's HTML markers, and the list beside the map shows the same stations.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { testDatabases } from '@voltlane/db';
import { SimStation } from '@voltlane/sim';
import { ADMIN_TOKEN, eventually, startTestServer, type TestServer } from './helpers.js';
import { browserSkipReason, ensureWebBuilt, launchBrowser, loginThroughUi, type TestBrowser } from './e2e/browser.js';

const skip = browserSkipReason();
const DANA = { email: 'dana@driver.test', password: 'driver-password-1' };
const OTTO = { email: 'otto@driver.test', password: 'driver-password-2' };
/** Far apart, so that the map shows each on its own (no cluster) when it fits France. */
const SITES = [
  { id: 'MAP-LYON', name: 'Lyon Part-Dieu', latitude: 45.7606, longitude: 4.8593, plug: { standard: 'IEC_62196_T2', powerType: 'AC_3_PHASE', maxPowerW: 22000 } },
  { id: 'MAP-PARIS', name: 'Paris Bercy', latitude: 48.833, longitude: 2.3862, plug: { standard: 'CHADEMO', powerType: 'DC', maxPowerW: 50000 } },
  { id: 'MAP-MARSEILLE', name: 'Marseille Vieux-Port', latitude: 43.2951, longitude: 5.3744, plug: { standard: 'IEC_62196_T2_COMBO', powerType: 'DC', maxPowerW: 150000 } },
];

for (const tdb of testDatabases()) {
  describe(`map and driver pages in chromium (${tdb.name})`, { skip, timeout: 240_000 }, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let browser: TestBrowser;
    let base: string;
    const sims: SimStation[] = [];

    before(async () => {
      ensureWebBuilt();
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db, { VOLTLANE_COMMAND_TIMEOUT_SEC: '5' });
      base = s.v.url;
      for (const site of SITES) {
        assert.equal((await s.api('POST', '/api/v1/stations', { id: site.id })).status, 201);
        assert.equal((await s.api('PATCH', `/api/v1/stations/${site.id}`, { name: site.name, latitude: site.latitude, longitude: site.longitude, country: 'FRA' })).status, 200);
        for (const evse of [1, 2]) assert.equal((await s.api('PATCH', `/api/v1/stations/${site.id}/connectors/${evse}/1`, site.plug)).status, 200);
      }
      // Paris stays offline; Lyon and Marseille are online with two free connectors.
      for (const id of ['MAP-LYON', 'MAP-MARSEILLE']) {
        const sim = new SimStation({ url: s.ws, id, connectors: 2, meterValueIntervalSec: 1, powerW: 11000, reconnectMinMs: 100, rebootDelayMs: 100 });
        await sim.start();
        sims.push(sim);
      }
      for (const [user, tag] of [[DANA, 'DANA-TAG'], [OTTO, 'OTTO-TAG']] as const) {
        const u = await s.v.core.users.create({ email: user.email, name: user.email.split('@')[0], role: 'driver', password: user.password });
        await s.api('POST', '/api/v1/id-tokens', { idToken: tag, status: 'Accepted' });
        assert.equal((await s.api('PATCH', `/api/v1/id-tokens/${tag}`, { userId: u.id })).status, 200);
      }
      await eventually(async () => (await s.api('GET', '/api/v1/map/stations?available=true')).body.length === 2, 10_000, 'both simulated stations available');
      browser = await launchBrowser();
    });
    after(async () => {
      for (const sim of sims) await sim.stop();
      await browser?.close();
      await s?.stop();
      await cleanup?.();
    });

    /** Station ids in the list beside the map, and ids of the map's station markers. */
    const shown = async (page: Page) => ({
      list: await page.locator('.map-list li').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.stationId)),
      markers: (await page.locator('.map-marker').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.stationId))).sort(),
    });
    const waitShown = (page: Page, ids: string[]) =>
      eventually(async () => {
        const now = await shown(page);
        return JSON.stringify(now.list) === JSON.stringify(ids) && JSON.stringify(now.markers) === JSON.stringify([...ids].sort()) ? now : undefined;
      }, 15_000, `map showing ${ids.join(', ') || 'nothing'}`);

    it('the map shows every located station; filters hide stations; a marker recolours live', async () => {
      const page = await browser.newPage();
      await loginThroughUi(page, base, DANA.email, DANA.password, '/map');
      await page.getByRole('heading', { name: 'Charge point map' }).waitFor();
      await page.getByRole('region', { name: 'Map of charging stations' }).locator('canvas').waitFor();
      await waitShown(page, ['MAP-LYON', 'MAP-MARSEILLE', 'MAP-PARIS']);
      await page.getByText('3 stations shown').waitFor();

      await page.getByLabel('Available now').check();
      await waitShown(page, ['MAP-LYON', 'MAP-MARSEILLE']);
      assert.equal(new URL(page.url()).searchParams.get('available'), '1', 'filters are in the URL');
      await page.getByLabel('Available now').uncheck();
      await page.getByLabel('Connector type').selectOption({ label: 'CHAdeMO' });
      await waitShown(page, ['MAP-PARIS']);
      await page.getByLabel('Connector type').selectOption('');
      await page.getByLabel('Minimum power').selectOption({ label: '100 kW or more' });
      await waitShown(page, ['MAP-MARSEILLE']);
      await page.getByLabel('Minimum power').selectOption('');
      await waitShown(page, ['MAP-LYON', 'MAP-MARSEILLE', 'MAP-PARIS']);

      // Both Lyon connectors out of service: its marker turns "unavailable" without a reload.
      const lyon = page.locator('.map-marker[data-station-id="MAP-LYON"]');
      assert.equal(await lyon.getAttribute('data-availability'), 'available');
      await page.evaluate(() => { (window as unknown as { marker: number }).marker = 7; });
      for (const connectorId of [1, 2]) await s.api('POST', '/api/v1/stations/MAP-LYON/commands/ChangeAvailability', { connectorId, type: 'Inoperative' });
      await page.locator('.map-marker[data-station-id="MAP-LYON"][data-availability="unavailable"]').waitFor();
      assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 7, 'the page was not reloaded');
      for (const connectorId of [1, 2]) await s.api('POST', '/api/v1/stations/MAP-LYON/commands/ChangeAvailability', { connectorId, type: 'Operative' });
      await page.locator('.map-marker[data-station-id="MAP-LYON"][data-availability="available"]').waitFor();

      // Pressing a marker shows the station; "Start charging here" leads to its start page.
      await page.locator('.map-marker[data-station-id="MAP-MARSEILLE"]').click();
      const details = page.getByRole('region', { name: 'Marseille Vieux-Port' });
      await details.getByText('CCS (Combo 2)').first().waitFor();
      await details.getByRole('link', { name: 'Start charging here' }).click();
      await page.waitForURL(/\/app\/start\/MAP-MARSEILLE$/);
      await page.getByRole('heading', { name: 'Marseille Vieux-Port' }).waitFor();
      await page.close();
    });

    it('a driver opens a connector\'s QR URL at phone width, logs in, starts, watches the energy rise and stops', async () => {
      // The URL printed on the station's QR sheet for EVSE 2.
      const sheet = await (await fetch(`${base}/api/v1/stations/MAP-LYON/qr-sheet`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
      const url = sheet.match(/<small>([^<]*\/app\/start\/MAP-LYON\/2)<\/small>/)?.[1];
      assert.ok(url, 'QR sheet names the start URL of EVSE 2');

      await browser.context.clearCookies();
      const page = await browser.newPage({ width: 375, height: 740 });
      await page.goto(url);
      await page.getByRole('heading', { name: 'Lyon Part-Dieu' }).waitFor();
      assert.equal(await page.getByRole('radio', { name: /#2 Type 2 · 22 kW · AC/ }).isChecked(), true, 'the QR code\'s connector is chosen');
      assert.equal(await page.getByRole('button', { name: 'Start charging' }).count(), 0, 'no start before login');
      await page.getByRole('link', { name: 'Log in to charge' }).click();
      await page.waitForURL((u) => u.pathname === '/app/login' && u.searchParams.get('next') === '/start/MAP-LYON/2');
      await page.getByLabel('Email').fill(DANA.email);
      await page.getByLabel('Password').fill(DANA.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(/\/app\/start\/MAP-LYON\/2$/);

      await page.getByRole('button', { name: 'Start charging' }).click();
      await page.waitForURL(/\/app\/me\/sessions\/\d+$/);
      const id = Number(new URL(page.url()).pathname.split('/').pop());
      const tx = (await s.api('GET', `/api/v1/transactions/${id}`)).body;
      assert.deepEqual([tx.stationId, tx.evseId, tx.idToken], ['MAP-LYON', 2, 'DANA-TAG']);
      await page.getByRole('heading', { name: /Charging session/ }).getByText('Active').waitFor();

      // Energy rises on screen as meter values arrive (every second from the simulator).
      const energy = page.getByTestId('energy');
      const readings: number[] = [];
      await eventually(async () => {
        const text = await energy.innerText();
        const m = /^([\d.,]+)\s*(Wh|kWh)$/.exec(text.replace(/\u202f|\u00a0/g, ' '));
        if (m) {
          const wh = Number(m[1]!.replace(/,/g, '')) * (m[2] === 'kWh' ? 1000 : 1);
          if (readings.at(-1) !== wh) readings.push(wh);
        }
        return readings.length >= 3 ? readings : undefined;
      }, 20_000, 'three rising energy readings');
      assert.ok(readings.every((v, i) => i === 0 || v > readings[i - 1]!), `energy rises: ${readings.join(' → ')}`);
      assert.notEqual(await page.getByTestId('duration').innerText(), '0:00:00');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);

      await page.getByRole('button', { name: 'Stop charging' }).click();
      await page.getByRole('heading', { name: /Charging session/ }).getByText('Completed').waitFor({ timeout: 15_000 });
      assert.equal((await s.api('GET', `/api/v1/transactions/${id}`)).body.status, 'completed');

      // The session is in the driver's history and in their CSV.
      await page.getByRole('link', { name: 'My charging' }).first().click();
      await page.getByRole('heading', { name: 'My charging', exact: true }).waitFor();
      await page.getByRole('link', { name: /MAP-LYON · connector 2/ }).first().waitFor();
      const csv = await page.evaluate(async () => (await fetch('/api/v1/me/sessions.csv')).text());
      assert.match(csv, new RegExp(`^${id},`, 'm'));
      await page.close();
    });

    it('a driver cannot open another driver\'s session: the page says not found', async () => {
      await s.api('POST', '/api/v1/stations/MAP-MARSEILLE/commands/RemoteStartTransaction', { connectorId: 1, idTag: 'OTTO-TAG' });
      const other = await eventually(async () => (await s.api('GET', '/api/v1/transactions?stationId=MAP-MARSEILLE&status=active')).body.items[0], 10_000, 'Otto\'s session');
      assert.equal(other.idToken, 'OTTO-TAG');
      const page = await browser.newPage();
      await page.goto(`${base}/app/me/sessions/${other.id}`);
      await page.getByRole('heading', { name: 'Session not found' }).waitFor();
      assert.equal(await page.getByTestId('energy').count(), 0, 'nothing of the session is shown');
      assert.equal(await page.getByRole('button', { name: 'Stop charging' }).count(), 0);
      // Otto sees it.
      await browser.context.clearCookies();
      await loginThroughUi(page, base, OTTO.email, OTTO.password, `/me/sessions/${other.id}`);
      await page.getByRole('heading', { name: /Charging session/ }).getByText('Active').waitFor();
      await page.getByRole('button', { name: 'Stop charging' }).click();
      await page.getByRole('heading', { name: /Charging session/ }).getByText('Completed').waitFor({ timeout: 15_000 });
      await page.close();
    });

    it('the start page and the map work in French', async () => {
      const page = await browser.newPage({ width: 375, height: 740 });
      await page.goto(`${base}/app/start`);
      await page.getByLabel('Language').selectOption('fr');
      await page.getByRole('heading', { name: 'Recharger' }).waitFor();
      await page.getByLabel('Identifiant de la borne').fill('MAP-PARIS');
      await page.getByRole('button', { name: 'Trouver la borne' }).click();
      await page.getByRole('heading', { name: 'Paris Bercy' }).waitFor();
      await page.getByText('La borne est hors ligne pour le moment').waitFor();
      await page.getByLabel('Identifiant de la borne').waitFor({ state: 'detached' });
      await page.goto(`${base}/app/start/NO-SUCH-STATION`);
      await page.getByText('Aucune borne ne porte l’identifiant « NO-SUCH-STATION »').waitFor();
      await page.goto(`${base}/app/map`);
      await page.getByRole('heading', { name: 'Carte des bornes' }).waitFor();
      await page.getByText('3 bornes affichées').waitFor();
      await page.close();
      const unexpected = browser.failedResponses.filter((r) => !/^401 GET \/api\/v1\/me$/.test(r) && !/^404 GET \/api\/v1\/(me\/sessions\/\d+|public\/stations\/NO-SUCH-STATION\/connectors)$/.test(r));
      assert.deepEqual(unexpected, []);
      assert.deepEqual(browser.errors.filter((e) => !/status of 40[14]/.test(e)), [], 'no script errors in the pages');
    });
  });
}
