import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import {
  certificateHashData, chainPem, createCa, createCsr, describeCertificate, generateKeyPair, issueCertificate, loadSigningCa, parseCertificates,
  parseCsr, PkiError,
} from './pki.js';
import { BuiltinSigner } from './signer.js';

async function csr(cn: string) {
  return (await createCsr(cn, 'Test CSO')).csrPem;
}

describe('station PKI', () => {
  it('creates a CA that signs certificates OpenSSL (node:crypto) verifies', async () => {
    const pem = await createCa({ commonName: 'Test CA', days: 30 });
    const ca = await loadSigningCa(pem.certPem, pem.keyPem);
    const keys = await generateKeyPair();
    const leaf = await issueCertificate(ca, { subject: 'CN=CP1', publicKey: keys.publicKey, purpose: 'client', days: 10 });
    const nodeLeaf = new X509Certificate(leaf.toString('pem'));
    assert.ok(nodeLeaf.verify(new X509Certificate(pem.certPem).publicKey));
    assert.ok(nodeLeaf.checkIssued(new X509Certificate(pem.certPem)));
    assert.equal(describeCertificate(leaf).commonName, 'CP1');
    // A leaf never outlives its CA.
    const long = await issueCertificate(ca, { subject: 'CN=CP1', publicKey: keys.publicKey, purpose: 'client', days: 3650 });
    assert.ok(long.notAfter <= ca.cert.notAfter);
    // The chain for a station stops below a self-signed root.
    assert.equal(chainPem(leaf, ca).match(/BEGIN CERTIFICATE/g)?.length, 1);
  });

  it('refuses a CA key that is not the CA certificate\'s', async () => {
    const a = await createCa({ commonName: 'A', days: 30 });
    const b = await createCa({ commonName: 'B', days: 30 });
    await assert.rejects(loadSigningCa(a.certPem, b.keyPem), /does not belong/);
  });

  it('checks CSRs and signs them keeping the requested subject', async () => {
    const pem = await createCa({ commonName: 'Test CA', days: 30 });
    const signer = new BuiltinSigner({ ChargingStationCertificate: await loadSigningCa(pem.certPem, pem.keyPem) }, 30);
    const parsed = await parseCsr(await csr('CP7'));
    assert.equal(parsed.commonName, 'CP7');
    const signed = await signer.sign({ stationId: 'CP7', certificateType: 'ChargingStationCertificate', csr: parsed });
    assert.equal(signed.leaf.commonName, 'CP7');
    assert.match(signed.leaf.subject, /O=Test CSO/);
    assert.match(signer.cannotSign('V2GCertificate') ?? '', /VOLTLANE_V2G_CA_CERT/);
    await assert.rejects(parseCsr('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----'), PkiError);
  });

  it('computes OCPP certificate hash data of a root', async () => {
    const pem = await createCa({ commonName: 'Root', days: 30 });
    const [cert] = parseCertificates(pem.certPem);
    assert.ok(cert);
    const h = await certificateHashData(cert, 'SHA256');
    assert.match(h.issuerNameHash, /^[0-9a-f]{64}$/);
    assert.match(h.issuerKeyHash ?? '', /^[0-9a-f]{64}$/);
    assert.equal(h.serialNumber, cert.serialNumber.toLowerCase().replace(/^0+/, ''));
  });
});
