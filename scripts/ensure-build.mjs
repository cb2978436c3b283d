#!/usr/bin/env node
// Builds what `npm start` runs when it is missing or older than its sources, so `npm install` and
// `npm start` alone give a working Voltlane: the web app (packages/web → packages/web/dist, Vite)
// and the server bundle (packages/*/src → dist/server, esbuild; scripts/build-server.mjs).
// VOLTLANE_SKIP_WEB_BUILD=1 / VOLTLANE_SKIP_SERVER_BUILD=1 skip either.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const rootDir = new URL('../', import.meta.url).pathname;

/** The newest modification time under a file or directory (0 when it does not exist). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newest(join(path, n))));
}

function ensureWeb() {
  if (process.env.VOLTLANE_SKIP_WEB_BUILD === '1') return;
  const root = join(rootDir, 'packages', 'web');
  const built = join(root, 'dist', 'index.html');
  if (!existsSync(join(root, 'node_modules')) && !existsSync(join(rootDir, 'node_modules', 'vite'))) {
    console.error('web app: vite is not installed yet; run npm install');
    return;
  }
  const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'index.html')), newest(join(root, 'vite.config.ts')));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  console.log('Building the web app (packages/web)…');
  // Build beside dist and swap it in, so a running Voltlane never serves a half-written build.
  const tmp = join(root, `dist.tmp-${process.pid}`);
  const r = spawnSync('npx', ['vite', 'build', '--outDir', tmp, '--emptyOutDir'], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    process.exit(r.status ?? 1);
  }
  const old = join(root, `dist.old-${process.pid}`);
  if (existsSync(join(root, 'dist'))) renameSync(join(root, 'dist'), old);
  renameSync(tmp, join(root, 'dist'));
  rmSync(old, { recursive: true, force: true });
}

async function ensureServer() {
  if (process.env.VOLTLANE_SKIP_SERVER_BUILD === '1') return;
  if (!existsSync(join(rootDir, 'node_modules', 'esbuild'))) {
    console.error('server: esbuild is not installed yet; run npm install');
    return;
  }
  const { SERVER_DIST, SERVER_SOURCES, buildServer } = await import('./build-server.mjs');
  const built = join(SERVER_DIST, 'main.js');
  const sources = Math.max(...SERVER_SOURCES.map(newest), newest(join(rootDir, 'package.json')), newest(join(rootDir, 'scripts', 'build-server.mjs')));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  console.log('Building the server (dist/server)…');
  await buildServer();
}

ensureWeb();
await ensureServer();
