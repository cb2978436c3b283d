/**
 * bench/export: exports of N sessions (default 1M) from PostgreSQL as CSV and XLSX through the
 * API of a real `voltlane start` child process; prints time, rows/s, file size and the server's
 * RSS (baseline and peak, sampled every 50 ms). Targets (issue 6): CSV 1M <= 3 s and 10M <= 30 s
 * with server memory < 150 MB; XLSX 1M <= 60 s with flat memory.
 *
 *   npm run bench:export -- [--sessions 1000000] [--formats csv,xlsx] [--database-url URL] [--fresh]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDatabase, fillDatabase, machine, rssMb, startServer, withDatabase } from './common.js';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '1000000' },
    stations: { type: 'string', default: '1000' },
    formats: { type: 'string', default: 'csv,xlsx' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    'pg-database': { type: 'string' },
    fresh: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`Usage: npm run bench:export -- [--sessions N] [--stations N] [--formats csv,xlsx] [--database-url URL] [--pg-database NAME] [--fresh]
Fills database NAME (default voltlane_bench_export_<N>; kept between runs, --fresh rebuilds it) with N sessions,
starts Voltlane on it and exports all sessions in each format, printing time and server memory.`);
  process.exit(0);
}
const sessions = Number(values.sessions);
const stations = Number(values.stations);
const formats = values.formats!.split(',') as ('csv' | 'xlsx')[];
const dbName = values['pg-database'] ?? `voltlane_bench_export_${sessions}`;

await ensureDatabase(values['database-url']!, dbName, values.fresh!);
const url = withDatabase(values['database-url']!, dbName);
const filled = await fillDatabase(url, { stations, sessions, tokens: 100_000, users: 10_000 }, console.log);
if (!filled) console.log(`reusing ${dbName} (${sessions} sessions)`);

const dir = await mkdtemp(join(tmpdir(), 'voltlane-bench-export-'));
const server = await startServer(url, { VOLTLANE_EXPORT_DIR: dir });
const results: Record<string, unknown>[] = [];
try {
  await new Promise((r) => setTimeout(r, 1000)); // let start-up work settle before the baseline
  const pid = server.child.pid!;
  for (const format of formats) {
    const baseline = rssMb(pid)!;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid) ?? 0)), 50);
    const rssAt: number[] = [];
    const t0 = performance.now();
    const created = await server.api('POST', '/api/v1/exports', { kind: 'sessions', format });
    if (created.status !== 202) throw new Error(`POST /exports: ${created.status} ${JSON.stringify(created.body)}`);
    let job = created.body;
    while (job.status !== 'done') {
      if (job.status === 'failed') throw new Error(`export failed: ${job.error}`);
      await new Promise((r) => setTimeout(r, 100));
      job = (await server.api('GET', `/api/v1/exports/${job.id}`)).body;
      // RSS at each tenth of the rows, to show whether memory grows with the rows.
      if (job.progress >= (rssAt.length + 1) / 10) rssAt.push(Math.round(rssMb(pid) ?? 0));
    }
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const serverSeconds = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
    if (job.rows !== sessions) throw new Error(`exported ${job.rows} rows, expected ${sessions}`);
    const r = {
      format, rows: job.rows, seconds: +seconds.toFixed(2), serverSeconds: +serverSeconds.toFixed(2), rowsPerSec: Math.round(job.rows / seconds),
      fileMb: +(job.sizeBytes / 1e6).toFixed(1), rssBaselineMb: Math.round(baseline), rssPeakMb: Math.round(peak), rssByTenth: rssAt,
    };
    results.push(r);
    console.log(`${format.padEnd(4)} ${String(r.rows).padStart(9)} rows  ${String(r.seconds).padStart(6)} s (job ${r.serverSeconds} s)  ${String(r.rowsPerSec).padStart(8)} rows/s  ` +
      `${r.fileMb} MB  server RSS ${r.rssBaselineMb} -> peak ${r.rssPeakMb} MB  (by tenth: ${rssAt.join(' ')})`);
    await server.api('DELETE', `/api/v1/exports/${job.id}`);
  }
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
console.log(`machine: ${machine()}, ${new Date().toISOString()}`);
console.log(`RESULT ${JSON.stringify({ bench: 'export', sessions, results })}`);
