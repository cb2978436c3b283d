import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Batcher } from './batcher.js';

it('writes at once when idle and batches what arrives while the writer is busy', async () => {
  const batches: number[][] = [];
  let release!: () => void;
  const b = new Batcher<number>(async (items) => {
    batches.push(items);
    if (batches.length === 1) await new Promise<void>((r) => (release = r));
  }, { maxItems: 3 });
  const first = b.add(1);
  await new Promise((r) => setImmediate(r));
  const rest = [2, 3, 4, 5].map((i) => b.add(i));
  release();
  await Promise.all([first, ...rest]);
  assert.deepEqual(batches, [[1], [2, 3, 4], [5]]);
});

it('runs up to maxConcurrent writes at once', async () => {
  let running = 0;
  let peak = 0;
  const b = new Batcher<number>(async () => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setTimeout(r, 10));
    running--;
  }, { maxItems: 1, maxConcurrent: 2 });
  await Promise.all([1, 2, 3, 4].map((i) => b.add(i)));
  assert.equal(peak, 2);
});

it('rejects every caller of a failed batch, keeps working, and flush waits for all writes', async () => {
  let fail = true;
  const written: number[] = [];
  const b = new Batcher<number>(async (items) => {
    if (fail) throw new Error('disk full');
    written.push(...items);
  }, { maxItems: 10 });
  await assert.rejects(Promise.all([b.add(1), b.add(2)]), /disk full/);
  fail = false;
  void b.add(3);
  await b.flush();
  assert.deepEqual(written, [3]);
});
