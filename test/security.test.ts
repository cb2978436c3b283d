/**
 * Security profiles 2 and 3, station certificates and security events, with real certificates made
 * in the test by Voltlane's own CA code, and ocpp-rpc chargers in strict mode over wss://.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from '@voltlane/db';
import {
  certificateHashData, createCa, createCsr, distinguishedName, generateKeyPair, issueCertificate, loadSigningCa, parseCertificates, privateKeyPem,
  type SigningCa,
} from '@voltlane/core';
import { eventually, startTestServer, type TestServer } from './helpers.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { RPCClient } = require('ocpp-rpc') as any;

/** A client certificate and key signed by `ca`. */
async function clientCert(ca: SigningCa, cn: string): Promise<{ cert: string; key: string }> {
  const keys = await generateKeyPair();
  const cert = await issueCertificate(ca, { subject: distinguishedName(cn), publicKey: keys.publicKey, purpose: 'client', days: 30 });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/** Resolves with the first call of `action` the charger receives (answered with `reply`). */
function nextCall(cp: any, action: string, reply: object = { status: 'Accepted' }): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve) => {
    cp.handle(action, ({ params }: { params: unknown }) => {
      resolve(params);
      return reply;
    });
  });
}

for (const tdb of testDatabases()) {
  describe(`security profiles and station PKI (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let dir: string;
    let caPem: { certPem: string; keyPem: string };
    let ca: SigningCa;
    let rogue: SigningCa;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const clients: any[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      dir = await mkdtemp(join(tmpdir(), 'voltlane-tls-'));
      caPem = await createCa({ commonName: 'Test Station CA', organization: 'Voltlane tests', days: 30 });
      ca = await loadSigningCa(caPem.certPem, caPem.keyPem);
      const roguePem = await createCa({ commonName: 'Test Station CA', organization: 'Somebody else', days: 30 });
      rogue = await loadSigningCa(roguePem.certPem, roguePem.keyPem);
      const serverKeys = await generateKeyPair();
      const server = await issueCertificate(ca, {
        subject: distinguishedName('127.0.0.1'), publicKey: serverKeys.publicKey, purpose: 'server', days: 30, hosts: ['127.0.0.1', 'localhost'],
      });
      const files = { 'server.pem': server.toString('pem'), 'server-key.pem': await privateKeyPem(serverKeys.privateKey), 'ca.pem': caPem.certPem, 'ca-key.pem': caPem.keyPem };
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
      s = await startTestServer(
        opened.db,
        {
          VOLTLANE_TLS_CERT: join(dir, 'server.pem'),
          VOLTLANE_TLS_KEY: join(dir, 'server-key.pem'),
          VOLTLANE_TLS_CA: join(dir, 'ca.pem'),
          VOLTLANE_TLS_CA_KEY: join(dir, 'ca-key.pem'),
          VOLTLANE_CERT_VALIDITY_DAYS: '20',
          VOLTLANE_UNKNOWN_STATIONS: 'reject',
          VOLTLANE_COMMAND_TIMEOUT_SEC: '3',
        },
        caPem.certPem,
      );
    });
    after(async () => {
      for (const c of clients) await c.close({ force: true }).catch(() => undefined);
      await s.stop();
      await cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    function charger(identity: string, opts: { protocols?: string[]; password?: string; cert?: { cert: string; key: string } } = {}) {
      const c = new RPCClient({
        endpoint: s.ws, identity, protocols: opts.protocols ?? ['ocpp1.6'], strictMode: true, reconnect: false, callTimeoutMs: 5000,
        ...(opts.password ? { password: opts.password } : {}),
        wsOpts: { ca: caPem.certPem, ...(opts.cert ?? {}) },
      });
      clients.push(c);
      return c;
    }

    async function refusedWith(identity: string, opts: Parameters<typeof charger>[1]): Promise<number> {
      const err = await charger(identity, opts).connect().then(() => undefined, (e: { code?: number }) => e);
      assert.ok(err, `${identity} should have been refused`);
      return err.code ?? 0;
    }

    async function lastAttempt(id: string) {
      return (await s.api('GET', `/api/v1/stations/${id}/connection-attempts?limit=1`)).body.items[0];
    }

    it('serves the API over https and OCPP over wss on the same port', async () => {
      assert.match(s.ws, /^wss:\/\//);
      assert.equal((await s.api('GET', '/health')).status, 200);
      const doc = await s.api('GET', '/openapi.json');
      assert.ok(doc.body.paths['/api/v1/stations/{id}/security-events'] && doc.body.paths['/api/v1/certificates']);
    });

    it('profile 2: TLS and the password; a wrong password is refused and recorded as a security event', async () => {
      assert.equal((await s.api('POST', '/api/v1/stations', { id: 'TLS2', securityProfile: 2 })).status, 400, 'profile 2 without a password');
      const created = await s.api('POST', '/api/v1/stations', { id: 'TLS2', password: 'correct-horse-battery', securityProfile: 2 });
      assert.equal(created.status, 201);
      assert.equal(created.body.securityProfile, 2);

      const cp = charger('TLS2', { password: 'correct-horse-battery' });
      await cp.connect();
      assert.equal((await cp.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' })).status, 'Accepted');
      await cp.close();

      assert.equal(await refusedWith('TLS2', { password: 'wrong-horse-battery' }), 401);
      assert.equal((await lastAttempt('TLS2')).reason, 'bad password');
      assert.equal(await refusedWith('TLS2', {}), 401);
      const events = await eventually(async () => {
        const r = (await s.api('GET', '/api/v1/stations/TLS2/security-events?source=csms')).body;
        return r.total === 2 && r;
      }, 5000, 'two csms security events');
      assert.deepEqual(events.items.map((e: { type: string }) => e.type), ['FailedToAuthenticateAtCsms', 'FailedToAuthenticateAtCsms']);
      assert.match(events.items[1].techInfo, /Wrong password/);
      assert.match(events.items[0].techInfo, /requires HTTP Basic/);
    });

    it('profile 3: a client certificate from the station CA naming the station is the only way in', async () => {
      assert.equal((await s.api('POST', '/api/v1/stations', { id: 'TLS3', securityProfile: 3 })).status, 201);
      const own = await clientCert(ca, 'TLS3');
      const cp = charger('TLS3', { cert: own });
      await cp.connect();
      assert.equal((await cp.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' })).status, 'Accepted');
      await cp.close();
      const certs = (await s.api('GET', '/api/v1/stations/TLS3/certificates')).body.items;
      const presented = certs.find((c: { status: string }) => c.status === 'tls');
      assert.equal(presented.serialNumber, parseCertificates(own.cert)[0]!.serialNumber.toLowerCase().replace(/^0+/, ''));
      assert.match(presented.subject, /CN=TLS3/);
      assert.equal(presented.issuerKeyHash, (await certificateHashData(ca.cert)).issuerKeyHash, 'issuer key hash from the station CA');

      // Another station's certificate, though from the right CA.
      assert.equal(await refusedWith('TLS3', { cert: await clientCert(ca, 'OTHER') }), 403);
      let attempt = await lastAttempt('TLS3');
      assert.equal(attempt.reason, 'bad certificate');
      assert.match(attempt.detail, /for "OTHER", not for station TLS3/);

      // The right name, from a CA Voltlane does not trust.
      assert.equal(await refusedWith('TLS3', { cert: await clientCert(rogue, 'TLS3') }), 403);
      attempt = await lastAttempt('TLS3');
      assert.equal(attempt.reason, 'bad certificate');
      assert.match(attempt.detail, /not signed by the station CA/);

      // No certificate at all, even with a password.
      assert.equal(await refusedWith('TLS3', {}), 401);
      assert.equal((await lastAttempt('TLS3')).reason, 'certificate required');

      const events = await eventually(async () => {
        const r = (await s.api('GET', '/api/v1/stations/TLS3/security-events')).body;
        return r.total === 3 && r;
      }, 5000, 'three security events');
      assert.deepEqual(
        events.items.map((e: { type: string; source: string }) => `${e.source}:${e.type}`),
        ['csms:FailedToAuthenticateAtCsms', 'csms:InvalidChargingStationCertificate', 'csms:InvalidChargingStationCertificate'],
      );
    });

    it('2.0.1: SignCertificate -> CertificateSigned, then the station moves up to profile 3 with it (A02, A05)', async () => {
      await s.api('POST', '/api/v1/stations', { id: 'PKI201', password: 'correct-horse-battery' });
      const cp = charger('PKI201', { protocols: ['ocpp2.0.1'], password: 'correct-horse-battery' });
      const signed = nextCall(cp, 'CertificateSigned');
      await cp.connect();
      await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } });

      const { csrPem, keyPem } = await createCsr('PKI201', 'Test CSO');
      assert.deepEqual(await cp.call('SignCertificate', { csr: csrPem, certificateType: 'ChargingStationCertificate' }), { status: 'Accepted' });
      const delivered = await signed;
      assert.equal(delivered.certificateType, 'ChargingStationCertificate');
      const leaf = new X509Certificate(delivered.certificateChain);
      assert.ok(leaf.verify(new X509Certificate(caPem.certPem).publicKey), 'signed by the station CA');
      assert.match(leaf.subject, /CN=PKI201/);

      const mismatch = await cp.call('SignCertificate', { csr: (await createCsr('SOMEONE-ELSE')).csrPem, certificateType: 'ChargingStationCertificate' });
      assert.equal(mismatch.status, 'Rejected');
      assert.equal(mismatch.statusInfo.reasonCode, 'InvalidCSR');
      const v2g = await cp.call('SignCertificate', { csr: (await createCsr('PKI201')).csrPem, certificateType: 'V2GCertificate' });
      assert.deepEqual([v2g.status, v2g.statusInfo.reasonCode], ['Rejected', 'NoCA']);

      const issued = await eventually(async () => {
        const items = (await s.api('GET', '/api/v1/stations/PKI201/certificates')).body.items;
        return items.find((c: { kind: string; status: string }) => c.kind === 'issued' && c.status === 'Accepted');
      }, 5000, 'issued certificate accepted');
      assert.equal(issued.serialNumber, leaf.serialNumber.toLowerCase().replace(/^0+/, ''));
      assert.equal(issued.expiresSoon, true, '20 days of validity is within the 30-day warning');
      const expiring = (await s.api('GET', '/api/v1/certificates?expiringWithinDays=21')).body.items;
      assert.ok(expiring.some((c: { stationId: string; kind: string }) => c.stationId === 'PKI201' && c.kind === 'issued'));

      // A05: the CSMS tells the station to use profile 3; it counts once the station connects that way.
      cp.handle('SetNetworkProfile', () => ({ status: 'Accepted' }));
      const sent = await s.api('POST', '/api/v1/stations/PKI201/commands/SetNetworkProfile', {
        configurationSlot: 1,
        connectionData: { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: s.ws, messageTimeout: 30, securityProfile: 3, ocppInterface: 'Wired0' },
      });
      assert.equal(sent.status, 200);
      assert.deepEqual((await s.api('GET', '/api/v1/stations/PKI201/security')).body, { securityProfile: 1, pendingSecurityProfile: 3, hasPassword: true });
      await cp.close();

      const upgraded = charger('PKI201', { protocols: ['ocpp2.0.1'], cert: { cert: delivered.certificateChain, key: keyPem } });
      await upgraded.connect();
      await upgraded.close();
      assert.deepEqual((await s.api('GET', '/api/v1/stations/PKI201/security')).body, { securityProfile: 3, pendingSecurityProfile: null, hasPassword: true });
      assert.equal(await refusedWith('PKI201', { protocols: ['ocpp2.0.1'], password: 'correct-horse-battery' }), 401, 'no way back to profile 1');
    });

    it('2.0.1: security events are stored; ISO 15118 certificate requests fail honestly without a service (M01, M02, M06)', async () => {
      await s.api('POST', '/api/v1/stations', { id: 'EV201' });
      const cp = charger('EV201', { protocols: ['ocpp2.0.1'] });
      await cp.connect();
      await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } });
      await cp.call('SecurityEventNotification', { type: 'TamperDetectionActivated', timestamp: '2024-05-01T10:00:00Z', techInfo: 'lid opened' });
      const ev = await cp.call('Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'AAAA' });
      assert.equal(ev.status, 'Failed');
      assert.equal(ev.statusInfo.reasonCode, 'NotConfigured');
      const ocsp = await cp.call('GetCertificateStatus', {
        ocspRequestData: { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '01', responderURL: 'http://ocsp.invalid' },
      });
      // Not a certificate of Voltlane's CA, and the responder it names cannot be reached.
      assert.deepEqual([ocsp.status, ocsp.statusInfo.reasonCode], ['Failed', 'Unreachable']);
      const events = (await s.api('GET', '/api/v1/stations/EV201/security-events')).body;
      assert.deepEqual(
        [events.items[0].source, events.items[0].type, events.items[0].at, events.items[0].techInfo],
        ['station', 'TamperDetectionActivated', '2024-05-01T10:00:00.000Z', 'lid opened'],
      );
    });

    it('1.6 Security Whitepaper: events, SignCertificate, signed firmware status, and the certificates a charger has (M03-M05)', async () => {
      await s.api('POST', '/api/v1/stations', { id: 'PKI16' });
      const cp = charger('PKI16');
      const signed = nextCall(cp, 'CertificateSigned');
      cp.handle('InstallCertificate', () => ({ status: 'Accepted' }));
      cp.handle('DeleteCertificate', () => ({ status: 'Accepted' }));
      const rootHash = await certificateHashData(ca.cert, 'SHA256');
      cp.handle('GetInstalledCertificateIds', () => ({ status: 'Accepted', certificateHashData: [{ ...rootHash, issuerKeyHash: rootHash.issuerKeyHash! }] }));
      await cp.connect();
      await cp.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });

      await cp.call('SecurityEventNotification', { type: 'StartupOfTheDevice', timestamp: new Date(Date.now() - 1000).toISOString() });
      await cp.call('SecurityEventNotification', { type: 'SettingSystemTime', timestamp: new Date().toISOString(), techInfo: 'NTP' });
      const events = (await s.api('GET', '/api/v1/stations/PKI16/security-events')).body;
      assert.deepEqual(events.items.map((e: { type: string }) => e.type), ['SettingSystemTime', 'StartupOfTheDevice'], 'newest first');

      assert.deepEqual(await cp.call('SignCertificate', { csr: (await createCsr('PKI16')).csrPem }), { status: 'Accepted' });
      const delivered = await signed;
      assert.equal(delivered.certificateType, undefined, '1.6 CertificateSigned has no type');
      assert.match(new X509Certificate(delivered.certificateChain).subject, /CN=PKI16/);

      await cp.call('SignedFirmwareStatusNotification', { status: 'SignatureVerified', requestId: 7 });
      assert.equal((await s.api('GET', '/api/v1/stations/PKI16')).body.firmwareStatus, 'SignatureVerified');

      const install = await s.api('POST', '/api/v1/stations/PKI16/commands/InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: caPem.certPem });
      assert.equal(install.body.response.status, 'Accepted');
      let certs = (await s.api('GET', '/api/v1/stations/PKI16/certificates')).body.items.filter((c: { kind: string }) => c.kind === 'installed');
      assert.deepEqual(certs.map((c: { status: string; certificateType: string; serialNumber: string }) => [c.status, c.certificateType, c.serialNumber]), [
        ['installed', 'CentralSystemRootCertificate', rootHash.serialNumber],
      ]);
      assert.equal(certs[0].issuerKeyHash, rootHash.issuerKeyHash);
      assert.ok(certs[0].notAfter);

      await s.api('POST', '/api/v1/stations/PKI16/commands/GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' });
      certs = (await s.api('GET', '/api/v1/stations/PKI16/certificates')).body.items.filter((c: { kind: string }) => c.kind === 'installed');
      assert.deepEqual(certs.map((c: { status: string; subject: string }) => [c.status, c.subject]), [['reported', ca.cert.subject]], 'the report keeps what we knew');

      const del = await s.api('POST', '/api/v1/stations/PKI16/commands/DeleteCertificate', { certificateHashData: { ...rootHash, issuerKeyHash: rootHash.issuerKeyHash! } });
      assert.equal(del.body.response.status, 'Accepted');
      certs = (await s.api('GET', '/api/v1/stations/PKI16/certificates')).body.items.filter((c: { kind: string }) => c.kind === 'installed');
      assert.deepEqual(certs, []);
    });

    it('answers 404 for the security views of an unknown station', async () => {
      assert.equal((await s.api('GET', '/api/v1/stations/NOPE/security-events')).status, 404);
      assert.equal((await s.api('GET', '/api/v1/stations/NOPE/certificates')).status, 404);
    });
  });
}
