import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import {
  BasicOCSPResponse, CertID, CertStatus, OCSPRequest, OCSPResponse, OCSPResponseStatus, Request as SingleRequest, ResponderID, ResponseBytes,
  ResponseData, RevokedInfo, SingleResponse, TBSRequest, KeyHash, id_pkix_ocsp_basic, id_pkix_ocsp_nonce,
} from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, CRLReason, CRLReasons, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import type { SigningCa } from './pki.js';

/** OCPP OCSPRequestDataType: what a station sends in GetCertificateStatus (hex hashes and serial). */
export interface OcspRequestData {
  hashAlgorithm: 'SHA256' | 'SHA384' | 'SHA512';
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
  responderURL: string;
}

/** A certificate's status as the responder knows it. */
export type CertificateStatus = { status: 'good' } | { status: 'revoked'; revokedAt: Date; reason?: string | undefined } | { status: 'unknown' };

/** One answer of a parsed OCSP response. */
export interface OcspSingleStatus {
  serialNumber: string;
  issuerNameHash: string;
  issuerKeyHash: string;
  status: CertificateStatus['status'];
  revokedAt?: Date;
  reason?: string;
  thisUpdate: Date;
  nextUpdate?: Date;
}

/** Raised for input that is not a usable OCSP request or response. */
export class OcspError extends Error {}

const HASH_OIDS: Record<string, string> = {
  sha1: '1.3.14.3.2.26', sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3',
};
const OCPP_HASH: Record<OcspRequestData['hashAlgorithm'], string> = { SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };
/** DER NULL: the parameters of a hash AlgorithmIdentifier, as OpenSSL and most responders write them. */
const DER_NULL = new Uint8Array([0x05, 0x00]).buffer;

/**
 * A DER OCSPRequest (RFC 6960) for the certificate a station asks about (M06), without nonce:
 * responders serving pre-produced responses ignore or refuse nonces.
 * @example const der = buildOcspRequest({ hashAlgorithm: 'SHA256', issuerNameHash, issuerKeyHash, serialNumber: '1a2b', responderURL });
 */
export function buildOcspRequest(d: Omit<OcspRequestData, 'responderURL'>): Uint8Array {
  const hash = OCPP_HASH[d.hashAlgorithm];
  if (!hash) throw new OcspError(`hashAlgorithm ${d.hashAlgorithm} is not SHA256, SHA384 or SHA512`);
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: HASH_OIDS[hash]!, parameters: DER_NULL }),
    issuerNameHash: new OctetString(hexBytes(d.issuerNameHash, 'issuerNameHash')),
    issuerKeyHash: new OctetString(hexBytes(d.issuerKeyHash, 'issuerKeyHash')),
    serialNumber: positiveInteger(hexBytes(d.serialNumber, 'serialNumber')),
  });
  const req = new OCSPRequest({ tbsRequest: new TBSRequest({ requestList: [new SingleRequest({ reqCert: certId })] }) });
  return new Uint8Array(AsnConvert.serialize(req));
}

/**
 * Parses a DER OCSPResponse: its status and, for a successful basic response, each certificate's
 * status; `verify` checks the signature with the given issuer (the CA itself as responder).
 */
