import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Mutex } from './mutex.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Mutex', () => {
  it('runs callers one at a time, in call order', async () => {
    const m = new Mutex();
    const log: string[] = [];
    const job = (name: string, ms: number) =>
      m.run(async () => {
        log.push(`${name}+`);
        await sleep(ms);
        log.push(`${name}-`);
        return name;
      });
    const results = await Promise.all([job('a', 20), job('b', 1), job('c', 5)]);
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.deepEqual(log, ['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
  });

  it('keeps going after a rejected run', async () => {
    const m = new Mutex();
    await assert.rejects(m.run(async () => { throw new Error('boom'); }), /boom/);
    assert.equal(await m.run(async () => 42), 42);
  });
});
