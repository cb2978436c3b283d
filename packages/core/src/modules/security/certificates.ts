import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../config.js';
import type { CoreContext } from '../../context.js';
import { iso, num } from '../../rows.js';
import type { CommandService } from '../commands/service.js';
import { certificateFromDer, certificateHashData, describeCertificate, loadSigningCa, parseCertificates, parseCsr, PkiError, type SigningCa, type X509Certificate } from './pki.js';
import * as repo from './repository.js';
import { BuiltinSigner, NO_SIGNER, type CertificateSigner, type StationCertificateType } from './signer.js';

/** OCPP StatusInfoType: why a request got the status it got. */
export interface StatusInfo {
  reasonCode: string;
  additionalInfo?: string;
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

  constructor(private readonly ctx: CoreContext) {}

  /** Loads the CAs named in the configuration into the built-in signer (fails loudly on a bad file). */
  async init(): Promise<void> {
    const c = this.ctx.config;
    const cas: Partial<Record<StationCertificateType, SigningCa>> = {};
    if (c.tlsCa && c.tlsCaKey) cas.ChargingStationCertificate = await loadCa(c.tlsCa, c.tlsCaKey, 'VOLTLANE_TLS_CA', 'VOLTLANE_TLS_CA_KEY');
    if (c.v2gCaCert && c.v2gCaKey) cas.V2GCertificate = await loadCa(c.v2gCaCert, c.v2gCaKey, 'VOLTLANE_V2G_CA_CERT', 'VOLTLANE_V2G_CA_KEY');
    if (Object.keys(cas).length) this.signer = new BuiltinSigner(cas, c.certValidityDays);
    for (const path of [c.tlsCa, c.v2gCaCert]) {
      if (path) this.knownCas.push(...parseCertificates(await readFile(path, 'utf8')));
    }
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
