/**
 * The bundled server that `npm start` runs (dist/server/main.js, scripts/build-server.mjs): it
 * builds, finds its migrations and the web app from the bundle, takes a real station, and stops
 * cleanly on SIGTERM. The other suites test the TypeScript sources directly.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { freePort } from '../bench/ocpp-load/server.js';

const require = createRequire(import.meta.url);
const { RPCClient } = require('ocpp-rpc') as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped CommonJS, as in the other suites
const ROOT = new URL('../', import.meta.url).pathname;
const MAIN = join(ROOT, 'dist', 'server', 'main.js');
const TOKEN = 'bundle-test-admin-token-0123456789';

describe('the bundled server (dist/server)', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let url: string;
  let output = '';

  before(async () => {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'ensure-build.mjs')], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, VOLTLANE_SKIP_WEB_BUILD: '1', VOLTLANE_SKIP_SERVER_BUILD: '0' },
    });
    assert.equal(build.status, 0, `${build.stdout}\n${build.stderr}`);
    dir = mkdtempSync(join(tmpdir(), 'voltlane-bundle-'));
  });
  after(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('is built from the sources and holds no TypeScript loader', () => {
    assert.ok(existsSync(MAIN), 'dist/server/main.js exists');
    const code = readFileSync(MAIN, 'utf8');
    assert.ok(!/from ?["']tsx["']/.test(code), 'the bundle does not import tsx');
    // import.meta.url of a source file is rewritten relative to the bundle (migrations, web build).
    assert.ok(/new URL\("\.\.\/\.\.\/packages\/db\/src\/migrate\.ts", ?import\.meta\.url\)/.test(code), 'migrate.ts\'s import.meta.url is rewritten');
    assert.ok(statSync(MAIN).mtimeMs >= statSync(join(ROOT, 'packages', 'cli', 'src', 'main.ts')).mtimeMs, 'the build is not older than the CLI source');
  });

  it('`migrate` finds the migrations from the bundle', () => {
    const r = spawnSync(process.execPath, [MAIN, 'migrate'], { cwd: dir, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', VOLTLANE_DATA_DIR: join(dir, 'data'), VOLTLANE_LOG_LEVEL: 'warn' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Applied: 0001_init, .*0014_transaction_owner/);
  });

  it('`start` serves the API, the web app and OCPP, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN, 'start'], {
      cwd: dir,
      env: { ...process.env, DATABASE_URL: '', VOLTLANE_DATA_DIR: join(dir, 'data'), VOLTLANE_HTTP_PORT: String(port), VOLTLANE_ADMIN_TOKEN: TOKEN, VOLTLANE_LOG_LEVEL: 'warn', VOLTLANE_UNKNOWN_STATIONS: 'accept' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    const until = Date.now() + 60_000;
    while (!(await fetch(`${url}/health`).then((r) => r.ok, () => false))) {
      assert.equal(child.exitCode, null, `the server exited: ${output}`);
      assert.ok(Date.now() < until, `no /health in 60 s: ${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const openapi = await fetch(`${url}/docs/json`).then((r) => r.json() as Promise<{ paths: Record<string, unknown> }>);
    assert.ok(openapi.paths['/api/v1/stations'], 'the OpenAPI document lists the stations route');
    // The web app is served from packages/web/dist, found from the bundle (built by npm install).
    if (existsSync(join(ROOT, 'packages', 'web', 'dist', 'index.html'))) {
      const app = await fetch(`${url}/app/`);
      assert.equal(app.status, 200);
      assert.match(await app.text(), /<div id="root">/);
    }
    const cp = new RPCClient({ endpoint: `ws://127.0.0.1:${port}/ocpp`, identity: 'BUNDLE-1', protocols: ['ocpp1.6'], strictMode: true, reconnect: false, callTimeoutMs: 5000 });
    await cp.connect();
    const boot = await cp.call('BootNotification', { chargePointVendor: 'Voltlane', chargePointModel: 'Bundle' }) as { status: string };
    assert.equal(boot.status, 'Accepted');
    const station = await fetch(`${url}/api/v1/stations/BUNDLE-1`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json() as Promise<{ ocppVersion: string; online: boolean }>);
    assert.equal(station.ocppVersion, 'ocpp1.6');
    assert.equal(station.online, true);
    await cp.close();
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, output);
    child = undefined;
  });
});
