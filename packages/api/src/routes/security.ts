import type { FastifyReply } from 'fastify';
import { REVOCATION_REASONS } from '@voltlane/core';
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
    config: { access: 'operator' },
    schema: {
      tags, summary: 'Security profile of a station, and the profile it was told to move to (pending until it reconnects with it)',
      params: Id,
      response: { 200: Type.Object({ securityProfile: Type.Integer(), pendingSecurityProfile: Nullable(Type.Integer()), hasPassword: Type.Boolean() }), 404: err },
    },
  }, async (req) => core.security.profile(req.params.id));

  app.get('/stations/:id/security-events', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'Security events of a station, newest first: reported by it and raised by Voltlane',
      params: Id,
      querystring: Type.Object({ ...Paging, source: Type.Optional(Type.String({ enum: ['station', 'csms'] })) }),
      response: { 200: List(SecurityEvent), 404: err },
    },
  }, async (req) => core.security.events(req.params.id, req.query));

  app.get('/stations/:id/certificates', {
    config: { access: 'operator' },
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
    config: { access: 'operator' },
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

  app.post('/stations/:id/certificates/:serialNumber/revoke', {
    config: { access: 'admin' },
    schema: {
      tags, summary: 'Revoke a certificate Voltlane issued to a station: its OCSP responder answers "revoked" from now on',
      description: `reason: an RFC 5280 CRLReason (${REVOCATION_REASONS.join(', ')}); default unspecified. Revoking twice keeps the first time and reason.`,
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }), serialNumber: Type.String({ minLength: 1, maxLength: 64, description: 'hexadecimal' }) }),
      body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ enum: REVOCATION_REASONS })) }, { additionalProperties: false })),
      response: { 200: Type.Object({ serialNumber: Type.String(), revokedAt: Type.String({ format: 'date-time' }), revocationReason: Type.String() }), 400: err, 404: err },
    },
  }, async (req) => core.security.certificates.revoke(req.params.id, req.params.serialNumber, req.body?.reason));

  app.get('/stations/:id/network-profiles', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'Connection profiles sent to the station with SetNetworkProfile, per configuration slot, with its answer (B09)',
      description: 'VPN password and key, APN password and SIM PIN are stored masked.',
      params: Id,
      response: {
        200: List(Type.Object({
          configurationSlot: Type.Integer(),
          connectionData: Type.Object({}, { additionalProperties: true }),
          status: Type.String({ description: 'Accepted | Rejected | Failed' }),
          statusInfo: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
          updatedAt: Type.String({ format: 'date-time' }),
        })),
        404: err,
      },
    },
  }, async (req) => {
    const items = await core.stations.networkProfiles(req.params.id);
    return { items, total: items.length };
  });
}

/**
 * Voltlane's OCSP responder (RFC 6960 appendix A) for the certificates its CAs issued, at the URL
 * written into them: `POST /ocsp` (application/ocsp-request) and `GET /ocsp/{base64 request}`.
 * Public: stations and TLS peers ask without an API token.
 */
export function ocspRoutes(app: App, { core }: ApiOptions): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/ocsp-request', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
    const answer = async (der: Uint8Array, reply: FastifyReply) =>
      reply.header('content-type', 'application/ocsp-response').header('cache-control', 'no-cache').send(Buffer.from(await core.security.certificates.ocspRespond(der)));
    scope.post('/ocsp', { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) {
        return reply.code(415).send({ error: { code: 'VALIDATION_FAILED', message: 'Send the DER OCSP request with Content-Type: application/ocsp-request' } });
      }
      return answer(req.body, reply);
    });
    scope.get('/ocsp/*', { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const encoded = decodeURIComponent((req.params as { '*': string })['*']);
      return answer(Buffer.from(encoded, 'base64'), reply);
    });
  });
}
