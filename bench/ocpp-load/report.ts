/**
 * The report: a human-readable block with a result table and a table of the processes (CPU,
 * memory), the target (met or not, and what bounds the figure), and one `RESULT {...}` JSON line
 * with every figure, the machine and the date.
 */
import { cpus, totalmem } from 'node:os';
import type { BenchOptions } from './args.js';
import type { BootStormResult } from './boot-storm.js';
import type { CommandsResult } from './commands-mode.js';
import type { IdleModeResult } from './idle-mode.js';
import type { LoadModeResult } from './load-mode.js';
import type { CpuWindow } from './proc.js';
import type { Server } from './server.js';
import { fmt, kvTable, round, table } from './stats.js';

export type ModeResult = LoadModeResult | IdleModeResult | BootStormResult | CommandsResult;

/**
 * Targets of issue 4 (cluster mode), the same for the all-in-one process and the cluster:
 * >= 10,000 MeterValues/s stored and p99 < 100 ms at 1,000 stations; boot storm of 10,000 stations
 * in < 30 s with 0 failures; < 300 MB RSS per 10,000 idle stations (per process; the gateways in a
 * cluster); API commands p99 < 50 ms at 500/s.
 */
export const TARGETS = {
  loadMsgsPerSec: 10_000,
  loadP99Ms: 100,
  loadP99Stations: 1000,
  idleRssPer10kMb: 300,
  bootStormSec: 30,
  bootStormStations: 10_000,
  commandsPerSec: 500,
  commandsP99Ms: 50,
};

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
}

/** The machine the run is on. */
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

const pct = (v: number) => `${round(v, 0)}%`;
const ms = (v: number) => fmt(v, v < 100 ? 1 : 0);

/** Which resource was saturated during a window: a Voltlane process, PostgreSQL, RabbitMQ, the generator, the machine. */
function cpuBounds(c: CpuWindow, m: Machine): string[] {
  const out: string[] = [];
  for (const p of [...c.processes].sort((a, b) => b.pct - a.pct)) {
    if (p.pct >= 85) out.push(`${p.name} CPU-bound: ${pct(p.pct)} of one core (its JavaScript runs on one thread)`);
  }
  if (c.postgresPct >= 60) out.push(`database: PostgreSQL used ${pct(c.postgresPct)} of one core`);
  if (c.brokerPct >= 60) out.push(`broker: RabbitMQ used ${pct(c.brokerPct)} of one core`);
  if (c.generatorPct >= 85) out.push(`generator-bound: the load generator used ${pct(c.generatorPct)} of one core`);
  if (c.machinePct >= 90) out.push(`machine saturated: the ${m.cores} cores were ${pct(c.machinePct)} busy (${shares(c)})`);
  if (c.otherPct >= 20) out.push(`noise: other processes on the machine used ${pct(c.otherPct)} of one core; run again on a quiet machine`);
  return out;
}

/** "server 80%, PostgreSQL 40%, ..." in % of one core, largest first. */
function shares(c: CpuWindow): string {
  const parts: [string, number][] = [...c.processes.map((p): [string, number] => [p.name, p.pct]), ['generator', c.generatorPct]];
  if (c.postgresPct) parts.push(['PostgreSQL', c.postgresPct]);
  if (c.brokerPct) parts.push(['RabbitMQ', c.brokerPct]);
  parts.push(['other', c.otherPct]);
  return parts.sort((a, b) => b[1] - a[1]).map(([n, v]) => `${n} ${pct(v)}`).join(', ');
}

