import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../config.js';
import { AppError } from '../../errors.js';
import type { CoreContext } from '../../context.js';
import { iso, num } from '../../rows.js';
import type { CommandService } from '../commands/service.js';
import { certificateFromDer, certificateHashData, describeCertificate, loadSigningCa, parseCertificates, parseCsr, PkiError, type SigningCa, type X509Certificate } from './pki.js';
import { checkContractChain, ocspUrls, type ContractCertificateStatus } from './contract-chain.js';
import { ExternalCaSigner } from './external-signer.js';
import { buildOcspRequest, OcspError, OcspResponder, relayOcsp, REVOCATION_REASONS, type CertificateStatus, type OcspRequestData } from './ocsp.js';
import { crlAnswer, findIssuer, ocspAnswer, type CertificateId, type Revocation } from './revocation.js';
import * as repo from './repository.js';
import { BuiltinSigner, NO_SIGNER, type CertificateSigner, type StationCertificateType } from './signer.js';

/** OCPP StatusInfoType: why a request got the status it got. */
export interface StatusInfo {
  reasonCode: string;
  additionalInfo?: string;
}

/** OCPP 2.1 CertificateStatusRequestInfoType: a certificate and where its revocation status is. */
export interface CertificateStatusRequest {
  certificateHashData: CertificateId;
  source: 'OCSP' | 'CRL';
  urls: string[];
}

/** OCPP 2.1 CertificateStatusType: the answer for one certificate of GetCertificateChainStatus. */
export interface CertificateChainStatus {
  certificateHashData: CertificateId;
  source: 'OCSP' | 'CRL';
  status: 'Good' | 'Revoked' | 'Unknown' | 'Failed';
  nextUpdate: string;
}

/** A certificate of a station as the API lists it. */
export interface StationCertificate {
  kind: 'issued' | 'installed';
  stationId: string;
  certificateType: string;
  serialNumber: string;
  subject: string | null;
  issuer: string | null;
  notAfter: string | null;
  expiresSoon: boolean;
  /** issued: the station's CertificateSigned reply (Sent until it answers); installed: where we know it from (reported, installed, tls). */
  status: string;
  hashAlgorithm?: string | null;
  issuerNameHash?: string | null;
  issuerKeyHash?: string | null;
  updatedAt: string;
}

/**
 * Station certificates: signing CSRs and sending the result (A02/A03), and keeping Voltlane's view of
 * what each station has installed (M03-M05) and which certificate it connects with.
 */
export class CertificateManager {
  private signer: CertificateSigner = NO_SIGNER;
  /** CA certificates Voltlane knows (station CA, V2G CA): issuers for the OCPP issuer key hash. */
  private knownCas: X509Certificate[] = [];
  /** Trusted roots of EV contract certificate chains (C07): VOLTLANE_CONTRACT_ROOTS and the V2G CA file. */
  private contractRoots: X509Certificate[] = [];
  /** Answers OCSP for what the CAs whose key Voltlane holds issued (M06, `/ocsp`). */
  private responder = new OcspResponder([], async () => ({ status: 'unknown' }));

  constructor(private readonly ctx: CoreContext) {}

