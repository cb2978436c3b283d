/** Result of one statement: the rows and how many rows it returned or changed. */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/**
 * Anything that runs one parameterised SQL statement (`$1`, `$2`, ...).
 * Both backends use the extended protocol, so a `query` holds exactly one statement.
 * Parameters: string, number, bigint, boolean, Date, Buffer, null, and arrays for `$1::text[]`.
 * For json/jsonb pass `JSON.stringify(value)`: node-postgres sends a JS array as a PostgreSQL
 * array literal (invalid JSON), while PGlite sends JSON. Result values: see `parsers.ts`.
 * @example const { rows } = await db.query<{ id: string }>('select id from stations where online = $1', [true]);
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

/** A {@link Queryable} that can also run a multi-statement SQL script without parameters (migrations). */
export interface ScriptRunner extends Queryable {
  exec(script: string): Promise<void>;
}

/**
 * One database, embedded (PGlite) or a PostgreSQL server, behind the same interface.
 * Inside `transaction(fn)` use only `tx`: on PGlite, calling `db.query` from within `fn` waits for
 * the transaction to end, which never happens (deadlock).
 */
export interface Db extends ScriptRunner {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn inside BEGIN/COMMIT (ROLLBACK on throw). On PGlite transactions are serialised with a mutex. */
  transaction<T>(fn: (tx: ScriptRunner) => Promise<T>): Promise<T>;
  /**
   * Streams the result of one SELECT as CSV exactly as PostgreSQL's COPY writes it (RFC 4180 quoting,
   * NULL as an empty field, "" for an empty string, LF line ends), ordered by `opts.key`, without
   * loading it: PostgreSQL runs one `COPY (...) TO STDOUT` on a pool connection; PGlite copies
   * keyset-paginated batches (`key > last`), so other statements run between batches.
   * Parameters are inlined as literals (COPY takes none): write `$n` only as placeholders.
   * Stopping the iteration early cancels the copy.
   * @example for await (const chunk of db.copyOut('select id, station_id from transactions where station_id = $1', ['CP1'], { key: 'id', header: true })) out.write(chunk);
   */
  copyOut(sql: string, params: unknown[], opts: CopyOutOptions): AsyncIterable<Buffer>;
  /** Waits for running work, then closes the database or pool. */
  close(): Promise<void>;
}

/** Options of {@link Db.copyOut}. */
export interface CopyOutOptions {
  /** A result column that is unique and never null (usually the primary key): rows come in its order. */
  key: string;
  /** Start with a row of column names (also when there are no rows). Default false. */
  header?: boolean;
  /** Rows per PGlite batch (default 5,000). */
  batchRows?: number;
}

/** How to open a {@link Db}. */
export interface OpenDbOptions {
  /** `postgres://...`; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; `'memory://'` or undefined means in-memory. */
  dataDir?: string;
  /** PostgreSQL only: schema to use as search_path (then public, for extensions), created if missing (test isolation). */
  schema?: string;
  /** PostgreSQL only: maximum connections in the pool (default 10). */
  poolSize?: number;
  /** Called for background errors (idle pool connections dropping). Default: console.error. */
  onError?: (err: Error) => void;
}