function loadVerdict(r: LoadModeResult, m: Machine): Verdict {
  const rateOk = r.achievedPerSec >= TARGETS.loadMsgsPerSec && r.persisted.ok;
  const p99Applies = r.stationsCharging <= TARGETS.loadP99Stations;
  const p99Ok = r.latency.p99 < TARGETS.loadP99Ms;
  const bounds = cpuBounds(r.cpu, m);
  if (r.timeouts + r.errors + r.closed > 0) bounds.push(`failures: ${r.timeouts} timeouts, ${r.errors} errors, ${r.closed} closed connections`);
  if (r.generatorLoopDelay.p99 > 50) bounds.push(`the generator's event loop lagged (p99 ${round(r.generatorLoopDelay.p99, 0)} ms), which adds to the measured latency`);
  const saturated = r.achievedPerSec < r.offeredPerSec * 0.95;
  if (saturated && !p99Ok) bounds.push(`the offered ${fmt(r.offeredPerSec)} msg/s exceeds what was achieved, so the latency is queueing (stations / achieved rate)`);
  if (!bounds.length) {
    bounds.push(saturated
      ? 'no resource saturated: latency-bound (each station waits for its answer, i.e. for the group commit, before the next send); more stations or a lower --rate tell more'
      : 'nothing: the offered rate was achieved (raise --rate to find the limit)');
  }
  const figures = `${fmt(r.achievedPerSec)} msg/s stored (target >= ${fmt(TARGETS.loadMsgsPerSec)}) ${rateOk ? 'ok' : 'MISSED'}, ` +
    `p99 ${ms(r.latency.p99)} ms` + (p99Applies ? ` (target < ${TARGETS.loadP99Ms} at ${fmt(TARGETS.loadP99Stations)} stations) ${p99Ok ? 'ok' : 'MISSED'}` : ' (p99 target is for 1,000 stations)');
  if (r.stationsCharging < 1000) return { met: undefined, text: `targets are for 1,000 and 10,000 stations; for comparison: ${figures}`, bounds };
  return { met: rateOk && (!p99Applies || p99Ok), text: figures, bounds };
}

function idleVerdict(r: IdleModeResult, m: Machine): Verdict {
  const holders = r.processes.filter((p) => p.rssPer10kMb !== undefined);
  const met = holders.every((p) => p.rssPer10kMb! < TARGETS.idleRssPer10kMb) && r.stationsConnected === r.stationsRequested;
  const bounds: string[] = [];
  for (const p of holders) {
    if (p.perStationKb > 0) bounds.push(`${p.name}: ${round(p.perStationKb, 1)} KB per station on top of a ${fmt(p.rssBaselineMb)} MB baseline`);
    else bounds.push(`${p.name}: per-station cost below the noise of its ${fmt(p.rssBaselineMb)} MB baseline (garbage collection returned more than the stations took)`);
    if (p.rssPer10kMb! >= TARGETS.idleRssPer10kMb && p.rssBaselineMb > TARGETS.idleRssPer10kMb * 0.6) bounds.push(`${p.name}'s baseline RSS (before any station) is ${fmt(p.rssBaselineMb)} MB`);
  }
  if (r.stationsConnected < r.stationsRequested) bounds.push(`only ${r.stationsConnected} of ${r.stationsRequested} stations connected`);
  bounds.push(...cpuBounds(r.cpu, m).filter((b) => !b.startsWith('noise')).map((b) => `while connecting: ${b}`));
  const text = holders.map((p) => `${p.name} ${fmt(p.rssPer10kMb!)} MB`).join(', ') + ` RSS per 10,000 idle stations (target < ${TARGETS.idleRssPer10kMb} MB per process)`;
  if (r.stationsConnected < 1000) return { met: undefined, text: `too few stations to judge (${r.stationsConnected}); extrapolated: ${text}`, bounds };
  return { met, text: `${text} ${met ? 'ok' : 'MISSED'}`, bounds };
}

function bootVerdict(r: BootStormResult, m: Machine): Verdict {
  const time = r.allStoredSec ?? (r.stored.checkedAfterStop && r.stored.ok ? r.allAcceptedSec : undefined);
  const timeOk = time !== undefined && time < TARGETS.bootStormSec && r.stationsAccepted === r.stationsRequested;
  const failOk = r.failures.total === 0 && r.stored.ok;
  const bounds = cpuBounds(r.cpu, m);
  if (r.failures.total) {
    bounds.push(`failures: ${r.failures.neverAccepted} stations never Accepted (${r.failures.connect} connections failed), ` +
      `${r.failures.bootRetries} boots timed out or failed and were retried, ${r.failures.notAccepted} answered Pending/Rejected, ${r.failures.disconnects} sockets dropped`);
  }
  if (!r.stored.ok) bounds.push(`the database holds ${r.stored.booted} boots, ${r.stored.stationStatus} station and ${r.stored.connectorStatus} connector statuses of ${r.stored.expectedStations} / ${r.stored.expectedConnectors}`);
  if (!bounds.length) bounds.push('nothing saturated');
  const text = `${time === undefined ? 'not all stored' : `all Accepted and stored in ${round(time, 1)} s`} (target < ${TARGETS.bootStormSec} s) ${timeOk ? 'ok' : 'MISSED'}, ` +
    `${r.failures.total} failures (target 0) ${failOk ? 'ok' : 'MISSED'}`;
  if (r.stationsRequested < TARGETS.bootStormStations) return { met: undefined, text: `target is for ${fmt(TARGETS.bootStormStations)} stations; for comparison: ${text}`, bounds };
  return { met: timeOk && failOk, text, bounds };
}

