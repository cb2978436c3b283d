/**
 * The operator console in a real browser (Debian's chromium driven by playwright-core) against a
 * running Voltlane with a simulated charger: first-run setup, login with ?next=, the station list
 * following a station's connection live, and a remote start from the station page creating a
 * session (then a remote stop ending it), the top bar's search and a CSV export downloaded from the
 * Exports page, plus phone width and French.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { testDatabases } from '@voltlane/db';
import { SimStation } from '@voltlane/sim';
import { ADMIN_TOKEN, eventually, startTestServer, type TestServer } from './helpers.js';
import { browserSkipReason, ensureWebBuilt, launchBrowser, loginThroughUi, withPageContext, type TestBrowser } from './e2e/browser.js';

const skip = browserSkipReason();
const OPERATOR = { email: 'olga@operator.test', password: 'operator-password-1' };
const STATION = 'E2E-C1';

for (const tdb of testDatabases()) {
  describe(`operator console in chromium (${tdb.name})`, { skip, timeout: 180_000 }, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let browser: TestBrowser;
    let page: Page;
    let sim: SimStation | undefined;
    let base: string;
    /** The session the remote start test created. */
    let txId = 0;

    before(async () => {
      ensureWebBuilt();
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db, { VOLTLANE_COMMAND_TIMEOUT_SEC: '5' });
      base = s.v.url;
      await s.v.core.users.create({ email: OPERATOR.email, name: 'Olga', role: 'operator', password: OPERATOR.password });
      await s.api('POST', '/api/v1/stations', { id: STATION, registrationStatus: 'Accepted' });
      await s.api('POST', '/api/v1/id-tokens', { idToken: 'E2E-CONSOLE-TAG', status: 'Accepted' });
      browser = await launchBrowser();
      page = await browser.newPage();
    });
    after(async () => {
      await sim?.stop();
      await browser?.close();
      await s?.stop();
      await cleanup?.();
    });

    it('first-run setup: a wrong token is refused, the right one creates the admin and logs in', () => withPageContext(page, async () => {
      await page.goto(`${base}/app/login`);
      await page.getByRole('link', { name: 'Create the first administrator' }).click();
      await page.waitForURL(/\/app\/setup$/);
      const fill = async (token: string) => {
        await page.getByLabel('Setup token').fill(token);
        await page.getByLabel('Email').fill('ada@admin.test');
        await page.getByLabel('Name').fill('Ada');
        await page.getByLabel('New password').fill('admin-password-1');
        await page.getByLabel('Repeat the password').fill('admin-password-1');
        await page.getByRole('button', { name: 'Create administrator and log in' }).click();
      };
      await fill('not-the-token');
      await page.getByRole('alert').filter({ hasText: 'The setup token is wrong' }).waitFor();
      await fill(ADMIN_TOKEN);
      await page.waitForURL(/\/app\/dashboard$/);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      assert.equal((await s.v.core.users.byEmail('ada@admin.test'))?.role, 'admin');
      // Admins see user management; the operator is listed there.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
      await page.getByRole('cell', { name: OPERATOR.email, exact: true }).waitFor();
      assert.equal((await s.api('GET', '/api/v1/setup')).body.needsAdmin, false);
    }));

    it('login: a wrong password is refused; then the operator lands on the page asked for', () => withPageContext(page, async () => {
      await page.context().clearCookies();
      await page.goto(`${base}/app/stations`);
      await page.waitForURL((u) => u.pathname === '/app/login' && u.searchParams.get('next') === '/stations');
      await page.getByLabel('Email').fill(OPERATOR.email);
      await page.getByLabel('Password').fill('wrong-password-123');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
      await loginThroughUi(page, base, OPERATOR.email, OPERATOR.password, '/stations');
      assert.equal(new URL(page.url()).pathname, '/app/stations');
      await page.getByRole('heading', { name: 'Stations' }).waitFor();
      const nav = page.getByRole('navigation', { name: 'Main' });
      assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0, 'operators do not manage users');
    }));

    it('account: an API token is shown once, works as the operator, and stops working once revoked', () => withPageContext(page, async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
      await page.getByRole('heading', { name: 'Account' }).waitFor();
      await page.getByLabel('Token name').fill('nightly export');
      await page.getByRole('button', { name: 'Create token' }).click();
      const token = (await page.locator('code.secret').innerText()).trim();
      assert.match(token, /^vlu_/);
      const me = async () => (await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }));
      assert.equal((await (await me()).json()).email, OPERATOR.email);
      await page.getByRole('button', { name: 'Done' }).click();
      assert.equal(await page.locator('code.secret').count(), 0, 'the token is not shown again');
      page.once('dialog', (d) => void d.accept());
      await page.getByRole('button', { name: 'Revoke token nightly export' }).click();
      await page.getByText('No API tokens yet.').waitFor();
      assert.equal((await me()).status, 401);
    }));

    it('the station list shows a station coming online without a reload', () => withPageContext(page, async () => {
      await page.goto(`${base}/app/stations`);
      const state = page.getByTestId(`state-${STATION}`);
      await state.filter({ hasText: 'Offline' }).waitFor();
      await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });
      sim = new SimStation({ url: s.ws, id: STATION, connectors: 2, meterValueIntervalSec: 1, powerW: 11000, reconnectMinMs: 100, rebootDelayMs: 100 });
      await sim.start();
      await state.filter({ hasText: 'Available' }).waitFor();
      const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: STATION }) });
      await row.getByText('1.6').waitFor();
      assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'the page was not reloaded');
      // Filters apply on the server: "Charging" hides the idle station.
      await page.getByLabel('State').selectOption('charging');
      await page.getByText('No station matches.').waitFor();
      await page.getByLabel('State').selectOption('');
      await state.waitFor();
    }));

    it('remote start from the station page creates a session; remote stop ends it', () => withPageContext(page, async () => {
      await page.goto(`${base}/app/stations/${STATION}`);
      await page.getByRole('tab', { name: 'Commands' }).click();
      const start = page.getByRole('region', { name: 'Remote start' });
      await start.getByLabel('Connector').selectOption('1');
      await start.getByLabel('ID token').fill('E2E-CONSOLE-TAG');
      await start.getByRole('button', { name: 'Start charging' }).click();
      const reply = page.getByTestId('reply-RemoteStartTransaction');
      await reply.getByText('Accepted', { exact: true }).waitFor();
      assert.match(await reply.locator('pre').innerText(), /"status": "Accepted"/);
      const tx = await eventually(async () => (await s.api('GET', `/api/v1/transactions?stationId=${STATION}&status=active`)).body.items[0], 10_000, 'active session');
      assert.equal(tx.idToken, 'E2E-CONSOLE-TAG');
      assert.equal(tx.evseId, 1);
      txId = tx.id;

      // The session shows up on the station page live, and can be stopped from there.
      const stop = page.getByRole('region', { name: 'Remote stop' });
      await stop.getByText(`Session ${tx.id} on EVSE 1`).waitFor();
      await page.getByRole('tab', { name: 'Overview' }).click();
      await page.getByTestId('connector-1-1').getByText('Charging').waitFor();
      await page.getByRole('link', { name: `Open session ${tx.id}` }).click();
      await page.waitForURL(new RegExp(`/app/sessions/${tx.id}$`));
      await page.getByRole('heading', { name: `Session ${tx.id}` }).waitFor();
      await page.getByRole('img', { name: /^Energy delivered: / }).waitFor();
      await page.getByRole('button', { name: 'Stop this session' }).click();
      await page.getByTestId('reply-RemoteStopTransaction').getByText('Accepted', { exact: true }).waitFor();
      await eventually(async () => (await s.api('GET', `/api/v1/transactions/${tx.id}`)).body.status === 'completed', 10_000, 'session completed');
      await page.getByRole('heading', { name: `Session ${tx.id}` }).getByText('Completed').waitFor();
    }));

    it('the top bar search finds a station and an id token\'s sessions, with the keyboard and the mouse', () => withPageContext(page, async () => {
      assert.ok(txId > 0, 'the remote start test created a session');
      await page.goto(`${base}/app/dashboard`);
      const box = page.getByRole('searchbox', { name: 'Search everything' });
      const results = page.getByRole('list', { name: 'Search results' });
      await box.fill(STATION.toLowerCase());
      await results.getByRole('link', { name: new RegExp(`^Station ${STATION}`) }).waitFor();
      await page.getByRole('status').filter({ hasText: /^\d+ results?$/ }).waitFor();
      // Keyboard: down into the list, Enter opens the first (best) result.
      await box.press('ArrowDown');
      // Focus may move on the next animation frame: wait for it rather than read it at once.
      await page.waitForFunction((re) => new RegExp(re).test(document.activeElement?.textContent ?? ''), `^Station ${STATION}`, { timeout: 5_000 });
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`/app/stations/${STATION}$`));
      await page.getByRole('heading', { name: new RegExp(`^${STATION}`) }).waitFor();
      assert.equal(await results.getByRole('link').count(), 0, 'the list folds away once a result is opened');
      // A whole id token finds the token and its newest sessions.
      await box.fill('E2E-CONSOLE-TAG');
      await results.getByRole('link', { name: /^ID token E2E-CONSOLE-TAG/ }).waitFor();
      await results.getByRole('link', { name: new RegExp(`^Session #${txId}\\b`) }).click();
      await page.waitForURL(new RegExp(`/app/sessions/${txId}$`));
      await page.getByRole('heading', { name: `Session ${txId}` }).waitFor();
      await box.fill('no-such-thing-zzz');
      await page.getByRole('status').filter({ hasText: 'Nothing found for “no-such-thing-zzz”.' }).waitFor();
      await box.press('Escape');
      await page.getByRole('status').filter({ hasText: 'Nothing found' }).waitFor({ state: 'hidden' });
      assert.equal(await box.inputValue(), 'no-such-thing-zzz', 'the first Escape folds the list and keeps the text');
      await box.press('Escape');
      assert.equal(await box.inputValue(), '', 'the second Escape clears the box');
    }));

    it('exports: a CSV of the station\'s sessions is created, followed to the end and downloaded', () => withPageContext(page, async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Exports' }).click();
      await page.getByRole('heading', { name: 'Exports', level: 1 }).waitFor();
      await page.getByLabel('Data').selectOption('sessions');
      await page.getByLabel('Format').selectOption('csv');
      await page.getByLabel('Station ID (optional)').fill(STATION);
      await page.getByRole('button', { name: 'Start export' }).click();
      const started = await page.getByRole('status').filter({ hasText: /^Export \d+ started\.$/ }).innerText();
      const id = Number(/\d+/.exec(started)![0]);
      // The list follows the job without a reload until its download link appears.
      const link = page.getByRole('link', { name: `Download export ${id}` });
      await link.waitFor({ timeout: 30_000 });
      await page.getByTestId(`export-${id}`).getByText('Done').waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      assert.match(download.suggestedFilename(), new RegExp(`^voltlane-sessions-\\d{4}-\\d{2}-\\d{2}-${id}\\.csv$`));
      const csv = readFileSync((await download.path())!, 'utf8');
      const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\n');
      assert.match(lines[0]!, /^id,station_id,evse_id,connector_id,/);
      assert.equal(lines.length, 2, 'the header and the one session of the station');
      assert.match(lines[1]!, new RegExp(`^${txId},${STATION},1,1,.*E2E-CONSOLE-TAG`));
    }));

    it('works at phone width and in French', async () => {
      const phone = await browser.newPage({ width: 375, height: 740 });
      await withPageContext(phone, async () => {
        await phone.goto(`${base}/app/dashboard`);
        await phone.getByRole('heading', { name: 'Dashboard' }).waitFor();
        await phone.getByRole('region', { name: 'Stations online' }).getByText('1', { exact: true }).waitFor();
        const overflow = () => phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(await overflow() <= 0, `the dashboard is ${await overflow()}px wider than the phone`);
        await phone.goto(`${base}/app/stations/${STATION}?tab=commands`);
        await phone.getByRole('region', { name: 'Update firmware' }).waitFor();
        assert.ok(await overflow() <= 0, `the station commands are ${await overflow()}px wider than the phone`);
        await phone.goto(`${base}/app/dashboard`);
        await phone.getByLabel('Language').selectOption('fr');
        await phone.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
        await phone.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Bornes' }).click();
        await phone.getByRole('heading', { name: 'Bornes' }).waitFor();
        await phone.getByRole('cell', { name: STATION }).waitFor();
        await phone.getByTestId(`state-${STATION}`).getByText('Disponible').waitFor();
        // The QR sheet opens in a new tab, labelled in the UI language, and the login cookie reaches it.
        await phone.getByRole('link', { name: STATION }).click();
        const qr = phone.getByRole('link', { name: /^Imprimer les QR codes/ });
        assert.equal(await qr.getAttribute('target'), '_blank');
        const href = (await qr.getAttribute('href'))!;
        assert.equal(href, `/api/v1/stations/${STATION}/qr-sheet?lang=fr`);
        const sheet = await phone.request.get(`${base}${href}`);
        assert.equal(sheet.status(), 200);
        assert.match(await sheet.text(), /<html lang="fr"/);
        // Chart legends are translated too (uPlot's own is English).
        await phone.goto(`${base}/app/sessions/${txId}`);
        await phone.locator('.u-legend').first().getByText('Heure').waitFor();
      });
      await phone.close();
      // Only the expected refusals: not logged in yet, the wrong setup token, the wrong password.
      assert.deepEqual(browser.failedResponses.filter((r) => !/^401 GET \/api\/v1\/me$/.test(r)), ['403 POST /api/v1/setup', '401 POST /api/v1/auth/login']);
      assert.deepEqual(browser.errors.filter((e) => !/status of 40[13]/.test(e)), [], 'no script errors in the pages');
    });
  });
}