  /** Loads the CAs named in the configuration into the built-in signer (fails loudly on a bad file). */
  async init(): Promise<void> {
    const c = this.ctx.config;
    const cas: Partial<Record<StationCertificateType, SigningCa>> = {};
    if (c.tlsCa && c.tlsCaKey) cas.ChargingStationCertificate = await loadCa(c.tlsCa, c.tlsCaKey, 'VOLTLANE_TLS_CA', 'VOLTLANE_TLS_CA_KEY');
    if (c.v2gCaCert && c.v2gCaKey) cas.V2GCertificate = await loadCa(c.v2gCaCert, c.v2gCaKey, 'VOLTLANE_V2G_CA_CERT', 'VOLTLANE_V2G_CA_KEY');
    const builtin = Object.keys(cas).length ? new BuiltinSigner(cas, c.certValidityDays, `${c.publicUrl}/ocsp`) : undefined;
    if (builtin) this.signer = builtin;
    const ext = c.pkiServices.externalCa;
    if (ext) {
      // The external CA signs everything except what a configured built-in V2G CA signs.
      const external = new ExternalCaSigner(ext);
      this.signer = {
        cannotSign: () => undefined,
        sign: (r) => (r.certificateType === 'V2GCertificate' && cas.V2GCertificate && builtin ? builtin : external).sign(r),
      };
    }
    for (const path of [c.tlsCa, c.v2gCaCert]) {
      if (path) this.knownCas.push(...parseCertificates(await readFile(path, 'utf8')));
    }
    // C07 trust anchors: the MO/V2G roots configured, and the V2G CA bundle (its sub-CA and roots).
    if (c.contractRoots) this.contractRoots.push(...(await loadRoots(c.contractRoots, 'VOLTLANE_CONTRACT_ROOTS')));
    if (c.v2gCaCert) this.contractRoots.push(...(await loadRoots(c.v2gCaCert, 'VOLTLANE_V2G_CA_CERT')));
    this.responder = new OcspResponder(Object.values(cas), (ca, serial) => this.issuedStatus(ca, serial));
  }

  /** What Voltlane knows of a certificate a CA of its own issued: revoked, good, or unknown. */
  private async issuedStatus(ca: SigningCa, serialNumber: string): Promise<CertificateStatus> {
    const row = await repo.findIssuedBySerial(this.ctx.db, serialNumber, ca.cert.subject);
    if (!row) return { status: 'unknown' };
    return row.revokedAt ? { status: 'revoked', revokedAt: row.revokedAt, reason: row.revocationReason ?? undefined } : { status: 'good' };
  }

  /** The built-in OCSP responder: a DER OCSPResponse for a DER OCSPRequest (the `/ocsp` endpoint). */
  ocspRespond(requestDer: Uint8Array): Promise<Uint8Array> {
    return this.responder.respond(requestDer);
  }

  /**
   * GetCertificateStatus (M06): a certificate one of Voltlane's CAs issued is answered by the
   * built-in responder, without network; any other goes as a DER OCSP request to the station's
   * responderURL. Accepted carries the base64 DER OCSPResponse; Failed says why.
   */
  async certificateStatus(stationId: string, d: OcspRequestData): Promise<{ status: 'Accepted' | 'Failed'; statusInfo?: StatusInfo; ocspResult?: string }> {
    let der: Uint8Array;
    try {
      der = buildOcspRequest(d);
    } catch (err) {
      if (!(err instanceof OcspError)) throw err;
      return { status: 'Failed', statusInfo: { reasonCode: 'InvalidRequest', additionalInfo: err.message } };
    }
    if (this.responder.serves(d)) {
      const ocspResult = Buffer.from(await this.responder.respond(der)).toString('base64');
      return { status: 'Accepted', ocspResult };
    }
    const r = await relayOcsp(d.responderURL, der);
    if (r.status === 'Failed') this.ctx.log.warn({ stationId, responderURL: d.responderURL, reason: r.statusInfo }, 'OCSP request failed');
    return r;
  }

  /**
   * C07: the verdict on an EV's contract certificate in Authorize. A PEM chain (`certificate`, which
   * the station could not check itself) is checked in full: see `contractChainStatus`. OCSP hash
   * data (`iso15118CertificateHashData`, leaf first, then sub-CAs) is checked by revocation only.
   */
  async contractStatus(stationId: string, c: { certificate?: string | undefined; hashData?: OcspRequestData[] | undefined }): Promise<ContractCertificateStatus> {
    if (c.certificate !== undefined) return this.contractChainStatus(stationId, c.certificate);
    return this.contractCertificateStatus(stationId, c.hashData ?? []);
  }

