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

it('drops the gateway-wide oldest frames once the total budget is used', () => {
  const log = new FrameLog(100, 100);
  for (let i = 0; i < 10; i++) log.add(`CP${i}`, 'in', 'x'.repeat(20));
  assert.ok(log.size.chars <= 100);
  assert.equal(log.size.frames, 5);
  assert.deepEqual(log.list('CP0'), []);
  assert.equal(log.list('CP9').length, 1);
});

it('stays bounded over many frames of many stations', () => {
  const log = new FrameLog(2, 10_000);
  for (let i = 0; i < 50_000; i++) log.add(`CP${i % 500}`, 'in', `frame-${i}`);
  assert.ok(log.size.frames <= 1000);
  assert.ok(log.size.chars <= 10_000);
  assert.deepEqual(log.list('CP499').map((e) => e.text), ['frame-49999', 'frame-49499']);
});
