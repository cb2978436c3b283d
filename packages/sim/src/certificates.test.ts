import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { OwnCertificates } from './certificates.js';

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;

/** A throw-away CA that signs a CSR's key as a CSMS would (validity from `from` for `days`). */
async function makeCa() {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'CN=Test CA', keys, signingAlgorithm: EC, notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 30 * DAY),
  });
  return {
    async sign(csrPem: string, from = Date.now() - 60_000, days = 30): Promise<string> {
      const csr = new x509.Pkcs10CertificateRequest(csrPem);
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: String(Math.floor(Math.random() * 1e9)), subject: csr.subjectName, issuer: cert.subject, publicKey: csr.publicKey,
        signingKey: keys.privateKey, signingAlgorithm: EC, notBefore: new Date(from), notAfter: new Date(from + days * DAY),
      });
      return `${leaf.toString('pem')}\n${cert.toString('pem')}\n`;
    },
  };
}

describe('OwnCertificates (station CSR and CertificateSigned)', () => {
  it('a CSR is a real self-signed PKCS#10 request for a P-256 key, CN = station id, O = organisation', async () => {
    const own = new OwnCertificates();
    const pem = await own.request('CP-1', 'Example CPO', 'ChargingStationCertificate');
    const csr = new x509.Pkcs10CertificateRequest(pem);
    assert.equal(await csr.verify(), true, 'signed with the key it carries');
    assert.equal(csr.subjectName.getField('CN')[0], 'CP-1');
    assert.equal(csr.subjectName.getField('O')[0], 'Example CPO');
    assert.deepEqual({ name: csr.publicKey.algorithm.name, curve: (csr.publicKey.algorithm as EcKeyAlgorithm).namedCurve }, { name: 'ECDSA', curve: 'P-256' });
  });

  it('installs the certificate signed for the pending key, and only that one', async () => {
    const ca = await makeCa();
    const own = new OwnCertificates();
    assert.match((await own.install(await ca.sign(await new OwnCertificates().request('CP-1', 'O', 'ChargingStationCertificate')), 'ChargingStationCertificate'))!, /no certificate request/);

    const first = await own.request('CP-1', 'O', 'ChargingStationCertificate');
    const second = await own.request('CP-1', 'O', 'ChargingStationCertificate'); // a newer request replaces the pending key
    assert.match((await own.install(await ca.sign(first), 'ChargingStationCertificate'))!, /not for the key/);
    assert.match((await own.install('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', 'ChargingStationCertificate'))!, /does not parse/);
    assert.match((await own.install(await ca.sign(second, Date.now() - 40 * DAY), 'ChargingStationCertificate'))!, /not valid now/);
    assert.equal(own.get('ChargingStationCertificate'), undefined);

    const chain = await ca.sign(second);
    assert.equal(await own.install(chain, 'ChargingStationCertificate'), undefined);
    const installed = own.get('ChargingStationCertificate')!;
    assert.equal(installed.chainPem, chain);
    assert.equal(installed.subject, 'CN=CP-1, O=O');
    // The kept private key is the one the certificate certifies: it signs what the certificate's key verifies.
    const key = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decode(installed.keyPem)[0]!, EC, false, ['sign']);
    const data = Buffer.from('proof');
    const sig = await webcrypto.subtle.sign(EC, key, data);
    const pub = await new x509.X509Certificate(x509.PemConverter.decode(chain)[0]!).publicKey.export(EC, ['verify']);
    assert.equal(await webcrypto.subtle.verify(EC, pub, sig, data), true);
    assert.match((await own.install(chain, 'ChargingStationCertificate'))!, /no certificate request/, 'a request is answered once');
  });

  it('keeps one pending key per certificate type (2.x ChargingStation and V2G)', async () => {
    const ca = await makeCa();
    const own = new OwnCertificates();
    const station = await own.request('CP-2', 'O', 'ChargingStationCertificate');
    const v2g = await own.request('CP-2', 'O', 'V2GCertificate');
    assert.equal(await own.install(await ca.sign(v2g), 'V2GCertificate'), undefined);
    assert.equal(await own.install(await ca.sign(station), 'ChargingStationCertificate'), undefined);
    assert.notEqual(own.get('V2GCertificate')!.keyPem, own.get('ChargingStationCertificate')!.keyPem);
  });
});
