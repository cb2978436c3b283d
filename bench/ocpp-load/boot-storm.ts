/**
 * `--mode boot-storm`: the stations (registered through the API first, as an operator would)
 * all connect and send BootNotification at the same moment (or within `--spread` s), as after a
 * power cut or a CSMS restart. Measured: the time until every station is Accepted (the server
 * stores the boot before it answers), and the time until the database holds every boot and every
 * StatusNotification that follows it (polled from PostgreSQL during the storm; with PGlite,
 * checked once after the server stopped). Failures: connections refused or dropped, boots that
 * timed out or failed (the station retries them), boots answered other than Accepted.
 */
import pg from 'pg';
import type { BenchOptions } from './args.js';
import { connectFleet } from './fleet.js';
import { CpuProbe, RssSampler, type CpuWindow } from './proc.js';
import { apiPost, type Server } from './server.js';
import { eachLimited, fmt, sleep, type LatencySummary } from './stats.js';
import type { Session } from './session.js';

/** What the database holds of the storm. */
export interface StoredCounts {
  /** Stations Accepted with a boot recorded. */
  booted: number;
  /** Stations with a whole-station (connector 0) status. */
  stationStatus: number;
  /** Connector rows with a status. */
  connectorStatus: number;
}

export interface BootStormResult {
  mode: 'boot-storm';
  stationsRequested: number;
  /** Stations connected and Accepted at the end, as the simulator sees it. */
  stationsAccepted: number;
  registered: boolean;
  spreadSec: number;
  /** Time from the start of the storm until the last station was Accepted, s. */
  allAcceptedSec: number;
  /** Time-to-Accepted of the stations, ms from the start of the storm. */
  accepted: LatencySummary;
  /** Time until the database held every boot and status, s (undefined: not reached, or PGlite). */
  allStoredSec: number | undefined;
  stored: StoredCounts & { expectedStations: number; expectedConnectors: number; ok: boolean; checkedAfterStop: boolean };
  failures: { connect: number; bootRetries: number; notAccepted: number; neverAccepted: number; disconnects: number; total: number };
  stationProblems: string[];
  cpu: CpuWindow;
  rssMaxMb: Record<string, number>;
}

function storedSql(): string {
  return `select
    (select count(*) from stations where left(id, length($1)) = $1 and registration_status = 'Accepted' and last_boot_at is not null)::int as booted,
    (select count(*) from stations where left(id, length($1)) = $1 and status_at is not null)::int as station_status,
    (select count(*) from connectors where left(station_id, length($1)) = $1 and evse_id > 0 and status_at is not null)::int as connector_status`;
}

function toCounts(r: Record<string, unknown> | undefined): StoredCounts {
  return { booted: Number(r?.booted ?? 0), stationStatus: Number(r?.station_status ?? 0), connectorStatus: Number(r?.connector_status ?? 0) };
}

/**
 * Polls PostgreSQL until the storm is stored completely; resolves with the time it was first seen
 * complete (ms since `t0`), or undefined when stopped before.
 */
