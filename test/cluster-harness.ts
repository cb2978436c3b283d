/**
 * What the cluster fault tests share: Voltlane roles as real child processes (`node --import tsx
 * packages/cli/src/main.ts ROLE`, so the pid is Voltlane itself and can be SIGKILLed), a fresh
 * PostgreSQL database per suite, private PostgreSQL and RabbitMQ servers for restart tests (the
 * shared ones on 5432/5672 are used by others and must never be restarted), and a light OCPP 1.6
 * charger that reconnects and retries like a real one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { WebSocket } from 'ws';
import { freePort } from '../bench/ocpp-load/server.js';

export const ROOT = new URL('..', import.meta.url).pathname;
export const FAULT_ADMIN_TOKEN = 'cluster-faults-admin-token';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Last-resort cleanup when the test process ends without its after hooks (an uncaught error, a
 * signal): child processes are killed and private servers stopped, synchronously.
 */
const lastResort = new Set<() => void>();
let hooked = false;
function atExit(fn: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const f of lastResort) {
        try {
          f();
        } catch {
          // best effort
        }
      }
    });
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
  }
  lastResort.add(fn);
  return () => lastResort.delete(fn);
}

/** Polls until fn returns a truthy value; throws after timeoutMs with `what`. */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Runs one SQL statement on `url` with a short-lived connection. */
export async function sql<T extends Record<string, unknown> = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A database created for one suite on the server of `adminUrl`; `drop()` removes it. */
export async function freshDatabase(adminUrl: string, tag: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `vl_${tag}_${randomBytes(4).toString('hex')}`;
  await sql(adminUrl, `create database ${name}`);
  return {
    url: withDatabase(adminUrl, name),
    drop: () => sql(adminUrl, `drop database if exists ${name} with (force)`).then(() => undefined),
  };
}

/** One Voltlane process. */
export class Role {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private status?: string;

  private constructor(
    readonly name: string,
    readonly role: string,
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
      child.once('exit', (code, signal) => {
        this.status = signal ?? String(code);
        resolve({ code, signal });
      });
    });
  }

  /** Exit code or signal once the process ended. */
  get exitStatus(): string | undefined {
    return this.status;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get wsUrl(): string {
    return `${this.url.replace('http', 'ws')}/ocpp`;
  }

  /**
   * Starts `voltlane ROLE` with `env`, its output appended to `log`, and resolves once it
   * printed its URL (it is then ready: bus connected, database migrated, listening).
   */
  static async start(name: string, role: 'gateway' | 'worker' | 'api', env: NodeJS.ProcessEnv, log: WriteStream, port = 0): Promise<Role> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', role], {
      cwd: ROOT,
      env: { ...process.env, ...env, VOLTLANE_NODE_ID: name, VOLTLANE_HTTP_PORT: String(port), VOLTLANE_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 90 s; see ${log.path}`)), 90_000);
      const onLine = (line: string) => {
        log.write(`[${name}] ${line}\n`);
        const m = /is running: (https?:\/\/\S+)\/health/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', onLine);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${signal ?? code}) before it was ready; see ${log.path}`));
      });
    });
    const role_ = new Role(name, role, child, url);
    const forget = atExit(() => role_.kill('SIGKILL'));
    void role_.exited.then(forget);
    return role_;
  }

  /** GET /health: status code and body. */
  async health(): Promise<{ status: number; body: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(3000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Resident memory of the process in bytes (Linux /proc). */
  rss(): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.status === undefined) this.child.kill(signal);
  }

  /** SIGTERM (graceful), SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    const r = await this.exited;
    clearTimeout(timer);
    return r;
  }
}

/** A log file for the suite's processes (kept on failure for reading; path printed by the tests). */
export function suiteLog(tag: string): { stream: WriteStream; dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), `voltlane-${tag}-`));
  const path = join(dir, 'cluster.log');
  return { stream: createWriteStream(path), dir, path };
}

/** Lines of the log that are errors (pino level 50+) or crashes. */
export function errorLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => /"level":(50|60)|Unhandled|uncaught/i.test(l));
}

// ---- private servers ------------------------------------------------------------------------

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Private servers need these binaries (Debian packages postgresql-15 and rabbitmq-server). */
export function privateServersMissing(): string | undefined {
  if (spawnSync(`${PG_BIN}/pg_ctl`, ['--version']).status !== 0) return `${PG_BIN}/pg_ctl not found`;
  if (spawnSync('/usr/lib/rabbitmq/bin/rabbitmqctl', ['version'], { env: { ...process.env, HOME: tmpdir() } }).error) return 'rabbitmq-server not installed';
  return undefined;
}

