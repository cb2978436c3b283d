import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReportTracker } from './report-tracker.js';

describe('ReportTracker', () => {
  function tracker(ttlMs?: number) {
    const finished: [string, string, string[]][] = [];
    const t = new ReportTracker<string>(async (station, criteria, keys) => void finished.push([station, criteria, keys.sort()]), ttlMs);
    return { t, finished };
  }

  it('finishes when the request was answered and the last report arrived (reply first)', async () => {
    const { t, finished } = tracker();
    await t.requested('CP1', 1, 'all');
    await t.reported('CP1', 1, ['a'], false);
    assert.equal(finished.length, 0);
    await t.reported('CP1', 1, ['b'], true);
    assert.deepEqual(finished, [['CP1', 'all', ['a', 'b']]]);
    assert.equal(t.size, 0);
  });

  it('finishes when the reports came before the reply was processed', async () => {
    const { t, finished } = tracker();
    await t.reported('CP1', 2, ['x'], true);
    assert.equal(finished.length, 0);
    await t.requested('CP1', 2, 'evse 1');
    assert.deepEqual(finished, [['CP1', 'evse 1', ['x']]]);
  });

  it('keeps stations and request ids apart, and a reused id starts afresh', async () => {
    const { t, finished } = tracker();
    await t.requested('CP1', 3, 'c1');
    await t.requested('CP2', 3, 'c2');
    await t.reported('CP2', 3, ['p'], true);
    await t.reported('CP1', 3, ['q'], true);
    await t.requested('CP1', 3, 'again');
    await t.reported('CP1', 3, ['r'], true);
    assert.deepEqual(finished, [['CP2', 'c2', ['p']], ['CP1', 'c1', ['q']], ['CP1', 'again', ['r']]]);
  });

  it('forgets reports nobody asked for after the idle time, so they never remove anything', async () => {
    const { t, finished } = tracker(10);
    await t.reported('CP1', 4, ['old'], true);
    await new Promise((r) => setTimeout(r, 20));
    await t.requested('CP1', 4, 'later');
    assert.equal(finished.length, 0);
    assert.equal(t.size, 1);
  });
});
