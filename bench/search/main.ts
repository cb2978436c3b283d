/**
 * bench/search: GET /api/v1/search latency on 100,000 stations and 10M sessions (default sizes)
 * in PostgreSQL, through the API of a real `voltlane start` child process. A mix of queries:
 * exact and partial station ids, typos in station names and vendors, city words, exact and
 * partial id tokens, session ids, 2.x transaction id prefixes and user e-mails. Prints p50/p95/p99
 * per kind and overall. Target (issue 6): p95 < 100 ms.
 *
 *   npm run bench:search -- [--stations 100000] [--sessions 10000000] [--queries 600] [--database-url URL]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ensureDatabase, fillDatabase, machine, startServer, stationId, tokenId, withDatabase } from '../export/common.js';

const { values } = parseArgs({
  options: {
    stations: { type: 'string', default: '100000' },
    sessions: { type: 'string', default: '10000000' },
    queries: { type: 'string', default: '600' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    'pg-database': { type: 'string' },
    fresh: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`Usage: npm run bench:search -- [--stations N] [--sessions N] [--queries N] [--database-url URL] [--pg-database NAME] [--fresh]
Fills database NAME (default voltlane_bench_search_<stations>_<sessions>; kept between runs, --fresh rebuilds it),
starts Voltlane on it, runs a mix of searches one at a time and prints latency percentiles.`);
  process.exit(0);
}
const stations = Number(values.stations);
const sessions = Number(values.sessions);
const total = Number(values.queries);
const dbName = values['pg-database'] ?? `voltlane_bench_search_${stations}_${sessions}`;

await ensureDatabase(values['database-url']!, dbName, values.fresh!);
const url = withDatabase(values['database-url']!, dbName);
const filled = await fillDatabase(url, { stations, sessions, tokens: 100_000, users: 10_000 }, console.log);
if (!filled) console.log(`reusing ${dbName}`);

// Real values to search for: 2.x transaction ids and e-mails as stored.
const c = new pg.Client({ connectionString: url });
await c.connect();
const uuids = (await c.query<{ id: string }>(`select ocpp_transaction_id as id from transactions where ocpp_transaction_id is not null and id % 997 = 0 limit 200`)).rows.map((r) => r.id);
const emails = (await c.query<{ email: string }>(`select email from users order by random() limit 200`)).rows.map((r) => r.email);
await c.end();

let seed = 42;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const pick = <T>(a: T[]) => a[rand(a.length)]!;
/** Swaps two neighbouring letters: the commonest typo. */
const typo = (s: string) => {
  const i = 1 + rand(Math.max(s.length - 2, 1));
  return s.slice(0, i - 1) + s[i] + s[i - 1] + s.slice(i + 1);
};
const CITIES = ['München', 'Berlin', 'Hamburg', 'Köln', 'Lyon', 'Paris', 'Wien', 'Zürich', 'Amsterdam', 'Utrecht'];
const VENDORS = ['Alpitronic', 'Kempower', 'Wallbox', 'Mennekes', 'Compleo'];

const KINDS: Record<string, () => string> = {
  'station id': () => stationId(1 + rand(stations)),
  'station id, partial': () => String(1 + rand(stations)).padStart(6, '0').slice(1),
  'station id, typo': () => typo(stationId(1 + rand(stations))),
  'station name': () => `Site ${pick(CITIES)} ${1 + rand(stations)}`,
  'vendor, typo': () => typo(pick(VENDORS)),
  'city word': () => pick(CITIES).slice(0, 4).toLowerCase(),
  'id token': () => tokenId(1 + rand(100_000)),
  'id token, partial': () => String(1 + rand(100_000)).padStart(7, '0').slice(2),
  'session id': () => String(1 + rand(sessions)),
  '2.x transaction id prefix': () => pick(uuids).slice(0, 8),
  'e-mail, partial': () => pick(emails).split('@')[0]!,
};

const server = await startServer(url, {});
const times: Record<string, number[]> = {};
const all: number[] = [];
let empty = 0;
try {
  const kinds = Object.keys(KINDS);
  for (let i = 0; i < 30; i++) await server.api('GET', `/api/v1/search?q=${encodeURIComponent(KINDS[kinds[i % kinds.length]!]!())}`); // warm-up
  for (let i = 0; i < total; i++) {
    const kind = kinds[i % kinds.length]!;
    const q = KINDS[kind]!();
    const t0 = performance.now();
    const r = await server.api('GET', `/api/v1/search?q=${encodeURIComponent(q)}&limit=20`);
    const ms = performance.now() - t0;
    if (r.status !== 200) throw new Error(`search ${q}: ${r.status} ${JSON.stringify(r.body)}`);
    if (r.body.items.length === 0) empty++;
    (times[kind] ??= []).push(ms);
    all.push(ms);
  }
} finally {
  await server.stop();
}

const pct = (a: number[], p: number) => {
  const s = [...a].sort((x, y) => x - y);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(1);
};
for (const [kind, t] of Object.entries(times)) {
  console.log(`${kind.padEnd(28)} n=${String(t.length).padStart(4)}  p50 ${String(pct(t, 50)).padStart(6)} ms  p95 ${String(pct(t, 95)).padStart(6)} ms  p99 ${String(pct(t, 99)).padStart(6)} ms`);
}
const summary = { p50: pct(all, 50), p95: pct(all, 95), p99: pct(all, 99), max: pct(all, 100) };
console.log(`${'ALL'.padEnd(28)} n=${String(all.length).padStart(4)}  p50 ${summary.p50} ms  p95 ${summary.p95} ms  p99 ${summary.p99} ms  max ${summary.max} ms  (${empty} queries found nothing)`);
console.log(`machine: ${machine()}, ${new Date().toISOString()}`);
console.log(`RESULT ${JSON.stringify({ bench: 'search', stations, sessions, queries: all.length, ...summary })}`);
