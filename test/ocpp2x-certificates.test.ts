/**
 * OCPP 2.0.1/2.1 certificate services with real certificates and real HTTP stand-ins:
 * GetCertificateStatus (M06) answered by Voltlane's own OCSP responder (also on /ocsp) or relayed to
 * the responder the station names, revocation, Get15118EVCertificate (M01/M02) forwarded to a
 * contract certificate service, and station CSRs signed by an external CA (Voltlane's JSON
 * contract end to end, and EST simpleenroll), C07 contract certificate chains sent as PEM (checked
 * to a configured root, then through OCSP at a stand-in responder) and the 2.1
 * GetCertificateChainStatus (OCSP and CRL).
 */
// @peculiar/x509 needs the Reflect metadata API loaded before it.
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { request } from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { testDatabases } from '@voltlane/db';
import {
  ExternalCaSigner, OcspResponder, buildOcspRequest, certificateHashData, createCa, createCsr, describeCertificate, distinguishedName, generateKeyPair,
  issueCertificate, loadSigningCa, parseCertificates, parseCsr, parseOcspResponse, privateKeyPem, type CertificateStatus, type SigningCa,
} from '@voltlane/core';
import { schemasFor } from '@voltlane/ocpp';
import { eventually, startTestServer, type TestServer } from './helpers.js';
import { rpcCharger } from './rpc-peer.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { RPCClient } = require('ocpp-rpc') as any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A local HTTP server; `handle` answers each request (body as Buffer). */
async function standIn(handle: (req: IncomingMessage, body: Buffer) => { status?: number; type?: string; body: string | Uint8Array }): Promise<{ url: string; server: Server; seen: { headers: IncomingMessage['headers']; body: Buffer; url: string }[] }> {
  const seen: { headers: IncomingMessage['headers']; body: Buffer; url: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ headers: req.headers, body, url: req.url ?? '' });
      const r = handle(req, body);
      res.writeHead(r.status ?? 200, { 'content-type': r.type ?? 'application/json' });
      res.end(r.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, server, seen };
}

