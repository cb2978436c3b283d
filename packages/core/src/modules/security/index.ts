/** The security module's public surface (re-exported by @voltlane/core). */
export { SecurityService, type SecurityAuthResult } from './service.js';
export type { StationCertificate, StatusInfo } from './certificates.js';
export type { ConnectionFacts } from './profile-policy.js';
export type { SecurityEvent } from './repository.js';
export { BuiltinSigner, type CertificateSigner, type SignRequest, type SignedCertificate, type StationCertificateType } from './signer.js';
export {
  PkiError, createCa, loadSigningCa, issueCertificate, generateKeyPair, privateKeyPem, distinguishedName, describeCertificate,
  parseCertificates, parseCsr, createCsr, certificateFromDer, certificateHashData, chainPem, type SigningCa, type CertificateInfo, type CertificateHashData,
} from './pki.js';
export { ExternalCaSigner, type ExternalCaOptions } from './external-signer.js';
export {
  OcspResponder, buildOcspRequest, parseOcspResponse, relayOcsp, REVOCATION_REASONS, OcspError,
  type OcspRequestData, type CertificateStatus, type OcspSingleStatus,
} from './ocsp.js';
export { forwardEvCertificate, type EvCertificateRequest, type EvCertificateAnswer } from './v2g-certificates.js';
