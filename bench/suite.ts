/**
 * The issue-4 benchmark matrix: every benchmark of bench/ocpp-load (MeterValues load at 1,000 and
 * 10,000 stations, boot storm, idle connections, API commands) for the all-in-one process and the
 * cluster example, one after the other, each in its own process with a fresh database. Prints
 * each report as it comes, then summary tables in Markdown (for docs/benchmarks.md).
 *
 *   npm run bench:suite -- [--quick] [--target all-in-one|cluster|both] [--only load,boot-storm,idle,commands] [--out results.jsonl]
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODES = ['load', 'boot-storm', 'idle', 'commands'] as const;
type Mode = (typeof MODES)[number];

const USAGE = `Usage: npm run bench:suite -- [options]

Runs every benchmark for the all-in-one process (PostgreSQL) and the cluster example
(api + 2 gateways + 2 workers on RabbitMQ), then prints Markdown summary tables.
Full size takes about 20-30 minutes; run it on a quiet machine.

  --quick                     small sizes (a few hundred stations, 3 s windows): proves the benchmarks run
  --target all-in-one|cluster|both   (default both)
  --only LIST                 comma-separated modes: load,boot-storm,idle,commands (default all)
  --out FILE                  append every RESULT JSON line to FILE
  -h, --help`;

/** One run of bench/ocpp-load/main.ts. */
interface Run {
  mode: Mode;
  label: string;
  args: string[];
}

function plan(quick: boolean): Run[] {
  const q = quick;
  return [
    { mode: 'load', label: q ? '100 stations' : '1,000 stations', args: ['--mode', 'load', '--stations', q ? '100' : '1000', '--rate', q ? '1000' : '10000', '--duration', q ? '3' : '20'] },
    { mode: 'load', label: q ? '300 stations' : '10,000 stations', args: ['--mode', 'load', '--stations', q ? '300' : '10000', '--rate', q ? '1000' : '10000', '--duration', q ? '3' : '20'] },
    { mode: 'boot-storm', label: q ? '300 stations' : '10,000 stations', args: ['--mode', 'boot-storm', '--stations', q ? '300' : '10000'] },
    { mode: 'idle', label: q ? '300 stations' : '10,000 stations', args: ['--mode', 'idle', '--stations', q ? '300' : '10000', ...(q ? ['--settle', '2'] : [])] },
    { mode: 'commands', label: q ? '100 stations' : '1,000 stations', args: ['--mode', 'commands', '--stations', q ? '100' : '1000', '--rate', q ? '100' : '500', '--duration', q ? '3' : '20'] },
  ];
}

/** The parts of a RESULT line the summary reads. */
interface ResultLine {
  bench: Mode;
  options: { target: string; stations: number; rate: number };
  result: Record<string, unknown>;
  target: { met: boolean | null; text: string; bounds: string[] };
}

/** Runs one benchmark, passing its output through, and returns its RESULT line (undefined when it failed). */
function runOne(args: string[], out: string | undefined): Promise<ResultLine | undefined> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/ocpp-load/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    let result: ResultLine | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('RESULT ')) {
          result = JSON.parse(line.slice(7)) as ResultLine;
          if (out) appendFileSync(out, `${line.slice(7)}\n`);
        } else process.stdout.write(`${line}\n`);
      }
    });
    // Forward Ctrl-C handling to the child (it cleans up); the suite stops after it.
    child.on('exit', (code) => resolveRun(code === 0 ? result : undefined));
  });
}

const num = (v: unknown, digits = 0) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-');
const met = (r: ResultLine) => (r.target.met === null ? 'n/a' : r.target.met ? 'met' : 'missed');
const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

/** "server 80%, PostgreSQL 40%" from a result's cpu window, largest first. */
function cpuShares(r: ResultLine): string {
  const cpu = r.result.cpu as { processes: { name: string; pct: number }[]; generatorPct: number; postgresPct: number; brokerPct: number } | undefined;
  if (!cpu) return '-';
  const parts: [string, number][] = [...cpu.processes.map((p): [string, number] => [p.name, p.pct]), ['gen', cpu.generatorPct], ['PG', cpu.postgresPct], ['MQ', cpu.brokerPct]];
  return parts.filter(([, v]) => v >= 1).sort((a, b) => b[1] - a[1]).map(([n, v]) => `${n} ${Math.round(v)}%`).join(', ');
}

