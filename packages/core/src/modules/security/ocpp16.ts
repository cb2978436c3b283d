import type { HandlerRegistry } from '../../registry.js';
import type { CommandService } from '../commands/service.js';
import * as repo from './repository.js';
import type { SecurityService } from './service.js';

/**
 * OCPP 1.6 Security Whitepaper (edition 3): the messages a charge point sends (SecurityEventNotification,
 * SignCertificate, SignedFirmwareStatusNotification) and what the certificate commands change.
 * LogStatusNotification belongs to the firmware & diagnostics module.
 */
export function registerSecurity16(reg: HandlerRegistry, security: SecurityService, commands: CommandService): void {
  reg.on16('SecurityEventNotification', async (call, req) => {
    await security.record(call.stationId, 'station', req.type, new Date(req.timestamp), req.techInfo);
    return {};
  });

  reg.on16('SignCertificate', async (call, req) => {
    // 1.6 has no certificate type: the request is always for the charge point (TLS client) certificate.
    const r = await security.certificates.requestSignature(call.stationId, req.csr, 'ChargingStationCertificate', commands, false);
    return { status: r.status };
  });

  reg.on16('SignedFirmwareStatusNotification', async (call, req) => {
    await security.firmwareStatus(call.stationId, req.status, call.receivedAt);
    return {};
  });

  reg.effect16('InstallCertificate', async (stationId, req, res) => {
    if (res.status === 'Accepted') await security.certificates.installed(stationId, req.certificateType, req.certificate);
  });

  reg.effect16('DeleteCertificate', async (stationId, req, res) => {
    if (res.status === 'Accepted') await repo.deleteStationCertificate(security.db, stationId, normalize(req.certificateHashData));
  });

  reg.effect16('GetInstalledCertificateIds', async (stationId, req, res) => {
    const list = res.status === 'Accepted' ? (res.certificateHashData ?? []) : [];
    await repo.replaceReported(
      security.db,
      stationId,
      [req.certificateType],
      list.map((h) => ({ certificateType: req.certificateType, source: 'reported' as const, ...normalize(h), issuerKeyHash: h.issuerKeyHash })),
    );
  });

  // Whitepaper section 2.4: the profile changes through the SecurityProfile configuration key.
  reg.effect16('ChangeConfiguration', async (stationId, req, res) => {
    if (req.key.toLowerCase() !== 'securityprofile' || (res.status !== 'Accepted' && res.status !== 'RebootRequired')) return;
    const profile = Number(req.value);
    if (Number.isInteger(profile)) await security.upgradeRequested(stationId, profile);
  });
}

/** Hash data as stored: serial in OCPP form, hashes lower case. */
export function normalize(h: { hashAlgorithm: string; issuerNameHash: string; issuerKeyHash: string; serialNumber: string }) {
  return {
    hashAlgorithm: h.hashAlgorithm,
    issuerNameHash: h.issuerNameHash.toLowerCase(),
    issuerKeyHash: h.issuerKeyHash.toLowerCase(),
    serialNumber: h.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''),
  };
}
