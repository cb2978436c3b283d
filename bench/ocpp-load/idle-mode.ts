/**
 * `--mode idle`: stations connect, boot and sit idle (no heartbeat); the RSS of every Voltlane
 * process is read before, right after all are connected, and after a settle time. The figure of
 * interest is the RSS of a process that holds the sockets (the all-in-one server, or each gateway)
 * per 10,000 stations.
 */
import type { BenchOptions } from './args.js';
import { connectBenchFleet } from './fleet.js';
import { CpuProbe, RssSampler, type CpuWindow, type Watched } from './proc.js';
import { connectedStations, type Server } from './server.js';
import { fmt, sleep } from './stats.js';
import type { Session } from './session.js';

/** Memory of one Voltlane process in the idle run. */
export interface IdleProcess {
  name: string;
  role: Watched['role'];
  /** Stations whose socket this process holds (0 for workers and the API node). */
  stations: number;
  rssBaselineMb: number;
  rssAfterConnectMb: number;
  rssAfterSettleMb: number;
  rssMaxMb: number;
  /** (RSS after settle - baseline) per held station, KB (0 when it holds none). */
  perStationKb: number;
  /** RSS holding 10,000 stations: measured when it held 10,000, else baseline + per-station cost x 10,000 (undefined when it holds none). */
  rssPer10kMb: number | undefined;
}

export interface IdleModeResult {
  mode: 'idle';
  stationsRequested: number;
  /** Connected and Accepted, as the simulator sees it. */
  stationsConnected: number;
  /** Sockets the server / gateways hold (GET /health) after the settle time. */
  serverSeesConnected: number | undefined;
  connectSeconds: number;
  /** Stations connected and booted per second. */
  connectPerSec: number;
  processes: IdleProcess[];
  /** The highest 10,000-station figure of the processes that hold sockets. */
  rssPer10kMb: number;
  /** CPU while connecting. */
  cpu: CpuWindow;
  /** CPU of the Voltlane processes while idle during the settle time (% of one core, all together). */
  serverIdleCpuPct: number;
  disconnects: number;
  stationProblems: string[];
  generatorRssMb: number;
}

/**
 * Runs the idle mode against started Voltlane processes.
 * @example const result = await runIdleMode(opts, server, session);
 */
export async function runIdleMode(opts: BenchOptions, server: Server, session: Session): Promise<IdleModeResult> {
  const rss = new RssSampler(server.processes);
  session.onCleanup(() => rss.stop());
  const probe = new CpuProbe(server.processes, { postgres: server.usesPostgres, broker: server.usesBroker });
  // Baseline: the processes started, migrated and answered /health; let start-up garbage go first.
  session.status(`baseline: waiting ${opts.settleSec} s`);
  await sleep(Math.max(2, opts.settleSec) * 1000);
  const baseline = rss.sample();
  rss.reset();

  const mark = probe.mark();
  const fleet = await connectBenchFleet(session, server, opts, { progress: (n) => session.status(`connecting: ${fmt(n)}/${fmt(opts.stations)} accepted, Voltlane RSS ${fmt(rss.total())} MB`) });
  const cpu = probe.since(mark);
  // StatusNotifications of the last stations may still be on their way.
  await sleep(500);
  const afterConnect = rss.sample();

  session.status(`settling ${opts.settleSec} s`);
  const idleMark = probe.mark();
  await sleep(opts.settleSec * 1000);
  const idleCpu = probe.since(idleMark);
  const afterSettle = rss.sample();
  const serverSeesConnected = await connectedStations(server);
  const disconnects = fleet.disconnects();
  const generatorRssMb = process.memoryUsage.rss() / 1024 / 1024;
  const gone = server.exited();
  if (gone) session.note(`exited during the run: ${gone}; the log:\n${server.logTail()}`);
  // Which process holds which socket: stations go round-robin over the OCPP URLs, in process order.
  const holders = server.processes.filter((p) => p.role === 'server' || p.role === 'gateway');
  const held = new Map<string, number>();
  const ready = new Set(fleet.ready);
  fleet.all.forEach((st, i) => {
    if (!ready.has(st)) return;
    const holder = holders[i % holders.length]!;
    held.set(holder.name, (held.get(holder.name) ?? 0) + 1);
  });
  session.status('disconnecting the stations');
  await fleet.stop();

  const processes: IdleProcess[] = server.processes.map((p) => {
    const base = baseline[p.name] ?? 0;
    const settled = afterSettle[p.name] ?? 0;
    const n = held.get(p.name) ?? 0;
    const perStationKb = n ? ((settled - base) * 1024) / n : 0;
    // Measured at 10,000; otherwise baseline + the per-station cost (never negative: GC noise) x 10,000.
    const rssPer10kMb = n === 0 ? undefined : n === 10_000 ? settled : base + (Math.max(0, settled - base) * 10_000) / n;
    return {
      name: p.name,
      role: p.role,
      stations: n,
      rssBaselineMb: base,
      rssAfterConnectMb: afterConnect[p.name] ?? 0,
      rssAfterSettleMb: settled,
      rssMaxMb: rss.maxMb[p.name] ?? 0,
      perStationKb,
      rssPer10kMb,
    };
  });
  return {
    mode: 'idle',
    stationsRequested: opts.stations,
    stationsConnected: fleet.ready.length,
    serverSeesConnected,
    connectSeconds: fleet.seconds,
    connectPerSec: fleet.ready.length / fleet.seconds,
    processes,
    rssPer10kMb: Math.max(0, ...processes.map((p) => p.rssPer10kMb ?? 0)),
    cpu,
    serverIdleCpuPct: idleCpu.serverPct,
    disconnects,
    stationProblems: fleet.problems,
    generatorRssMb,
  };
}
