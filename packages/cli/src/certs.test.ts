import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCertsCli } from './certs.js';

describe('voltlane certs', () => {
  it('makes a development CA, a server certificate, the env lines, and station client certificates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'voltlane-certs-'));
    try {
      const lines: string[] = [];
      assert.equal(await runCertsCli(['dev', '--dir', dir, '--host', 'csms.example'], (l) => lines.push(l)), 0);
      assert.ok(lines.includes(`  export VOLTLANE_TLS_CERT=${join(dir, 'server.pem')}`));
      assert.ok(lines.includes(`  export VOLTLANE_TLS_CA_KEY=${join(dir, 'ca-key.pem')}`));
      const ca = new X509Certificate(await readFile(join(dir, 'ca.pem')));
      const server = new X509Certificate(await readFile(join(dir, 'server.pem')));
      assert.ok(server.verify(ca.publicKey));
      assert.ok(server.checkHost('localhost') && server.checkHost('csms.example') && server.checkIP('127.0.0.1'));
      assert.equal((await stat(join(dir, 'ca-key.pem'))).mode & 0o077, 0, 'keys are private');

      // A second run keeps the CA (certificates it signed keep working).
      assert.equal(await runCertsCli(['dev', '--dir', dir], () => undefined), 0);
      assert.equal(new X509Certificate(await readFile(join(dir, 'ca.pem'))).serialNumber, ca.serialNumber);

      assert.equal(await runCertsCli(['station', 'CP 1', '--dir', dir], () => undefined), 0);
      const station = new X509Certificate(await readFile(join(dir, 'stations', 'CP%201.pem')));
      assert.ok(station.verify(ca.publicKey));
      assert.equal(station.subject, 'CN=CP 1');
      assert.equal(await runCertsCli(['station', 'CP1', '--dir', join(dir, 'none')], () => undefined), 1);
      assert.equal(await runCertsCli(['bogus'], () => undefined), 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
