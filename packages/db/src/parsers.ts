/**
 * Result-value normalisation, so PGlite and node-postgres return identical JS values:
 *
 * | type        | value                                                      |
 * |-------------|------------------------------------------------------------|
 * | int2/int4   | number                                                     |
 * | int8        | number when safe (`Number.isSafeInteger`), else bigint     |
 * | numeric     | string (exact decimal; never a float)                      |
 * | float4/8    | number                                                     |
 * | timestamptz | Date                                                       |
 * | date        | string `YYYY-MM-DD` (a date has no time zone)              |
 * | interval    | string as PostgreSQL prints it, e.g. `1 day 02:00:00`      |
 * | json/jsonb  | parsed value                                               |
 * | bytea       | Buffer                                                     |
 * Arrays of these types follow the element rule.
 */
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';

/** Type OIDs we normalise. */
export const OID = {
  BYTEA: 17,
  INT8: 20,
  TEXT_ARRAY: 1009,
  INT8_ARRAY: 1016,
  DATE: 1082,
  DATE_ARRAY: 1182,
  INTERVAL: 1186,
  INTERVAL_ARRAY: 1187,
  NUMERIC_ARRAY: 1231,
} as const;

/** int8 text to a number when it fits without loss, otherwise a bigint (PGlite's own rule). */
export function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

export const identity = (text: string): string => text;

type Nested<T> = T | null | Nested<T>[];

function mapNested<T>(value: Nested<string>, fn: (text: string) => T): Nested<T> {
  if (value === null) return null;
  return Array.isArray(value) ? value.map((v) => mapNested(v, fn)) : fn(value);
}

/** node-postgres type config for one pool; leaves the process-wide `pg.types` untouched. */
export function pgTypesConfig(): CustomTypesConfig {
  // pg-types' TypeId lists scalar types only, hence the cast to look up text[].
  const lookup = pg.types.getTypeParser as (oid: number) => (text: string) => unknown;
  const textArray = lookup(OID.TEXT_ARRAY) as (text: string) => Nested<string>;
  const custom: Record<number, (text: string) => unknown> = {
    [OID.INT8]: parseInt8,
    [OID.INT8_ARRAY]: (text) => mapNested(textArray(text), parseInt8),
    // pg-types turns numeric[] into floats; keep the exact strings like scalar numeric.
    [OID.NUMERIC_ARRAY]: textArray,
    [OID.DATE]: identity,
    [OID.DATE_ARRAY]: textArray,
    [OID.INTERVAL]: identity,
    [OID.INTERVAL_ARRAY]: textArray,
  };
  const getTypeParser = (oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && custom[oid] ? custom[oid] : pg.types.getTypeParser(oid, format as 'text');
  return { getTypeParser: getTypeParser as CustomTypesConfig['getTypeParser'] };
}
