/** Latency statistics and number formatting for the benchmark report. */

/** Percentiles of a set of latencies, in ms. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Collects latencies (ms) and summarises them; values are kept in a growable typed array.
 * @example const l = new Latencies(); l.add(3.2); l.add(7.9); l.summary().p99 // -> 7.9
 */
export class Latencies {
  private values = new Float64Array(1 << 16);
  private n = 0;

  add(ms: number): void {
    if (this.n === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.n++] = ms;
  }

  get count(): number {
    return this.n;
  }

  summary(): LatencySummary {
    const sorted = this.values.slice(0, this.n).sort();
    const at = (q: number) => (this.n === 0 ? 0 : sorted[Math.min(this.n - 1, Math.ceil(q * this.n) - 1)]!);
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      count: this.n,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      max: this.n === 0 ? 0 : sorted[this.n - 1]!,
      mean: this.n === 0 ? 0 : sum / this.n,
    };
  }
}

/**
 * Rounds to `digits` decimals (for the JSON line).
 * @example round(3.14159, 2) // -> 3.14
 */
export function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * A number with thousands separators.
 * @example fmt(12345.678) // -> '12,346'
 */
export function fmt(v: number, digits = 0): string {
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Runs `fn` over `items` with at most `concurrency` at a time. */
export async function eachLimited<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>, shouldStop = () => false): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !shouldStop()) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Lays out rows as an aligned text table (first row = header); columns after the first are right-aligned.
 * @example table([['a', 'b'], ['x', '1']]) // -> '  a  b\n  -  -\n  x  1'
 */
export function table(rows: string[][], indent = '  '): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const line = (r: string[]) => indent + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const [head, ...body] = rows;
  if (!head) return '';
  return [line(head), line(head.map((_, i) => '-'.repeat(widths[i]!))), ...body.map(line)].join('\n');
}

/**
 * Lays out figure/value pairs with the values in one left-aligned column.
 * @example kvTable([['rate', '5,000 msg/s']]) // -> '  rate  5,000 msg/s'
 */
export function kvTable(rows: [string, string][], indent = '  '): string {
  const w = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`).join('\n');
}