function commandsVerdict(r: CommandsResult, m: Machine): Verdict {
  const rateOk = r.achievedPerSec >= r.offeredPerSec * 0.98;
  const errorsOk = r.errorCount === 0 && r.unanswered === 0;
  const p99Ok = r.latency.p99 < TARGETS.commandsP99Ms;
  const bounds = cpuBounds(r.cpu, m);
  if (r.sendLag.p99 > 10) bounds.push(`the generator sent late (p99 ${ms(r.sendLag.p99)} ms after schedule), which is part of the measured latency`);
  if (!errorsOk) bounds.push(`errors: ${Object.entries(r.errors).map(([k, v]) => `${v} x ${k}`).join(', ') || 'none'}; ${r.unanswered} unanswered`);
  if (!bounds.length) bounds.push(p99Ok ? 'nothing: raise --rate to find the limit' : 'no resource saturated: the latency is the round trip itself (API, bus, gateway, charger, and back)');
  const text = `${fmt(r.achievedPerSec)} of ${fmt(r.offeredPerSec)} commands/s answered 200 ${rateOk ? 'ok' : 'MISSED'}, ` +
    `p99 ${ms(r.latency.p99)} ms (target < ${TARGETS.commandsP99Ms} at ${TARGETS.commandsPerSec}/s) ${p99Ok ? 'ok' : 'MISSED'}, ` +
    `${r.errorCount} errors, ${r.unanswered} unanswered ${errorsOk ? 'ok' : 'MISSED'}`;
  if (r.offeredPerSec < TARGETS.commandsPerSec) return { met: undefined, text: `target is for ${TARGETS.commandsPerSec}/s; for comparison: ${text}`, bounds };
  return { met: rateOk && errorsOk && p99Ok, text, bounds };
}

function processTable(server: Server, cpu: CpuWindow, rssMb: Record<string, number>, rssLabel: string): string {
  const rows = [['process', 'pid', 'CPU % of one core', rssLabel]];
  for (const p of cpu.processes) rows.push([p.name, String(server.processes.find((x) => x.name === p.name)?.pid ?? ''), pct(p.pct), fmt(rssMb[p.name] ?? 0)]);
  rows.push(['load generator', String(process.pid), pct(cpu.generatorPct), fmt(process.memoryUsage.rss() / 1024 / 1024)]);
  if (server.usesPostgres) rows.push(['PostgreSQL (all postgres processes)', '', pct(cpu.postgresPct), '']);
  if (server.usesBroker) rows.push(['RabbitMQ (beam.smp)', '', pct(cpu.brokerPct), '']);
  rows.push(['other processes', '', pct(cpu.otherPct), '']);
  rows.push([`machine (${machine().cores} cores)`, '', `${pct(cpu.machinePct)} busy`, '']);
  return table(rows);
}

