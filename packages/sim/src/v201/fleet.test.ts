import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimArgs } from '../cli.js';
import { FakeCsms } from '../fake-csms.js';
import { createFleet } from '../fleet.js';

describe('2.0.1 fleet and CLI', () => {
  it('auto-charge runs 2.0.1 sessions: Started (cable), Updated (Authorized), Ended', async () => {
    const csms = await FakeCsms.start(0, { version: 'ocpp2.0.1' });
    const fleet = createFleet({ url: csms.url, ocppVersion: 'ocpp2.0.1', stations: 3, meterValueIntervalSec: 0, autoCharge: { idTags: ['AUTO'], everySec: 1, durationSec: 1 } });
    try {
      await fleet.start();
      assert.equal(csms.all('BootNotification').length, 3);
      const authorized = await csms.waitFor('TransactionEvent', (p) => p.triggerReason === 'Authorized', { timeoutMs: 4000 });
      assert.deepEqual(authorized.payload.idToken, { idToken: 'AUTO', type: 'ISO14443' });
      await csms.waitFor('TransactionEvent', (p) => p.eventType === 'Ended', { timeoutMs: 4000 });
    } finally {
      await fleet.stop();
      await csms.close();
    }
  });

  it('parses --ocpp and the TLS options', () => {
    const dir = mkdtempSync(join(tmpdir(), 'voltlane-sim-cli-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), 'CA');
      writeFileSync(join(dir, 'cert.pem'), 'CERT');
      writeFileSync(join(dir, 'key.pem'), 'KEY');
      const parsed = parseSimArgs(['--url', 'wss://h/ocpp', '--ocpp', '2.0.1', '--ca', join(dir, 'ca.pem'), '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem')]);
      assert.notEqual(parsed, 'help');
      if (parsed === 'help') return;
      assert.equal(parsed.fleet.ocppVersion, 'ocpp2.0.1');
      assert.deepEqual(parsed.fleet.tls, { ca: 'CA', cert: 'CERT', key: 'KEY' });
      const v21 = parseSimArgs(['--ocpp', 'ocpp2.1', '--url', 'wss://h', '--insecure']);
      assert.ok(v21 !== 'help' && v21.fleet.ocppVersion === 'ocpp2.1' && v21.fleet.tls?.rejectUnauthorized === false);
      const v16 = parseSimArgs([]);
      assert.ok(v16 !== 'help' && v16.fleet.ocppVersion === undefined && v16.fleet.tls === undefined);
      assert.throws(() => parseSimArgs(['--ocpp', '3.0']), /--ocpp/);
      assert.throws(() => parseSimArgs(['--ca', join(dir, 'ca.pem')]), /wss:\/\//);
      assert.throws(() => parseSimArgs(['--url', 'wss://h', '--cert', join(dir, 'cert.pem')]), /--key/);
      assert.throws(() => parseSimArgs(['--url', 'wss://h', '--ca', join(dir, 'missing.pem')]), /--ca/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
