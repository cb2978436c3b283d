/**
 * Voltlane under test, as real child processes (`node dist/server/main.js ROLE`, see voltlane-entry.ts,
 * so that each pid is the Voltlane process itself and /proc shows its CPU and RSS), on free
 * loopback ports, with a fresh database: a temporary PGlite folder or a freshly created
 * PostgreSQL database. `all-in-one` is one `voltlane start`; `cluster` is in cluster.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { openDb } from '@voltlane/db';
import type { TargetKind } from './args.js';
import type { Watched } from './proc.js';
import { sleep } from './stats.js';
import { voltlaneEntry } from '../voltlane-entry.js';

export const ADMIN_TOKEN = 'voltlane-bench-admin-token-0123456789';

export interface ServerOptions {
  /** Repository root (where packages/cli lives). */
  root: string;
  db: 'pglite' | 'postgres';
  /** PostgreSQL only: a database on the server we may connect to, to create the bench database. */
  databaseUrl: string;
  /** PostgreSQL only: name of the database that is dropped and created for the run. */
  pgDatabase: string;
  logLevel: string;
  /** Write V8 CPU profiles of the Voltlane processes into this folder (node --cpu-prof). */
  cpuProfDir?: string | undefined;
  /** Keep the log here instead of in the temporary folder. */
  logFile?: string | undefined;
  inspectorFrames: number;
}

/** One Voltlane process under test. */
export interface BenchProcess extends Watched {
  /** http://127.0.0.1:PORT of the process (/health on every role). */
  httpUrl: string;
  /** Exit code or signal once it has exited, else undefined. */
  exitStatus(): string | undefined;
}

/** The Voltlane processes under test. */
export interface Server {
  target: TargetKind;
  processes: BenchProcess[];
  /** Where the REST API is (the all-in-one server or the api node). */
  httpUrl: string;
  /** OCPP base URLs (`ws://.../ocpp`), one per process that accepts chargers. */
  wsUrls: string[];
  /** The database URL the processes use (PostgreSQL), or the PGlite folder. */
  database: string;
  usesPostgres: boolean;
  usesBroker: boolean;
  logPath: string;
  /** `name (status)` of the processes that have exited, or undefined while all run. */
  exited(): string | undefined;
  /** SIGTERM to every process, then SIGKILL after `graceMs`. Resolves when all are gone. */
  stop(graceMs?: number): Promise<void>;
  /** Runs a read-only query on the bench database (PostgreSQL: live; PGlite: only after stop()). */
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Meter value samples stored so far (PostgreSQL: live query; PGlite: only after stop()). */
  countMeterValues(): Promise<number>;
  /** Last lines of the log. */
  logTail(lines?: number): string;
  /** Stops everything and removes what the run created (temporary folder, bench database, queues). Safe to call twice. */
  cleanup(): Promise<void>;
  /** Synchronous last-resort cleanup for process exit: SIGKILL and remove the folder. */
  killSync(): void;
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The same URL with another database name. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops and creates the bench database, so every run starts empty. */
export async function recreateDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--pg-database must be a plain lower-case identifier, got "${name}"`);
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(`Cannot connect to PostgreSQL at ${adminUrl} (${(e as Error).message}). Start it, or pass --database-url.`, { cause: e });
  }
  try {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
}

/** Drops the bench database (best effort: a leftover one is dropped by the next run). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
  } catch {
    // Best effort.
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Sampled values stored (each meter_values row holds one timestamp's samples). */
export const SAMPLE_COUNT = 'select coalesce(sum(jsonb_array_length(sampled_values)), 0)::text as n from meter_values';

/** Runs one query on PostgreSQL with a short-lived connection. */
export async function queryPostgres<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function queryPglite<T extends Record<string, unknown>>(dataDir: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const db = await openDb({ dataDir });
  try {
    return (await db.query<T>(sql, params)).rows;
  } finally {
    await db.close();
  }
}

/** Polls GET /health until it answers 200, the process dies, or `timeoutMs` passes. */
export async function waitHealthy(name: string, httpUrl: string, child: ChildProcess, timeoutMs: number, tail: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited during start-up (${child.exitCode ?? child.signalCode}). The log:\n${tail()}`);
    }
    try {
      const res = await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${name} did not answer /health within ${timeoutMs / 1000} s. The log:\n${tail()}`);
}

/** A Voltlane child process writing whole log lines into a shared log. */
export interface Spawned {
  proc: BenchProcess;
  child: ChildProcess;
  exited: Promise<void>;
}

/**
 * Spawns `voltlane <command>` as a direct child (the bundled server), its output appended line by
 * line to `log` (pino lines carry the role and node of cluster processes).
 */
export function spawnVoltlane(
  o: { root: string; name: string; role: Watched['role']; command: string; port: number; env: NodeJS.ProcessEnv; log: WriteStream; cpuProfDir?: string | undefined },
): Spawned {
  const nodeArgs: string[] = [];
  if (o.cpuProfDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`);
  const child = spawn(process.execPath, [...nodeArgs, ...voltlaneEntry(o.root), o.command], { cwd: o.root, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => o.log.write(`${line}\n`));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const isExited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    exited,
    proc: {
      name: o.name,
      role: o.role,
      pid: child.pid!,
      httpUrl: `http://127.0.0.1:${o.port}`,
      exitStatus: () => (isExited() ? String(child.exitCode ?? child.signalCode) : undefined),
    },
  };
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(s: Spawned, graceMs: number): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGTERM');
  const killer = setTimeout(() => s.child.kill('SIGKILL'), graceMs);
  await s.exited;
  clearTimeout(killer);
}