  /**
   * C07 with a PEM chain: the path from the leaf through the given sub-CAs to a trusted root
   * (VOLTLANE_CONTRACT_ROOTS and the V2G CA file) with signatures, validity and basic constraints
   * (see `checkContractChain`), then each certificate on it (not the root) through OCSP at the
   * responder its AIA names, or Voltlane's own responder for what its CAs issued, with the response
   * signature checked against the issuer. Any revoked: CertificateRevoked; a status that cannot be
   * established: CertChainError (Voltlane never vouches for a chain it could not check).
   */
  async contractChainStatus(stationId: string, pem: string): Promise<ContractCertificateStatus> {
    const chain = await checkContractChain(pem, this.contractRoots);
    if (!chain.ok) {
      this.ctx.log.warn({ stationId, certificateStatus: chain.status, why: chain.why }, 'contract certificate chain refused');
      return chain.status;
    }
    const results = await Promise.all(chain.path.map(async (cert, i) => {
      const issuer = chain.path[i + 1] ?? chain.root;
      const h = await certificateHashData(cert, 'SHA256', issuer);
      const id = { ...h, issuerKeyHash: h.issuerKeyHash! };
      return { serialNumber: id.serialNumber, subject: cert.subject, ...(await this.ocspStatus(stationId, id, ocspUrls(cert), issuer)) };
    }));
    return this.verdict(stationId, results);
  }

  /**
   * C07 with OCSP hash data: each certificate's status is asked like M06 (Voltlane's own
   * responder, else the responder the station names); responses are checked against the issuer
   * when Voltlane has its certificate. Any revoked: CertificateRevoked; all good: Accepted; a
   * status that cannot be established (no data, responder unreachable or erring, certificate
   * unknown): CertChainError.
   */
  async contractCertificateStatus(stationId: string, hashData: OcspRequestData[]): Promise<'Accepted' | 'CertificateRevoked' | 'CertChainError'> {
    if (hashData.length === 0) return 'CertChainError';
    const results = await Promise.all(hashData.map(async (d) => ({ serialNumber: d.serialNumber, ...(await this.ocspStatus(stationId, d, [d.responderURL], this.issuerCertificate(d))) })));
    return this.verdict(stationId, results);
  }

  private verdict(stationId: string, results: ({ serialNumber: string; subject?: string } & Revocation)[]): 'Accepted' | 'CertificateRevoked' | 'CertChainError' {
    const revoked = results.filter((r) => r.status === 'revoked');
    if (revoked.length) {
      this.ctx.log.info({ stationId, revoked: revoked.map((r) => r.subject ?? r.serialNumber) }, 'contract certificate chain revoked');
      return 'CertificateRevoked';
    }
    const unchecked = results.filter((r) => r.status !== 'good');
    if (unchecked.length === 0) return 'Accepted';
    this.ctx.log.warn({ stationId, unchecked: unchecked.map((r) => ({ serialNumber: r.serialNumber, subject: r.subject, status: r.status, why: r.why })) }, 'contract certificate status could not be established');
    return 'CertChainError';
  }

  /**
   * A certificate's revocation through OCSP, responder by responder until one answers good or
   * revoked: Voltlane's own responder for what its CAs issued, else each URL (relayed as in M06).
   */
  private async ocspStatus(stationId: string, id: CertificateId, urls: string[], issuer: X509Certificate | undefined): Promise<Revocation> {
    let last: Revocation = { status: 'failed', why: 'no OCSP responder answered' };
    // No URL: only Voltlane's own responder can answer (certificateStatus tries it first).
    for (const responderURL of urls.length ? urls : ['']) {
      const r = await this.certificateStatus(stationId, { ...id, responderURL });
      if (r.status !== 'Accepted' || !r.ocspResult) {
        // An "unknown" from an earlier responder says more than a later failure.
        if (last.status !== 'unknown') last = { status: 'failed', why: responderURL ? (r.statusInfo?.additionalInfo ?? r.statusInfo?.reasonCode ?? 'no OCSP response') : 'the certificate names no OCSP responder' };
        continue;
      }
      const a = await ocspAnswer(Buffer.from(r.ocspResult, 'base64'), id, issuer);
      last = { status: a.status, ...(a.nextUpdate ? { nextUpdate: a.nextUpdate } : {}), ...(a.why ? { why: a.why } : {}) };
      if (a.status === 'good' || a.status === 'revoked') break;
    }
    return last;
  }