function pollStored(url: string, prefix: string, complete: (c: StoredCounts) => boolean, t0: number): { done: Promise<number | undefined>; last: () => StoredCounts; stop: () => void } {
  let stopped = false;
  let last: StoredCounts = { booted: 0, stationStatus: 0, connectorStatus: 0 };
  const done = (async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      while (!stopped) {
        last = toCounts((await client.query(storedSql(), [prefix])).rows[0]);
        if (complete(last)) return performance.now() - t0;
        await sleep(200);
      }
      return undefined;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return { done, last: () => last, stop: () => void (stopped = true) };
}

/**
 * Runs the boot storm against started Voltlane processes.
 * @example const result = await runBootStorm(opts, server, session);
 */
export async function runBootStorm(opts: BenchOptions, server: Server, session: Session): Promise<BootStormResult> {
  const rss = new RssSampler(server.processes);
  session.onCleanup(() => rss.stop());
  const probe = new CpuProbe(server.processes, { postgres: server.usesPostgres, broker: server.usesBroker });
  const ids = Array.from({ length: opts.stations }, (_, i) => `${opts.prefix}${i + 1}`);
  if (opts.register) {
    session.status(`registering ${fmt(opts.stations)} stations through the API`);
    let n = 0;
    await eachLimited(ids, 32, async (id) => {
      await apiPost(server, '/stations', { id });
      if (++n % 500 === 0) session.status(`registering: ${fmt(n)}/${fmt(opts.stations)}`);
    }, session.aborted);
  }
  await sleep(1000);
  rss.reset();

  const expectedConnectors = opts.stations * opts.connectors;
  const complete = (c: StoredCounts) => c.booted >= opts.stations && c.stationStatus >= opts.stations && c.connectorStatus >= expectedConnectors;
  const t0 = performance.now();
  const mark = probe.mark();
  const poll = server.usesPostgres ? pollStored(server.database, opts.prefix, complete, t0) : undefined;
  session.onCleanup(() => poll?.stop());
  const fleet = await connectFleet(
    {
      urls: server.wsUrls,
      stations: opts.stations,
      prefix: opts.prefix,
      concurrency: opts.stations,
      spreadMs: opts.spreadSec * 1000,
      connectors: opts.connectors,
      callTimeoutMs: opts.timeoutSec * 1000,
      progress: (n) => session.status(`storm: ${fmt(n)}/${fmt(opts.stations)} accepted after ${((performance.now() - t0) / 1000).toFixed(0)} s` + (poll ? `, ${fmt(poll.last().booted)} boots stored` : '')),
      aborted: session.aborted,
    },
    (stop) => session.onCleanup(stop),
  );
  let allStoredMs: number | undefined;
  if (poll) {
    // The statuses follow the boots: give them the station call timeout to arrive.
    const deadline = sleep(opts.timeoutSec * 1000).then(() => undefined);
    session.status('waiting until every boot and status is stored');
    allStoredMs = await Promise.race([poll.done, deadline]);
    poll.stop();
  } else {
    await sleep(2000);
  }
  const cpu = probe.since(mark);
  rss.sample();
  const rssMaxMb = { ...rss.maxMb };
  const disconnects = fleet.disconnects();
  const gone = server.exited();
  if (gone) session.note(`exited during the run: ${gone}; the log:\n${server.logTail()}`);
  const stationsAccepted = fleet.ready.length;
  session.status('disconnecting the stations');
  await fleet.stop();

  let counts: StoredCounts;
  let checkedAfterStop = false;
  if (poll) {
    counts = toCounts((await server.query(storedSql(), [opts.prefix]))[0]);
  } else {
    // PGlite allows one process per data folder: stop the server, then open it here.
    await server.stop();
    counts = toCounts((await server.query(storedSql(), [opts.prefix]))[0]);
    checkedAfterStop = true;
  }
  const a = fleet.acceptedAfter.summary();
  const neverAccepted = opts.stations - stationsAccepted;
  const failures = {
    connect: fleet.connectFailures,
    bootRetries: fleet.bootFailures,
    notAccepted: fleet.notAccepted,
    neverAccepted,
    disconnects,
    // Stations that never got in (connect failures among them) plus every retried or refused boot and dropped socket.
    total: neverAccepted + fleet.bootFailures + fleet.notAccepted + disconnects,
  };
  return {
    mode: 'boot-storm',
    stationsRequested: opts.stations,
    stationsAccepted,
    registered: opts.register,
    spreadSec: opts.spreadSec,
    allAcceptedSec: a.count ? a.max / 1000 : 0,
    accepted: a,
    allStoredSec: allStoredMs === undefined ? undefined : allStoredMs / 1000,
    stored: { ...counts, expectedStations: opts.stations, expectedConnectors, ok: complete(counts), checkedAfterStop },
    failures,
    stationProblems: fleet.problems,
    cpu,
    rssMaxMb,
  };
}
