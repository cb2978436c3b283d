import type { V21 } from '@voltlane/ocpp';
import type { HandlerRegistry } from '../../registry.js';
import type { CommandService } from '../commands/service.js';
import { normalize } from './ocpp16.js';
import * as repo from './repository.js';
import type { SecurityService } from './service.js';
import { forwardEvCertificate, type EvCertificateRequest } from './v2g-certificates.js';

/** Every GetCertificateIdUseEnumType: what "all types" means when GetInstalledCertificateIds names none. */
const ALL_TYPES = ['V2GRootCertificate', 'MORootCertificate', 'CSMSRootCertificate', 'V2GCertificateChain', 'ManufacturerRootCertificate'];

/**
 * OCPP 2.0.1/2.1 security (A02-A05) and certificate management: M01/M02 forwarded to a contract
 * certificate service, M03-M05, M06 answered by the built-in OCSP responder or relayed, and the
 * OCPP 2.1 GetCertificateChainStatus.
 */
export function registerSecurity201(reg: HandlerRegistry, security: SecurityService, commands: CommandService): void {
  reg.on201('SecurityEventNotification', async (call, req) => {
    await security.record(call.stationId, 'station', req.type, new Date(req.timestamp), req.techInfo);
    return {};
  });

  reg.on201('SignCertificate', async (call, req) =>
    security.certificates.requestSignature(call.stationId, req.csr, req.certificateType ?? 'ChargingStationCertificate', commands, req.certificateType !== undefined),
  );

  // M01/M02: forwarded to the contract certificate service when one is configured (VOLTLANE_V2G_CERT_URL).
  reg.on201('Get15118EVCertificate', async (call, req) => {
    const service = security.config.pkiServices.v2gCertService;
    if (!service) {
      return {
        status: 'Failed',
        statusInfo: {
          reasonCode: 'NotConfigured',
          additionalInfo: 'This CSMS has no ISO 15118 contract certificate service configured (VOLTLANE_V2G_CERT_URL); Plug & Charge certificate installation is not available',
        },
        exiResponse: '',
      };
    }
    const answer = await forwardEvCertificate(service, call.stationId, req as EvCertificateRequest, call.version === 'ocpp2.1');
    if (answer.status === 'Failed') security.log.warn({ stationId: call.stationId, statusInfo: answer.statusInfo }, 'Get15118EVCertificate failed');
    return answer;
  });

  // M06: Voltlane's own CA answers for what it issued; other certificates go to the responder named.
  reg.on201('GetCertificateStatus', async (call, req) => security.certificates.certificateStatus(call.stationId, req.ocspRequestData));

  // OCPP 2.1: the revocation status of each certificate of a chain, from the OCSP or CRL sources named.
  reg.on21('GetCertificateChainStatus', async (call, req) => ({
    certificateStatus: (await security.certificates.chainStatus(call.stationId, req.certificateStatusRequests)) as V21.GetCertificateChainStatusResponse['certificateStatus'],
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
