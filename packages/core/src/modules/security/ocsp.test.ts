import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOcspRequest, OcspResponder, parseOcspResponse, type CertificateStatus } from './ocsp.js';
import { certificateHashData, createCa, distinguishedName, generateKeyPair, issueCertificate, loadSigningCa } from './pki.js';

async function setup() {
  const pem = await createCa({ commonName: 'OCSP Test CA', days: 10 });
  const ca = await loadSigningCa(pem.certPem, pem.keyPem);
  const keys = await generateKeyPair();
  const leaf = await issueCertificate(ca, { subject: distinguishedName('CP1'), publicKey: keys.publicKey, purpose: 'client', days: 5 });
  const other = await loadSigningCa(...Object.values(await createCa({ commonName: 'Other CA', days: 10 })) as [string, string]);
  return { ca, leaf, other };
}

test('the built-in responder answers good, revoked (with reason) and unknown, signed by the CA', async () => {
  const { ca, leaf, other } = await setup();
  const h = await certificateHashData(leaf, 'SHA256', ca.cert);
  const statuses: Record<string, CertificateStatus> = { [h.serialNumber]: { status: 'good' } };
  const asked: string[] = [];
  const responder = new OcspResponder([other, ca], async (issuer, serial) => {
    asked.push(`${issuer.cert.subject}:${serial}`);
    return statuses[serial] ?? { status: 'unknown' };
  });
  const req = buildOcspRequest({ ...h, issuerKeyHash: h.issuerKeyHash! });
  let res = parseOcspResponse(await responder.respond(req), ca);
  assert.equal(res.responseStatus, 'successful');
  assert.equal(res.signatureValid, true);
  assert.deepEqual(res.responses.map((r) => [r.serialNumber, r.status, r.issuerKeyHash]), [[h.serialNumber, 'good', h.issuerKeyHash]]);
  assert.ok(res.responses[0]!.nextUpdate! > res.responses[0]!.thisUpdate);
  assert.deepEqual(asked, [`CN=OCSP Test CA:${h.serialNumber}`]);
  assert.equal(parseOcspResponse(await responder.respond(req), other).signatureValid, false, 'not signed by another CA');

  statuses[h.serialNumber] = { status: 'revoked', revokedAt: new Date('2024-03-01T10:00:00Z'), reason: 'keyCompromise' };
  res = parseOcspResponse(await responder.respond(req), ca);
  assert.deepEqual([res.responses[0]!.status, res.responses[0]!.revokedAt, res.responses[0]!.reason], ['revoked', new Date('2024-03-01T10:00:00Z'), 'keyCompromise']);

  // SHA-384 hash data works as well; a serial the CA never issued is unknown.
  const h384 = await certificateHashData(leaf, 'SHA384', ca.cert);
  res = parseOcspResponse(await responder.respond(buildOcspRequest({ ...h384, issuerKeyHash: h384.issuerKeyHash!, serialNumber: '7f01' })), ca);
  assert.deepEqual(res.responses.map((r) => [r.serialNumber, r.status]), [['7f01', 'unknown']]);
});

test('requests for a CA not served here are unauthorized; garbage is malformedRequest', async () => {
  const { ca, leaf, other } = await setup();
  const h = await certificateHashData(leaf, 'SHA256', ca.cert);
  const responder = new OcspResponder([other], async () => ({ status: 'good' }));
  assert.deepEqual(parseOcspResponse(await responder.respond(buildOcspRequest({ ...h, issuerKeyHash: h.issuerKeyHash! }))), { responseStatus: 'unauthorized', responses: [] });
  assert.equal(parseOcspResponse(await responder.respond(new Uint8Array([1, 2, 3]))).responseStatus, 'malformedRequest');
  assert.throws(() => buildOcspRequest({ hashAlgorithm: 'SHA256', issuerNameHash: 'zz', issuerKeyHash: 'aa', serialNumber: '01' }), /issuerNameHash is not hexadecimal/);
});

test('serial numbers with the high bit set stay positive', async () => {
  const { ca, leaf } = await setup();
  const h = await certificateHashData(leaf, 'SHA256', ca.cert);
  const responder = new OcspResponder([ca], async () => ({ status: 'good' }));
  const res = parseOcspResponse(await responder.respond(buildOcspRequest({ ...h, issuerKeyHash: h.issuerKeyHash!, serialNumber: 'ff00' })), ca);
  assert.equal(res.responses[0]!.serialNumber, 'ff00');
});
