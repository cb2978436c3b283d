/**
 * OCPP benchmarks (not tests: they print figures).
 *
 *   npm run bench:ocpp-load -- [--mode load|idle|boot-storm|commands] [--target all-in-one|cluster] [--db pglite|postgres] ...
 *
 * Starts Voltlane as child processes (the all-in-one server, or the cluster example: api,
 * gateways, workers on RabbitMQ) on free loopback ports with a fresh database, drives it with
 * simulated OCPP 1.6 stations (@voltlane/sim) and an HTTP client, and reports throughput,
 * latency, CPU and memory per process, whether the targets are met and what bounds the figures.
 * See --help and docs/benchmarks.md.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions, USAGE, type BenchOptions } from './args.js';
import { runBootStorm } from './boot-storm.js';
import { startCluster } from './cluster.js';
import { runCommands } from './commands-mode.js';
import { runIdleMode } from './idle-mode.js';
import { runLoadMode } from './load-mode.js';
import { machineCpuSeconds, openFilesLimit } from './proc.js';
import { printReport, type ModeResult } from './report.js';
import { startServer, type Server, type ServerOptions } from './server.js';
import { createSession } from './session.js';
import { sleep } from './stats.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Sockets need file descriptors: one per station here, one per station in the server. */
function checkFileLimit(opts: BenchOptions): void {
  const limit = openFilesLimit();
  const needed = opts.stations + 256;
  if (limit !== undefined && limit < needed) {
    throw new Error(
      `The open-file limit is ${limit}, but ${opts.stations} stations need about ${needed} descriptors ` +
        `(in this process and in the server). Raise it in this shell with \`ulimit -n ${Math.max(65536, needed)}\` ` +
        `(or ask for a higher hard limit in /etc/security/limits.conf) and run again.`,
    );
  }
}

async function main(argv: string[]): Promise<number> {
  let opts: BenchOptions;
  try {
    const parsed = parseOptions(argv);
    if (parsed === 'help') {
      console.log(USAGE);
      return 0;
    }
    opts = parsed;
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  checkFileLimit(opts);
  if (process.platform !== 'linux') throw new Error('This benchmark reads /proc for CPU and memory: run it on Linux.');

  const session = createSession();
  const before = machineCpuSeconds();
  await sleep(1000);
  const after = machineCpuSeconds();
  const busyPct = ((after.busy - before.busy) / (after.total - before.total)) * 100;
  if (busyPct > 15) {
    session.note(`the machine was already ${Math.round(busyPct)}% busy before the run (other processes): figures will be disturbed`);
  }
  try {
    const serverOpts: ServerOptions = {
      root: ROOT,
      db: opts.db,
      databaseUrl: opts.databaseUrl,
      pgDatabase: opts.pgDatabase,
      logLevel: opts.logLevel,
      cpuProfDir: opts.cpuProf ? resolve(opts.cpuProf) : undefined,
      logFile: opts.serverLog ? resolve(opts.serverLog) : undefined,
      inspectorFrames: opts.inspectorFrames,
    };
    let server: Server;
    if (opts.target === 'cluster') {
      session.status(`starting the cluster: api, ${opts.gateways} gateways, ${opts.workers} workers (RabbitMQ ${new URL(opts.amqpUrl).host}, PostgreSQL)`);
      server = await startCluster({ ...serverOpts, amqpUrl: opts.amqpUrl, gateways: opts.gateways, workers: opts.workers });
    } else {
      session.status(`starting the server (${opts.db})`);
      server = await startServer(serverOpts);
    }
    session.onCleanup(() => server.cleanup());
    session.onExit(() => server.killSync());
    const runners: Record<typeof opts.mode, () => Promise<ModeResult>> = {
      load: () => runLoadMode(opts, server, session),
      idle: () => runIdleMode(opts, server, session),
      'boot-storm': () => runBootStorm(opts, server, session),
      commands: () => runCommands(opts, server, session),
    };
    const result = await runners[opts.mode]();
    if (session.aborted()) return 130;
    session.status('stopping Voltlane');
    await session.cleanup();
    printReport(opts, server, result, session.notes);
    if (opts.cpuProf) console.log(`CPU profiles written to ${resolve(opts.cpuProf)}`);
    if (opts.serverLog) console.log(`Log kept in ${resolve(opts.serverLog)}`);
    return 0;
  } finally {
    await session.cleanup();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`\nbench failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
