/**
 * Shared by bench/export and bench/search: a PostgreSQL bench database filled with generate_series
 * (stations, drivers, id tokens, sessions), and a Voltlane server child process to measure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { migrate, openDb } from '@voltlane/db';
import { voltlaneEntry } from '../voltlane-entry.js';
import { freePort } from '../ocpp-load/server.js';

const ROOT = new URL('../../', import.meta.url).pathname;

export const ADMIN_TOKEN = 'bench-admin-token';

/** The same PostgreSQL URL with another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates the database if missing; with `fresh`, drops it first. */
export async function ensureDatabase(adminUrl: string, name: string, fresh: boolean): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name must be a plain lower-case identifier, got "${name}"`);
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect().catch((e: Error) => {
    throw new Error(`Cannot connect to PostgreSQL at ${adminUrl} (${e.message}): start it or pass --database-url`);
  });
  try {
    if (fresh) await c.query(`drop database if exists ${name} with (force)`);
    const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await c.query(`create database ${name}`);
  } finally {
    await c.end();
  }
}

export interface DataSize {
  stations: number;
  sessions: number;
  tokens: number;
  users: number;
}

/** Station id of number n (1-based), e.g. BX-000042. */
export const stationId = (n: number) => `BX-${String(n).padStart(6, '0')}`;
/** Id token of number n, e.g. TOKEN-0000042. */
export const tokenId = (n: number) => `TOKEN-${String(n).padStart(7, '0')}`;

const VENDORS = `array['ABB', 'Wallbox', 'Alpitronic', 'Kempower', 'Easee', 'Zaptec', 'Compleo', 'Mennekes']`;
const CITIES = `array['München', 'Berlin', 'Hamburg', 'Köln', 'Lyon', 'Paris', 'Wien', 'Zürich', 'Amsterdam', 'Utrecht']`;

/**
 * Migrates and fills the database (when its counts differ from `size`): stations with vendor,
 * model, serial, name, address and city; drivers; id tokens (every fifth in a fleet group, owned
 * by a driver); sessions spread over stations and tokens, a third of them with a 2.x UUID
 * transaction id. Returns false when the data was already there.
 */
export async function fillDatabase(url: string, size: DataSize, log: (msg: string) => void): Promise<boolean> {
  const db = await openDb({ url, poolSize: 2 });
  try {
    await migrate(db);
    const count = async (t: string) => Number((await db.query<{ n: string }>(`select count(*)::text as n from ${t}`)).rows[0]!.n);
    if ((await count('stations')) === size.stations && (await count('transactions')) === size.sessions && (await count('id_tokens')) === size.tokens) return false;
    log(`filling ${url.replace(/\/\/[^@]*@/, '//')}: ${size.stations} stations, ${size.tokens} id tokens, ${size.sessions} sessions`);
    await db.exec('truncate meter_values, transactions, id_tokens, users, stations cascade');
    await db.exec(`
      insert into stations (id, registration_status, vendor, model, serial_number, name, address, city, postal_code)
        select 'BX-' || lpad(g::text, 6, '0'), 'Accepted', (${VENDORS})[1 + g % 8], 'Model ' || (g % 97), 'SN' || md5(g::text),
          'Site ' || (${CITIES})[1 + g % 10] || ' ' || g, 'Street ' || (g % 500) || ' ' || g, (${CITIES})[1 + g % 10], lpad((g % 99999)::text, 5, '0')
        from generate_series(1, ${size.stations}) g;
      insert into users (email, name, role)
        select 'driver' || g || '@fleet' || (g % 20) || '.example', 'Driver ' || g || ' ' || (${CITIES})[1 + g % 10], 'driver' from generate_series(1, ${size.users}) g;
      insert into id_tokens (id_token, status, parent_id_token, user_id)
        select 'TOKEN-' || lpad(g::text, 7, '0'), 'Accepted', case when g % 5 = 0 then 'FLEET-' || (g % 50) end,
          (select min(id) from users) + g % ${size.users} from generate_series(1, ${size.tokens}) g;`);
    const minUser = Number((await db.query<{ id: string }>('select min(id)::text as id from users')).rows[0]!.id);
    const chunk = 1_000_000;
    for (let from = 1; from <= size.sessions; from += chunk) {
      const to = Math.min(from + chunk - 1, size.sessions);
      const t0 = performance.now();
      await db.exec(`
        insert into transactions (station_id, evse_id, connector_id, id_token, status, started_at, stopped_at, meter_start_wh, meter_stop_wh,
            last_meter_wh, energy_wh, stop_reason, ocpp_transaction_id, cost_currency, cost_excl_vat, cost_incl_vat, user_id, id_token_group)
          select 'BX-' || lpad((1 + g % ${size.stations})::text, 6, '0'), 1 + g % 2, 1, 'TOKEN-' || lpad(n::text, 7, '0'),
            'completed', s, s + e * interval '1 second', m, m + e * 3, m + e * 3, e * 3, 'EVDisconnected',
            case when g % 3 = 0 then gen_random_uuid()::text end, 'EUR', round(e * 0.0001, 2), round(e * 0.00012, 2),
            -- The token's owner and group as filled above (given here so the insert trigger need not look them up).
            ${minUser} + n % ${size.users}, case when n % 5 = 0 then 'FLEET-' || (n % 50) end
          from (select g, 1 + g % ${size.tokens} as n, timestamptz '2024-01-01' + g * interval '6 seconds' as s, (g::bigint * 7919 % 100000)::numeric as m,
                  600 + g % 7200 as e
                from generate_series(${from}, ${to}) g) x`);
      log(`  sessions ${to}/${size.sessions} (${Math.round(performance.now() - t0)} ms)`);
    }
    // As autovacuum leaves a live database: statistics, and the visibility map that index-only scans need.
    await db.exec('vacuum analyze');
    return true;
  } finally {
    await db.close();
  }
}

/** Resident set size of a process in MB (VmRSS), or undefined if it is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface ServerChild {
  child: ChildProcess;
  url: string;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  stop(): Promise<void>;
}

/** Starts `voltlane start` on `databaseUrl` in a child process and waits for /health. */
export async function startServer(databaseUrl: string, env: Record<string, string>): Promise<ServerChild> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...voltlaneEntry(ROOT), 'start'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, VOLTLANE_HTTP_PORT: String(port), VOLTLANE_ADMIN_TOKEN: ADMIN_TOKEN, VOLTLANE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited during start-up (${child.exitCode})`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > until) throw new Error('server did not become healthy in 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child, url,
    async api(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Machine facts for the printed figures. */
export function machine(): string {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  const cores = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? 0;
  return `${cores} x ${cpu}`;
}
