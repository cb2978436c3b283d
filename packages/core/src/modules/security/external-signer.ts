// pki.js first: it loads reflect-metadata, which @peculiar/x509 needs before it is evaluated.
import { describeCertificate, parseCertificates, PkiError } from './pki.js';
import * as x509 from '@peculiar/x509';
import type { CertificateSigner, SignedCertificate, SignRequest } from './signer.js';

/** Where and how to reach the external CA (VOLTLANE_EXTERNAL_CA_*). */
export interface ExternalCaOptions {
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** `pem`: Voltlane's JSON contract; `est`: RFC 7030 simpleenroll. */
  protocol: 'pem' | 'est';
  /** How long to wait for the CA (the station waits for CertificateSigned meanwhile). */
  timeoutMs?: number;
}

/**
 * Forwards station CSRs to an external CA over HTTP and returns its chain for CertificateSigned.
 *
 * `pem` (Voltlane's contract): `POST <url>` with JSON `{"stationId", "certificateType", "csr"}`
 * (csr = the station's PEM PKCS#10); the CA answers 200 with the PEM chain, leaf first (any text
 * content type), or JSON `{"certificateChain": "<PEM>"}`.
 *
 * `est` (RFC 7030 section 4.2): `POST <url>/simpleenroll` with the base64 DER CSR
 * (`application/pkcs10`); the CA answers with a base64 DER PKCS#7 certs-only structure.
 *
 * The answer is checked: a certificate for the CSR's public key must be in it, and a charging
 * station certificate must name the station (CN), since that is its identity on profile 3.
 * @example core.security.useSigner(new ExternalCaSigner({ url: 'https://pki.example/sign', token, protocol: 'pem' }));
 */
export class ExternalCaSigner implements CertificateSigner {
  constructor(private readonly opts: ExternalCaOptions) {}

  cannotSign(): string | undefined {
    return undefined;
  }

  async sign(r: SignRequest): Promise<SignedCertificate> {
    const certs = this.opts.protocol === 'est' ? await this.est(r) : await this.pem(r);
    const wanted = Buffer.from(r.csr.csr.publicKey.rawData);
    const leaf = certs.find((c) => Buffer.from(c.publicKey.rawData).equals(wanted));
    if (!leaf) throw new PkiError(`the external CA answered ${certs.length} certificate(s), none for the key of the CSR`);
    const cn = leaf.subjectName.getField('CN')[0];
    if (r.certificateType === 'ChargingStationCertificate' && cn !== r.stationId) {
      throw new PkiError(`the external CA issued the certificate for "${cn ?? ''}", not for station ${r.stationId}`);
    }
    // The station gets the leaf and the intermediates; it has the root already (it must trust it).
    const rest = certs.filter((c) => c !== leaf && c.subject !== c.issuer);
    return { certificateChain: [leaf, ...rest].map((c) => c.toString('pem')).join('\n') + '\n', leaf: describeCertificate(leaf) };
  }

  private async pem(r: SignRequest): Promise<x509.X509Certificate[]> {
    const res = await this.post(this.opts.url, 'application/json', JSON.stringify({
      stationId: r.stationId, certificateType: r.certificateType, csr: r.csr.csr.toString('pem'),
    }), 'application/x-pem-file, application/json');
    let text = await res.text();
    if (/json/i.test(res.headers.get('content-type') ?? '')) {
      const chain = (JSON.parse(text) as { certificateChain?: unknown }).certificateChain;
      if (typeof chain !== 'string') throw new PkiError('the external CA answered JSON without a "certificateChain" string');
      text = chain;
    }
    const certs = parseCertificates(text);
    if (!certs.length) throw new PkiError('the external CA answered no PEM certificate');
    return certs;
  }

  private async est(r: SignRequest): Promise<x509.X509Certificate[]> {
    const body = Buffer.from(r.csr.csr.rawData).toString('base64');
    const res = await this.post(`${this.opts.url}/simpleenroll`, 'application/pkcs10', body, 'application/pkcs7-mime');
    const der = Buffer.from((await res.text()).replace(/\s+/g, ''), 'base64');
    try {
      return [...new x509.X509Certificates(der)];
    } catch (err) {
      throw new PkiError(`the EST server did not answer a PKCS#7 certs-only structure (${(err as Error).message})`);
    }
  }

  private async post(url: string, contentType: string, body: string, accept: string): Promise<Response> {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        accept,
        ...(contentType === 'application/pkcs10' ? { 'content-transfer-encoding': 'base64' } : {}),
        ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
      },
      body,
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
    });
    if (!res.ok) {
      const detail = (await res.text().catch(() => '')).slice(0, 200);
      throw new PkiError(`the external CA at ${url} answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
    }
    return res;
  }
}