export function parseOcspResponse(der: Uint8Array, verifyWith?: SigningCa | { publicKeyDer: Uint8Array }): {
  responseStatus: string;
  responses: OcspSingleStatus[];
  signatureValid?: boolean;
  /** DER certificates the responder sent along (a delegated responder's certificate). */
  certificates?: Uint8Array[];
} {
  let res: OCSPResponse;
  try {
    res = AsnConvert.parse(der, OCSPResponse);
  } catch (err) {
    throw new OcspError(`not a DER OCSPResponse (${(err as Error).message})`);
  }
  const responseStatus = OCSPResponseStatus[res.responseStatus] ?? String(res.responseStatus);
  if (!res.responseBytes) return { responseStatus, responses: [] };
  if (res.responseBytes.responseType !== id_pkix_ocsp_basic) throw new OcspError(`response type ${res.responseBytes.responseType} is not id-pkix-ocsp-basic`);
  const basic = AsnConvert.parse(res.responseBytes.response.buffer, BasicOCSPResponse);
  const responses = basic.tbsResponseData.responses.map((r) => {
    const s = r.certStatus;
    const status: CertificateStatus['status'] = s.revoked ? 'revoked' : s.good !== undefined ? 'good' : 'unknown';
    return {
      serialNumber: Buffer.from(r.certID.serialNumber).toString('hex').replace(/^0+(?=.)/, ''),
      issuerNameHash: Buffer.from(r.certID.issuerNameHash.buffer).toString('hex'),
      issuerKeyHash: Buffer.from(r.certID.issuerKeyHash.buffer).toString('hex'),
      status,
      ...(s.revoked ? { revokedAt: s.revoked.revocationTime } : {}),
      ...(s.revoked?.revocationReason ? { reason: CRLReasons[s.revoked.revocationReason.reason] } : {}),
      thisUpdate: r.thisUpdate,
      ...(r.nextUpdate ? { nextUpdate: r.nextUpdate } : {}),
    };
  });
  const certificates = (basic.certs ?? []).map((c) => new Uint8Array(AsnConvert.serialize(c)));
  if (!verifyWith) return { responseStatus, responses, certificates };
  const spki = 'publicKeyDer' in verifyWith ? verifyWith.publicKeyDer : new Uint8Array(verifyWith.cert.publicKey.rawData);
  const hash = SIGNATURE_HASHES[basic.signatureAlgorithm.algorithm];
  const tbs = new Uint8Array(basic.tbsResponseDataRaw ?? AsnConvert.serialize(basic.tbsResponseData));
  let signatureValid: boolean;
  try {
    signatureValid = !!hash && verify(hash, tbs, createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }), new Uint8Array(basic.signature));
  } catch {
    signatureValid = false; // a key or signature that cannot be read does not verify
  }
  return { responseStatus, responses, signatureValid, certificates };
}

/** Signature algorithm OIDs Voltlane signs and checks OCSP responses with, and their hash. */
const SIGNATURE_HASHES: Record<string, string> = {
  '1.2.840.10045.4.3.2': 'sha256', '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.113549.1.1.11': 'sha256', '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
};

/**
 * An OCSP responder for the certificates one or more of Voltlane's CAs issued (RFC 6960, the CA
 * signs its own responses, responder id by key hash). `lookup` says what is known of a serial
 * number issued by a CA; a request about a certificate of a CA not served here gets `unknown`,
 * and a request naming no served CA at all `unauthorized`.
 * @example const der = await new OcspResponder([ca], lookup).respond(requestDer);
 */
export class OcspResponder {
  constructor(
    private readonly cas: SigningCa[],
    private readonly lookup: (ca: SigningCa, serialNumber: string) => Promise<CertificateStatus>,
    /** How long a "good" or "revoked" answer may be cached by the station (nextUpdate). */
    private readonly validitySec = 3600,
  ) {}

  /** Whether a CA served here issued the certificate the (OCPP, hex) hash data names. */
  serves(d: Pick<OcspRequestData, 'hashAlgorithm' | 'issuerNameHash' | 'issuerKeyHash'>): boolean {
    const hash = OCPP_HASH[d.hashAlgorithm];
    if (!hash) return false;
    const id = { issuerNameHash: new OctetString(hexBytes(d.issuerNameHash, 'issuerNameHash')), issuerKeyHash: new OctetString(hexBytes(d.issuerKeyHash, 'issuerKeyHash')) };
    return this.cas.some((c) => matchesIssuer(c, hash, id));
  }

