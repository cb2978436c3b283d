/**
 * `--mode idle`: stations connect, boot and sit idle (no heartbeat); the server's RSS is read
 * before, right after all are connected, and after a settle time.
 */
import type { BenchOptions } from './args.js';
import { connectFleet } from './fleet.js';
import { cpuSince, markCpu, RssSampler, type CpuWindow } from './proc.js';
import { connectedStations, type Server } from './server.js';
import { fmt, sleep } from './stats.js';
import type { Session } from './session.js';

export interface IdleModeResult {
  mode: 'idle';
  stationsRequested: number;
  /** Connected and Accepted, as the simulator sees it. */
  stationsConnected: number;
  /** Sockets the server holds (GET /health) after the settle time. */
  serverSeesConnected: number | undefined;
  connectSeconds: number;
  /** Stations connected and booted per second. */
  connectPerSec: number;
  rssBaselineMb: number;
  rssAfterConnectMb: number;
  rssAfterSettleMb: number;
  rssMaxMb: number;
  /** RSS of 10,000 idle stations: measured when 10,000 connected, else baseline + the per-station cost x 10,000. */
  rssPer10kMb: number;
  /** (RSS after settle - baseline) per station, in KB. */
  perStationKb: number;
  /** CPU while connecting. */
  cpu: CpuWindow;
  /** CPU of the server while idle during the settle time (% of one core). */
  serverIdleCpuPct: number;
  disconnects: number;
  stationProblems: string[];
  generatorRssMb: number;
}

/**
 * Runs the idle mode against a started server.
 * @example const result = await runIdleMode(opts, server, session);
 */
export async function runIdleMode(opts: BenchOptions, server: Server, session: Session): Promise<IdleModeResult> {
  const rss = new RssSampler(server.pid);
  session.onCleanup(() => rss.stop());
  // Baseline: the server started, migrated and answered /health; let start-up garbage go first.
  session.status(`baseline: waiting ${opts.settleSec} s`);
  await sleep(Math.max(2, opts.settleSec) * 1000);
  const rssBaselineMb = rss.sample();
  rss.reset();

  const mark = markCpu(server.pid, opts.db === 'postgres');
  const fleet = await connectFleet(
    {
      url: server.wsUrl,
      stations: opts.stations,
      prefix: opts.prefix,
      concurrency: opts.connectConcurrency,
      connectors: opts.connectors,
      callTimeoutMs: opts.timeoutSec * 1000,
      progress: (n) => session.status(`connecting: ${fmt(n)}/${fmt(opts.stations)} accepted, server RSS ${fmt(rss.lastMb)} MB`),
    },
    (stop) => session.onCleanup(stop),
  );
  const cpu = cpuSince(mark, server.pid, opts.db === 'postgres');
  // StatusNotifications of the last stations may still be on their way.
  await sleep(500);
  const rssAfterConnectMb = rss.sample();
  if (fleet.ready.length < opts.stations) {
    session.note(`only ${fleet.ready.length} of ${opts.stations} stations connected; first problems: ${fleet.problems.slice(0, 3).join(' | ')}`);
  }

  session.status(`settling ${opts.settleSec} s`);
  const idleMark = markCpu(server.pid, false);
  await sleep(opts.settleSec * 1000);
  const idleCpu = cpuSince(idleMark, server.pid, false);
  const rssAfterSettleMb = rss.sample();
  const serverSeesConnected = await connectedStations(server);
  const disconnects = fleet.disconnects();
  const generatorRssMb = process.memoryUsage.rss() / 1024 / 1024;
  if (server.exited()) session.note(`the server exited during the run (${server.exitStatus()}); its log:\n${server.logTail()}`);
  session.status('disconnecting the stations');
  await fleet.stop();
  const n = Math.max(1, fleet.ready.length);
  return {
    mode: 'idle',
    stationsRequested: opts.stations,
    stationsConnected: fleet.ready.length,
    serverSeesConnected,
    connectSeconds: fleet.seconds,
    connectPerSec: fleet.ready.length / fleet.seconds,
    rssBaselineMb,
    rssAfterConnectMb,
    rssAfterSettleMb,
    rssMaxMb: rss.maxMb,
    // Measured at 10,000; otherwise baseline + the per-station cost (never negative: GC noise) x 10,000.
    rssPer10kMb: n === 10_000 ? rssAfterSettleMb : rssBaselineMb + (Math.max(0, rssAfterSettleMb - rssBaselineMb) * 10_000) / n,
    perStationKb: ((rssAfterSettleMb - rssBaselineMb) * 1024) / n,
    cpu,
    serverIdleCpuPct: idleCpu.serverPct,
    disconnects,
    stationProblems: fleet.problems,
    generatorRssMb,
  };
}