/** Reads the last lines of a log file. */
export function tailOf(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Settings every Voltlane process of the bench gets. */
export function baseEnv(opts: ServerOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    VOLTLANE_HOST: '127.0.0.1',
    VOLTLANE_ADMIN_TOKEN: ADMIN_TOKEN,
    VOLTLANE_UNKNOWN_STATIONS: 'accept',
    VOLTLANE_LOG_LEVEL: opts.logLevel,
    VOLTLANE_INSPECTOR_FRAMES: String(opts.inspectorFrames),
  };
}

/** Runs `voltlane migrate` in its own process and throws with its output on failure. */
export function migrateOnce(root: string, env: NodeJS.ProcessEnv): void {
  const init = spawnSync(process.execPath, [...voltlaneEntry(root), 'migrate'], { cwd: root, env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`voltlane migrate failed: ${init.stderr || init.stdout}`);
}

/**
 * Starts the all-in-one server (`voltlane start`) and waits until /health answers.
 * @example const server = await startServer({ root, db: 'pglite', ... }); ...; await server.cleanup();
 */
export async function startServer(opts: ServerOptions): Promise<Server> {
  let databaseUrl: string | undefined;
  if (opts.db === 'postgres') {
    await recreateDatabase(opts.databaseUrl, opts.pgDatabase);
    databaseUrl = withDatabase(opts.databaseUrl, opts.pgDatabase);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'voltlane-bench-'));
  const dataDir = join(tmp, 'data');
  const port = await freePort();
  const logPath = opts.logFile ?? join(tmp, 'server.log');
  const log: WriteStream = createWriteStream(logPath);
  const env: NodeJS.ProcessEnv = { ...baseEnv(opts), VOLTLANE_HTTP_PORT: String(port), VOLTLANE_DATA_DIR: dataDir };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  // Create the PGlite folder in a separate process first: a server normally restarts on an
  // existing folder, and initdb's one-off memory peak would otherwise stay in the server's RSS.
  if (!databaseUrl) migrateOnce(opts.root, env);
  const s = spawnVoltlane({ root: opts.root, name: 'server', role: 'server', command: 'start', port, env, log, cpuProfDir: opts.cpuProfDir });
  let cleaned = false;
  const tail = (lines = 30) => tailOf(logPath, lines);
  const isStopped = () => s.proc.exitStatus() !== undefined;

  const server: Server = {
    target: 'all-in-one',
    processes: [s.proc],
    httpUrl: s.proc.httpUrl,
    wsUrls: [`ws://127.0.0.1:${port}/ocpp`],
    database: databaseUrl ?? join(dataDir, 'pglite'),
    usesPostgres: Boolean(databaseUrl),
    usesBroker: false,
    logPath,
    exited: () => (isStopped() ? `server (${s.proc.exitStatus()})` : undefined),
    stop: (graceMs = 5000) => stopChild(s, graceMs),
    async query<T extends Record<string, unknown>>(sql: string, params?: unknown[]) {
      if (databaseUrl) return queryPostgres<T>(databaseUrl, sql, params);
      if (!isStopped()) throw new Error('Stop the server before querying PGlite (one process per data folder)');
      return queryPglite<T>(join(dataDir, 'pglite'), sql, params);
    },
    async countMeterValues() {
      const rows = await server.query<{ n: string }>(SAMPLE_COUNT);
      return Number(rows[0]?.n ?? 0);
    },
    logTail: tail,
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      await server.stop();
      log.end();
      if (opts.db === 'postgres') await dropDatabase(opts.databaseUrl, opts.pgDatabase);
      rmSync(tmp, { recursive: true, force: true });
    },
    killSync() {
      if (!isStopped()) s.child.kill('SIGKILL');
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  try {
    await waitHealthy('The server', s.proc.httpUrl, s.child, 120_000, tail);
  } catch (e) {
    await server.cleanup();
    throw e;
  }
  return server;
}

/** POSTs to the admin API and throws with the server's message on failure. */
export async function apiPost(server: Server, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${server.httpUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path} -> ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

/** GET on the admin API; throws with the server's message on failure. */
export async function apiGet<T>(server: Server, path: string): Promise<T> {
  const res = await fetch(`${server.httpUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${path} -> ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** GET /health of every process that accepts chargers: how many stations they hold a socket for, together. */
export async function connectedStations(server: Server): Promise<number | undefined> {
  let total = 0;
  for (const p of server.processes.filter((x) => x.role === 'server' || x.role === 'gateway')) {
    try {
      const res = await fetch(`${p.httpUrl}/health`, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as { stationsConnected?: number };
      if (typeof body.stationsConnected !== 'number') return undefined;
      total += body.stationsConnected;
    } catch {
      return undefined;
    }
  }
  return total;
}
