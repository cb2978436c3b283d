/**
 * Browser end-to-end helpers shared by the web app's e2e suites: Debian's chromium driven by
 * playwright-core (no browser is ever downloaded), the web app built before the tests, and
 * logging a user into a running Voltlane.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The system chromium the e2e tests drive (installed by `.ci/run` with apt-get). */
export const CHROMIUM = process.env.VOLTLANE_CHROMIUM ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can: pass it to `describe(..., { skip })`. */
export function browserSkipReason(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests`;
}

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A running chromium with a fresh profile; `close()` removes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  /** A new tab; its console errors and uncaught page errors are collected in `errors`. */
  newPage(opts?: { width?: number; height?: number }): Promise<Page>;
  /** Console errors and page errors seen in any tab, for assertions. */
  errors: string[];
  /** HTTP answers of 400 and above seen by any tab, as "STATUS METHOD PATH" (a 404 asset is a bug; a 401 before login is not). */
  failedResponses: string[];
  close(): Promise<void>;
}

/**
 * Launches chromium headless with a fresh user-data-dir (a persistent context is the only way to
 * give it one), English UI and a 1280x800 viewport.
 * @example const b = await launchBrowser(); const page = await b.newPage(); ... await b.close();
 */
export async function launchBrowser(opts: { locale?: string } = {}): Promise<TestBrowser> {
  const dir = mkdtempSync(join(tmpdir(), 'voltlane-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    locale: opts.locale ?? 'en-US',
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(15_000);
  const errors: string[] = [];
  const failedResponses: string[] = [];
  context.on('response', (r) => {
    if (r.status() >= 400) failedResponses.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  return {
    context,
    errors,
    failedResponses,
    async newPage(size) {
      const page = await context.newPage();
      if (size) await page.setViewportSize({ width: size.width ?? 1280, height: size.height ?? 800 });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Builds the web app if its build is missing or stale (scripts/ensure-build.mjs); call it from the
 * suite's before hook. Throws with the build output when the build fails.
 */
export function ensureWebBuilt(): void {
  const script = new URL('../../scripts/ensure-build.mjs', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, VOLTLANE_SKIP_WEB_BUILD: '0', VOLTLANE_SKIP_SERVER_BUILD: '1' } });
  if (r.status !== 0) throw new Error(`web app build failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * Logs in through the login page of the web app at `baseUrl` (e.g. http://127.0.0.1:PORT) and
 * waits until the app has left /login.
 */
export async function loginThroughUi(page: Page, baseUrl: string, email: string, password: string, next?: string): Promise<void> {
  await page.goto(`${baseUrl}/app/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.getByLabel(/^(Email|E-mail)/).fill(email);
  await page.getByLabel(/^(Password|Mot de passe)/).fill(password);
  await page.getByRole('button', { name: /^(Log in|Se connecter)$/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/app/login'));
}

/**
 * Runs `fn`; when it throws, adds what the page showed (URL and main text) to the error and saves
 * a screenshot to the OS temp folder, so a failed wait says what was on screen instead.
 */
export async function withPageContext<T>(page: Page, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const shot = join(tmpdir(), `voltlane-e2e-${Date.now()}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    const text = await page.locator('main').innerText({ timeout: 1000 }).catch(() => '(no main)');
    throw new Error(`${(e as Error).message}\n--- page ${page.url()} (screenshot ${shot}):\n${text.slice(0, 2000)}`, { cause: e });
  }
}
