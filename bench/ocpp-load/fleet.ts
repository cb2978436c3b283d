/**
 * Connecting the simulated stations: quiet {@link SimStation}s (no heartbeat, no periodic meter
 * values, no reconnect) spread round-robin over the given OCPP URLs (one per gateway), started
 * with bounded concurrency or all at once, with progress and a count of what went wrong.
 */
import { SimStation } from '@voltlane/sim';
import { fmt, Latencies, sleep } from './stats.js';
import type { BenchOptions } from './args.js';
import type { Server } from './server.js';
import type { Session } from './session.js';

export interface ConnectOptions {
  /** OCPP base URLs; station i connects to urls[i % urls.length]. */
  urls: string[];
  stations: number;
  prefix: string;
  /** Stations connecting and booting at the same time (>= stations: all at once). */
  concurrency: number;
  /** Each station waits a random time in [0, spreadMs) before it starts (jitter as real chargers do). */
  spreadMs?: number;
  connectors: number;
  callTimeoutMs: number;
  /** Called about once a second with the number of stations accepted so far. */
  progress?: (accepted: number) => void;
  /** Stop starting stations (Ctrl-C). */
  aborted?: () => boolean;
}

export interface ConnectedFleet {
  /** Stations connected and Accepted. */
  ready: SimStation[];
  /** All stations, including those that failed to connect. */
  all: SimStation[];
  /** Time to connect and boot all of them, in s. */
  seconds: number;
  /** Time from the start of the fleet to each station's Accepted, ms. */
  acceptedAfter: Latencies;
  /** Stations whose connection failed (refused, closed during the handshake: start() rejected). */
  connectFailures: number;
  /** BootNotifications that failed (timeout, CALLERROR) and were retried by the station. */
  bootFailures: number;
  /** Stations whose BootNotification was answered Pending or Rejected at least once. */
  notAccepted: number;
  /** Sockets that closed after they had connected (counted from the start). */
  disconnects(): number;
  /** First problems the stations logged (socket errors, failed calls). */
  problems: string[];
  /** Number of problem lines logged in total. */
  problemCount(): number;
  stop(): Promise<void>;
}

/** Lines of the simulator's log that are worth reporting (the rest is the normal life of a station). */
const PROBLEM = /fail|error|closed|refused|timeout|cannot|not sent|rejected|pending/i;

/**
 * Connects `stations` simulated charge points and waits until each is Accepted or has given up.
 * @example const fleet = await connectFleet({ urls: server.wsUrls, stations: 1000, prefix: 'B', concurrency: 100, connectors: 2, callTimeoutMs: 10000 });
 */
export async function connectFleet(opts: ConnectOptions, onCreated?: (stop: () => Promise<void>) => void): Promise<ConnectedFleet> {
  if (!opts.urls.length) throw new Error('connectFleet: no OCPP URL');
  const problems: string[] = [];
  let problemCount = 0;
  let bootFailures = 0;
  let connectFailures = 0;
  let disconnects = 0;
  let accepted = 0;
  let stopped = false;
  const notAccepted = new Set<SimStation>();
  const acceptedAfter = new Latencies();
  const log = (msg: string) => {
    if (!PROBLEM.test(msg)) return;
    if (/BootNotification failed/.test(msg)) bootFailures++;
    problemCount++;
    if (problems.length < 10) problems.push(msg);
  };
  const stations = Array.from(
    { length: opts.stations },
    (_, i) =>
      new SimStation({
        url: opts.urls[i % opts.urls.length]!,
        id: `${opts.prefix}${i + 1}`,
        connectors: opts.connectors,
        heartbeat: false,
        meterValueIntervalSec: 0,
        reconnect: false,
        callTimeoutMs: opts.callTimeoutMs,
        log,
      }),
  );
  const stop = async () => {
    stopped = true;
    await Promise.all(stations.map((st) => st.stop()));
  };
  onCreated?.(stop);
  const t0 = performance.now();
  for (const st of stations) {
    st.on('registration', (status) => {
      if (status === 'Accepted') {
        accepted++;
        acceptedAfter.add(performance.now() - t0);
      } else notAccepted.add(st);
    });
    st.on('disconnected', () => disconnects++);
  }
  const ticker = opts.progress ? setInterval(() => opts.progress!(accepted), 1000) : undefined;
  const spreadMs = opts.spreadMs ?? 0;
  let next = 0;
  const worker = async () => {
    while (next < stations.length && !stopped && !opts.aborted?.()) {
      const st = stations[next++]!;
      if (spreadMs > 0) await sleep(Math.random() * spreadMs);
      await st.start().catch((e: Error) => {
        if (stopped) return;
        connectFailures++;
        log(`[${st.id}] connection failed: ${e.message}`);
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, stations.length)) }, worker));
  } finally {
    clearInterval(ticker);
  }
  const seconds = (performance.now() - t0) / 1000;
  const ready = stations.filter((st) => st.connected && st.registrationStatus === 'Accepted');
  return {
    ready,
    all: stations,
    seconds,
    acceptedAfter,
    connectFailures,
    bootFailures,
    notAccepted: notAccepted.size,
    disconnects: () => disconnects,
    problems,
    problemCount: () => problemCount,
    stop,
  };
}

/**
 * The bench modes' fleet: the stations of `opts` on the server's gateways, progress shown in the
 * session, stopped at cleanup, and a note when fewer than asked connected. `extra` overrides
 * options (the boot storm's concurrency and spread, a richer progress line).
 */
export async function connectBenchFleet(
  session: Session,
  server: Pick<Server, 'wsUrls'>,
  opts: BenchOptions,
  extra: Partial<ConnectOptions> = {},
): Promise<ConnectedFleet> {
  const fleet = await connectFleet(
    {
      urls: server.wsUrls,
      stations: opts.stations,
      prefix: opts.prefix,
      concurrency: opts.connectConcurrency,
      connectors: opts.connectors,
      callTimeoutMs: opts.timeoutSec * 1000,
      progress: (n) => session.status(`connecting: ${fmt(n)}/${fmt(opts.stations)} accepted`),
      aborted: session.aborted,
      ...extra,
    },
    (stop) => session.onCleanup(stop),
  );
  if (fleet.ready.length < opts.stations) {
    session.note(`only ${fleet.ready.length} of ${opts.stations} stations connected; first problems: ${fleet.problems.slice(0, 3).join(' | ')}`);
  }
  return fleet;
}
