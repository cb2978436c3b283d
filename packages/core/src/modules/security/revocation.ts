// @peculiar/x509 needs the Reflect metadata API loaded before it (see pki.ts).
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { normalizeSerial, type X509Certificate } from './pki.js';
import { OcspError, parseOcspResponse, type OcspRequestData } from './ocsp.js';

/** A certificate as OCSP and OCPP name it: its issuer's name and key hashes and its serial number. */
export type CertificateId = Pick<OcspRequestData, 'hashAlgorithm' | 'issuerNameHash' | 'issuerKeyHash' | 'serialNumber'>;

/** What could be established about a certificate's revocation; `why` says why it is not good. */
export interface Revocation {
  status: 'good' | 'revoked' | 'unknown' | 'failed';
  /** When newer information will be available (OCSP nextUpdate, CRL nextUpdate). */
  nextUpdate?: Date;
  why?: string;
}

const NODE_HASH: Record<CertificateId['hashAlgorithm'], string> = { SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };
/** Clock difference between Voltlane and a responder that is still tolerated. */
const SKEW_MS = 5 * 60_000;
/** Largest CRL fetched (a CRL of a contract sub-CA is far smaller). */
const MAX_CRL_BYTES = 10 * 1024 * 1024;

const failed = (why: string): Revocation => ({ status: 'failed', why });

/** RFC 6960 issuerNameHash and issuerKeyHash of `issuer` as the issuer of other certificates (hex). */
export function issuerHashes(issuer: X509Certificate, hashAlgorithm: CertificateId['hashAlgorithm']): { issuerNameHash: string; issuerKeyHash: string } {
  const hash = NODE_HASH[hashAlgorithm];
  const key = new Uint8Array(AsnConvert.parse(issuer.publicKey.rawData, SubjectPublicKeyInfo).subjectPublicKey);
  return {
    issuerNameHash: createHash(hash).update(new Uint8Array(issuer.subjectName.toArrayBuffer())).digest('hex'),
    issuerKeyHash: createHash(hash).update(key).digest('hex'),
  };
}

/** The certificate among `candidates` that issued the certificate `id` names (its name and key hash match). */
export function findIssuer(id: CertificateId, candidates: readonly X509Certificate[]): X509Certificate | undefined {
  if (!NODE_HASH[id.hashAlgorithm]) return undefined;
  const nameHash = id.issuerNameHash.toLowerCase();
  const keyHash = id.issuerKeyHash.toLowerCase();
  return candidates.find((c) => {
    const h = issuerHashes(c, id.hashAlgorithm);
    return h.issuerNameHash === nameHash && h.issuerKeyHash === keyHash;
  });
}

/**
 * Reads the status of one certificate from a DER OCSP response (RFC 6960): the response must be
 * `successful`, name the certificate, be current, and, when the issuer's certificate is known, be
 * signed by the issuer or by a responder the issuer certified for OCSP signing (id-kp-OCSPSigning).
 * Without a known issuer the signature cannot be checked (`verified: false`).
 * @example const r = await ocspAnswer(der, id, issuerCert); // { status: 'good', nextUpdate, verified: true }
 */
export async function ocspAnswer(der: Uint8Array, id: CertificateId, issuer: X509Certificate | undefined, now = new Date()): Promise<Revocation & { verified: boolean }> {
  let parsed: ReturnType<typeof parseOcspResponse>;
  try {
    parsed = parseOcspResponse(der, issuer ? { publicKeyDer: new Uint8Array(issuer.publicKey.rawData) } : undefined);
  } catch (err) {
    if (!(err instanceof OcspError)) throw err;
    return { ...failed(`not a usable OCSP response (${err.message})`), verified: false };
  }
  if (parsed.responseStatus !== 'successful') return { ...failed(`the OCSP responder answered ${parsed.responseStatus}`), verified: false };
  const serial = normalizeSerial(id.serialNumber);
  // A responder may answer with another hash algorithm (SHA-1 CertIDs); the serial then identifies it.
  const same = (a: string, b: string) => a.length !== b.length || a === b.toLowerCase();
  const single = parsed.responses.find((r) => r.serialNumber === serial && same(r.issuerNameHash, id.issuerNameHash) && same(r.issuerKeyHash, id.issuerKeyHash));
  if (!single) return { ...failed('the OCSP response does not name this certificate'), verified: false };
  let verified = false;
  if (issuer) {
    verified = parsed.signatureValid === true || (await signedByDelegate(der, parsed.certificates ?? [], issuer, now));
    if (!verified) return { ...failed(`the OCSP response is signed neither by ${issuer.subject} nor by an OCSP responder it certified`), verified };
  }
  if (single.thisUpdate.getTime() > now.getTime() + SKEW_MS) return { ...failed(`the OCSP response is from the future (thisUpdate ${single.thisUpdate.toISOString()})`), verified };
  if (single.nextUpdate && single.nextUpdate.getTime() < now.getTime() - SKEW_MS) {
    return { ...failed(`the OCSP response is stale (nextUpdate ${single.nextUpdate.toISOString()})`), verified };
  }
  return {
    status: single.status,
    ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}),
    ...(single.status === 'unknown' ? { why: 'the OCSP responder does not know this certificate' } : {}),
    verified,
  };
}

