import pg from 'pg';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A SQL literal for one parameter value (COPY cannot take bind parameters). */
function literal(value: unknown, index: number): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Parameter $${index} is ${value}: only finite numbers can be inlined`);
    return String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error(`Parameter $${index} is an invalid Date`);
    return pg.escapeLiteral(value.toISOString());
  }
  if (Array.isArray(value)) {
    // An array literal ('{"a","b"}'): the placeholder's cast (`$1::text[]`) gives it its type.
    const items = value.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`));
    return pg.escapeLiteral(`{${items.join(',')}}`);
  }
  throw new Error(`Parameter $${index} has type ${typeof value}: inline strings, numbers, bigints, booleans, Dates, arrays or null`);
}

/**
 * Replaces `$1..$n` in `sql` by the parameters as SQL literals (strings escaped by node-postgres'
 * `escapeLiteral`). For statements that take no parameters, such as COPY. `$n` must appear only as
 * a placeholder (not inside string literals or dollar quotes).
 * @example inlineParams('select * from t where a = $1', ["O'Brien"]) // select * from t where a = 'O''Brien'
 */
export function inlineParams(sql: string, params: unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_m, n: string) => {
    const i = Number(n);
    if (i < 1 || i > params.length) throw new Error(`Parameter $${i} has no value (${params.length} given)`);
    return literal(params[i - 1], i);
  });
}

/** Checks a key column name before it is written into SQL. */
export function keyColumn(key: string): string {
  if (!IDENTIFIER.test(key)) throw new Error(`copyOut key "${key}" must be a plain lower-case column name`);
  return key;
}

/** The COPY statement both backends run: `target` is STDOUT (PostgreSQL) or '/dev/blob' (PGlite). */
export function copyStatement(select: string, target: string, header: boolean): string {
  return `copy (${select}) to ${target} with (format csv${header ? ', header' : ''})`;
}
