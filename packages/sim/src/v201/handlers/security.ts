import type { V201 } from '@voltlane/ocpp';
import { hashOf, PEM_CERT, sameHash } from '../../handlers/security.js';
import type { Handlers201 } from './index.js';

/** Installed certificates the station keeps at most. */
const MAX_CERTIFICATES = 10;

/**
 * A Security and M Certificate management (2.0.1): the station keeps the certificates the CSMS
 * installs (identified by hashes of their PEM text: the simulator does not parse X.509).
 */
export const security: Handlers201<'CertificateSigned' | 'InstallCertificate' | 'DeleteCertificate' | 'GetInstalledCertificateIds'> = {
  async CertificateSigned(o, req) {
    const type = req.certificateType ?? 'ChargingStationCertificate';
    const problem = req.certificateChain.length > o.model.int('SecurityCtrlr', 'MaxCertificateChainSize')
      ? 'the chain is longer than SecurityCtrlr.MaxCertificateChainSize'
      : await o.st.ownCertificates.install(req.certificateChain, type);
    o.st.log(`CertificateSigned (${type}) ${problem ? `rejected: ${problem}` : 'accepted: installed'}`);
    if (problem) o.st.later('CertificateSigned', () => o.securityEvent('InvalidChargingStationCertificate', problem.slice(0, 255)));
    return { status: problem ? 'Rejected' : 'Accepted' };
  },

  InstallCertificate(o, req) {
    if (!PEM_CERT.test(req.certificate)) return { status: 'Rejected' };
    const certs = (o.certificates ??= []);
    const hash = hashOf(req.certificate) as V201.CertificateHashDataType;
    if (certs.some((c) => sameHash(c.hash, hash))) return { status: 'Accepted' };
    if (certs.length >= MAX_CERTIFICATES) return { status: 'Failed' };
    certs.push({ type: req.certificateType, hash });
    return { status: 'Accepted' };
  },

  DeleteCertificate(o, req) {
    const certs = o.certificates ?? [];
    const i = certs.findIndex((c) => sameHash(c.hash, req.certificateHashData));
    if (i < 0) return { status: 'NotFound' };
    certs.splice(i, 1);
    return { status: 'Accepted' };
  },

  GetInstalledCertificateIds(o, req) {
    const types = req.certificateType;
    const chain = (o.certificates ?? [])
      .filter((c) => !types || types.includes(c.type))
      .map((c): V201.CertificateHashDataChainType => ({ certificateType: c.type, certificateHashData: c.hash }));
    const [first, ...rest] = chain;
    return first ? { status: 'Accepted', certificateHashDataChain: [first, ...rest] } : { status: 'NotFound' };
  },
};