  /**
   * GetCertificateChainStatus (OCPP 2.1): the revocation status of each certificate a station names,
   * from the sources it gives (OCSP: as M06, Voltlane's own responder or each URL in turn; CRL:
   * fetched from each URL). Answers are checked against the issuer's signature when Voltlane has the
   * issuer's certificate (its CAs, the contract roots); otherwise the source's word is passed on, as
   * M06 passes on the responder's. Good/Revoked/Unknown as the source says; Failed when no source
   * could be asked or read. nextUpdate: the source's, else now (ask again any time).
   */
  async chainStatus(stationId: string, requests: CertificateStatusRequest[]): Promise<CertificateChainStatus[]> {
    return Promise.all(requests.map(async (r) => {
      const id: CertificateId = r.certificateHashData;
      const issuer = this.issuerCertificate(id);
      let result: Revocation;
      if (r.source === 'OCSP') {
        result = await this.ocspStatus(stationId, id, r.urls, issuer);
      } else {
        result = { status: 'failed', why: 'no CRL URL' };
        for (const url of r.urls) {
          result = await crlAnswer(url, id, issuer);
          if (result.status !== 'failed') break;
        }
      }
      if (result.status === 'failed' || result.status === 'unknown') {
        this.ctx.log.warn({ stationId, serialNumber: id.serialNumber, source: r.source, status: result.status, why: result.why }, 'certificate chain status not established');
      }
      const status = ({ good: 'Good', revoked: 'Revoked', unknown: 'Unknown', failed: 'Failed' } as const)[result.status];
      return { certificateHashData: r.certificateHashData, source: r.source, status, nextUpdate: (result.nextUpdate ?? new Date()).toISOString() };
    }));
  }

  /** The certificate of the CA that issued the certificate `id` names, if Voltlane has it. */
  private issuerCertificate(id: CertificateId): X509Certificate | undefined {
    return findIssuer(id, [...this.knownCas, ...this.contractRoots]);
  }

  /**
   * Revokes a certificate Voltlane issued to a station: its OCSP responder answers "revoked"
   * from now on. Revoking twice keeps the first time and reason.
   */
  async revoke(stationId: string, serialNumber: string, reason = 'unspecified'): Promise<{ serialNumber: string; revokedAt: string; revocationReason: string }> {
    if (!REVOCATION_REASONS.includes(reason)) {
      throw new AppError('VALIDATION_FAILED', `reason must be one of ${REVOCATION_REASONS.join(', ')}`, { field: 'body.reason' });
    }
    const serial = serialNumber.toLowerCase().replace(/^0x/, '').replace(/^0+(?=.)/, '');
    const r = await repo.revokeIssued(this.ctx.db, stationId, serial, reason);
    if (!r) {
      throw new AppError('NOT_FOUND', `Voltlane issued no certificate with serial number ${serial} to station ${stationId}: see GET /api/v1/stations/${stationId}/certificates`);
    }
    this.ctx.log.info({ stationId, serialNumber: serial, reason: r.revocationReason }, 'station certificate revoked');
    return { serialNumber: serial, revokedAt: r.revokedAt.toISOString(), revocationReason: r.revocationReason };
  }

  /** Replaces the signer (an external CA). */
  useSigner(signer: CertificateSigner): void {
    this.signer = signer;
  }

