/**
 * SQL of the search, one query per type, with named parameters that {@link bindNamed} turns into
 * $n: {q} the query text, {lq} lower-cased, {prefix} `lower%` (prefix LIKE), {contains} `%lower%`
 * (substring LIKE), {tsq} a prefix tsquery or null, {num} the query as an integer or null,
 * {limit} rows per type.
 */

/** Search parameters by name. */
export interface SearchParams {
  q: string;
  lq: string;
  prefix: string;
  contains: string;
  tsq: string | null;
  num: number | null;
  limit: number;
}

/**
 * Replaces `{name}` placeholders by $1..$n, numbering only the names the SQL uses (PostgreSQL
 * cannot type a parameter that no expression uses).
 * @example bindNamed('select {a} + {a}', { a: 1 }) // { sql: 'select $1 + $1', params: [1] }
 */
export function bindNamed(sql: string, values: Record<string, unknown>): { sql: string; params: unknown[] } {
  const order: string[] = [];
  const text = sql.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`No value for {${name}}`);
    let i = order.indexOf(name);
    if (i < 0) i = order.push(name) - 1;
    return `$${i + 1}`;
  });
  return { sql: text, params: order.map((n) => values[n]) };
}

/** Optional station columns (migration 0010) that take part when the schema has them, in this order. */
export const STATION_TEXT_COLUMNS = ['name', 'address', 'city', 'postal_code'] as const;

/**
 * The score of one field, 0..1 times `weight`: exact 1, prefix 0.85+, substring 0.7+, otherwise
 * trigram similarity (typos) or word similarity (the query inside a longer text) times 0.65.
 */
export function fieldScore(col: string, weight: number): string {
  const sim = `greatest(similarity(${col}, {q}), word_similarity({q}, ${col}))`;
  return `coalesce(${weight} * case when lower(${col}) = {lq} then 1.0
    when lower(${col}) like {prefix} then 0.85 + 0.1 * similarity(${col}, {q})
    when lower(${col}) like {contains} then 0.7 + 0.1 * similarity(${col}, {q})
    else 0.65 * ${sim} end, 0)`;
}

/** Full-text score 0.55..0.85 for a prefix tsquery match on `doc`. */
function ftsScore(doc: string): string {
  return `case when {tsq}::text is not null and to_tsvector('simple', ${doc}) @@ to_tsquery('simple', {tsq})
    then 0.55 + 0.3 * ts_rank(to_tsvector('simple', ${doc}), to_tsquery('simple', {tsq}), 32) else 0 end`;
}

function ftsMatch(doc: string): string {
  return `({tsq}::text is not null and to_tsvector('simple', ${doc}) @@ to_tsquery('simple', {tsq}))`;
}

/** Text joined with spaces, NULLs as '': the form the trigram and full-text indexes of migration 0012 use. */
const joined = (cols: readonly string[]) => cols.join(` || ' ' || `);
const opt = (c: string) => `coalesce(${c}, '')`;

/** The stations' trigram text, the same expression as index stations_search. */
export function stationTrigramText(extra: readonly string[]): string {
  return joined(['id', ...['serial_number', 'charge_box_serial_number', 'vendor', 'model', ...extra].map(opt)]);
}

/** The stations' full-text words, the same expression as index stations_search_fts. */
export function stationWords(extra: readonly string[]): string {
  return joined(['vendor', 'model', ...extra].map(opt));
}

/** Rows examined per kind of match: enough to rank well, bounded when a query matches thousands. */
const CAP = 50;

/**
 * A `with` clause whose `c` holds the keys of rows that may match, one index condition per branch
 * so PostgreSQL always takes the index: substring (partial ids), full-text words, exact lookups,
 * and word similarity (typos) only when no substring matched, since a query sharing a common
 * prefix (`TOKEN-`) is "similar" to every row. Trigram branches need 3+ characters.
 */
function candidates(table: string, key: string, trigramText: string, opts: { words?: string; exact?: string[]; typoFields?: string[] } = {}): string {
  // Typos per field when the table has an index per field: re-checking a word similarity on a short
  // field is cheap, on the whole text it costs tens of microseconds per candidate.
  const others = (opts.typoFields ?? [`(${trigramText})`]).map(
    (f) => `(select ${key} from ${table} where {q} <% ${f} and length({q}::text) >= 3 and not exists (select 1 from sub) limit ${CAP})`,
  );
  if (opts.words) others.push(`(select ${key} from ${table} where ${ftsMatch(opts.words)} limit ${CAP})`);
  for (const e of opts.exact ?? []) others.push(`(${e})`);
  return `with sub as materialized (
    select ${key} from ${table} where (${trigramText}) ilike {contains} and length({q}::text) >= 3 limit ${CAP}
  ), c as (
    select ${key} from sub
    union
    ${others.join('\n    union\n    ')}
  )`;
}