/** A PostgreSQL server of our own in a temporary folder, on a free port (runs as the `postgres` user when we are root). */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'voltlane-pg-'));
    if (process.getuid?.() === 0) chownSync(dir, Number(run('id', ['-u', 'postgres']).trim()), Number(run('id', ['-g', 'postgres']).trim()));
    asPostgres(`${PG_BIN}/initdb`, ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    const pgsql = new PrivatePostgres(dir, await freePort());
    pgsql.ctl('start');
    pgsql.forget = atExit(() => pgsql.destroy());
    return pgsql;
  }

  private ctl(action: 'start' | 'stop'): void {
    const args = ['-D', join(this.dir, 'data'), '-w', '-t', '60'];
    if (action === 'start') {
      args.push('-l', join(this.dir, 'log'), '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`, 'start');
    } else args.push('-m', 'fast', 'stop');
    asPostgres(`${PG_BIN}/pg_ctl`, args);
  }

  stop(): void {
    this.ctl('stop');
  }

  /** Fast shutdown (open connections are cut), `downMs` down, then up again on the same port and data. */
  async restart(downMs: number): Promise<void> {
    this.ctl('stop');
    await sleep(downMs);
    this.ctl('start');
  }

  private forget?: () => void;

  /** Stops the server (if running) and removes its folder. */
  destroy(): void {
    this.forget?.();
    try {
      this.ctl('stop');
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

function asPostgres(cmd: string, args: string[]): string {
  return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);
}

/** A RabbitMQ node of our own (name, ports, data and cookie in a temporary folder). */
export class PrivateRabbit {
  private child?: ChildProcess;
  private forget?: () => void;

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly distPort: number,
    readonly node: string,
  ) {}

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRabbit> {
    const dir = mkdtempSync(join(tmpdir(), 'voltlane-rmq-'));
    writeFileSync(join(dir, 'enabled_plugins'), '[].');
    const r = new PrivateRabbit(dir, await freePort(), await freePort(), `vl-test-${process.pid}-${randomBytes(2).toString('hex')}@localhost`);
    r.forget = atExit(() => {
      if (r.child?.exitCode === null) process.kill(-r.child.pid!, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    await r.up();
    return r;
  }

  private get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      HOME: this.dir, // the Erlang cookie lives here
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.dir, 'log'),
      RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq'),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(this.dir, 'advanced.config'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
      RABBITMQ_PID_FILE: join(this.dir, 'rabbit.pid'),
    };
  }

  /** Starts the node in the foreground as our child and waits until AMQP answers. */
  async up(): Promise<void> {
    const log = createWriteStream(join(this.dir, 'server.out'), { flags: 'a' });
    const child = spawn('/usr/lib/rabbitmq/bin/rabbitmq-server', [], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`RabbitMQ exited during start; see ${join(this.dir, 'server.out')}`);
        return canConnect(this.port);
      },
      60_000,
      'the private RabbitMQ node',
      200,
    );
  }

  /** Stops the node (rabbitmqctl stop) and waits for the process to end. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const r = spawnSync('/usr/lib/rabbitmq/bin/rabbitmqctl', ['-n', this.node, 'stop'], { env: this.env, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) process.kill(-child.pid!, 'SIGKILL');
    await Promise.race([ended, sleep(30_000)]);
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  }

  async restart(downMs: number): Promise<void> {
    await this.down();
    await sleep(downMs);
    await this.up();
  }

  /** Stops the node and removes its folder. */
  async destroy(): Promise<void> {
    this.forget?.();
    await this.down().catch(() => undefined);
    // epmd (started by the node) is shared with the system's RabbitMQ: it is left running.
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.connect(port, '127.0.0.1');
  });
}

// ---- a light charger --------------------------------------------------------------------------

/** A CALLERROR answer. */
export class CallError extends Error {
  constructor(
    readonly code: string,
    description: string,
  ) {
    super(`${code}: ${description}`);
  }
}