  /** Answers a DER OCSPRequest with a DER OCSPResponse (never throws for bad input: malformedRequest). */
  async respond(requestDer: Uint8Array): Promise<Uint8Array> {
    let req: OCSPRequest;
    try {
      req = AsnConvert.parse(requestDer, OCSPRequest);
      if (!req.tbsRequest.requestList.length) throw new Error('no request');
    } catch {
      return status(OCSPResponseStatus.malformedRequest);
    }
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    let signer: SigningCa | undefined;
    const responses: SingleResponse[] = [];
    for (const r of req.tbsRequest.requestList) {
      const id = r.reqCert;
      const hash = Object.entries(HASH_OIDS).find(([, oid]) => oid === id.hashAlgorithm.algorithm)?.[0];
      const ca = hash ? this.cas.find((c) => matchesIssuer(c, hash, id)) : undefined;
      if (ca && !signer) signer = ca;
      const serial = Buffer.from(id.serialNumber).toString('hex').replace(/^0+(?=.)/, '');
      const known: CertificateStatus = ca && ca === signer ? await this.lookup(ca, serial) : { status: 'unknown' };
      responses.push(new SingleResponse({
        certID: id,
        certStatus: toCertStatus(known),
        thisUpdate: now,
        ...(known.status === 'unknown' ? {} : { nextUpdate: new Date(now.getTime() + this.validitySec * 1000) }),
      }));
    }
    if (!signer) return status(OCSPResponseStatus.unauthorized);
    const nonce = req.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
    const tbs = new ResponseData({
      responderID: new ResponderID({ byKey: new KeyHash(createHash('sha1').update(subjectPublicKey(signer)).digest()) }),
      producedAt: now,
      responses,
      ...(nonce ? { responseExtensions: [nonce] } : {}),
    });
    const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
    const { algorithm, hash, parameters } = signatureAlgorithm(signer);
    // node:crypto signs ECDSA in DER (ECDSA-Sig-Value), which is what X.509 and OCSP carry.
    const signature = sign(hash, tbsDer, KeyObject.from(signer.key));
    const basic = new BasicOCSPResponse({
      tbsResponseData: tbs,
      signatureAlgorithm: new AlgorithmIdentifier({ algorithm, ...(parameters ? { parameters } : {}) }),
      signature: new Uint8Array(signature).buffer,
    });
    const res = new OCSPResponse({
      responseStatus: OCSPResponseStatus.successful,
      responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(AsnConvert.serialize(basic)) }),
    });
    return new Uint8Array(AsnConvert.serialize(res));
  }
}

/** The hash data of a certificate's issuer in the form OCSP compares it, for a station's CA. */
function matchesIssuer(ca: SigningCa, hash: string, id: Pick<CertID, 'issuerNameHash' | 'issuerKeyHash'>): boolean {
  const nameHash = createHash(hash).update(new Uint8Array(ca.cert.subjectName.toArrayBuffer())).digest();
  const keyHash = createHash(hash).update(subjectPublicKey(ca)).digest();
  return nameHash.equals(Buffer.from(id.issuerNameHash.buffer)) && keyHash.equals(Buffer.from(id.issuerKeyHash.buffer));
}

/** The subjectPublicKey BIT STRING value (RFC 6960 issuerKeyHash input). */
function subjectPublicKey(ca: SigningCa): Uint8Array {
  return new Uint8Array(AsnConvert.parse(ca.cert.publicKey.rawData, SubjectPublicKeyInfo).subjectPublicKey);
}