  /**
   * SignCertificate: checks the CSR now (the answer is Accepted or Rejected), then signs it and sends
   * CertificateSigned once the answer is on the wire.
   */
  async requestSignature(
    stationId: string,
    csrPem: string,
    certificateType: StationCertificateType,
    commands: CommandService,
    withType: boolean,
  ): Promise<{ status: 'Accepted' | 'Rejected'; statusInfo?: StatusInfo }> {
    const cannot = this.signer.cannotSign(certificateType);
    if (cannot) return { status: 'Rejected', statusInfo: { reasonCode: 'NoCA', additionalInfo: cannot } };
    let csr;
    try {
      csr = await parseCsr(csrPem);
    } catch (err) {
      if (!(err instanceof PkiError)) throw err;
      return { status: 'Rejected', statusInfo: { reasonCode: 'InvalidCSR', additionalInfo: err.message } };
    }
    // A station never gets a certificate in another station's name (its CN is its identity in profile 3).
    if (certificateType === 'ChargingStationCertificate' && csr.commonName !== stationId) {
      return {
        status: 'Rejected',
        statusInfo: { reasonCode: 'InvalidCSR', additionalInfo: `CSR common name "${csr.commonName ?? ''}" is not the station id "${stationId}"` },
      };
    }
    // After the CALLRESULT: the station must have its Accepted before the CertificateSigned CALL.
    setTimeout(() => void this.issueAndSend(stationId, certificateType, csr, commands, withType), 0);
    return { status: 'Accepted' };
  }

  private async issueAndSend(
    stationId: string,
    certificateType: StationCertificateType,
    csr: Awaited<ReturnType<typeof parseCsr>>,
    commands: CommandService,
    withType: boolean,
  ): Promise<void> {
    let id: number | undefined;
    try {
      const signed = await this.signer.sign({ stationId, certificateType, csr });
      const leaf = signed.leaf;
      id = await repo.insertIssued(this.ctx.db, {
        stationId, certificateType, serialNumber: leaf.serialNumber, subject: leaf.subject, issuer: leaf.issuer,
        notBefore: leaf.notBefore, notAfter: leaf.notAfter, pem: signed.certificateChain,
      });
      this.ctx.log.info({ stationId, certificateType, serialNumber: leaf.serialNumber, notAfter: leaf.notAfter }, 'station certificate issued');
      const reply = await commands.send(stationId, 'CertificateSigned', {
        certificateChain: signed.certificateChain,
        ...(withType ? { certificateType } : {}),
      });
      const info = reply.statusInfo as StatusInfo | undefined;
      await repo.setIssuedStatus(this.ctx.db, id, String(reply.status), info ? `${info.reasonCode}${info.additionalInfo ? `: ${info.additionalInfo}` : ''}` : undefined);
    } catch (err) {
      // The station asks again when no CertificateSigned comes (A02.FR.xx retry), so logging is enough.
      this.ctx.log.warn({ stationId, certificateType, err: (err as Error).message }, 'could not issue or deliver a station certificate');
      if (id !== undefined) await repo.setIssuedStatus(this.ctx.db, id, 'Failed', (err as Error).message).catch(() => undefined);
    }
  }

  /** InstallCertificate was accepted: the station now has this certificate. */
  async installed(stationId: string, certificateType: string, pem: string): Promise<void> {
    const [cert] = parseCertificates(pem);
    if (!cert) return;
    const info = describeCertificate(cert);
    const h = await certificateHashData(cert, 'SHA256', this.issuerOf(cert));
    await repo.upsertStationCertificate(this.ctx.db, stationId, {
      certificateType, source: 'installed', ...h, subject: info.subject, issuer: info.issuer, notAfter: info.notAfter,
    });
  }

  /** The client certificate a station connected with (already verified by the TLS stack). */
  async presented(stationId: string, der: Uint8Array): Promise<void> {
    const cert = certificateFromDer(der);
    const info = describeCertificate(cert);
    const h = await certificateHashData(cert, 'SHA256', this.issuerOf(cert));
    await repo.setPresentedCertificate(this.ctx.db, stationId, {
      certificateType: 'ChargingStationCertificate', source: 'tls', ...h, subject: info.subject, issuer: info.issuer, notAfter: info.notAfter,
    });
  }

