/**
 * `--mode load`: id tokens, stations, one transaction per station, then MeterValues at the
 * offered rate; afterwards the stored rows are counted against the acknowledged messages.
 */
import type { BenchOptions } from './args.js';
import { connectBenchFleet } from './fleet.js';
import { runLoad, SAMPLES_PER_MESSAGE, type LoadResult, type LoadStation } from './load.js';
import { CpuProbe, RssSampler } from './proc.js';
import { apiPost, type Server } from './server.js';
import { eachLimited, fmt, sleep } from './stats.js';
import type { Session } from './session.js';

export interface LoadModeResult extends LoadResult {
  mode: 'load';
  stationsRequested: number;
  stationsCharging: number;
  connectSeconds: number;
  offeredPerSec: number;
  samplesPerMessage: number;
  disconnects: number;
  stationProblems: string[];
  persisted: {
    rows: number;
    /** Rows the acknowledged messages must have produced. */
    expectedMin: number;
    /** ... plus rows of messages that timed out (they may have been stored after all). */
    expectedMax: number;
    ok: boolean;
  };
  /** RSS of each Voltlane process after the run, MB. */
  rssEndMb: Record<string, number>;
}

/** Id tokens of the stations: one per station, as one token cannot charge twice at once (ConcurrentTx). */
function tagOf(i: number): string {
  return `BT${i + 1}`;
}

/**
 * Runs the load mode against a started server.
 * @example const result = await runLoadMode(opts, server, session);
 */
export async function runLoadMode(opts: BenchOptions, server: Server, session: Session): Promise<LoadModeResult> {
  const rss = new RssSampler(server.processes);
  session.onCleanup(() => rss.stop());

  session.status(`creating ${fmt(opts.stations)} id tokens`);
  await eachLimited(
    Array.from({ length: opts.stations }, (_, i) => i),
    32,
    (i) => apiPost(server, '/id-tokens', { idToken: tagOf(i), status: 'Accepted' }),
    session.aborted,
  );

  session.status(`connecting ${fmt(opts.stations)} stations`);
  const fleet = await connectBenchFleet(session, server, opts);

  session.status('starting one transaction per station');
  const charging: LoadStation[] = [];
  const index = new Map(fleet.all.map((st, i) => [st, i]));
  await eachLimited(
    fleet.ready,
    opts.connectConcurrency,
    async (st) => {
      const r = await st.startTransaction(1, tagOf(index.get(st)!));
      if (r.status === 'Accepted' && r.transactionId !== undefined && r.transactionId > 0) {
        const now = Date.now();
        const energyWh = st.snapshot().connectors[0]?.energyWh ?? 0;
        charging.push({ st, transactionId: r.transactionId, connectorId: 1, energyWh, lastTs: now, lastAt: now });
      }
    },
    session.aborted,
  );
  if (charging.length < fleet.ready.length) session.note(`only ${charging.length} of ${fleet.ready.length} transactions started`);
  if (charging.length === 0) throw new Error('No transaction could be started; see the server log with --log-level info');
  // Let the StatusNotifications (Charging) that follow each start go out before the load.
  await sleep(1000);

  const rowsBefore = server.usesPostgres ? await server.countMeterValues() : 0;
  const load = await runLoad(charging, {
    rate: opts.rate,
    warmupMs: opts.warmupSec * 1000,
    durationMs: opts.durationSec * 1000,
    jitter: opts.jitter,
    cpu: new CpuProbe(server.processes, { postgres: server.usesPostgres, broker: server.usesBroker }),
    serverRss: rss,
    aborted: session.aborted,
    progress: (phase, acked) => session.status(`${phase}: ${fmt(acked)} MeterValues acknowledged in the window`),
  });
  const disconnects = fleet.disconnects();
  const rssEndMb = rss.sample();
  const gone = server.exited();
  if (gone) session.note(`exited during the run: ${gone}; the log:\n${server.logTail()}`);

  session.status('counting stored meter values');
  await fleet.stop();
  let rows: number;
  if (server.usesPostgres) {
    rows = (await server.countMeterValues()) - rowsBefore;
  } else {
    // PGlite allows one process per data folder: stop the server (it flushes and closes), then open it here.
    await server.stop();
    rows = await server.countMeterValues();
  }
  const expectedMin = load.ackedTotal * SAMPLES_PER_MESSAGE;
  const expectedMax = (load.ackedTotal + load.unansweredTotal) * SAMPLES_PER_MESSAGE;
  return {
    mode: 'load',
    ...load,
    stationsRequested: opts.stations,
    stationsCharging: charging.length,
    connectSeconds: fleet.seconds,
    offeredPerSec: opts.rate,
    samplesPerMessage: SAMPLES_PER_MESSAGE,
    disconnects,
    stationProblems: fleet.problems,
    persisted: { rows, expectedMin, expectedMax, ok: rows >= expectedMin && rows <= expectedMax },
    rssEndMb,
  };
}
