import { createHash } from 'node:crypto';
import type { V16 } from '@voltlane/ocpp';
import { startLogUpload } from '../diagnostics.js';
import { scheduleFirmware } from '../firmware.js';
import type { Handlers } from './index.js';

export const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;

/** Hash data that identifies a certificate (derived from its PEM text: the simulator does not parse X.509). */
export function hashOf(pem: string): V16.CertificateHashDataType {
  const h = (s: string) => createHash('sha256').update(s).digest('hex');
  return { hashAlgorithm: 'SHA256', issuerNameHash: h(`issuer:${pem}`), issuerKeyHash: h(`key:${pem}`), serialNumber: h(`serial:${pem}`).slice(0, 40) };
}

export const sameHash = (a: V16.CertificateHashDataType, b: V16.CertificateHashDataType) =>
  a.hashAlgorithm === b.hashAlgorithm && a.issuerNameHash === b.issuerNameHash && a.issuerKeyHash === b.issuerKeyHash && a.serialNumber === b.serialNumber;

/** OCPP 1.6 Security Whitepaper (edition 3): certificates, secure firmware update and logs. */
export const security: Handlers<
  'CertificateSigned' | 'InstallCertificate' | 'DeleteCertificate' | 'GetInstalledCertificateIds' | 'GetLog' | 'SignedUpdateFirmware'
> = {
  async CertificateSigned(st, req) {
    const problem = req.certificateChain.length > st.config.int('CertificateSignedMaxChainSize')
      ? 'the chain is longer than CertificateSignedMaxChainSize'
      : await st.ownCertificates.install(req.certificateChain, 'ChargingStationCertificate');
    st.log(`CertificateSigned ${problem ? `rejected: ${problem}` : 'accepted: installed, used from the next connection'}`);
    if (problem) st.later('CertificateSigned', () => st.notify('SecurityEventNotification', { type: 'InvalidChargePointCertificate', timestamp: new Date().toISOString(), techInfo: problem.slice(0, 255) }));
    return { status: problem ? 'Rejected' : 'Accepted' };
  },

  InstallCertificate(st, req) {
    if (!PEM_CERT.test(req.certificate)) return { status: 'Rejected' };
    const certs = (st.certificates ??= []);
    const hash = hashOf(req.certificate);
    if (certs.some((c) => sameHash(c.hash, hash))) return { status: 'Accepted' };
    if (certs.length >= st.config.int('CertificateStoreMaxLength')) return { status: 'Failed' };
    certs.push({ type: req.certificateType, pem: req.certificate, hash });
    return { status: 'Accepted' };
  },

  DeleteCertificate(st, req) {
    const certs = st.certificates ?? [];
    const i = certs.findIndex((c) => sameHash(c.hash, req.certificateHashData));
    if (i < 0) return { status: 'NotFound' };
    certs.splice(i, 1);
    return { status: 'Accepted' };
  },

  GetInstalledCertificateIds(st, req) {
    const hashes = (st.certificates ?? []).filter((c) => c.type === req.certificateType).map((c) => c.hash);
    const [first, ...rest] = hashes;
    return first ? { status: 'Accepted', certificateHashData: [first, ...rest] } : { status: 'NotFound' };
  },

  GetLog(st, req) {
    return { status: 'Accepted', filename: startLogUpload(st, req) };
  },

  SignedUpdateFirmware(st, req) {
    if (!PEM_CERT.test(req.firmware.signingCertificate)) return { status: 'InvalidCertificate' };
    scheduleFirmware(st, {
      location: req.firmware.location,
      retrieveAt: Date.parse(req.firmware.retrieveDateTime) || Date.now(),
      retries: req.retries ?? 0,
      retryIntervalSec: req.retryInterval ?? 30,
      requestId: req.requestId,
    });
    return { status: 'Accepted' };
  },
};