function loadLines(r: LoadModeResult, server: Server): string[] {
  const l = r.latency;
  const p = r.persisted;
  return [
    kvTable([
      ['stations charging', `${fmt(r.stationsCharging)} of ${fmt(r.stationsRequested)} (connected + booted in ${round(r.connectSeconds, 1)} s)`],
      ['offered MeterValues/s', `${fmt(r.offeredPerSec)} (${r.samplesPerMessage} sampled values each), window ${round(r.windowSeconds, 1)} s`],
      ['stored msg/s (acknowledged)', fmt(r.achievedPerSec)],
      ['stored sampled values/s', fmt(r.achievedPerSec * r.samplesPerMessage)],
      ['latency p50 / p95 / p99 / max ms', `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)} / ${ms(l.max)} (n=${fmt(l.count)})`],
      ['sends that went out late', fmt(r.lateSends)],
      ['timeouts / errors / closed / disconnects', `${r.timeouts} / ${r.errors} / ${r.closed} / ${r.disconnects}`],
      ['persisted sampled values', `${fmt(p.rows)}; expected ${fmt(p.expectedMin)}${p.expectedMax > p.expectedMin ? `..${fmt(p.expectedMax)}` : ''} -> ${p.ok ? 'ok' : 'MISMATCH'}`],
      ['generator event-loop delay p99', `${ms(r.generatorLoopDelay.p99)} ms`],
    ]),
    ...(r.errorSamples.length ? [`  e.g. ${r.errorSamples.join(' | ')}`] : []),
    '',
    '  During the measuring window:',
    processTable(server, r.cpu, r.rssMaxMb, 'RSS max MB'),
  ];
}

function idleLines(r: IdleModeResult, server: Server): string[] {
  const rows = [['process', 'stations held', 'RSS before MB', 'after connect', `after settle`, 'KB per station', '+MB per 10,000', 'RSS per 10,000 MB']];
  for (const p of r.processes) {
    rows.push([
      p.name, fmt(p.stations), fmt(p.rssBaselineMb), fmt(p.rssAfterConnectMb), fmt(p.rssAfterSettleMb),
      p.stations ? fmt(p.perStationKb, 1) : '-',
      p.stations ? fmt((p.perStationKb * 10_000) / 1024) : '-',
      p.rssPer10kMb === undefined ? '-' : `${fmt(p.rssPer10kMb)}${p.stations === 10_000 ? '' : ' (extrapolated)'}`,
    ]);
  }
  return [
    `  stations         ${fmt(r.stationsConnected)} of ${fmt(r.stationsRequested)} connected + booted in ${round(r.connectSeconds, 1)} s (${fmt(r.connectPerSec)}/s); ` +
      `the servers hold ${r.serverSeesConnected ?? '?'} sockets; ${r.disconnects} disconnects` + (r.stationProblems.length ? `; e.g. ${r.stationProblems.slice(0, 3).join(' | ')}` : ''),
    `  idle CPU         Voltlane processes ${round(r.serverIdleCpuPct, 1)}% of one core while the stations sat idle`,
    '',
    table(rows),
    '',
    '  While connecting:',
    processTable(server, r.cpu, Object.fromEntries(r.processes.map((p) => [p.name, p.rssMaxMb])), 'RSS max MB'),
  ];
}

function bootLines(r: BootStormResult, server: Server): string[] {
  const a = r.accepted;
  const s = r.stored;
  const f = r.failures;
  return [
    kvTable([
      ['stations', `${fmt(r.stationsRequested)}, ${r.registered ? 'registered through the API before' : 'unknown (auto-registered)'}, ${r.spreadSec ? `starting within ${r.spreadSec} s` : 'all at once'}`],
      ['Accepted', `${fmt(r.stationsAccepted)} of ${fmt(r.stationsRequested)}`],
      ['time to all Accepted', `${round(r.allAcceptedSec, 2)} s`],
      ['time to Accepted p50 / p99 / max', `${ms(a.p50)} / ${ms(a.p99)} / ${ms(a.max)} ms`],
      ['time to all stored (boots + statuses)', r.allStoredSec !== undefined ? `${round(r.allStoredSec, 2)} s` : s.checkedAfterStop ? 'n/a with PGlite (checked after stop)' : 'not reached'],
      ['stored boots / station statuses / connector statuses', `${fmt(s.booted)} / ${fmt(s.stationStatus)} / ${fmt(s.connectorStatus)} of ${fmt(s.expectedStations)} / ${fmt(s.expectedStations)} / ${fmt(s.expectedConnectors)} -> ${s.ok ? 'ok' : 'INCOMPLETE'}`],
      ['failures', `${f.total}: never Accepted ${f.neverAccepted} (connection failed ${f.connect}), boot retried ${f.bootRetries}, Pending/Rejected ${f.notAccepted}, dropped ${f.disconnects}`],
    ]),
    ...(r.stationProblems.length ? [`  e.g. ${r.stationProblems.slice(0, 3).join(' | ')}`] : []),
    '',
    '  During the storm:',
    processTable(server, r.cpu, r.rssMaxMb, 'RSS max MB'),
  ];
}

