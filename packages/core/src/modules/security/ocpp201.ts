import type { HandlerRegistry } from '../../registry.js';
import type { CommandService } from '../commands/service.js';
import { normalize } from './ocpp16.js';
import * as repo from './repository.js';
import type { SecurityService } from './service.js';

/** Every GetCertificateIdUseEnumType: what "all types" means when GetInstalledCertificateIds names none. */
const ALL_TYPES = ['V2GRootCertificate', 'MORootCertificate', 'CSMSRootCertificate', 'V2GCertificateChain', 'ManufacturerRootCertificate'];

/**
 * OCPP 2.0.1/2.1 security (A02-A05) and certificate management (M03-M05; M01, M02, M06 answered Failed).
 */
export function registerSecurity201(reg: HandlerRegistry, security: SecurityService, commands: CommandService): void {
  reg.on201('SecurityEventNotification', async (call, req) => {
    await security.record(call.stationId, 'station', req.type, new Date(req.timestamp), req.techInfo);
    return {};
  });

  reg.on201('SignCertificate', async (call, req) =>
    security.certificates.requestSignature(call.stationId, req.csr, req.certificateType ?? 'ChargingStationCertificate', commands, req.certificateType !== undefined),
  );

  // M01/M02 (EV contract certificate install/update) need an ISO 15118 contract certificate service and
  // M06 an OCSP relay; Voltlane has neither yet, so it says so instead of returning something unusable.
  reg.on201('Get15118EVCertificate', async () => ({
    status: 'Failed',
    statusInfo: {
      reasonCode: 'NotConfigured',
      additionalInfo: 'This CSMS has no ISO 15118 contract certificate service (V2G root / MO pool) configured; Plug & Charge certificate installation is not available',
    },
    exiResponse: '',
  }));

  reg.on201('GetCertificateStatus', async () => ({
    status: 'Failed',
    statusInfo: {
      reasonCode: 'NotConfigured',
      additionalInfo: 'This CSMS does not relay OCSP requests (no OCSP responder access configured); check the certificate status another way',
    },
  }));

  reg.effect201('InstallCertificate', async (stationId, req, res) => {
    if (res.status === 'Accepted') await security.certificates.installed(stationId, req.certificateType, req.certificate);
  });

  reg.effect201('DeleteCertificate', async (stationId, req, res) => {
    if (res.status === 'Accepted') await repo.deleteStationCertificate(security.db, stationId, normalize(req.certificateHashData));
  });

  reg.effect201('GetInstalledCertificateIds', async (stationId, req, res) => {
    const list = res.status === 'Accepted' ? (res.certificateHashDataChain ?? []) : [];
    await repo.replaceReported(
      security.db,
      stationId,
      req.certificateType ?? ALL_TYPES,
      list.map((c) => ({
        certificateType: c.certificateType,
        source: 'reported' as const,
        ...normalize(c.certificateHashData),
        ...(c.childCertificateHashData ? { childHashes: c.childCertificateHashData } : {}),
      })),
    );
  });

  // A05: the new profile counts once the station connects with it (see SecurityService.authenticate).
  reg.effect201('SetNetworkProfile', async (stationId, req, res) => {
    if (res.status === 'Accepted') await security.upgradeRequested(stationId, req.connectionData.securityProfile);
  });
}