function markdown(rows: { run: Run; target: string; r: ResultLine }[]): string {
  const out: string[] = [];
  const section = (mode: Mode, title: string, head: string[], row: (x: { run: Run; target: string; r: ResultLine }) => string[]) => {
    const xs = rows.filter((x) => x.run.mode === mode);
    if (!xs.length) return;
    out.push(`### ${title}`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
    for (const x of xs) out.push(`| ${row(x).join(' | ')} |`);
    out.push('');
  };
  section('load', 'MeterValues load', ['target', 'stations', 'offered msg/s', 'stored msg/s', 'p50 ms', 'p99 ms', 'CPU (% of one core)', 'result'], ({ target, r }) => [
    target, num(get(r.result, 'stationsCharging')), num(get(r.result, 'offeredPerSec')), num(get(r.result, 'achievedPerSec')),
    num(get(r.result, 'latency', 'p50'), 1), num(get(r.result, 'latency', 'p99'), 1), cpuShares(r), met(r),
  ]);
  section('boot-storm', 'Boot storm', ['target', 'stations', 'all Accepted s', 'all stored s', 'failures', 'CPU (% of one core)', 'result'], ({ target, r }) => [
    target, num(get(r.result, 'stationsRequested')), num(get(r.result, 'allAcceptedSec'), 1), num(get(r.result, 'allStoredSec'), 1),
    num(get(r.result, 'failures', 'total')), cpuShares(r), met(r),
  ]);
  section('idle', 'Idle connections', ['target', 'stations', 'process', 'RSS before MB', 'KB per station', 'RSS per 10,000 MB', 'result'], ({ target, r }) => {
    const procs = ((r.result.processes as { name: string; stations: number; rssBaselineMb: number; perStationKb: number; rssPer10kMb?: number }[]) ?? []).filter((p) => p.stations > 0);
    return [target, num(get(r.result, 'stationsConnected')), procs.map((p) => p.name).join(', '), procs.map((p) => num(p.rssBaselineMb)).join(', '),
      procs.map((p) => num(p.perStationKb, 1)).join(', '), procs.map((p) => num(p.rssPer10kMb)).join(', '), met(r)];
  });
  section('commands', 'API commands', ['target', 'stations', 'offered /s', 'answered /s', 'p50 ms', 'p99 ms', 'errors', 'CPU (% of one core)', 'result'], ({ target, r }) => [
    target, num(get(r.result, 'stationsConnected')), num(get(r.result, 'offeredPerSec')), num(get(r.result, 'achievedPerSec')),
    num(get(r.result, 'latency', 'p50'), 1), num(get(r.result, 'latency', 'p99'), 1), num(get(r.result, 'errorCount')), cpuShares(r), met(r),
  ]);
  out.push('What bounds each result (from the reports):', '');
  for (const { run, target, r } of rows) out.push(`- ${run.mode}, ${run.label}, ${target}: ${r.target.bounds.join('; ')}`);
  return out.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { quick: { type: 'boolean' }, target: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const target = values.target ?? 'both';
  if (!['all-in-one', 'cluster', 'both'].includes(target)) throw new Error(`--target must be all-in-one, cluster or both, got "${target}"`);
  const only = values.only?.split(',').map((s) => s.trim()) ?? [...MODES];
  const unknown = only.filter((m) => !(MODES as readonly string[]).includes(m));
  if (unknown.length) throw new Error(`--only: unknown mode(s) ${unknown.join(', ')}; use ${MODES.join(',')}`);
  const targets = target === 'both' ? ['all-in-one', 'cluster'] : [target];
  const out = values.out ? resolve(values.out) : undefined;

  let aborted = false;
  process.on('SIGINT', () => void (aborted = true));
  process.on('SIGTERM', () => void (aborted = true));
  const done: { run: Run; target: string; r: ResultLine }[] = [];
  const failed: string[] = [];
  for (const run of plan(Boolean(values.quick)).filter((r) => only.includes(r.mode))) {
    for (const t of targets) {
      if (aborted) break;
      const args = [...run.args, '--target', t, '--db', 'postgres', ...(values.quick ? ['--warmup', '1'] : [])];
      console.log(`\n=== ${run.mode}, ${run.label}, ${t}: npm run bench:ocpp-load -- ${args.join(' ')}`);
      const r = await runOne(args, out);
      if (r) done.push({ run, target: t, r });
      else failed.push(`${run.mode} ${run.label} ${t}`);
    }
  }
  console.log(`\n## Summary (${new Date().toISOString().slice(0, 10)}${values.quick ? ', --quick: sizes too small to judge the targets' : ''})\n`);
  console.log(markdown(done));
  if (failed.length) console.log(`\nFailed or aborted: ${failed.join('; ')}`);
  if (out) console.log(`\nRESULT lines appended to ${out}`);
  return failed.length ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`suite failed: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    process.exit(2);
  },
);
