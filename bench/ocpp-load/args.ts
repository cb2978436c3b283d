/** Command-line options of the OCPP load benchmark. */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  mode: 'load' | 'idle';
  db: 'pglite' | 'postgres';
  databaseUrl: string;
  pgDatabase: string;
  stations: number;
  rate: number;
  durationSec: number;
  warmupSec: number;
  settleSec: number;
  connectConcurrency: number;
  connectors: number;
  timeoutSec: number;
  jitter: number;
  logLevel: string;
  cpuProf: string | undefined;
  serverLog: string | undefined;
  inspectorFrames: number;
  prefix: string;
}

export const USAGE = `Usage: npm run bench:ocpp-load -- [options]

Starts a Voltlane server (child process, free loopback port, fresh database), connects simulated
OCPP 1.6 stations and prints figures (human-readable, then one "RESULT {...}" JSON line).

  --mode load|idle          load: MeterValues at --rate over --duration s (default)
                            idle: connect and boot --stations, measure server RSS
  --db pglite|postgres      database of the server (default pglite: fresh temporary folder)
  --database-url URL        PostgreSQL to create the bench database on
                            (default postgres://postgres@127.0.0.1:5432/test)
  --pg-database NAME        database dropped and created for the run (default voltlane_bench)
  --stations N              stations (default 1000 for load, 10000 for idle)
  --rate N                  offered MeterValues per second, all stations together (default 10000)
  --duration S              measuring window in s (default 20)
  --warmup S                warm-up before the window in s (default 3)
  --settle S                idle: wait before the second RSS reading (default 5)
  --connect-concurrency N   stations connecting and booting at once (default 100; idle 200)
  --connectors N            connectors per station (default 2)
  --timeout S               call timeout of the stations in s (default 10)
  --jitter F                relative jitter of the send interval (default 0.1)
  --log-level LEVEL         server log level (default warn)
  --server-log FILE         keep the server's log in FILE (default: temporary, deleted)
  --cpu-prof DIR            write a V8 CPU profile of the server into DIR (node --cpu-prof)
  --inspector-frames N      VOLTLANE_INSPECTOR_FRAMES of the server (default 500, the server default)
  --prefix P                station id prefix (default BENCH)
  -h, --help`;

function num(v: string | undefined, name: string, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, got "${v}"`);
  return n;
}

/**
 * Parses the options (throws with a message naming the bad option).
 * @example parseOptions(['--mode', 'idle', '--stations', '5000']).stations // -> 5000
 */
export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: 'string' },
      db: { type: 'string' },
      'database-url': { type: 'string' },
      'pg-database': { type: 'string' },
      stations: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      settle: { type: 'string' },
      'connect-concurrency': { type: 'string' },
      connectors: { type: 'string' },
      timeout: { type: 'string' },
      jitter: { type: 'string' },
      'log-level': { type: 'string' },
      'server-log': { type: 'string' },
      'cpu-prof': { type: 'string' },
      'inspector-frames': { type: 'string' },
      prefix: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const mode = values.mode ?? 'load';
  if (mode !== 'load' && mode !== 'idle') throw new Error(`--mode must be load or idle, got "${mode}"`);
  const db = values.db ?? 'pglite';
  if (db !== 'pglite' && db !== 'postgres') throw new Error(`--db must be pglite or postgres, got "${db}"`);
  return {
    mode,
    db,
    databaseUrl: values['database-url'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    pgDatabase: values['pg-database'] ?? 'voltlane_bench',
    stations: Math.floor(num(values.stations, 'stations', mode === 'idle' ? 10_000 : 1000, 1)),
    rate: num(values.rate, 'rate', 10_000, 0.001),
    durationSec: num(values.duration, 'duration', 20, 1),
    warmupSec: num(values.warmup, 'warmup', 3, 0),
    settleSec: num(values.settle, 'settle', 5, 0),
    connectConcurrency: Math.floor(num(values['connect-concurrency'], 'connect-concurrency', mode === 'idle' ? 200 : 100, 1)),
    connectors: Math.floor(num(values.connectors, 'connectors', 2, 1)),
    timeoutSec: num(values.timeout, 'timeout', 10, 1),
    jitter: Math.min(0.9, num(values.jitter, 'jitter', 0.1, 0)),
    logLevel: values['log-level'] ?? 'warn',
    cpuProf: values['cpu-prof'],
    serverLog: values['server-log'],
    inspectorFrames: Math.floor(num(values['inspector-frames'], 'inspector-frames', 500, 0)),
    prefix: values.prefix ?? 'BENCH',
  };
}
