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
  /** Waits for running work, then closes the database or pool. */
  close(): Promise<void>;
}

/** How to open a {@link Db}. */
export interface OpenDbOptions {
  /** `postgres://...`; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; `'memory://'` or undefined means in-memory. */
  dataDir?: string;
  /** PostgreSQL only: schema to use as search_path, created if missing (test isolation). */
  schema?: string;
  /** PostgreSQL only: maximum connections in the pool (default 10). */
  poolSize?: number;
  /** Called for background errors (idle pool connections dropping). Default: console.error. */
  onError?: (err: Error) => void;
}
