import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs } from './backoff.js';
import { parseSimArgs } from './cli.js';
import { FakeCsms } from './fake-csms.js';
import { createFleet, startFleet } from './fleet.js';

describe('startFleet', () => {
  it('starts named stations with bounded concurrency and stops them', async () => {
    const csms = await FakeCsms.start();
    try {
      const fleet = await startFleet({ url: csms.url, stations: 5, prefix: 'DEMO-', startConcurrency: 2, meterValueIntervalSec: 0 });
      assert.deepEqual(fleet.stations.map((s) => s.id), ['DEMO-1', 'DEMO-2', 'DEMO-3', 'DEMO-4', 'DEMO-5']);
      assert.ok(fleet.stations.every((s) => s.registrationStatus === 'Accepted'));
      assert.equal(csms.all('BootNotification').length, 5);
      await fleet.stop();
      assert.ok(fleet.stations.every((s) => !s.connected));
    } finally {
      await csms.close();
    }
  });

  it('auto-charge starts sessions with the given tags', async () => {
    const csms = await FakeCsms.start();
    const fleet = createFleet({ url: csms.url, stations: 4, meterValueIntervalSec: 0, autoCharge: { idTags: ['AUTO'], everySec: 1, durationSec: 1 } });
    try {
      await fleet.start();
      const start = await csms.waitFor('StartTransaction', undefined, { timeoutMs: 4000 });
      assert.equal(start.payload.idTag, 'AUTO');
      await csms.waitFor('StopTransaction', undefined, { timeoutMs: 4000 });
    } finally {
      await fleet.stop();
      await csms.close();
    }
  });
});

describe('runSimCli arguments', () => {
  it('parses options into fleet options', () => {
    const parsed = parseSimArgs(['--url', 'ws://h:1/ocpp', '--stations', '3', '--prefix', 'X', '--interval', '10', '--auto-charge', '--id-tags', 'A,B']);
    assert.notEqual(parsed, 'help');
    if (parsed === 'help') return;
    assert.equal(parsed.fleet.url, 'ws://h:1/ocpp');
    assert.equal(parsed.fleet.stations, 3);
    assert.equal(parsed.fleet.prefix, 'X');
    assert.equal(parsed.fleet.meterValueIntervalSec, 10);
    assert.deepEqual(parsed.fleet.autoCharge?.idTags, ['A', 'B']);
    assert.equal(parseSimArgs(['-h']), 'help');
    assert.throws(() => parseSimArgs(['--stations', 'many']), /--stations/);
    assert.throws(() => parseSimArgs(['--url', 'http://h']), /--url/);
    assert.throws(() => parseSimArgs(['--bogus']), /bogus/);
  });

  it('backs off exponentially with jitter', () => {
    for (let i = 0; i < 50; i++) {
      const d = backoffMs(3, 1000, 60_000);
      assert.ok(d >= 4000 && d <= 8000, String(d));
      assert.ok(backoffMs(40, 1000, 60_000) <= 60_000);
    }
  });
});
