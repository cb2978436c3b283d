/**
 * The Voltlane server under test: started as a direct child process (node --import tsx, so that
 * its pid is the server itself and /proc shows its CPU and RSS), on a free loopback port, with a
 * fresh database: a temporary PGlite folder or a freshly created PostgreSQL database.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb } from '@voltlane/db';
import { sleep } from './stats.js';

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
  /** Write a V8 CPU profile of the server into this folder (node --cpu-prof). */
  cpuProfDir?: string | undefined;
  /** Keep the server log here instead of in the temporary folder. */
  logFile?: string | undefined;
  inspectorFrames: number;
}

/** A running server. */
export interface Server {
  pid: number;
  port: number;
  httpUrl: string;
  wsUrl: string;
  /** The database URL the server uses (PostgreSQL), or its PGlite folder. */
  database: string;
  logPath: string;
  /** True once the process has exited. */
  exited(): boolean;
  /** Exit code or signal, once exited. */
  exitStatus(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** Meter value rows stored so far (PostgreSQL: live query; PGlite: only after stop()). */
  countMeterValues(): Promise<number>;
  /** Last lines of the server log. */
  logTail(lines?: number): string;
  /** Removes the temporary folder and drops the bench database. Safe to call twice. */
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
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops and creates the bench database, so every run starts empty. */
async function recreateDatabase(adminUrl: string, name: string): Promise<void> {
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

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
  } catch {
    // Best effort: a leftover database is dropped by the next run.
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Sampled values stored (each meter_values row holds one timestamp's samples). */
const SAMPLE_COUNT = 'select coalesce(sum(jsonb_array_length(sampled_values)), 0)::text as n from meter_values';

async function countPostgres(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>(SAMPLE_COUNT);
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

async function countPglite(dataDir: string): Promise<number> {
  const db = await openDb({ dataDir });
  try {
    const r = await db.query<{ n: string }>(SAMPLE_COUNT);
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await db.close();
  }
}

/** Polls GET /health until it answers 200, the process dies, or `timeoutMs` passes. */
async function waitHealthy(httpUrl: string, child: ChildProcess, timeoutMs: number, tail: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The server exited during start-up (${child.exitCode ?? child.signalCode}). Its log:\n${tail()}`);
    }
    try {
      const res = await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`The server did not answer /health within ${timeoutMs / 1000} s. Its log:\n${tail()}`);
}

/**
 * Starts the server and waits until /health answers.
 * @example const server = await startServer({ root, db: 'pglite', ... }); ...; await server.stop(); await server.cleanup();
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
  const httpUrl = `http://127.0.0.1:${port}`;
  const logPath = opts.logFile ?? join(tmp, 'server.log');
  const log: WriteStream = createWriteStream(logPath);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VOLTLANE_HTTP_PORT: String(port),
    VOLTLANE_HOST: '127.0.0.1',
    VOLTLANE_DATA_DIR: dataDir,
    VOLTLANE_ADMIN_TOKEN: ADMIN_TOKEN,
    VOLTLANE_UNKNOWN_STATIONS: 'accept',
    VOLTLANE_LOG_LEVEL: opts.logLevel,
    VOLTLANE_INSPECTOR_FRAMES: String(opts.inspectorFrames),
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  if (!databaseUrl) {
    // Create the PGlite folder in a separate process first: a server normally restarts on an
    // existing folder, and initdb's one-off memory peak would otherwise stay in the server's RSS.
    const init = spawnSync(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', 'migrate'], { cwd: opts.root, env, encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`voltlane migrate failed: ${init.stderr || init.stdout}`);
  }
  const nodeArgs = ['--import', 'tsx'];
  if (opts.cpuProfDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  const child = spawn(process.execPath, [...nodeArgs, 'packages/cli/src/main.ts', 'start'], {
    cwd: opts.root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let cleaned = false;

  const tail = (lines = 30) => {
    try {
      return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const isExited = () => child.exitCode !== null || child.signalCode !== null;

  const server: Server = {
    pid: child.pid!,
    port,
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}/ocpp`,
    database: databaseUrl ?? join(dataDir, 'pglite'),
    logPath,
    exited: isExited,
    exitStatus: () => (isExited() ? String(child.exitCode ?? child.signalCode) : undefined),
    async stop(graceMs = 5000) {
      if (isExited()) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(killer);
    },
    async countMeterValues() {
      if (databaseUrl) return countPostgres(databaseUrl);
      if (!isExited()) throw new Error('Stop the server before counting PGlite rows (one process per data folder)');
      return countPglite(join(dataDir, 'pglite'));
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
      if (!isExited()) child.kill('SIGKILL');
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  try {
    await waitHealthy(httpUrl, child, 120_000, tail);
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

/** GET /health: how many stations the server holds a socket for. */
export async function connectedStations(server: Server): Promise<number | undefined> {
  try {
    const res = await fetch(`${server.httpUrl}/health`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { stationsConnected?: number };
    return body.stationsConnected;
  } catch {
    return undefined;
  }
}
