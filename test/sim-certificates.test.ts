/**
 * The simulator gets a real station certificate from Voltlane's built-in CA, end to end:
 * TriggerMessage (2.x SignChargingStationCertificate, 1.6 ExtendedTriggerMessage
 * SignChargePointCertificate) makes the simulated station send SignCertificate with a PKCS#10 CSR
 * for a new P-256 key (CN = station id, O = organisation); Voltlane signs it and sends
 * CertificateSigned; the station installs the certificate, which is for its key and verifies
 * against the CA; Voltlane records it as accepted; and the station presents it (mutual TLS,
 * security profile 3) from its next connection on.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from '@voltlane/db';
import { createCa, distinguishedName, generateKeyPair, issueCertificate, loadSigningCa, privateKeyPem } from '@voltlane/core';
import { SimStation } from '@voltlane/sim';
import { eventually, startTestServer, type TestServer } from './helpers.js';

const PASSWORD = 'sim-certificates-password';

for (const tdb of testDatabases()) {
  describe(`simulated stations get certificates from the built-in CA (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let dir: string;
    let caPem: { certPem: string; keyPem: string };
    const sims: SimStation[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      dir = await mkdtemp(join(tmpdir(), 'voltlane-simcert-'));
      caPem = await createCa({ commonName: 'Sim Test Station CA', organization: 'Voltlane tests', days: 30 });
      const ca = await loadSigningCa(caPem.certPem, caPem.keyPem);
      const serverKeys = await generateKeyPair();
      const server = await issueCertificate(ca, { subject: distinguishedName('127.0.0.1'), publicKey: serverKeys.publicKey, purpose: 'server', days: 30, hosts: ['127.0.0.1'] });
      const files = { 'server.pem': server.toString('pem'), 'server-key.pem': await privateKeyPem(serverKeys.privateKey), 'ca.pem': caPem.certPem, 'ca-key.pem': caPem.keyPem };
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
      s = await startTestServer(opened.db, {
        VOLTLANE_TLS_CERT: join(dir, 'server.pem'), VOLTLANE_TLS_KEY: join(dir, 'server-key.pem'),
        VOLTLANE_TLS_CA: join(dir, 'ca.pem'), VOLTLANE_TLS_CA_KEY: join(dir, 'ca-key.pem'), VOLTLANE_COMMAND_TIMEOUT_SEC: '5',
      }, caPem.certPem);
    });
    after(async () => {
      for (const sim of sims) await sim.stop();
      await s.stop();
      await cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    async function sim(id: string, ocppVersion: 'ocpp1.6' | 'ocpp2.0.1'): Promise<SimStation> {
      assert.equal((await s.api('POST', '/api/v1/stations', { id, password: PASSWORD, securityProfile: 2 })).status, 201);
      const st = new SimStation({ url: s.ws, id, password: PASSWORD, ocppVersion, tls: { ca: caPem.certPem }, reconnectMinMs: 50, rebootDelayMs: 50 });
      sims.push(st);
      await st.start();
      return st;
    }

    /** The installed certificate: for the station, signed by the CA, recorded by Voltlane as accepted. */
    async function installed(st: SimStation, organization: string): Promise<X509Certificate> {
      const own = await eventually(async () => st.clientCertificate, 5000, 'certificate installed by the simulator');
      const leaf = new X509Certificate(own.chainPem);
      assert.ok(leaf.verify(new X509Certificate(caPem.certPem).publicKey), 'signed by the built-in CA');
      assert.match(leaf.subject, new RegExp(`CN=${st.id}`));
      assert.match(leaf.subject, new RegExp(`O=${organization}`));
      assert.ok(leaf.checkPrivateKey((await import('node:crypto')).createPrivateKey(own.keyPem)), 'for the key the station kept');
      const recorded = await eventually(async () => {
        const items = (await s.api('GET', `/api/v1/stations/${st.id}/certificates`)).body.items;
        return items.find((c: { kind: string; status: string }) => c.kind === 'issued' && c.status === 'Accepted');
      }, 5000, 'issued certificate accepted by the station');
      assert.equal(recorded.serialNumber, leaf.serialNumber.toLowerCase().replace(/^0+/, ''));
      return leaf;
    }

    it('2.0.1: SignCertificate with a real CSR, CertificateSigned installed, then used for mutual TLS (profile 3)', async () => {
      const st = await sim('SIMCERT-201', 'ocpp2.0.1');
      const set = await s.api('POST', '/api/v1/stations/SIMCERT-201/commands/SetVariables', {
        setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'OrganizationName' }, attributeValue: 'Sim CPO' }],
      });
      assert.equal(set.body.response.setVariableResult[0].attributeStatus, 'Accepted');
      const trig = await s.api('POST', '/api/v1/stations/SIMCERT-201/commands/TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
      assert.deepEqual(trig.body.response, { status: 'Accepted' });
      await installed(st, 'Sim CPO');
      assert.deepEqual((await s.api('GET', '/api/v1/stations/SIMCERT-201/security-events')).body.items.filter((e: { type: string }) => e.type === 'InvalidChargingStationCertificate'), []);

      // A05: the CSMS moves the station to profile 3; on its next connection it shows its new certificate.
      const profile = await s.api('POST', '/api/v1/stations/SIMCERT-201/commands/SetNetworkProfile', {
        configurationSlot: 1,
        connectionData: { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: s.ws, messageTimeout: 30, securityProfile: 3, ocppInterface: 'Wired0' },
      });
      assert.deepEqual(profile.body.response, { status: 'Accepted' });
      st.disconnect();
      await eventually(async () => {
        const sec = (await s.api('GET', '/api/v1/stations/SIMCERT-201/security')).body;
        return sec.securityProfile === 3 && sec.pendingSecurityProfile === null;
      }, 10_000, 'station reconnected with its certificate (profile 3)');
      await eventually(async () => st.connected && st.registrationStatus === 'Accepted', 5000, 'registered again');
    });

    it('1.6 Security Whitepaper: ExtendedTriggerMessage SignChargePointCertificate, CertificateSigned installed', async () => {
      const st = await sim('SIMCERT-16', 'ocpp1.6');
      const cpo = await s.api('POST', '/api/v1/stations/SIMCERT-16/commands/ChangeConfiguration', { key: 'CpoName', value: 'Sim Sixteen' });
      assert.deepEqual(cpo.body.response, { status: 'Accepted' });
      const trig = await s.api('POST', '/api/v1/stations/SIMCERT-16/commands/ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' });
      assert.deepEqual(trig.body.response, { status: 'Accepted' });
      await installed(st, 'Sim Sixteen');
    });
  });
}
