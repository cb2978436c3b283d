/** Helpers to turn database values into API values. */

/** numeric columns come back as strings: numbers for the API (null stays null). */
export function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** timestamptz -> ISO-8601 string (null stays null). */
export function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return (v instanceof Date ? v : new Date(String(v))).toISOString();
}

/** limit/offset with sane bounds. */
export function page(q: { limit?: number; offset?: number }): { limit: number; offset: number } {
  return { limit: Math.min(Math.max(q.limit ?? 50, 1), 1000), offset: Math.max(q.offset ?? 0, 0) };
}
