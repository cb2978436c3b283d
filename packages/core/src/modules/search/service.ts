import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { iso } from '../../rows.js';
import { bindNamed, CDRS_SQL, ID_TOKENS_SQL, SESSIONS_SQL, STATION_TEXT_COLUMNS, stationsSql, USERS_SQL, type SearchParams } from './sql.js';

export const SEARCH_TYPES = ['stations', 'sessions', 'idTokens', 'users', 'cdrs'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

/** One search result. `id` is what the type's API takes (`/stations/{id}`, `/transactions/{id}`, ...). */
export interface SearchHit {
  type: SearchType;
  id: string;
  title: string;
  subtitle: string;
  /** Relevance 0..1: 1 exact, ~0.85-0.95 prefix, ~0.7-0.8 substring, lower for typos. */
  score: number;
}

type Row = Record<string, unknown>;
const LIKE_SPECIAL = /[\\%_]/g;
const MAX_WORDS = 8;
/**
 * Word similarity (0..1) from which a row counts as a typo of the query. pg_trgm's default 0.6
 * misses swapped letters (Kmepower/Kempower: 0.44), so words use 0.4; queries with digits keep
 * 0.6, because ids share prefixes and digit runs and at 0.4 thousands of them qualify (a swapped
 * digit still scores about 0.7).
 */
const typoThreshold = (q: string) => (/\d/.test(q) ? 0.6 : 0.4);

/** Joins the non-empty parts with a middle dot. */
const line = (...parts: unknown[]) => parts.filter((p) => p !== null && p !== undefined && p !== '').join(' · ');

/**
 * One search across stations, sessions, id tokens, users and CDRs, ranked by relevance and
 * tolerant of typos and partial ids: pg_trgm similarity and substring matches on GIN trigram
 * indexes, PostgreSQL full text with prefix terms for words (names, vendors), exact index lookups
 * in the big tables (sessions, CDRs). Works the same on PGlite (pg_trgm is bundled).
 * @example const { items } = await core.search.search('cp-01', ['stations'], 10);
 */
export class SearchService {
  #stationColumns: Promise<string[]> | null = null;

  constructor(private readonly ctx: CoreContext) {}

  /** Station name/address columns this schema has (they arrive with a later migration). */
  #extraStationColumns(): Promise<string[]> {
    this.#stationColumns ??= this.ctx.db
      .query<{ column_name: string }>(
        `select column_name from information_schema.columns where table_schema = current_schema() and table_name = 'stations'
           and column_name = any($1::text[]) and data_type in ('text', 'character varying')`,
        [STATION_TEXT_COLUMNS],
      )
      .then((r) => STATION_TEXT_COLUMNS.filter((c) => r.rows.some((row) => row.column_name === c)))
      .catch((err: unknown) => {
        this.#stationColumns = null;
        throw err;
      });
    return this.#stationColumns;
  }

  async #hasCdrs(): Promise<boolean> {
    const { rows } = await this.ctx.db.query<{ t: string | null }>(`select to_regclass('cdrs')::text as t`);
    return Boolean(rows[0]?.t);
  }

  /** Results of every requested type, best first, at most `limit` in all. */
  async search(query: string, types: readonly SearchType[] = SEARCH_TYPES, limit = 20): Promise<{ items: SearchHit[] }> {
    const q = query.trim();
    if (q === '') throw new AppError('VALIDATION_FAILED', 'querystring.q is empty: type what to look for', { field: 'querystring.q' });
    const lq = q.toLowerCase();
    const esc = lq.replace(LIKE_SPECIAL, (c) => `\\${c}`);
    const words = (q.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);
    const params: SearchParams = {
      q, lq, prefix: `${esc}%`, contains: `%${esc}%`,
      tsq: words.length ? words.map((w) => `${w.toLowerCase()}:*`).join(' & ') : null,
      num: /^\d{1,15}$/.test(q) ? Number(q) : null,
      limit,
    };
    const wanted = new Set(types);
    if (wanted.has('cdrs') && !(await this.#hasCdrs())) wanted.delete('cdrs');
    const run = async (type: SearchType, sql: string, toHit: (r: Row) => Omit<SearchHit, 'type' | 'score'>): Promise<SearchHit[]> => {
      if (!wanted.has(type)) return [];
      const bound = bindNamed(sql, params as unknown as Record<string, unknown>);
      const { rows } = await this.ctx.db.transaction(async (tx) => {
        // For this transaction only.
        await tx.query(`select set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(typoThreshold(q))]);
        return tx.query<Row>(bound.sql, bound.params);
      });
      return rows.map((r) => ({ type, ...toHit(r), score: Math.round(Number(r.score) * 1000) / 1000 }));
    };
    const extra = wanted.has('stations') ? await this.#extraStationColumns() : [];
    // On PostgreSQL the queries run on separate pool connections at once; PGlite runs them in turn.
    const groups = await Promise.all([
      run('stations', stationsSql(extra), (r) => ({
        id: r.id as string,
        title: (r.name as string) || (r.id as string),
        subtitle: line(r.name ? r.id : null, [r.vendor, r.model].filter(Boolean).join(' '), r.address, r.city),
      })),
      run('sessions', SESSIONS_SQL, (r) => ({
        id: String(r.id),
        title: `Session ${r.id}`,
        subtitle: line(r.station_id, r.id_token, r.ocpp_transaction_id, r.status, iso(r.started_at)),
      })),
      run('idTokens', ID_TOKENS_SQL, (r) => ({
        id: r.id_token as string,
        title: r.id_token as string,
        subtitle: line(r.status, r.parent_id_token ? `group ${r.parent_id_token}` : null, r.email),
      })),
      run('users', USERS_SQL, (r) => ({
        id: String(r.id),
        title: (r.name as string) || (r.email as string),
        subtitle: line(r.email, r.role),
      })),
      run('cdrs', CDRS_SQL, (r) => ({
        id: r.id as string,
        title: `CDR ${r.id}`,
        subtitle: line(r.station_id, r.id_token, r.total_incl_vat !== null ? `${r.total_incl_vat} ${r.currency ?? ''}`.trim() : null, iso(r.ended_at)),
      })),
    ]);
    const order = (t: SearchType) => SEARCH_TYPES.indexOf(t);
    const items = groups.flat().sort((a, b) => b.score - a.score || order(a.type) - order(b.type)).slice(0, limit);
    return { items };
  }
}