/** Whether a certificate sent along in the response is the issuer's delegated OCSP signer and signed it. */
async function signedByDelegate(der: Uint8Array, certificates: Uint8Array[], issuer: X509Certificate, now: Date): Promise<boolean> {
  for (const raw of certificates) {
    let delegate: x509.X509Certificate;
    try {
      delegate = new x509.X509Certificate(Uint8Array.from(raw));
    } catch {
      continue;
    }
    const eku = delegate.getExtension(x509.ExtendedKeyUsageExtension);
    if (!eku?.usages.includes(x509.ExtendedKeyUsage.ocspSigning)) continue;
    if (delegate.issuer !== issuer.subject || delegate.notBefore > now || delegate.notAfter < now) continue;
    if (!(await delegate.verify({ publicKey: issuer.publicKey, signatureOnly: true }).catch(() => false))) continue;
    if (parseOcspResponse(der, { publicKeyDer: new Uint8Array(delegate.publicKey.rawData) }).signatureValid) return true;
  }
  return false;
}

/**
 * The status of a certificate from the CRL at `url` (RFC 5280): the CRL must come from the
 * certificate's issuer (name hash), be current, and, when the issuer's certificate is known, carry
 * its signature. Listed: revoked; not listed: good, until the CRL's nextUpdate.
 * @example const r = await crlAnswer('http://crl.example.com/mo-sub.crl', id, issuerCert);
 */
export async function crlAnswer(url: string, id: CertificateId, issuer: X509Certificate | undefined, now = new Date(), timeoutMs = 10_000): Promise<Revocation & { verified: boolean }> {
  const no = (why: string) => ({ ...failed(why), verified: false });
  if (!/^https?:\/\//i.test(url)) return no(`CRL URL ${url} is not an http(s) URL`);
  if (!NODE_HASH[id.hashAlgorithm]) return no(`hashAlgorithm ${id.hashAlgorithm} is not SHA256, SHA384 or SHA512`);
  let body: Uint8Array;
  try {
    const res = await fetch(url, { headers: { accept: 'application/pkix-crl' }, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return no(`CRL distribution point ${url} answered HTTP ${res.status}`);
    if (Number(res.headers.get('content-length') ?? 0) > MAX_CRL_BYTES) return no(`the CRL at ${url} is larger than ${MAX_CRL_BYTES} bytes`);
    body = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return no(`CRL distribution point ${url} unreachable: ${e.cause?.code ?? e.message}`);
  }
  if (body.length > MAX_CRL_BYTES) return no(`the CRL at ${url} is larger than ${MAX_CRL_BYTES} bytes`);
  let crl: x509.X509Crl;
  try {
    const text = Buffer.from(body.subarray(0, 64)).toString('latin1');
    crl = text.includes('-----BEGIN X509 CRL-----') ? new x509.X509Crl(Buffer.from(body).toString('latin1').trim()) : new x509.X509Crl(Uint8Array.from(body));
  } catch (err) {
    return no(`${url} did not answer a CRL (${(err as Error).message})`);
  }
  const nameHash = createHash(NODE_HASH[id.hashAlgorithm]).update(new Uint8Array(crl.issuerName.toArrayBuffer())).digest('hex');
  if (nameHash !== id.issuerNameHash.toLowerCase()) return no(`the CRL at ${url} is issued by ${crl.issuer}, not by the certificate's issuer`);
  let verified = false;
  if (issuer) {
    verified = await crl.verify({ publicKey: issuer.publicKey }).catch(() => false);
    if (!verified) return no(`the CRL at ${url} is not signed by ${issuer.subject}`);
  }
  if (crl.thisUpdate.getTime() > now.getTime() + SKEW_MS) return { ...failed(`the CRL at ${url} is from the future (thisUpdate ${crl.thisUpdate.toISOString()})`), verified };
  const nextUpdate = crl.nextUpdate;
  if (nextUpdate && nextUpdate.getTime() < now.getTime() - SKEW_MS) return { ...failed(`the CRL at ${url} is stale (nextUpdate ${nextUpdate.toISOString()})`), verified };
  const serial = normalizeSerial(id.serialNumber);
  const listed = crl.entries.some((e) => normalizeSerial(e.serialNumber) === serial);
  return { status: listed ? 'revoked' : 'good', ...(nextUpdate ? { nextUpdate } : {}), verified };
}
