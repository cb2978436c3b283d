import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kvTable, Latencies, table } from './stats.js';

test('percentiles are nearest-rank over every value, beyond the initial buffer', () => {
  const l = new Latencies();
  for (let i = 100_000; i >= 1; i--) l.add(i); // more than the 65,536 initial slots, in reverse order
  const s = l.summary();
  assert.equal(s.count, 100_000);
  assert.equal(s.p50, 50_000);
  assert.equal(s.p99, 99_000);
  assert.equal(s.max, 100_000);
  assert.equal(s.mean, 50_000.5);
  assert.deepEqual(new Latencies().summary(), { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
});

test('tables align their columns', () => {
  assert.equal(table([['process', 'CPU'], ['gateway-1', '85%'], ['api', '5%']]), [
    '  process    CPU',
    '  ---------  ---',
    '  gateway-1  85%',
    '  api         5%',
  ].join('\n'));
  assert.equal(kvTable([['rate', '5,000'], ['p99 ms', '12']]), '  rate    5,000\n  p99 ms  12');
});
