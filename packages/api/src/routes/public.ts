import type { ApiOptions, App } from '../server.js';
import { Nullable, Type } from '../schemas.js';

const PublicStation = Type.Object({
  stationId: Type.String(),
  name: Nullable(Type.String({ description: 'display name; null when the station has none (show its id)' })),
  online: Type.Boolean(),
  availability: Type.String({ enum: ['available', 'charging', 'offline', 'faulted', 'unavailable'], description: 'as on the map' }),
  connectors: Type.Array(Type.Object({
    evseId: Type.Integer({ description: 'EVSE (2.x) or connector (1.6): what to pass as evseId to POST /api/v1/me/sessions' }),
    connectorId: Type.Integer(),
    status: Nullable(Type.String({ description: 'Available, Occupied, Charging, Faulted, Unavailable, ... as last reported' })),
    type: Nullable(Type.String({ description: 'OCPI ConnectorType (e.g. IEC_62196_T2) set by the operator, else mapped from the OCPP 2.x ConnectorType the station reported; null when unknown' })),
    powerType: Nullable(Type.String({ description: 'OCPI PowerType: AC_1_PHASE, AC_3_PHASE, DC...' })),
    maxPowerW: Nullable(Type.Number({ description: 'maximum power in W set by the operator, else the 2.x EVSE Power maxLimit; null when unknown' })),
  })),
});

/**
 * What anyone may see without logging in: the page a connector's QR code opens shows the
 * station and its connectors (status, type, power) before the driver logs in to start. No
 * private data; stations that are not Accepted do not exist here.
 */
export function publicRoutes(app: App, { core }: ApiOptions): void {
  app.get('/public/stations/:id/connectors', {
    config: { access: 'public' },
    schema: {
      tags: ['public'], summary: 'A station\'s connectors with live status, type and power (no login)', security: [],
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }) }),
      response: { 200: PublicStation, 404: { $ref: 'Error#' } },
    },
  }, async (req) => core.locations.publicStation(req.params.id));
}
