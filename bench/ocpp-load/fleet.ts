/**
 * Connecting the simulated stations: a {@link createFleet} of quiet stations (no heartbeat, no
 * periodic meter values, no reconnect) started with bounded concurrency, with progress and a
 * count of what went wrong.
 */
import { createFleet, type SimStation } from '@voltlane/sim';

export interface ConnectOptions {
  url: string;
  stations: number;
  prefix: string;
  concurrency: number;
  connectors: number;
  callTimeoutMs: number;
  /** Called about once a second with the number of stations accepted so far. */
  progress?: (accepted: number) => void;
}

export interface ConnectedFleet {
  /** Stations connected and Accepted. */
  ready: SimStation[];
  /** All stations, including those that failed to connect. */
  all: SimStation[];
  /** Time to connect and boot all of them, in s. */
  seconds: number;
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
 * @example const fleet = await connectFleet({ url: server.wsUrl, stations: 1000, prefix: 'B', concurrency: 100, connectors: 2, callTimeoutMs: 10000 });
 */
export async function connectFleet(opts: ConnectOptions, onCreated?: (stop: () => Promise<void>) => void): Promise<ConnectedFleet> {
  const problems: string[] = [];
  let problemCount = 0;
  let disconnects = 0;
  let accepted = 0;
  const fleet = createFleet({
    url: opts.url,
    stations: opts.stations,
    prefix: opts.prefix,
    startConcurrency: opts.concurrency,
    connectors: opts.connectors,
    heartbeat: false,
    meterValueIntervalSec: 0,
    reconnect: false,
    callTimeoutMs: opts.callTimeoutMs,
    log: (msg) => {
      if (!PROBLEM.test(msg)) return;
      problemCount++;
      if (problems.length < 10) problems.push(msg);
    },
  });
  onCreated?.(() => fleet.stop());
  for (const st of fleet.stations) {
    st.on('registration', (status) => {
      if (status === 'Accepted') accepted++;
    });
    st.on('disconnected', () => disconnects++);
  }
  const t0 = performance.now();
  const ticker = opts.progress ? setInterval(() => opts.progress!(accepted), 1000) : undefined;
  try {
    await fleet.start();
  } finally {
    clearInterval(ticker);
  }
  const seconds = (performance.now() - t0) / 1000;
  const ready = fleet.stations.filter((st) => st.connected && st.registrationStatus === 'Accepted');
  return {
    ready,
    all: fleet.stations,
    seconds,
    disconnects: () => disconnects,
    problems,
    problemCount: () => problemCount,
    stop: () => fleet.stop(),
  };
}