function signatureAlgorithm(ca: SigningCa): { algorithm: string; hash: string; parameters?: ArrayBuffer } {
  const alg = ca.signingAlgorithm as { name: string; hash?: string | { name: string } };
  const hashName = (typeof alg.hash === 'string' ? alg.hash : alg.hash?.name ?? 'SHA-256').toLowerCase().replace('-', '');
  if (alg.name === 'ECDSA') return { algorithm: { sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4' }[hashName]!, hash: hashName };
  return { algorithm: '1.2.840.113549.1.1.11', hash: 'sha256', parameters: DER_NULL };
}

function toCertStatus(s: CertificateStatus): CertStatus {
  if (s.status === 'good') return new CertStatus({ good: null });
  if (s.status === 'unknown') return new CertStatus({ unknown: null });
  const reason = s.reason !== undefined ? (CRLReasons as unknown as Record<string, number>)[s.reason] : undefined;
  return new CertStatus({
    revoked: new RevokedInfo({
      revocationTime: new Date(Math.floor(s.revokedAt.getTime() / 1000) * 1000),
      ...(reason !== undefined ? { revocationReason: new CRLReason(reason) } : {}),
    }),
  });
}

function status(s: OCSPResponseStatus): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(new OCSPResponse({ responseStatus: s })));
}

function hexBytes(hex: string, field: string): Uint8Array {
  const h = hex.trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]+$/.test(h)) throw new OcspError(`${field} is not hexadecimal`);
  return Uint8Array.from(Buffer.from(h.length % 2 ? `0${h}` : h, 'hex'));
}

/** DER INTEGER content of a positive number: a leading zero byte when the high bit is set. */
function positiveInteger(bytes: Uint8Array): ArrayBuffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b = b.subarray(1);
  const out = (b[0]! & 0x80) ? Uint8Array.from([0, ...b]) : Uint8Array.from(b);
  return out.buffer;
}

/** RFC 5280 revocation reasons, as accepted by the revoke endpoint. */
export const REVOCATION_REASONS = Object.keys(CRLReasons).filter((k) => Number.isNaN(Number(k)));

/** The GetCertificateStatus answer for a relayed OCSP request. */
export interface OcspRelayAnswer {
  status: 'Accepted' | 'Failed';
  statusInfo?: { reasonCode: string; additionalInfo?: string };
  ocspResult?: string;
}

/**
 * POSTs a DER OCSP request to a responder (RFC 6960 appendix A, `application/ocsp-request`) and
 * turns its answer into GetCertificateStatus fields: Accepted with the base64 DER response when the
 * responder answered `successful`; Failed with the reason otherwise (unreachable, HTTP error, not
 * an OCSP response, a responder error status, larger than OCPP's 5500 characters).
 * @example const r = await relayOcsp('http://ocsp.example.com', der);
 */
export async function relayOcsp(url: string, der: Uint8Array, timeoutMs = 10_000): Promise<OcspRelayAnswer> {
  const failed = (reasonCode: string, additionalInfo: string, ocspResult?: string): OcspRelayAnswer => ({
    status: 'Failed', statusInfo: { reasonCode, additionalInfo: additionalInfo.slice(0, 512) }, ...(ocspResult ? { ocspResult } : {}),
  });
  if (!/^https?:\/\//i.test(url)) return failed('InvalidURL', `responderURL ${url} is not an http(s) URL`);
  let body: Uint8Array;
  try {
    const res = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' }, body: new Uint8Array(der),
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = new Uint8Array(await res.arrayBuffer());
    if (!res.ok) return failed('ResponderError', `OCSP responder ${url} answered HTTP ${res.status}`);
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return failed('Unreachable', `OCSP responder ${url} unreachable: ${e.cause?.code ?? e.message}`);
  }
  let parsed;
  try {
    parsed = parseOcspResponse(body);
  } catch (err) {
    return failed('InvalidResponse', `OCSP responder ${url} did not answer an OCSP response (${(err as Error).message})`);
  }
  const ocspResult = Buffer.from(body).toString('base64');
  if (ocspResult.length > 5500) return failed('TooLarge', `the OCSP response is ${ocspResult.length} base64 characters; OCPP allows 5500`);
  if (parsed.responseStatus !== 'successful') return failed('ResponderError', `OCSP responder answered ${parsed.responseStatus}`, ocspResult);
  return { status: 'Accepted', ocspResult };
}
