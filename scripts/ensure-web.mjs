#!/usr/bin/env node
// Builds the web app (packages/web → packages/web/dist) when the build is missing or older than its
// sources, so `npm install` and `npm start` alone give a working app. VOLTLANE_SKIP_WEB_BUILD=1 skips.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('../packages/web/', import.meta.url).pathname;
const built = join(root, 'dist', 'index.html');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newest(join(path, n))));
}

if (process.env.VOLTLANE_SKIP_WEB_BUILD === '1') process.exit(0);
if (!existsSync(join(root, 'node_modules')) && !existsSync(new URL('../node_modules/vite/', import.meta.url))) {
  console.error('web app: vite is not installed yet; run npm install');
  process.exit(0);
}
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'index.html')), newest(join(root, 'vite.config.ts')));
if (existsSync(built) && statSync(built).mtimeMs >= sources) process.exit(0);
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