interface Waiter {
  resolve(payload: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * An OCPP 1.6 charger on a raw socket that behaves like a real one in a fault: it reconnects
 * (next URL of its list, with back-off and jitter) and retries a transaction message until it is
 * answered, as OCPP 1.6 section 4.9 asks. Commands from the CSMS are answered by `handlers`.
 */
export class Charger {
  private ws?: WebSocket;
  private seq = 0;
  private readonly waiters = new Map<string, Waiter>();
  private urlIndex = 0;
  private stopped = false;
  private connecting?: Promise<void>;
  /** Set to false to let the socket drop without reconnecting (a charger that lost power). */
  reconnect = true;
  connects = 0;
  readonly handlers = new Map<string, (payload: Record<string, unknown>) => unknown>();

  constructor(
    readonly id: string,
    private readonly urls: string[],
    private readonly opts: { callTimeoutMs?: number; retryDeadlineMs?: number; maxBackoffMs?: number } = {},
  ) {}

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Index in the URL list of the gateway it is connected to (or tries next). */
  get at(): number {
    return this.urlIndex;
  }

  /** Connects (retrying over the URL list until it succeeds or the charger is stopped). */
  connect(): Promise<void> {
    this.connecting ??= this.dial().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async dial(): Promise<void> {
    let backoff = 200;
    for (;;) {
      if (this.stopped) throw new Error(`${this.id} stopped`);
      const url = `${this.urls[this.urlIndex % this.urls.length]}/${this.id}`;
      try {
        await this.openSocket(url);
        return;
      } catch {
        this.urlIndex = (this.urlIndex + 1) % this.urls.length;
        await sleep(backoff + Math.random() * backoff);
        backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 2000);
      }
    }
  }

  private openSocket(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, ['ocpp1.6']);
      ws.once('open', () => {
        this.ws = ws;
        this.connects++;
        resolve();
      });
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => {
        ws.terminate();
        reject(new Error(`HTTP ${res.statusCode}`));
      });
      ws.on('message', (data) => this.onMessage(ws, String(data)));
      ws.on('close', () => {
        if (this.ws !== ws) return;
        this.ws = undefined;
        for (const [id, w] of this.waiters) {
          clearTimeout(w.timer);
          this.waiters.delete(id);
          w.reject(new Error('connection closed'));
        }
        if (this.reconnect && !this.stopped) {
          this.urlIndex = (this.urlIndex + 1) % this.urls.length; // its gateway went away: try the next
          void this.connect().catch(() => undefined);
        }
      });
    });
  }

  private onMessage(ws: WebSocket, text: string): void {
    let frame: unknown[];
    try {
      frame = JSON.parse(text) as unknown[];
    } catch {
      return;
    }
    const [type, id] = frame as [number, string];
    if (type === 2) {
      const fn = this.handlers.get(String(frame[2]));
      const out = fn ? [3, id, fn(frame[3] as Record<string, unknown>)] : [4, id, 'NotImplemented', `no handler for ${String(frame[2])}`, {}];
      ws.send(JSON.stringify(out));
      return;
    }
    const w = this.waiters.get(id);
    if (!w) return;
    clearTimeout(w.timer);
    this.waiters.delete(id);
    if (type === 3) w.resolve(frame[2]);
    else w.reject(new CallError(String(frame[2]), String(frame[3])));
  }

  /** One CALL on the current socket (no retry). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  callOnce(action: string, payload: object): Promise<any> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected'));
    const id = `${this.id}-${++this.seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`no answer to ${action} within ${this.opts.callTimeoutMs ?? 40_000} ms`));
      }, this.opts.callTimeoutMs ?? 40_000);
      this.waiters.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify([2, id, action, payload]));
    });
  }

  /**
   * A CALL retried until answered with a CALLRESULT (the same payload each time, as a charger
   * resends a transaction message): on a CALLERROR, a timeout or a lost connection it reconnects if
   * needed and sends again, until `retryDeadlineMs`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async call(action: string, payload: object): Promise<any> {
    const deadline = Date.now() + (this.opts.retryDeadlineMs ?? 120_000);
    let backoff = 200;
    for (let attempt = 1; ; attempt++) {
      try {
        if (!this.open) await this.connect();
        return await this.callOnce(action, payload);
      } catch (err) {
        if (this.stopped || Date.now() > deadline) throw new Error(`${this.id} ${action} failed after ${attempt} attempts: ${(err as Error).message}`, { cause: err });
        await sleep(backoff + Math.random() * backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  }

  /** Drops the socket without a close handshake and does not reconnect (power loss). */
  cut(): void {
    this.reconnect = false;
    this.ws?.terminate();
  }

  close(): void {
    this.stopped = true;
    this.ws?.terminate();
  }
}