/** Stations by id, serial numbers, vendor, model, and name/address/city/postal code when present. */
export function stationsSql(extra: readonly string[]): string {
  const fields: [string, number][] = [
    ['id', 1], ['serial_number', 0.9], ['charge_box_serial_number', 0.9], ['vendor', 0.8], ['model', 0.8],
    ...extra.map((c): [string, number] => [c, c === 'name' ? 1 : 0.85]),
  ];
  const words = stationWords(extra);
  return `${candidates('stations', 'id', stationTrigramText(extra), { words, exact: ['select id from stations where lower(id) = {lq}'], typoFields: fields.map(([c]) => c) })}
  select id, vendor, model, ${extra.map((c) => `${c}, `).join('')}
      greatest(${fields.map(([c, w]) => fieldScore(c, w)).join(', ')}, ${ftsScore(words)}) as score
    from stations where id = any(array(select id from c))
    order by score desc, id limit {limit}`;
}

/**
 * Sessions: by id (exact number), 2.x transaction id (prefix), the newest ones of an id token or
 * a station typed exactly. Index lookups only: the table has millions of rows. (`offset 0` keeps
 * PostgreSQL from walking the primary key backwards for `order by id desc limit`, hoping to meet
 * the few matching rows early.)
 */
export const SESSIONS_SQL = `with hits as (
    select id, 1.0 as score from transactions where id = {num}::bigint
    union all
    (select id, score from (select id, case when lower(ocpp_transaction_id) = {lq} then 0.95 else 0.85 end as score from transactions
        where ocpp_transaction_id is not null and lower(ocpp_transaction_id) like {prefix} and length({q}::text) >= 4 offset 0) x
      order by id desc limit {limit})
    union all
    (select id, 0.6 from transactions where lower(id_token) = {lq} order by id desc limit {limit})
    union all
    (select id, 0.5 from (select id from transactions where station_id = any(array(select id from stations where lower(id) = {lq})) offset 0) s
      order by id desc limit {limit})
  )
  select t.id, t.station_id, t.id_token, t.ocpp_transaction_id, t.status, t.started_at, max(h.score) as score
  from hits h join transactions t on t.id = h.id
  group by t.id order by score desc, t.id desc limit {limit}`;

/** Id tokens by token and group (parent); the owner's e-mail as subtitle. */
export const ID_TOKENS_SQL = `${candidates('id_tokens', 'id_token', `id_token || ' ' || ${opt('parent_id_token')}`, {
  exact: ['select id_token from id_tokens where lower(id_token) = {lq}'],
})}
  select k.id_token, k.status, k.parent_id_token, u.email,
    greatest(${fieldScore('k.id_token', 1)}, ${fieldScore('k.parent_id_token', 0.7)}) as score
  from id_tokens k left join users u on u.id = k.user_id
  where k.id_token = any(array(select id_token from c))
  order by score desc, k.id_token limit {limit}`;

/** Users by e-mail and name (trigram and full text). */
const USER_WORDS = `${opt('name')} || ' ' || ${opt('email')}`;
export const USERS_SQL = `${candidates('users', 'id', `email || ' ' || ${opt('name')}`, { words: USER_WORDS, exact: ['select id from users where lower(email) = {lq}'] })}
  select id, email, name, role,
    greatest(${fieldScore('email', 1)}, ${fieldScore('name', 1)}, ${ftsScore(USER_WORDS)}) as score
  from users where id = any(array(select id from c))
  order by score desc, id limit {limit}`;

/** CDRs by id (trigram), session id (exact) and id token (exact, newest first). */
export const CDRS_SQL = `${candidates('cdrs', 'id', 'id', {
  exact: ['select id from cdrs where transaction_id = {num}::bigint', 'select id from cdrs where lower(id_token) = {lq} order by created_at desc limit {limit}'],
})}
  select id, station_id, id_token, currency, total_incl_vat::text as total_incl_vat, ended_at,
    greatest(${fieldScore('id', 1)}, case when transaction_id = {num}::bigint then 0.9 else 0 end, case when lower(id_token) = {lq} then 0.6 else 0 end) as score
  from cdrs where id = any(array(select id from c))
  order by score desc, id limit {limit}`;
