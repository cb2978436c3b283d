import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as x509 from '@peculiar/x509';
import { checkContractChain, ocspUrls } from './contract-chain.js';
import { createCa, generateKeyPair, issueCertificate, loadSigningCa, privateKeyPem, type SigningCa } from './pki.js';

const DAY = 86_400_000;
const K = x509.KeyUsageFlags;

/** A CA certificate under `parent` with chosen basic constraints and key usage. */
async function ca(parent: SigningCa, cn: string, opts: { pathLength?: number; usages?: number; days?: [number, number] } = {}): Promise<SigningCa> {
  const keys = await generateKeyPair();
  const [from, to] = opts.days ?? [-1, 30];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '01' + Math.floor(Math.random() * 1e9).toString(16), subject: `CN=${cn}`, issuer: parent.cert.subjectName, publicKey: keys.publicKey,
    signingKey: parent.key, signingAlgorithm: parent.signingAlgorithm,
    notBefore: new Date(Date.now() + from * DAY), notAfter: new Date(Date.now() + to * DAY),
    extensions: [
      new x509.BasicConstraintsExtension(true, opts.pathLength, true),
      new x509.KeyUsagesExtension(opts.usages ?? (K.keyCertSign | K.cRLSign), true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(parent.cert.publicKey),
    ],
  });
  return loadSigningCa(cert.toString('pem'), await privateKeyPem(keys.privateKey));
}

async function leafOf(issuer: SigningCa, purpose: 'client' | 'ca' = 'client') {
  const keys = await generateKeyPair();
  return issueCertificate(issuer, { subject: 'CN=FRVLTC00000001', publicKey: keys.publicKey, purpose, days: 10, ocspUrl: 'http://ocsp.example.com/' });
}

const pem = (...c: x509.X509Certificate[]) => c.map((x) => x.toString('pem')).join('\n');

describe('checkContractChain (C07, offline part)', async () => {
  const r = await createCa({ commonName: 'MO Root', days: 30 });
  const root = await loadSigningCa(r.certPem, r.keyPem);

  it('builds the path in any order of the given sub-CAs and names the OCSP URL', async () => {
    const sub1 = await ca(root, 'Sub 1');
    const sub2 = await ca(sub1, 'Sub 2');
    const leaf = await leafOf(sub2);
    const ok = await checkContractChain(pem(leaf, sub1.cert, sub2.cert), [root.cert]);
    assert.ok(ok.ok);
    assert.deepEqual(ok.path.map((c) => c.subject), ['CN=FRVLTC00000001', 'CN=Sub 2', 'CN=Sub 1']);
    assert.equal(ok.root, root.cert);
    assert.deepEqual(ocspUrls(leaf), ['http://ocsp.example.com/']);
  });

  it('path length, key usage and an end-entity leaf are enforced', async () => {
    const limited = await ca(root, 'Sub 0', { pathLength: 0 });
    const below = await ca(limited, 'Below');
    const r1 = await checkContractChain(pem(await leafOf(below), below.cert, limited.cert), [root.cert]);
    assert.deepEqual(r1.ok ? 'ok' : [r1.status, /allows 0/.test(r1.why)], ['CertChainError', true]);
    assert.ok((await checkContractChain(pem(await leafOf(limited), limited.cert), [root.cert])).ok, 'pathLength 0 may still issue the leaf');

    const noSign = await ca(root, 'No keyCertSign', { usages: K.digitalSignature });
    const r2 = await checkContractChain(pem(await leafOf(noSign), noSign.cert), [root.cert]);
    assert.deepEqual(r2.ok ? 'ok' : [r2.status, /keyCertSign/.test(r2.why)], ['CertChainError', true]);

    const sub = await ca(root, 'Sub');
    const r3 = await checkContractChain(pem(await leafOf(sub, 'ca'), sub.cert), [root.cert]);
    assert.deepEqual(r3.ok ? 'ok' : [r3.status, /end-entity/.test(r3.why)], ['CertChainError', true]);
  });

  it('a sub-CA not yet valid or expired makes the chain CertificateExpired', async () => {
    for (const days of [[1, 30], [-30, -1]] as [number, number][]) {
      const sub = await ca(root, 'Sub', { days });
      const r = await checkContractChain(pem(await leafOf(sub), sub.cert), [root.cert]);
      assert.equal(r.ok ? 'ok' : r.status, 'CertificateExpired', String(days));
    }
  });

  it('no trusted root configured, or no certificate at all', async () => {
    const sub = await ca(root, 'Sub');
    const leaf = await leafOf(sub);
    const r = await checkContractChain(pem(leaf, sub.cert), []);
    assert.equal(r.ok ? 'ok' : r.status, 'CertChainError');
    const empty = await checkContractChain('  \n', [root.cert]);
    assert.equal(empty.ok ? 'ok' : empty.status, 'NoCertificateAvailable');
  });
});
