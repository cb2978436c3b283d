import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { copyStatement, inlineParams, keyColumn } from './copy.js';
import { pgTypesConfig } from './parsers.js';
import type { CopyOutOptions, Db, OpenDbOptions, QueryResult, ScriptRunner } from './types.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

type PgQueryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

function runner(target: PgQueryable): ScriptRunner {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      // Always the extended protocol, as PGlite does: one statement per query on both backends.
      const config = { text: sql, values: params ?? [], queryMode: 'extended' } as pg.QueryConfig;
      const res = await target.query(config);
      return { rows: res.rows as T[], rowCount: res.rowCount ?? res.rows.length };
    },
    async exec(script: string) {
      await target.query(script); // no values: simple protocol, many statements allowed
    },
  };
}

async function createSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema if not exists "${schema}"`);
  } catch (err) {
    // Two processes creating the same schema at once: one loses the race, the schema exists.
    if ((err as { code?: string }).code !== '23505') throw err;
  } finally {
    await client.end();
  }
}

/**
 * Opens a node-postgres pool on `opts.url`. With `opts.schema`, the schema is created if missing
 * and search_path is that schema, then public (where database-wide extensions such as pg_trgm
 * live). Sessions use TimeZone=UTC, as PGlite does.
 * @example const db = await openPostgres({ url: 'postgres://postgres@localhost/voltlane' });
 */
export async function openPostgres(opts: OpenDbOptions & { url: string }): Promise<Db> {
  const { url, schema } = opts;
  const onError = opts.onError ?? ((err) => console.error('[db] PostgreSQL connection error:', err.message));
  let options = '-c TimeZone=UTC';
  if (schema !== undefined) {
    if (!SCHEMA_NAME.test(schema)) {
      throw new Error(`Invalid schema name "${schema}": use lower-case letters, digits and _`);
    }
    await createSchema(url, schema);
    options += ` -c search_path=${schema},public`;
  }
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, options, types: pgTypesConfig() });
  // An idle connection that drops (server restart, network) is an 'error' event: log, never crash.
  pool.on('error', onError);
  const direct = runner(pool);

  return {
    kind: 'postgres',
    query: direct.query,
    exec: direct.exec,
    async transaction(fn) {
      const client = await pool.connect();
      // pg-pool listens for errors only on idle clients; cover the checked-out one ourselves.
      client.on('error', onError);
      let broken: Error | undefined;
      try {
        await client.query('begin');
        const result = await fn(runner(client));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken); // a connection that cannot roll back is destroyed, not reused
      }
    },
    copyOut: (sql, params, opts) => copyOutStream(pool, onError, sql, params, opts),
    close: () => pool.end(),
  };
}

/** One `COPY (...) TO STDOUT` on a pool connection; a copy stopped early destroys the connection. */
async function* copyOutStream(pool: pg.Pool, onError: (err: Error) => void, sql: string, params: unknown[], opts: CopyOutOptions): AsyncGenerator<Buffer> {
  const key = keyColumn(opts.key);
  const select = `select * from (${inlineParams(sql, params)}) q order by q.${key}`;
  const client = await pool.connect();
  client.on('error', onError);
  let finished = false;
  try {
    const stream = client.query(copyTo(copyStatement(select, 'stdout', opts.header ?? false)));
    for await (const chunk of stream) yield chunk as Buffer;
    finished = true;
  } finally {
    client.off('error', onError);
    // Mid-COPY the connection cannot take another query: closing it ends the copy on the server.
    client.release(finished ? undefined : true);
  }
}
