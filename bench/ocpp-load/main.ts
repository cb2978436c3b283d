/**
 * OCPP load benchmark (not a test: it prints figures).
 *
 *   npm run bench:ocpp-load -- [--mode load|idle] [--db pglite|postgres] [--stations N] [--rate N] [--duration S]
 *
 * Starts the Voltlane server as a child process on a free loopback port with a fresh database,
 * drives it with simulated OCPP 1.6 stations (@voltlane/sim) and reports throughput, latency,
 * CPU and memory, whether the targets are met and what bounds the figures. See --help and
 * docs/benchmarks.md.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions, USAGE, type BenchOptions } from './args.js';
import { runIdleMode } from './idle-mode.js';
import { runLoadMode } from './load-mode.js';
import { machineCpuSeconds, openFilesLimit } from './proc.js';
import { printReport } from './report.js';
import { startServer } from './server.js';
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
    session.status(`starting the server (${opts.db})`);
    const server = await startServer({
      root: ROOT,
      db: opts.db,
      databaseUrl: opts.databaseUrl,
      pgDatabase: opts.pgDatabase,
      logLevel: opts.logLevel,
      cpuProfDir: opts.cpuProf ? resolve(opts.cpuProf) : undefined,
      logFile: opts.serverLog ? resolve(opts.serverLog) : undefined,
      inspectorFrames: opts.inspectorFrames,
    });
    session.onCleanup(() => server.cleanup());
    session.onExit(() => server.killSync());
    const result = opts.mode === 'load' ? await runLoadMode(opts, server, session) : await runIdleMode(opts, server, session);
    if (session.aborted()) return 130;
    session.status('stopping the server');
    await session.cleanup();
    printReport(opts, result, session.notes);
    if (opts.cpuProf) console.log(`Server CPU profile written to ${resolve(opts.cpuProf)}`);
    if (opts.serverLog) console.log(`Server log kept in ${resolve(opts.serverLog)}`);
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