  private issuerOf(cert: X509Certificate): X509Certificate | undefined {
    return this.knownCas.find((ca) => ca.subject === cert.issuer);
  }

  /** Issued and installed certificates of one station, or of all stations when `stationId` is omitted. */
  async list(f: { stationId?: string | undefined; expiringWithinDays?: number | undefined; limit?: number | undefined }): Promise<StationCertificate[]> {
    const warnBefore = Date.now() + this.ctx.config.certExpiryWarnDays * 86_400_000;
    const before = f.expiringWithinDays === undefined ? undefined : new Date(Date.now() + f.expiringWithinDays * 86_400_000);
    const limit = Math.min(Math.max(f.limit ?? 500, 1), 1000);
    const soon = (notAfter: unknown) => notAfter != null && new Date(notAfter as string).getTime() < warnBefore;
    const issued = await repo.listIssued(this.ctx.db, { stationId: f.stationId, before, limit, offset: 0 });
    const installed = await repo.listStationCertificates(this.ctx.db, { stationId: f.stationId, before, limit });
    const items: StationCertificate[] = [
      ...issued.map((r) => ({
        kind: 'issued' as const,
        stationId: r.station_id as string,
        certificateType: r.certificate_type as string,
        serialNumber: r.serial_number as string,
        subject: r.subject as string,
        issuer: r.issuer as string,
        notAfter: iso(r.not_after),
        expiresSoon: soon(r.not_after),
        status: r.status as string,
        ...(r.status_info ? { statusInfo: r.status_info as string } : {}),
        ...(r.revoked_at ? { revokedAt: iso(r.revoked_at), revocationReason: r.revocation_reason as string } : {}),
        id: num(r.id),
        updatedAt: iso(r.created_at)!,
      })),
      ...installed.map((r) => ({
        kind: 'installed' as const,
        stationId: r.station_id as string,
        certificateType: r.certificate_type as string,
        serialNumber: r.serial_number as string,
        subject: (r.subject as string) ?? null,
        issuer: (r.issuer as string) ?? null,
        notAfter: iso(r.not_after),
        expiresSoon: soon(r.not_after),
        status: r.source as string,
        hashAlgorithm: (r.hash_algorithm as string) ?? null,
        issuerNameHash: (r.issuer_name_hash as string) ?? null,
        issuerKeyHash: (r.issuer_key_hash as string) ?? null,
        ...(r.child_hashes ? { childCertificateHashData: r.child_hashes } : {}),
        updatedAt: iso(r.updated_at)!,
      })),
    ];
    return f.stationId ? items : items.sort((a, b) => (a.notAfter ?? '9').localeCompare(b.notAfter ?? '9'));
  }
}

async function loadRoots(path: string, variable: string): Promise<X509Certificate[]> {
  const pem = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ConfigError(`${variable}=${path}: cannot read the file (${err.code ?? err.message})`);
  });
  let certs: X509Certificate[];
  try {
    certs = parseCertificates(pem);
  } catch (err) {
    throw new ConfigError(`${variable}=${path}: ${(err as Error).message}`);
  }
  if (!certs.length) throw new ConfigError(`${variable}=${path}: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file`);
  return certs;
}

async function loadCa(certPath: string, keyPath: string, certVar: string, keyVar: string): Promise<SigningCa> {
  const read = (p: string, v: string) =>
    readFile(p, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new ConfigError(`${v}=${p}: cannot read the file (${err.code ?? err.message})`);
    });
  const certPem = await read(certPath, certVar);
  const keyPem = await read(keyPath, keyVar);
  return loadSigningCa(certPem, keyPem).catch((err: Error) => {
    throw new ConfigError(`${certVar}/${keyVar}: ${err.message}`);
  });
}
