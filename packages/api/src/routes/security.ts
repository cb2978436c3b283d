import type { ApiOptions, App } from '../server.js';
import { List, Nullable, Paging, Type } from '../schemas.js';

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }) });
const tags = ['security'];
const err = { $ref: 'Error#' };

const SecurityEvent = Type.Object({
  id: Type.Integer(),
  stationId: Type.String(),
  source: Type.String({ enum: ['station', 'csms'], description: 'station: SecurityEventNotification; csms: raised by Voltlane (refused connections)' }),
  type: Type.String({ description: 'OCPP security event type, e.g. FailedToAuthenticateAtCsms, InvalidChargingStationCertificate' }),
  at: Type.String({ format: 'date-time' }),
  techInfo: Nullable(Type.String()),
  receivedAt: Type.String({ format: 'date-time' }),
});

const Certificate = Type.Object(
  {
    kind: Type.String({ enum: ['issued', 'installed'], description: 'issued: signed by Voltlane (SignCertificate); installed: on the station' }),
    stationId: Type.String(),
    certificateType: Type.String(),
    serialNumber: Type.String({ description: 'hexadecimal, lower case, no leading zeroes' }),
    subject: Nullable(Type.String()),
    issuer: Nullable(Type.String()),
    notAfter: Nullable(Type.String({ format: 'date-time' })),
    expiresSoon: Type.Boolean({ description: 'expires within VOLTLANE_CERT_EXPIRY_WARN_DAYS' }),
    status: Type.String({ description: 'issued: Sent | Accepted | Rejected | Failed; installed: reported | installed | tls (client certificate seen at connect)' }),
  },
  { additionalProperties: true },
);

/** Security events, certificates and the security profile of stations (OCPP 2.0.1 A/M, 1.6 Security Whitepaper). */
export function securityRoutes(app: App, { core }: ApiOptions): void {
  app.get('/stations/:id/security', {
    schema: {
      tags, summary: 'Security profile of a station, and the profile it was told to move to (pending until it reconnects with it)',
      params: Id,
      response: { 200: Type.Object({ securityProfile: Type.Integer(), pendingSecurityProfile: Nullable(Type.Integer()), hasPassword: Type.Boolean() }), 404: err },
    },
  }, async (req) => core.security.profile(req.params.id));

  app.get('/stations/:id/security-events', {
    schema: {
      tags, summary: 'Security events of a station, newest first: reported by it and raised by Voltlane',
      params: Id,
      querystring: Type.Object({ ...Paging, source: Type.Optional(Type.String({ enum: ['station', 'csms'] })) }),
      response: { 200: List(SecurityEvent), 404: err },
    },
  }, async (req) => core.security.events(req.params.id, req.query));

  app.get('/stations/:id/certificates', {
    schema: {
      tags,
      summary: 'Certificates of a station: issued by Voltlane, and installed on it (InstallCertificate, GetInstalledCertificateIds, TLS client certificate)',
      description: 'Refresh what the station reports with `POST /stations/{id}/commands/GetInstalledCertificateIds`.',
      params: Id,
      response: { 200: List(Certificate), 404: err },
    },
  }, async (req) => {
    const items = await core.security.stationCertificates(req.params.id);
    return { items, total: items.length };
  });

  app.get('/certificates', {
    schema: {
      tags, summary: 'Station certificates of all stations, soonest expiry first',
      querystring: Type.Object({
        expiringWithinDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, description: 'only certificates that expire within this many days' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      }),
      response: { 200: List(Certificate) },
    },
  }, async (req) => {
    const items = await core.security.certificates.list(req.query);
    return { items, total: items.length };
  });
}
