import { chainPem, describeCertificate, issueCertificate, type CertificateInfo, type ParsedCsr, type SigningCa } from './pki.js';

/** The two kinds of certificate a station asks to have signed (2.0.1 CertificateSigningUseEnumType). */
export type StationCertificateType = 'ChargingStationCertificate' | 'V2GCertificate';

/** A CSR already parsed and checked, and whom it is for. */
export interface SignRequest {
  stationId: string;
  certificateType: StationCertificateType;
  csr: ParsedCsr;
}

/** A signed certificate: the PEM chain for CertificateSigned and what to record about the leaf. */
export interface SignedCertificate {
  certificateChain: string;
  leaf: CertificateInfo;
}

/**
 * Signs station CSRs (A02/A03, 1.6 Security Whitepaper "Certificate management"). The built-in
 * implementation signs with a CA held by Voltlane. An external CA (a CPO's PKI, a V2G root
 * operator) plugs in by implementing this interface and `core.security.useSigner(signer)`:
 * `canSign` answers at once (it decides Accepted/Rejected of SignCertificate), `sign` may take as
 * long as the CA needs; its result is sent to the station as CertificateSigned.
 */
export interface CertificateSigner {
  /** Why this signer cannot sign that type, or undefined when it can. */
  cannotSign(certificateType: StationCertificateType): string | undefined;
  sign(request: SignRequest): Promise<SignedCertificate>;
}

/**
 * Signs with CAs held in process: one for charging station (TLS client) certificates, optionally one
 * for ISO 15118 V2G certificates (a CPO sub-CA issued under a V2G root).
 * @example const signer = new BuiltinSigner({ ChargingStationCertificate: ca }, 365);
 */
export class BuiltinSigner implements CertificateSigner {
  constructor(
    private readonly cas: Partial<Record<StationCertificateType, SigningCa>>,
    private readonly validityDays: number,
    /** Voltlane's OCSP responder, written into the certificates (stations find it there for M06). */
    private readonly ocspUrl?: string,
  ) {}

  cannotSign(certificateType: StationCertificateType): string | undefined {
    if (this.cas[certificateType]) return undefined;
    return certificateType === 'V2GCertificate'
      ? 'No V2G CA is configured (VOLTLANE_V2G_CA_CERT, VOLTLANE_V2G_CA_KEY)'
      : 'No CA to sign charging station certificates is configured (VOLTLANE_TLS_CA, VOLTLANE_TLS_CA_KEY)';
  }

  async sign(r: SignRequest): Promise<SignedCertificate> {
    const ca = this.cas[r.certificateType];
    if (!ca) throw new Error(this.cannotSign(r.certificateType));
    const leaf = await issueCertificate(ca, {
      subject: r.csr.csr.subjectName,
      publicKey: r.csr.csr.publicKey,
      purpose: r.certificateType === 'V2GCertificate' ? 'v2g' : 'client',
      days: this.validityDays,
      ...(this.ocspUrl ? { ocspUrl: this.ocspUrl } : {}),
    });
    return { certificateChain: chainPem(leaf, ca), leaf: describeCertificate(leaf) };
  }
}

/** The signer when no CA is configured: every request is refused with the reason. */
export const NO_SIGNER: CertificateSigner = {
  cannotSign: (t) =>
    t === 'V2GCertificate'
      ? 'No V2G CA is configured (VOLTLANE_V2G_CA_CERT, VOLTLANE_V2G_CA_KEY)'
      : 'No CA to sign charging station certificates is configured (VOLTLANE_TLS_CA, VOLTLANE_TLS_CA_KEY)',
  sign: () => Promise.reject(new Error('no certificate signer configured')),
};
