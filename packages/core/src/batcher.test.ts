import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Batcher } from './batcher.js';

it('groups items into batches, in order, and settles each caller after its batch', async () => {
  const batches: number[][] = [];
  const b = new Batcher<number>(async (items) => void batches.push(items), { maxItems: 3, maxDelayMs: 5 });
  const done = await Promise.all([b.add(1), b.add(2), b.add(3), b.add(4)]);
  assert.equal(done.length, 4);
  assert.deepEqual(batches, [[1, 2, 3], [4]]);
});

it('rejects every caller of a failed batch and keeps working', async () => {
  let fail = true;
  const b = new Batcher<number>(async () => {
    if (fail) throw new Error('disk full');
  }, { maxItems: 10, maxDelayMs: 1 });
  await assert.rejects(Promise.all([b.add(1), b.add(2)]), /disk full/);
  fail = false;
  await b.add(3);
});
