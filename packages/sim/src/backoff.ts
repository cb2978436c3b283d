/**
 * Reconnect delay for the given failed attempt: exponential from `minMs` up to `maxMs`, with
 * jitter between half and the full delay so that a fleet dropped at once does not come back at once.
 * @example backoffMs(0, 1000, 60000) // -> between 500 and 1000
 */
export function backoffMs(attempt: number, minMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
