/** Command-line options of the OCPP benchmarks (load, idle, boot storm, API commands). */
import { parseArgs } from 'node:util';

export const MODES = ['load', 'idle', 'boot-storm', 'commands'] as const;
export type Mode = (typeof MODES)[number];
export const TARGET_KINDS = ['all-in-one', 'cluster'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export interface BenchOptions {
  mode: Mode;
  target: TargetKind;
  db: 'pglite' | 'postgres';
  databaseUrl: string;
  pgDatabase: string;
  amqpUrl: string;
  gateways: number;
  workers: number;
  stations: number;
  rate: number;
  durationSec: number;
  warmupSec: number;
  settleSec: number;
  /** Boot storm: stations start at a random moment within this many seconds (0 = all at once). */
  spreadSec: number;
  connectConcurrency: number;
  connectors: number;
  timeoutSec: number;
  jitter: number;
  /** Boot storm: register the stations through the API first (false: they are auto-registered). */
  register: boolean;
  /** Commands: OCPP action and JSON payload sent through POST /stations/{id}/commands/{action}. */
  command: string;
  payload: Record<string, unknown>;
  logLevel: string;
  cpuProf: string | undefined;
  serverLog: string | undefined;
  inspectorFrames: number;
  prefix: string;
}

export const USAGE = `Usage: npm run bench:ocpp-load -- [options]
       npm run bench:idle | bench:boot-storm | bench:api-commands -- [options]

Starts Voltlane (child processes, free loopback ports, fresh database), drives it with simulated
OCPP 1.6 stations and prints figures (a result table, then one "RESULT {...}" JSON line).

  --mode MODE               load: MeterValues at --rate over --duration s (default)
                            idle: connect and boot --stations, measure RSS per process
                            boot-storm: --stations connect and boot at once; time until all are
                              Accepted and stored
                            commands: --rate API commands/s (open loop) round-tripped to stations
  --target all-in-one|cluster
                            all-in-one: one "voltlane start" process (default)
                            cluster: "voltlane api", --gateways x "voltlane gateway" and --workers x
                            "voltlane worker" on RabbitMQ and PostgreSQL; stations are spread
                            over the gateways
  --db pglite|postgres      database of the all-in-one server (default postgres, except for
                            --mode load|idle: pglite); the cluster always uses PostgreSQL
  --database-url URL        PostgreSQL to create the bench database on
                            (default postgres://postgres@127.0.0.1:5432/test)
  --pg-database NAME        database dropped and created for the run (default voltlane_bench)
  --amqp-url URL            RabbitMQ of the cluster (default $VOLTLANE_BUS_URL or
                            amqp://guest:guest@127.0.0.1:5672); queues get a prefix unique to the run
  --gateways N              cluster: gateway processes (default 2)
  --workers N               cluster: worker processes (default 2)
  --stations N              stations (default: load 1000, commands 1000, idle and boot-storm 10000)
  --rate N                  load: offered MeterValues/s, all stations together (default 10000)
                            commands: API commands/s (default 500)
  --duration S              measuring window in s (default 20)
  --warmup S                warm-up before the window in s (default 3)
  --settle S                idle: wait before the second RSS reading (default 40: V8 returns the
                            garbage of a connection burst some 10-40 s after it)
  --spread S                boot-storm: each station starts at a random moment in [0, S) s (default 0)
  --no-register             boot-storm: do not register the stations first (auto-registration)
  --connect-concurrency N   stations connecting and booting at once (default 100; idle 200)
  --connectors N            connectors per station (default 2)
  --timeout S               call timeout of the stations and of API requests in s
                            (default 10; boot-storm 60)
  --jitter F                load: relative jitter of the send interval (default 0.1)
  --command ACTION          commands: OCPP action (default GetConfiguration)
  --payload JSON            commands: its payload (default {"key":["HeartbeatInterval"]})
  --log-level LEVEL         server log level (default warn)
  --server-log FILE         keep the servers' log in FILE (default: temporary, deleted)
  --cpu-prof DIR            write V8 CPU profiles of the Voltlane processes into DIR
  --inspector-frames N      VOLTLANE_INSPECTOR_FRAMES of the server (default 500, the server default)
  --prefix P                station id prefix (default BENCH)
  -h, --help`;

function num(v: string | undefined, name: string, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, got "${v}"`);
  return n;
}

function oneOf<T extends string>(v: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`--${name} must be ${allowed.join(' or ')}, got "${v}"`);
  return v as T;
}

function payloadOf(v: string | undefined): Record<string, unknown> {
  if (v === undefined) return { key: ['HeartbeatInterval'] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (e) {
    throw new Error(`--payload must be JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('--payload must be a JSON object');
  return parsed as Record<string, unknown>;
}

/**
 * Parses the options (throws with a message naming the bad option).
 * @example parseOptions(['--mode', 'idle', '--stations', '5000']).stations // -> 5000
 */
export function parseOptions(argv: string[], env: Record<string, string | undefined> = process.env): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: 'string' },
      target: { type: 'string' },
      db: { type: 'string' },
      'database-url': { type: 'string' },
      'pg-database': { type: 'string' },
      'amqp-url': { type: 'string' },
      gateways: { type: 'string' },
      workers: { type: 'string' },
      stations: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      settle: { type: 'string' },
      spread: { type: 'string' },
      'no-register': { type: 'boolean' },
      'connect-concurrency': { type: 'string' },
      connectors: { type: 'string' },
      timeout: { type: 'string' },
      jitter: { type: 'string' },
      command: { type: 'string' },
      payload: { type: 'string' },
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
  const mode = oneOf(values.mode, 'mode', MODES, 'load');
  const target = oneOf(values.target, 'target', TARGET_KINDS, 'all-in-one');
  // load and idle kept their first default (the embedded database); the issue-4 modes compare with the cluster, on PostgreSQL.
  const db = oneOf(values.db, 'db', ['pglite', 'postgres'] as const, mode === 'load' || mode === 'idle' ? (target === 'cluster' ? 'postgres' : 'pglite') : 'postgres');
  if (target === 'cluster' && db !== 'postgres') throw new Error('--target cluster needs --db postgres: cluster nodes share one PostgreSQL');
  const command = values.command ?? 'GetConfiguration';
  if (!/^[A-Za-z0-9]+$/.test(command)) throw new Error(`--command must be an OCPP action name, got "${command}"`);
  const bigFleet = mode === 'idle' || mode === 'boot-storm';
  return {
    mode,
    target,
    db,
    databaseUrl: values['database-url'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    pgDatabase: values['pg-database'] ?? 'voltlane_bench',
    amqpUrl: values['amqp-url'] ?? env.VOLTLANE_BUS_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    gateways: Math.floor(num(values.gateways, 'gateways', 2, 1)),
    workers: Math.floor(num(values.workers, 'workers', 2, 1)),
    stations: Math.floor(num(values.stations, 'stations', bigFleet ? 10_000 : 1000, 1)),
    rate: num(values.rate, 'rate', mode === 'commands' ? 500 : 10_000, 0.001),
    durationSec: num(values.duration, 'duration', 20, 1),
    warmupSec: num(values.warmup, 'warmup', 3, 0),
    settleSec: num(values.settle, 'settle', 40, 0),
    spreadSec: num(values.spread, 'spread', 0, 0),
    connectConcurrency: Math.floor(num(values['connect-concurrency'], 'connect-concurrency', mode === 'idle' ? 200 : 100, 1)),
    connectors: Math.floor(num(values.connectors, 'connectors', 2, 1)),
    timeoutSec: num(values.timeout, 'timeout', mode === 'boot-storm' ? 60 : 10, 1),
    jitter: Math.min(0.9, num(values.jitter, 'jitter', 0.1, 0)),
    register: !values['no-register'],
    command,
    payload: payloadOf(values.payload),
    logLevel: values['log-level'] ?? 'warn',
    cpuProf: values['cpu-prof'],
    serverLog: values['server-log'],
    inspectorFrames: Math.floor(num(values['inspector-frames'], 'inspector-frames', 500, 0)),
    prefix: values.prefix ?? 'BENCH',
  };
}