function commandsLines(r: CommandsResult, server: Server): string[] {
  const l = r.latency;
  return [
    kvTable([
      ['stations connected', `${fmt(r.stationsConnected)} of ${fmt(r.stationsRequested)}`],
      ['command', `POST /api/v1/stations/{id}/commands/${r.command}, round-robin, open loop`],
      ['offered commands/s', `${fmt(r.offeredPerSec)}, window ${round(r.windowSeconds, 1)} s (${fmt(r.sentInWindow)} sent)`],
      ['answered 200 /s', fmt(r.achievedPerSec)],
      ['latency p50 / p95 / p99 / max ms', `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)} / ${ms(l.max)} (n=${fmt(l.count)}, from the scheduled send time)`],
      ['errors / unanswered', `${r.errorCount} / ${r.unanswered}` + (r.errorCount ? ` (${Object.entries(r.errors).map(([k, v]) => `${v} x ${k}`).join(', ')})` : '')],
      ['200 answers / calls the stations got', `${fmt(r.okTotal)} / ${fmt(r.deliveredToStations)} (whole run) -> ${r.okTotal <= r.deliveredToStations ? 'ok' : 'MISMATCH'}`],
      ['generator send lag p99 / in flight max', `${ms(r.sendLag.p99)} ms / ${fmt(r.maxInFlight)}`],
    ]),
    '',
    '  During the measuring window:',
    processTable(server, r.cpu, r.rssMaxMb, 'RSS max MB'),
  ];
}

function commandLine(opts: BenchOptions): string {
  const parts = [`--mode ${opts.mode}`, `--target ${opts.target}`, `--db ${opts.db}`, `--stations ${opts.stations}`];
  if (opts.target === 'cluster') parts.push(`--gateways ${opts.gateways}`, `--workers ${opts.workers}`);
  if (opts.mode === 'load' || opts.mode === 'commands') parts.push(`--rate ${opts.rate}`, `--duration ${opts.durationSec}`);
  if (opts.mode === 'boot-storm' && opts.spreadSec) parts.push(`--spread ${opts.spreadSec}`);
  return parts.join(' ');
}

/** Prints the report and the RESULT line. */
export function printReport(opts: BenchOptions, server: Server, result: ModeResult, notes: string[]): void {
  const m = machine();
  let verdict: Verdict;
  let body: string[];
  switch (result.mode) {
    case 'load': verdict = loadVerdict(result, m); body = loadLines(result, server); break;
    case 'idle': verdict = idleVerdict(result, m); body = idleLines(result, server); break;
    case 'boot-storm': verdict = bootVerdict(result, m); body = bootLines(result, server); break;
    case 'commands': verdict = commandsVerdict(result, m); body = commandsLines(result, server); break;
  }
  const state = verdict.met === undefined ? 'n/a' : verdict.met ? 'MET' : 'MISSED';
  const lines = [
    '',
    `Voltlane benchmark: ${commandLine(opts)}`,
    `  machine          ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.platform}, node ${m.node}`,
    `  Voltlane         ${opts.target === 'cluster' ? server.processes.map((p) => p.name).join(', ') + ' (RabbitMQ, PostgreSQL)' : `one process (${opts.db})`}`,
    '',
    ...body,
    '',
    `  target           ${state}: ${verdict.text}`,
    `  bounded by       ${verdict.bounds.join('; ')}`,
    ...notes.map((n) => `  note             ${n.split('\n')[0]}`),
  ];
  console.log(lines.join('\n'));
  const json = {
    bench: result.mode,
    date: new Date().toISOString(),
    machine: m,
    options: { ...opts },
    processes: server.processes.map((p) => ({ name: p.name, role: p.role })),
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
