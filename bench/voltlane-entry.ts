/**
 * How benchmarks run Voltlane: the bundled server that `npm start` runs (dist/server/main.js,
 * built by scripts/build-server.mjs, with npm start's Node flags), built first when missing or stale, so the figures are those
 * of what operators run. `VOLTLANE_BENCH_SOURCE=1` runs the TypeScript sources through tsx instead;
 * `VOLTLANE_BENCH_NODE_FLAGS` replaces the Node flags (e.g. "" for V8's defaults).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

let checked = false;

/**
 * Node arguments that start the Voltlane CLI from `root`, e.g. [...voltlaneEntry(root), 'start'].
 * @example spawn(process.execPath, [...voltlaneEntry(ROOT), 'start'], { cwd: ROOT })
 */
export function voltlaneEntry(root: string): string[] {
  if (process.env.VOLTLANE_BENCH_SOURCE === '1') return ['--import', 'tsx', 'packages/cli/src/main.ts'];
  if (!checked) {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-build.mjs')], {
      cwd: root, encoding: 'utf8', env: { ...process.env, VOLTLANE_SKIP_WEB_BUILD: '1', VOLTLANE_SKIP_SERVER_BUILD: '0' },
    });
    if (r.status !== 0) throw new Error(`server build failed:\n${r.stdout}\n${r.stderr}`);
    checked = true;
  }
  // The same Node flags as `npm start` (ADR 0015), unless VOLTLANE_BENCH_NODE_FLAGS says otherwise.
  const flags = (process.env.VOLTLANE_BENCH_NODE_FLAGS ?? '--max-semi-space-size=4').split(' ').filter(Boolean);
  return [...flags, join(root, 'dist', 'server', 'main.js')];
}
