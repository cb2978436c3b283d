/**
 * The report: a human-readable block, the targets (met or not, and what bounds the figure), and
 * one `RESULT {...}` JSON line with every figure, the machine and the date.
 */
import { cpus, totalmem } from 'node:os';
import type { BenchOptions } from './args.js';
import type { IdleModeResult } from './idle-mode.js';
import type { LoadModeResult } from './load-mode.js';
import { fmt, round } from './stats.js';

/** Targets from the design: PostgreSQL, 1000 stations: >= 5,000 MeterValues/s stored with p99 < 100 ms; 10,000 idle stations < 500 MB. */
export const TARGETS = { loadMsgsPerSec: 5000, loadP99Ms: 100, idleRssMb: 500 };

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

interface Verdict {
  /** true/false, or undefined when the target does not apply to this configuration. */
  met: boolean | undefined;
  text: string;
  /** What limits the figure, strongest reason first. */
  bounds: string[];
}

/** Why a load run achieved what it did: which resource is saturated. */
function loadBounds(r: LoadModeResult, m: Machine): string[] {
  const out: string[] = [];
  const c = r.cpu;
  if (c.serverPct >= 85) out.push(`server CPU-bound: the Voltlane process used ${round(c.serverPct, 0)}% of one core (its JavaScript runs on one thread)`);
  if (c.generatorPct >= 85) out.push(`generator-bound: the load generator used ${round(c.generatorPct, 0)}% of one core`);
  if (c.postgresPct >= 60) out.push(`database: PostgreSQL processes used ${round(c.postgresPct, 0)}% of one core`);
  if (c.machinePct >= 90) {
    out.push(`machine saturated: the ${m.cores} cores were ${round(c.machinePct, 0)}% busy (server, generator${r.cpu.postgresPct ? ', PostgreSQL' : ''} share them)`);
  }
  if (c.otherPct >= 20) out.push(`noise: other processes on the machine used ${round(c.otherPct, 0)}% of one core during the window; run again on a quiet machine`);
  if (r.timeouts + r.errors + r.closed > 0) out.push(`failures: ${r.timeouts} timeouts, ${r.errors} errors, ${r.closed} closed connections`);
  if (r.generatorLoopDelay.p99 > 50) out.push(`the generator's event loop lagged (p99 ${round(r.generatorLoopDelay.p99, 0)} ms), which adds to the measured latency`);
  if (!out.length) {
    if (r.achievedPerSec < r.offeredPerSec * 0.95) {
      out.push('no resource saturated: latency-bound (each station waits for its answer, i.e. for the group commit, before the next send)');
    } else {
      out.push('nothing: the offered rate was achieved (raise --rate to find the limit)');
    }
  }
  return out;
}

function loadVerdict(opts: BenchOptions, r: LoadModeResult, m: Machine): Verdict {
  const rateOk = r.achievedPerSec >= TARGETS.loadMsgsPerSec && r.persisted.ok;
  const p99Ok = r.latency.p99 < TARGETS.loadP99Ms;
  const applies = opts.db === 'postgres' && r.stationsCharging >= 1000;
  const figures = `${fmt(r.achievedPerSec)} msg/s stored (target >= ${fmt(TARGETS.loadMsgsPerSec)}) ${rateOk ? 'ok' : 'MISSED'}, p99 ${round(r.latency.p99, 1)} ms (target < ${TARGETS.loadP99Ms}) ${p99Ok ? 'ok' : 'MISSED'}`;
  const bounds = loadBounds(r, m);
  if (!p99Ok && r.achievedPerSec < r.offeredPerSec * 0.95) {
    bounds.push(`the offered ${fmt(r.offeredPerSec)} msg/s exceeds what the server achieves, so the latency is queueing (stations / achieved rate); run --rate ${TARGETS.loadMsgsPerSec} for the latency at the target rate`);
  }
  if (!applies) {
    return { met: undefined, text: `target is defined for PostgreSQL at 1000 stations; for comparison: ${figures}`, bounds };
  }
  return { met: rateOk && p99Ok, text: figures, bounds };
}

function idleVerdict(r: IdleModeResult): Verdict {
  const met = r.rssPer10kMb < TARGETS.idleRssMb && r.stationsConnected === r.stationsRequested;
  const bounds: string[] = [];
  if (r.perStationKb > 0) bounds.push(`${round(r.perStationKb, 1)} KB of server RSS per connected station on top of a ${fmt(r.rssBaselineMb)} MB baseline`);
  else bounds.push(`the per-station cost is below the noise of the ${fmt(r.rssBaselineMb)} MB baseline (garbage collection returned more than the stations took)`);
  if (!met && r.rssBaselineMb > TARGETS.idleRssMb * 0.6) bounds.push(`the server's baseline RSS (before any station) is ${fmt(r.rssBaselineMb)} MB`);
  if (r.stationsConnected < r.stationsRequested) bounds.push(`only ${r.stationsConnected} of ${r.stationsRequested} stations connected`);
  const text = `${fmt(r.rssPer10kMb)} MB server RSS for 10,000 idle stations (target < ${TARGETS.idleRssMb} MB) ${met ? 'ok' : 'MISSED'}`;
  return { met, text, bounds };
}

