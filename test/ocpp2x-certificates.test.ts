/**
 * OCPP 2.0.1/2.1 certificate services with real certificates and real HTTP stand-ins:
 * GetCertificateStatus (M06) answered by Voltlane's own OCSP responder (also on /ocsp) or relayed to
 * the responder the station names, revocation, Get15118EVCertificate (M01/M02) forwarded to a
 * contract certificate service, and station CSRs signed by an external CA (Voltlane's JSON
 * contract end to end, and EST simpleenroll).
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
  ExternalCaSigner, OcspResponder, buildOcspRequest, certificateHashData, createCa, createCsr, distinguishedName, generateKeyPair,
  issueCertificate, loadSigningCa, parseCertificates, parseCsr, parseOcspResponse, privateKeyPem, type CertificateStatus, type SigningCa,
} from '@voltlane/core';
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
      s = await startTestServer(opened.db, {
        VOLTLANE_TLS_CERT: join(dir, 'server.pem'), VOLTLANE_TLS_KEY: join(dir, 'server-key.pem'),
        VOLTLANE_TLS_CA: join(dir, 'ca.pem'), VOLTLANE_TLS_CA_KEY: join(dir, 'ca-key.pem'),
        VOLTLANE_V2G_CERT_URL: `${v2g.url}/contract-certificates`, VOLTLANE_V2G_CERT_TOKEN: 'v2g-secret',
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
