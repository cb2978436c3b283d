import { it } from 'node:test';
import assert from 'node:assert/strict';
import { FrameLog } from './frame-log.js';

it('keeps the newest frames per station, newest first, and cuts long frames', () => {
  const log = new FrameLog(3);
  for (let i = 1; i <= 5; i++) log.add('CP1', i % 2 ? 'in' : 'out', `f${i}`);
  assert.deepEqual(log.list('CP1').map((e) => e.text), ['f5', 'f4', 'f3']);
  assert.deepEqual(log.list('CP1', 10, 'in').map((e) => e.text), ['f5', 'f3']);
  log.add('CP2', 'in', 'x'.repeat(FrameLog.maxChars + 10));
  const [big] = log.list('CP2');
  assert.equal(big!.truncated, true);
  assert.equal(big!.text.length, FrameLog.maxChars);
  assert.deepEqual(log.list('nobody'), []);
});