function header(opts: BenchOptions, m: Machine): string[] {
  return [
    '',
    `OCPP load benchmark: --mode ${opts.mode} --db ${opts.db} --stations ${opts.stations}` + (opts.mode === 'load' ? ` --rate ${opts.rate} --duration ${opts.durationSec}` : ''),
    `  machine          ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.platform}, node ${m.node}`,
  ];
}

function loadLines(r: LoadModeResult): string[] {
  const l = r.latency;
  const p = r.persisted;
  return [
    `  stations         ${fmt(r.stationsCharging)} charging (of ${fmt(r.stationsRequested)}), connected + booted in ${round(r.connectSeconds, 1)} s`,
    `  offered          ${fmt(r.offeredPerSec)} MeterValues/s (${r.samplesPerMessage} sampled values each) over ${round(r.windowSeconds, 1)} s`,
    `  achieved         ${fmt(r.achievedPerSec)} msg/s acknowledged (= stored) = ${fmt(r.achievedPerSec * r.samplesPerMessage)} rows/s; ${fmt(r.lateSends)} sends went out late`,
    `  latency (ms)     p50 ${round(l.p50, 1)}  p95 ${round(l.p95, 1)}  p99 ${round(l.p99, 1)}  max ${round(l.max, 1)}  (mean ${round(l.mean, 1)}, n=${fmt(l.count)})`,
    `  failures         ${r.timeouts} timeouts, ${r.errors} errors, ${r.closed} closed, ${r.disconnects} disconnects` +
      (r.errorSamples.length ? `; e.g. ${r.errorSamples.join(' | ')}` : ''),
    `  server           CPU ${round(r.cpu.serverPct, 0)}% of one core, RSS max ${fmt(r.serverRssMaxMb)} MB`,
    `  load generator   CPU ${round(r.cpu.generatorPct, 0)}% of one core, event-loop delay p99 ${round(r.generatorLoopDelay.p99, 1)} ms`,
    ...(r.cpu.postgresPct ? [`  PostgreSQL       CPU ${round(r.cpu.postgresPct, 0)}% of one core (all postgres processes)`] : []),
    `  machine          ${round(r.cpu.machinePct, 0)}% of all cores busy; other processes ${round(r.cpu.otherPct, 0)}% of one core`,
    `  persisted        ${fmt(p.rows)} rows; acknowledged messages x ${r.samplesPerMessage} = ${fmt(p.expectedMin)}` +
      (p.expectedMax > p.expectedMin ? ` (up to ${fmt(p.expectedMax)} with unanswered ones)` : '') +
      ` -> ${p.ok ? 'ok' : 'MISMATCH'}`,
  ];
}

function idleLines(r: IdleModeResult): string[] {
  return [
    `  stations         ${fmt(r.stationsConnected)} of ${fmt(r.stationsRequested)} connected + booted in ${round(r.connectSeconds, 1)} s (${fmt(r.connectPerSec)}/s); server holds ${r.serverSeesConnected ?? '?'} sockets`,
    `  server RSS       baseline ${fmt(r.rssBaselineMb)} MB, after connect ${fmt(r.rssAfterConnectMb)} MB, after ${'settle'} ${fmt(r.rssAfterSettleMb)} MB, max ${fmt(r.rssMaxMb)} MB`,
    `  per station      ${round(r.perStationKb, 1)} KB; 10,000 stations = ${fmt(r.rssPer10kMb)} MB` +
      (r.stationsConnected === 10_000 ? ' (measured)' : ' (extrapolated: baseline + per-station cost x 10,000)'),
    `  CPU (connect)    server ${round(r.cpu.serverPct, 0)}%, generator ${round(r.cpu.generatorPct, 0)}% of one core, machine ${round(r.cpu.machinePct, 0)}%, other processes ${round(r.cpu.otherPct, 0)}%; server idle afterwards ${round(r.serverIdleCpuPct, 1)}%`,
    `  failures         ${r.disconnects} disconnects` + (r.stationProblems.length ? `; e.g. ${r.stationProblems.slice(0, 3).join(' | ')}` : ''),
    `  load generator   RSS ${fmt(r.generatorRssMb)} MB`,
  ];
}

/** Prints the report and the RESULT line. */
export function printReport(opts: BenchOptions, result: LoadModeResult | IdleModeResult, notes: string[]): void {
  const m = machine();
  const verdict = result.mode === 'load' ? loadVerdict(opts, result, m) : idleVerdict(result);
  const lines = [...header(opts, m), ...(result.mode === 'load' ? loadLines(result) : idleLines(result))];
  const state = verdict.met === undefined ? 'n/a' : verdict.met ? 'MET' : 'MISSED';
  lines.push(`  target           ${state}: ${verdict.text}`);
  lines.push(`  bounded by       ${verdict.bounds.join('; ')}`);
  for (const n of notes) lines.push(`  note             ${n.split('\n')[0]}`);
  console.log(lines.join('\n'));
  const json = {
    bench: 'ocpp-load',
    date: new Date().toISOString(),
    machine: m,
    options: { ...opts },
    result: roundDeep(result),
    target: { met: verdict.met ?? null, text: verdict.text, bounds: verdict.bounds },
    notes,
  };
  console.log(`RESULT ${JSON.stringify(json)}`);
}

/** Rounds every number to 2 decimals, for a readable JSON line. */
function roundDeep(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : round(v, 2);
  if (Array.isArray(v)) return v.map(roundDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundDeep(x)]));
  return v;
}