/** A raw HTTPS request to Voltlane without an API token. */
function httpsRaw(url: string, method: string, ca: string, body?: Uint8Array, contentType?: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers: contentType ? { 'content-type': contentType } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An HTTP OCSP responder stand-in (RFC 6960 POST): `respond` turns the DER request into the DER response. */
async function ocspServer(respond: (der: Uint8Array) => Promise<Uint8Array>): Promise<{ url: string; server: Server; asked: number }> {
  const s = { url: '', server: undefined as unknown as Server, asked: 0 };
  s.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      s.asked++;
      void respond(Buffer.concat(chunks)).then((der) => res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(der));
    });
  });
  await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${(s.server.address() as { port: number }).port}/ocsp`;
  return s;
}

/** A sub-CA under `parent` (purpose `ca`), naming `ocspUrl` for its own status. */
async function subCa(parent: SigningCa, cn: string, ocspUrl?: string, purpose: 'ca' | 'client' = 'ca'): Promise<SigningCa> {
  const keys = await generateKeyPair();
  const cert = await issueCertificate(parent, { subject: distinguishedName(cn), publicKey: keys.publicKey, purpose, days: 30, ...(ocspUrl ? { ocspUrl } : {}) });
  return loadSigningCa(cert.toString('pem'), await privateKeyPem(keys.privateKey));
}

/** An EV contract certificate (end entity, CN = eMAID) issued by `issuer`. */
async function contractCert(issuer: SigningCa, emaid: string, ocspUrl?: string): Promise<x509.X509Certificate> {
  const keys = await generateKeyPair();
  return issueCertificate(issuer, { subject: distinguishedName(emaid), publicKey: keys.publicKey, purpose: 'client', days: 30, ...(ocspUrl ? { ocspUrl } : {}) });
}

const pemOf = (...certs: x509.X509Certificate[]) => certs.map((c) => c.toString('pem')).join('\n');
const serialOf = (c: x509.X509Certificate) => describeCertificate(c).serialNumber;

/** Issues a certificate for a CSR (what a CA stand-in does). */
async function signCsr(ca: SigningCa, csrPem: string, cn?: string): Promise<x509.X509Certificate> {
  const csr = (await parseCsr(csrPem)).csr;
  return issueCertificate(ca, { subject: cn ? distinguishedName(cn) : csr.subjectName, publicKey: csr.publicKey, purpose: 'client', days: 30 });
}

for (const tdb of testDatabases()) {
  describe(`2.x certificate services: OCSP, contract certificates (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let dir: string;
    let caPem: { certPem: string; keyPem: string };
    let ca: SigningCa;
    let otherCa: SigningCa;
    const servers: Server[] = [];
    const clients: Json[] = [];
    let v2g: Awaited<ReturnType<typeof standIn>>;
    // C07 PKI: an MO root (VOLTLANE_CONTRACT_ROOTS), a V2G root in the V2G CA bundle, MO sub-CAs
    // under each, and the revocation status a stand-in OCSP responder gives for each serial.
    let moRoot: SigningCa;
    let v2gRoot: SigningCa;
    let moSub: SigningCa;
    let ocsp: Awaited<ReturnType<typeof ocspServer>>;
    let forged: Awaited<ReturnType<typeof ocspServer>>;
    const ocspStatus: Record<string, CertificateStatus> = {};
    /** The CAs the stand-in responder answers for (sub-CAs join as tests make them). */
    const testCas: SigningCa[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      dir = await mkdtemp(join(tmpdir(), 'voltlane-certsvc-'));
      caPem = await createCa({ commonName: 'Station CA', days: 30 });
      ca = await loadSigningCa(caPem.certPem, caPem.keyPem);
      const other = await createCa({ commonName: 'Somebody else\'s CA', days: 30 });
      otherCa = await loadSigningCa(other.certPem, other.keyPem);
      const serverKeys = await generateKeyPair();
      const server = await issueCertificate(ca, { subject: distinguishedName('127.0.0.1'), publicKey: serverKeys.publicKey, purpose: 'server', days: 30, hosts: ['127.0.0.1'] });
      const files = { 'server.pem': server.toString('pem'), 'server-key.pem': await privateKeyPem(serverKeys.privateKey), 'ca.pem': caPem.certPem, 'ca-key.pem': caPem.keyPem };
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
      v2g = await standIn((_req, body) => {
        const r = JSON.parse(body.toString()) as Json;
        if (r.action === 'Update') return { status: 503, body: 'maintenance' };
        if (r.exiRequest === 'YmFk') return { body: JSON.stringify({ status: 'Accepted', exiResponse: 'not base64!' }) };
        return { body: JSON.stringify({ status: 'Accepted', exiResponse: Buffer.from(`res:${r.exiRequest}`).toString('base64'), remainingContracts: 2 }) };
      });
      servers.push(v2g.server);

      const mo = await createCa({ commonName: 'MO Root', days: 30 });
      moRoot = await loadSigningCa(mo.certPem, mo.keyPem);
      const v2gRootPem = await createCa({ commonName: 'V2G Root', days: 30 });
      v2gRoot = await loadSigningCa(v2gRootPem.certPem, v2gRootPem.keyPem);
      const cpoSubKeys = await generateKeyPair();
      const cpoSub = await issueCertificate(v2gRoot, { subject: distinguishedName('CPO Sub-CA'), publicKey: cpoSubKeys.publicKey, purpose: 'ca', days: 30 });
      await writeFile(join(dir, 'contract-roots.pem'), mo.certPem);
      await writeFile(join(dir, 'v2g-ca.pem'), pemOf(cpoSub, v2gRoot.cert));
      await writeFile(join(dir, 'v2g-ca-key.pem'), await privateKeyPem(cpoSubKeys.privateKey));
      // One stand-in answers for every CA of the test PKI; the sub-CA needs its URL before it exists.
      ocsp = await ocspServer((der) => new OcspResponder(testCas, async (_ca, serial) => ocspStatus[serial] ?? { status: 'unknown' }).respond(der));
      servers.push(ocsp.server);
      moSub = await subCa(moRoot, 'MO Sub-CA', ocsp.url);
      ocspStatus[serialOf(moSub.cert)] = { status: 'good' };
      testCas.push(moRoot, v2gRoot, moSub);
      // A responder that says "good" for the MO CAs but signs with somebody else's key.
      const liar = new OcspResponder([{ ...moSub, key: otherCa.key }, { ...moRoot, key: otherCa.key }], async () => ({ status: 'good' }));
      forged = await ocspServer((der) => liar.respond(der));
      servers.push(forged.server);

      s = await startTestServer(opened.db, {
        VOLTLANE_TLS_CERT: join(dir, 'server.pem'), VOLTLANE_TLS_KEY: join(dir, 'server-key.pem'),
        VOLTLANE_TLS_CA: join(dir, 'ca.pem'), VOLTLANE_TLS_CA_KEY: join(dir, 'ca-key.pem'),
        VOLTLANE_V2G_CERT_URL: `${v2g.url}/contract-certificates`, VOLTLANE_V2G_CERT_TOKEN: 'v2g-secret',
        VOLTLANE_V2G_CA_CERT: join(dir, 'v2g-ca.pem'), VOLTLANE_V2G_CA_KEY: join(dir, 'v2g-ca-key.pem'),
        VOLTLANE_CONTRACT_ROOTS: join(dir, 'contract-roots.pem'),
        VOLTLANE_PUBLIC_URL: 'https://csms.example.com',
      }, caPem.certPem);
    });
    after(async () => {
      for (const c of clients) await c.close({ force: true }).catch(() => undefined);
      await s.stop();
      for (const srv of servers) srv.close();
      await cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    async function charger(id: string, protocol: 'ocpp2.0.1' | 'ocpp2.1' = 'ocpp2.0.1'): Promise<Json> {
      assert.equal((await s.api('POST', '/api/v1/stations', { id })).status, 201);
      const opts = { endpoint: s.ws, identity: id, protocols: [protocol], callTimeoutMs: 8000, wsOpts: { ca: caPem.certPem } };
      const cp = rpcCharger(opts);
      clients.push(cp);
      await cp.connect();
      await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } });
      return cp;
    }

    it('M06: a certificate Voltlane issued is answered by its own OCSP responder (no network); revoked after revocation', async () => {
      const cp = await charger('OCSP1');
      const delivered = new Promise<Json>((resolve) => cp.handle('CertificateSigned', ({ params }: Json) => {
        resolve(params);
        return { status: 'Accepted' };
      }));
      assert.deepEqual(await cp.call('SignCertificate', { csr: (await createCsr('OCSP1')).csrPem, certificateType: 'ChargingStationCertificate' }), { status: 'Accepted' });
      const [leaf] = parseCertificates((await delivered).certificateChain);
      const aia = leaf!.getExtension(x509.AuthorityInfoAccessExtension);
      assert.deepEqual(aia?.ocsp.map((g) => g.value), ['https://csms.example.com/ocsp'], 'the responder URL is in the certificate');

      const hash = await certificateHashData(leaf!, 'SHA256', ca.cert);
      // The responder URL is unreachable on purpose: Voltlane answers for its own CA itself.
      const ask = () => cp.call('GetCertificateStatus', { ocspRequestData: { ...hash, issuerKeyHash: hash.issuerKeyHash!, responderURL: 'http://127.0.0.1:1/ocsp' } });
      let r = await ask();
      assert.equal(r.status, 'Accepted');
      let parsed = parseOcspResponse(Buffer.from(r.ocspResult, 'base64'), ca);
      assert.deepEqual([parsed.responseStatus, parsed.signatureValid, parsed.responses[0]!.status, parsed.responses[0]!.serialNumber], ['successful', true, 'good', hash.serialNumber]);
      // C07: the same certificate as a contract certificate in Authorize is checked through OCSP.
      const contract = (url = 'http://127.0.0.1:1/ocsp') =>
        cp.call('Authorize', { idToken: { idToken: 'FR-VLT-C12345678', type: 'eMAID' }, iso15118CertificateHashData: [{ ...hash, issuerKeyHash: hash.issuerKeyHash!, responderURL: url }] });
      assert.equal((await contract()).certificateStatus, 'Accepted');
      const unknownSerial = await cp.call('Authorize', {
        idToken: { idToken: 'FR-VLT-C12345678', type: 'eMAID' },
        iso15118CertificateHashData: [{ ...hash, issuerKeyHash: hash.issuerKeyHash!, serialNumber: 'abcdef0123', responderURL: 'http://127.0.0.1:1/ocsp' }],
      });
      assert.equal(unknownSerial.certificateStatus, 'CertChainError', 'a certificate our CA never issued is not vouched for');

      const bad = await s.api('POST', `/api/v1/stations/OCSP1/certificates/${hash.serialNumber}/revoke`, { reason: 'noSuchReason' });
      assert.equal(bad.status, 400);
      assert.equal((await s.api('POST', '/api/v1/stations/OCSP1/certificates/abc123/revoke', {})).status, 404);
      const revoked = await s.api('POST', `/api/v1/stations/OCSP1/certificates/${hash.serialNumber}/revoke`, { reason: 'keyCompromise' });
      assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
      assert.equal(revoked.body.revocationReason, 'keyCompromise');
      const listed = (await s.api('GET', '/api/v1/stations/OCSP1/certificates')).body.items.find((c: Json) => c.kind === 'issued');
      assert.equal(listed.revokedAt, revoked.body.revokedAt);

      r = await ask();
      parsed = parseOcspResponse(Buffer.from(r.ocspResult, 'base64'), ca);
      assert.deepEqual([r.status, parsed.signatureValid, parsed.responses[0]!.status, parsed.responses[0]!.reason], ['Accepted', true, 'revoked', 'keyCompromise']);
      assert.equal((await contract()).certificateStatus, 'CertificateRevoked');
      assert.equal(parsed.responses[0]!.revokedAt!.toISOString(), new Date(Math.floor(Date.parse(revoked.body.revokedAt) / 1000) * 1000).toISOString());

      // The same responder over HTTP, without an API token (POST and RFC 6960 GET).
      const der = buildOcspRequest({ ...hash, issuerKeyHash: hash.issuerKeyHash! });
      const post = await httpsRaw(`${s.v.url}/ocsp`, 'POST', caPem.certPem, der, 'application/ocsp-request');
      assert.deepEqual([post.status, post.type], [200, 'application/ocsp-response']);
      assert.equal(parseOcspResponse(post.body, ca).responses[0]!.status, 'revoked');
      const get = await httpsRaw(`${s.v.url}/ocsp/${encodeURIComponent(Buffer.from(der).toString('base64'))}`, 'GET', caPem.certPem);
      assert.equal(parseOcspResponse(get.body, ca).responses[0]!.status, 'revoked');
      const garbage = await httpsRaw(`${s.v.url}/ocsp`, 'POST', caPem.certPem, new Uint8Array([1, 2, 3]), 'application/ocsp-request');
      assert.equal(parseOcspResponse(garbage.body).responseStatus, 'malformedRequest');
    });

    it('M06: other certificates are relayed to the responder the station names; failures are Failed with a reason', async () => {
      const keys = await generateKeyPair();
      const foreign = await issueCertificate(otherCa, { subject: distinguishedName('EVSE-X'), publicKey: keys.publicKey, purpose: 'v2g', days: 10 });
      const hash = await certificateHashData(foreign, 'SHA384', otherCa.cert);
      const statuses: Record<string, CertificateStatus> = { [hash.serialNumber]: { status: 'good' } };
      const responder = new OcspResponder([otherCa], async (_ca, serial) => statuses[serial] ?? { status: 'unknown' });
      let answer: Uint8Array = new Uint8Array();
      const remote = await standIn(() => ({ type: 'application/ocsp-response', body: answer }));
      servers.push(remote.server);
      const broken = await standIn(() => ({ status: 500, body: 'oops' }));
      servers.push(broken.server);

      const cp = await charger('OCSP2');
      const data = { ...hash, issuerKeyHash: hash.issuerKeyHash! };
      answer = await responder.respond(buildOcspRequest(data));
      const r = await cp.call('GetCertificateStatus', { ocspRequestData: { ...data, responderURL: `${remote.url}/ocsp` } });
      assert.equal(r.status, 'Accepted');
      const parsed = parseOcspResponse(Buffer.from(r.ocspResult, 'base64'), otherCa);
      assert.deepEqual([parsed.signatureValid, parsed.responses[0]!.status], [true, 'good']);
      // What the remote responder received is a DER OCSP request for exactly this certificate.
      assert.equal(remote.seen[0]!.headers['content-type'], 'application/ocsp-request');
      const asked = parseOcspResponse(await responder.respond(remote.seen[0]!.body), otherCa);
      assert.deepEqual(asked.responses.map((x) => [x.serialNumber, x.issuerNameHash, x.issuerKeyHash]), [[hash.serialNumber, hash.issuerNameHash, hash.issuerKeyHash]]);

      const failed = async (responderURL: string, extra: Json = {}) => {
        const f = await cp.call('GetCertificateStatus', { ocspRequestData: { ...data, ...extra, responderURL } });
        assert.equal(f.status, 'Failed');
        return f.statusInfo.reasonCode;
      };
      assert.equal(await failed('http://127.0.0.1:1/ocsp'), 'Unreachable');
      // C07 with a foreign chain: good from the named responder is Accepted; an unreachable one is CertChainError.
      const contract = (responderURL: string) => cp.call('Authorize', { idToken: { idToken: 'FR-VLT-C87654321', type: 'eMAID' }, iso15118CertificateHashData: [{ ...data, responderURL }] });
      assert.equal((await contract(`${remote.url}/ocsp`)).certificateStatus, 'Accepted');
      assert.equal((await contract('http://127.0.0.1:1/ocsp')).certificateStatus, 'CertChainError');
      assert.equal(await failed(`${broken.url}/ocsp`), 'ResponderError');
      assert.equal(await failed('ldap://ocsp.example.com'), 'InvalidURL');
      assert.equal(await failed(`${remote.url}/ocsp`, { serialNumber: 'xyz' }), 'InvalidRequest');
    });

    it('M01/M02: Get15118EVCertificate goes to the contract certificate service; its failures come back as Failed', async () => {
      for (const protocol of ['ocpp2.0.1', 'ocpp2.1'] as const) {
        const cp = await charger(`EV-${protocol}`, protocol);
        const r = await cp.call('Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'AAEC' });
        assert.deepEqual(r, {
          status: 'Accepted', exiResponse: Buffer.from('res:AAEC').toString('base64'), ...(protocol === 'ocpp2.1' ? { remainingContracts: 2 } : {}),
        });
        const sent = v2g.seen.at(-1)!;
        assert.equal(sent.url, '/contract-certificates');
        assert.equal(sent.headers.authorization, 'Bearer v2g-secret');
        assert.equal(sent.headers['x-voltlane-station-id'], `EV-${protocol}`);
        assert.deepEqual(JSON.parse(sent.body.toString()), { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'AAEC' });

        const update = await cp.call('Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Update', exiRequest: 'AAEC' });
        assert.deepEqual([update.status, update.statusInfo.reasonCode, update.exiResponse], ['Failed', 'ServiceError', '']);
        assert.match(update.statusInfo.additionalInfo, /HTTP 503: maintenance/);
        const invalid = await cp.call('Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'YmFk' });
        assert.deepEqual([invalid.status, invalid.statusInfo.reasonCode], ['Failed', 'InvalidResponse']);
      }
    });

    it('C07: a PEM contract chain is checked to a configured root (signatures, validity, CA constraints), then by OCSP', async () => {
      const cp = await charger('C07PEM');
      const authorize = (certificate: string) => cp.call('Authorize', { idToken: { idToken: 'FR-VLT-C00000001', type: 'eMAID' }, certificate });
      const verdict = async (certificate: string) => {
        const r = await authorize(certificate);
        assert.ok(r.idTokenInfo?.status, 'the id token keeps its own answer');
        return r.certificateStatus;
      };
      const leaf = await contractCert(moSub, 'FRVLTC00000001', ocsp.url);
      ocspStatus[serialOf(leaf)] = { status: 'good' };

      const asked = ocsp.asked;
      assert.equal(await verdict(pemOf(leaf, moSub.cert)), 'Accepted');
      assert.equal(ocsp.asked - asked, 2, 'the leaf and the sub-CA are each asked through OCSP');
      assert.equal(await verdict(pemOf(leaf, moSub.cert, moRoot.cert)), 'Accepted', 'the root may come along');
      // A chain under the V2G root of the V2G CA bundle (VOLTLANE_V2G_CA_CERT) is trusted too.
      const v2gSub = await subCa(v2gRoot, 'MO Sub-CA under V2G', ocsp.url);
      testCas.push(v2gSub);
      ocspStatus[serialOf(v2gSub.cert)] = { status: 'good' };
      const v2gLeaf = await contractCert(v2gSub, 'FRVLTC00000002', ocsp.url);
      ocspStatus[serialOf(v2gLeaf)] = { status: 'good' };
      assert.equal(await verdict(pemOf(v2gLeaf, v2gSub.cert)), 'Accepted');

      // Expired leaf (signed by the sub-CA, dates in the past).
      const keys = await generateKeyPair();
      const expired = await x509.X509CertificateGenerator.create({
        serialNumber: '0e0e0e01', subject: 'CN=FRVLTC00000003', issuer: moSub.cert.subjectName, publicKey: keys.publicKey,
        signingKey: moSub.key, signingAlgorithm: moSub.signingAlgorithm,
        notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000),
        extensions: [new x509.BasicConstraintsExtension(false), new x509.AuthorityInfoAccessExtension({ ocsp: [ocsp.url] })],
      });
      ocspStatus[serialOf(expired)] = { status: 'good' };
      assert.equal(await verdict(pemOf(expired, moSub.cert)), 'CertificateExpired');

      // Unknown roots: another CA, and one that only borrows the trusted root's name.
      for (const cn of ['Unknown MO Root', 'MO Root']) {
        const rootPem = await createCa({ commonName: cn, days: 30 });
        const unknownRoot = await loadSigningCa(rootPem.certPem, rootPem.keyPem);
        const sub = await subCa(unknownRoot, 'Rogue Sub-CA', ocsp.url);
        const rogue = await contractCert(sub, 'FRVLTC00000004', ocsp.url);
        assert.equal(await verdict(pemOf(rogue, sub.cert)), 'CertChainError', `chain under an unknown "${cn}"`);
        assert.equal(await verdict(pemOf(rogue, sub.cert, unknownRoot.cert)), 'CertChainError', `chain ending at an untrusted self-signed "${cn}"`);
      }
      assert.equal(await verdict(pemOf(leaf)), 'CertChainError', 'the sub-CA is missing');

      // Tampered signature: the last byte of the leaf's ECDSA signature flipped.
      const der = Uint8Array.from(new Uint8Array(leaf.rawData)); // a copy: rawData is the certificate's own buffer
      der[der.length - 1] = der[der.length - 1]! ^ 0x01;
      assert.equal(await verdict(pemOf(new x509.X509Certificate(der), moSub.cert)), 'SignatureError');

      // A "sub-CA" that is an end-entity certificate (basic constraints cA false) cannot issue.
      const notCa = await subCa(moRoot, 'Not a CA', ocsp.url, 'client');
      testCas.push(notCa);
      ocspStatus[serialOf(notCa.cert)] = { status: 'good' };
      const underNotCa = await contractCert(notCa, 'FRVLTC00000005', ocsp.url);
      ocspStatus[serialOf(underNotCa)] = { status: 'good' };
      assert.equal(await verdict(pemOf(underNotCa, notCa.cert)), 'CertChainError');

      // Garbage.
      assert.equal(await verdict('hello, not a certificate'), 'CertChainError');
      assert.equal(await verdict('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), 'CertChainError');
      assert.equal(await verdict(''), 'NoCertificateAvailable');

      // Revocation, from the stand-in responder: the leaf, then the sub-CA.
      ocspStatus[serialOf(leaf)] = { status: 'revoked', revokedAt: new Date(), reason: 'keyCompromise' };
      assert.equal(await verdict(pemOf(leaf, moSub.cert)), 'CertificateRevoked');
      ocspStatus[serialOf(leaf)] = { status: 'good' };
      ocspStatus[serialOf(moSub.cert)] = { status: 'revoked', revokedAt: new Date() };
      assert.equal(await verdict(pemOf(leaf, moSub.cert)), 'CertificateRevoked');
      ocspStatus[serialOf(moSub.cert)] = { status: 'good' };
      assert.equal(await verdict(pemOf(leaf, moSub.cert)), 'Accepted');

      // Status that cannot be established: never vouched for.
      delete ocspStatus[serialOf(leaf)];
      assert.equal(await verdict(pemOf(leaf, moSub.cert)), 'CertChainError', 'the responder does not know the leaf');
      const noAia = await contractCert(moSub, 'FRVLTC00000006');
      assert.equal(await verdict(pemOf(noAia, moSub.cert)), 'CertChainError', 'no OCSP URL');
      const down = await contractCert(moSub, 'FRVLTC00000007', 'http://127.0.0.1:1/ocsp');
      assert.equal(await verdict(pemOf(down, moSub.cert)), 'CertChainError', 'responder down');
      const lied = await contractCert(moSub, 'FRVLTC00000008', forged.url);
      assert.equal(await verdict(pemOf(lied, moSub.cert)), 'CertChainError', 'a "good" not signed by the issuer');

      // A revoked certificate Voltlane's own responder answers for: the V2G CA signed it (V2GCertificate CSR).
      const delivered = new Promise<Json>((resolve) => cp.handle('CertificateSigned', ({ params }: Json) => {
        resolve(params);
        return { status: 'Accepted' };
      }));
      assert.deepEqual(await cp.call('SignCertificate', { csr: (await createCsr('C07PEM')).csrPem, certificateType: 'V2GCertificate' }), { status: 'Accepted' });
      const [own, ...ownChain] = parseCertificates((await delivered).certificateChain);
      assert.deepEqual(ownChain.map((c) => c.subject), ['CN=CPO Sub-CA'], 'issued by the V2G CA, root left out');
      // The V2G CA itself is a trusted root, and Voltlane's own responder knows the certificate.
      assert.equal(await verdict(pemOf(own!, ...ownChain)), 'Accepted');
      assert.equal((await s.api('POST', `/api/v1/stations/C07PEM/certificates/${serialOf(own!)}/revoke`, { reason: 'keyCompromise' })).status, 200);
      assert.equal(await verdict(pemOf(own!)), 'CertificateRevoked', 'revoked at Voltlane\'s own responder');
    });

    it('2.1 GetCertificateChainStatus: each certificate\'s OCSP or CRL status, schema-valid', async () => {
      const cp = await charger('CHAIN21', 'ocpp2.1');
      const leaf = await contractCert(moSub, 'FRVLTC00000010', ocsp.url);
      const revoked = await contractCert(moSub, 'FRVLTC00000011', ocsp.url);
      ocspStatus[serialOf(leaf)] = { status: 'good' };
      ocspStatus[serialOf(revoked)] = { status: 'revoked', revokedAt: new Date(), reason: 'cessationOfOperation' };
      ocspStatus[serialOf(moSub.cert)] = { status: 'good' };
      const hashOf = async (c: x509.X509Certificate, issuer: x509.X509Certificate) => {
        const h = await certificateHashData(c, 'SHA256', issuer);
        return { ...h, issuerKeyHash: h.issuerKeyHash! };
      };
      const leafHash = await hashOf(leaf, moSub.cert);
      const subHash = await hashOf(moSub.cert, moRoot.cert);
      const revokedHash = await hashOf(revoked, moSub.cert);
      const crlRevoked = await contractCert(moSub, 'FRVLTC00000012');
      const crlGood = await contractCert(moSub, 'FRVLTC00000013');
      const nextUpdate = new Date(Math.floor(Date.now() / 1000) * 1000 + 86_400_000);
      const crl = await x509.X509CrlGenerator.create({
        issuer: moSub.cert.subjectName, signingKey: moSub.key, signingAlgorithm: moSub.signingAlgorithm,
        thisUpdate: new Date(Date.now() - 60_000), nextUpdate, entries: [{ serialNumber: crlRevoked.serialNumber, revocationDate: new Date() }],
      });
      const crlServer = await standIn(() => ({ type: 'application/pkix-crl', body: new Uint8Array(crl.rawData) }));
      servers.push(crlServer.server);

      const ask = async (certificateStatusRequests: Json[]) => {
        const r = await cp.call('GetCertificateChainStatus', { certificateStatusRequests });
        assert.equal(schemasFor('ocpp2.1').validateResponse('GetCertificateChainStatus', r), null, JSON.stringify(r));
        assert.equal(r.certificateStatus.length, certificateStatusRequests.length);
        r.certificateStatus.forEach((x: Json, i: number) => assert.deepEqual([x.certificateHashData, x.source], [certificateStatusRequests[i].certificateHashData, certificateStatusRequests[i].source]));
        return r.certificateStatus as Json[];
      };
      const before = Date.now() - 1000;
      let st = await ask([
        { certificateHashData: leafHash, source: 'OCSP', urls: ['http://127.0.0.1:1/ocsp', ocsp.url] },
        { certificateHashData: subHash, source: 'OCSP', urls: [ocsp.url] },
        { certificateHashData: revokedHash, source: 'OCSP', urls: [ocsp.url] },
        { certificateHashData: { ...leafHash, serialNumber: 'abcdef0123' }, source: 'OCSP', urls: [ocsp.url] },
      ]);
      assert.deepEqual(st.map((x) => x.status), ['Good', 'Good', 'Revoked', 'Unknown']);
      // nextUpdate: the responder's (an hour ahead for good and revoked), now for unknown.
      assert.ok(Date.parse(st[0].nextUpdate) > Date.now() + 3_000_000, st[0].nextUpdate);
      assert.ok(Date.parse(st[3].nextUpdate) >= before && Date.parse(st[3].nextUpdate) <= Date.now() + 1000, st[3].nextUpdate);

      st = await ask([
        { certificateHashData: await hashOf(crlRevoked, moSub.cert), source: 'CRL', urls: [`${crlServer.url}/mo-sub.crl`] },
        { certificateHashData: await hashOf(crlGood, moSub.cert), source: 'CRL', urls: ['http://127.0.0.1:1/crl', `${crlServer.url}/mo-sub.crl`] },
        { certificateHashData: subHash, source: 'OCSP', urls: [forged.url] },
        { certificateHashData: leafHash, source: 'OCSP', urls: ['http://127.0.0.1:1/ocsp'] },
      ]);
      assert.deepEqual(st.map((x) => x.status), ['Revoked', 'Good', 'Failed', 'Failed'], 'a response not signed by the known issuer (MO Root) fails; so does an unreachable responder');
      assert.equal(st[1].nextUpdate, nextUpdate.toISOString(), 'the CRL\'s nextUpdate');
      // A CRL from another issuer says nothing about this certificate.
      st = await ask([{ certificateHashData: subHash, source: 'CRL', urls: [`${crlServer.url}/mo-sub.crl`] }]);
      assert.equal(st[0].status, 'Failed');

    });
  });

  describe(`external CA for station certificates (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let extCa: SigningCa;
    let ext: Awaited<ReturnType<typeof standIn>>;
    let wrongName = false;
    const clients: Json[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      const pem = await createCa({ commonName: 'CPO PKI', days: 30 });
      extCa = await loadSigningCa(pem.certPem, pem.keyPem);
      // A CA that signs for real (async, so its request handler replaces the stand-in's).
      ext = await standIn(() => ({ body: '' }));
      ext.server.removeAllListeners('request');
      ext.server.on('request', (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          void (async () => {
            const body = Buffer.concat(chunks);
            ext.seen.push({ headers: req.headers, body, url: req.url ?? '' });
            if (req.headers.authorization !== 'Bearer ca-token') {
              res.writeHead(401).end('bad token');
              return;
            }
            const r = JSON.parse(body.toString()) as { stationId: string; certificateType: string; csr: string };
            const leaf = await signCsr(extCa, r.csr, wrongName ? 'SOMEONE' : undefined);
            res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(`${leaf.toString('pem')}\n${extCa.cert.toString('pem')}\n`);
          })();
        });
      });
      s = await startTestServer(opened.db, { VOLTLANE_EXTERNAL_CA_URL: `${ext.url}/sign`, VOLTLANE_EXTERNAL_CA_TOKEN: 'ca-token', VOLTLANE_COMMAND_TIMEOUT_SEC: '3' });
    });
    after(async () => {
      for (const c of clients) await c.close({ force: true }).catch(() => undefined);
      await s.stop();
      ext.server.close();
      await cleanup();
    });

    it('A02/A03 with an external CA: the CSR goes to it (Voltlane\'s JSON contract), its certificate to the station', async () => {
      assert.equal((await s.api('POST', '/api/v1/stations', { id: 'EXT1' })).status, 201);
      const cp = new RPCClient({ endpoint: s.ws, identity: 'EXT1', protocols: ['ocpp2.0.1'], strictMode: true, reconnect: false });
      clients.push(cp);
      const delivered: Json[] = [];
      cp.handle('CertificateSigned', ({ params }: Json) => {
        delivered.push(params);
        return { status: 'Accepted' };
      });
      await cp.connect();
      await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } });
      const { csrPem } = await createCsr('EXT1');
      assert.deepEqual(await cp.call('SignCertificate', { csr: csrPem, certificateType: 'ChargingStationCertificate' }), { status: 'Accepted' });
      await eventually(async () => delivered.length === 1, 5000, 'CertificateSigned');
      const sent = ext.seen.at(-1)!;
      assert.equal(sent.url, '/sign');
      assert.deepEqual(JSON.parse(sent.body.toString()), { stationId: 'EXT1', certificateType: 'ChargingStationCertificate', csr: (await parseCsr(csrPem)).csr.toString('pem') });
      const chain = parseCertificates(delivered[0].certificateChain);
      assert.equal(chain.length, 1, 'the root stays out of the chain');
      assert.ok(await chain[0]!.verify({ publicKey: extCa.cert.publicKey, signatureOnly: true }), 'signed by the external CA');
      assert.match(chain[0]!.subject, /CN=EXT1/);
      const issued = await eventually(async () => (await s.api('GET', '/api/v1/stations/EXT1/certificates')).body.items.find((c: Json) => c.kind === 'issued' && c.status === 'Accepted'), 5000, 'issued');
      assert.equal(issued.issuer, 'CN=CPO PKI');

      // A certificate in another name never reaches the station.
      wrongName = true;
      assert.deepEqual(await cp.call('SignCertificate', { csr: (await createCsr('EXT1')).csrPem, certificateType: 'ChargingStationCertificate' }), { status: 'Accepted' });
      await eventually(async () => ext.seen.length === 2, 5000, 'second request');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(delivered.length, 1);
      wrongName = false;
    });

    it('EST (RFC 7030 simpleenroll): base64 PKCS#10 in, PKCS#7 certs-only out', async () => {
      // An EST server that signs for real (async, so its request handler replaces the stand-in's).
      const est = await standIn(() => ({ body: '' }));
      est.server.removeAllListeners('request');
      est.server.on('request', (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          void (async () => {
            est.seen.push({ headers: req.headers, body: Buffer.concat(chunks), url: req.url ?? '' });
            if (req.url !== '/.well-known/est/simpleenroll' || req.headers['content-type'] !== 'application/pkcs10') {
              res.writeHead(404).end('not found');
              return;
            }
            const der = Buffer.from(Buffer.concat(chunks).toString(), 'base64');
            const csr = new x509.Pkcs10CertificateRequest(der);
            const leaf = await issueCertificate(extCa, { subject: csr.subjectName, publicKey: csr.publicKey, purpose: 'client', days: 5 });
            const p7 = new x509.X509Certificates([extCa.cert, leaf]).export('raw');
            res.writeHead(200, { 'content-type': 'application/pkcs7-mime; smime-type=certs-only', 'content-transfer-encoding': 'base64' })
              .end(Buffer.from(p7).toString('base64').replace(/(.{64})/g, '$1\n'));
          })();
        });
      });
      try {
        const signer = new ExternalCaSigner({ url: `${est.url}/.well-known/est`, protocol: 'est', token: 't' });
        const { csrPem } = await createCsr('EST-1');
        const signed = await signer.sign({ stationId: 'EST-1', certificateType: 'ChargingStationCertificate', csr: await parseCsr(csrPem) });
        assert.equal(est.seen[0]!.headers['content-transfer-encoding'], 'base64');
        assert.equal(est.seen[0]!.headers.authorization, 'Bearer t');
        const [leaf, ...rest] = parseCertificates(signed.certificateChain);
        assert.equal(rest.length, 0);
        assert.equal(signed.leaf.commonName, 'EST-1');
        assert.ok(await leaf!.verify({ publicKey: extCa.cert.publicKey, signatureOnly: true }));
        await assert.rejects(
          new ExternalCaSigner({ url: `${est.url}/nope`, protocol: 'pem' }).sign({ stationId: 'EST-1', certificateType: 'ChargingStationCertificate', csr: await parseCsr(csrPem) }),
          /answered HTTP 404/,
        );
      } finally {
        est.server.close();
      }
    });
  });
}