/** Every key of a locale file, nested keys joined with dots. */
function keysOf(file: string): Set<string> {
  const out = new Set<string>();
  const walk = (o: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (v && typeof v === 'object') walk(v as Record<string, unknown>, `${prefix}${k}.`);
      else out.add(`${prefix}${k}`);
    }
  };
  walk(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>, '');
  return out;
}

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

describe('console strings: every key the console uses exists in English and French', () => {
  const web = new URL('../packages/web/src/', import.meta.url).pathname;
  const locales = Object.fromEntries(['en', 'fr'].flatMap((lang) => ['common', 'console'].map((ns) => [`${lang}/${ns}`, keysOf(`${web}locales/${lang}/${ns}.json`)])));
  const has = (set: Set<string>, key: string) => set.has(key) || (set.has(`${key}_one`) && set.has(`${key}_other`));

  it('French has exactly the keys English has', () => {
    for (const ns of ['common', 'console']) {
      const en = locales[`en/${ns}`]!;
      const fr = locales[`fr/${ns}`]!;
      assert.deepEqual([...en].filter((k) => !fr.has(k)), [], `${ns}: missing in French`);
      assert.deepEqual([...fr].filter((k) => !en.has(k)), [], `${ns}: only in French`);
    }
  });

  it('each literal t() key of the console pages and shared components is translated', () => {
    const missing: string[] = [];
    let count = 0;
    for (const file of [...sources(`${web}pages/console`), ...sources(`${web}components`)]) {
      // Doc comments show t() in examples: only code counts.
      const text = readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l)).join('\n');
      for (const m of text.matchAll(/\bt\(\s*'([^'$]+)'/g)) {
        const [ns, key] = m[1]!.includes(':') ? m[1]!.split(':') as [string, string] : ['console', m[1]!];
        count++;
        for (const lang of ['en', 'fr']) if (!has(locales[`${lang}/${ns}`]!, key)) missing.push(`${lang}/${ns}: ${key} (${file.slice(web.length)})`);
      }
    }
    assert.ok(count > 300, `found only ${count} keys: the pattern no longer matches the code`);
    assert.deepEqual(missing, []);
  });

  it('keys built at run time exist for every value they can take', () => {
    const en = locales['en/common']!;
    for (const s of ['offline', 'faulted', 'charging', 'available', 'unavailable', 'online', 'active', 'completed', 'Accepted', 'Pending', 'Rejected', 'Blocked', 'Charging', 'Available', 'Faulted']) {
      assert.ok(en.has(`status.${s}`), `status.${s}`);
    }
    for (const r of ['admin', 'operator', 'driver']) assert.ok(locales['en/console']!.has(`roles.${r}`), `roles.${r}`);
    for (const r of ['Soft', 'Hard', 'OnIdle', 'Immediate']) assert.ok(locales['en/console']!.has(`commands.resetTypes.${r}`), r);
    for (const s of ['queued', 'running', 'done', 'failed']) assert.ok(en.has(`status.${s}`), `export status.${s}`);
    for (const k of ['sessions', 'cdrs', 'meter-values']) assert.ok(locales['en/console']!.has(`exports.kinds.${k}`), `exports.kinds.${k}`);
    for (const k of ['stations', 'sessions', 'idTokens', 'users']) assert.ok(en.has(`search.types.${k}`), `search.types.${k}`);
  });
});
