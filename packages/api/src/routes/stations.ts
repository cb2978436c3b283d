import type { ApiOptions, App } from '../server.js';
import { AnyObject, List, Paging, Station, Type } from '../schemas.js';
import { LocationFields, splitLocation } from './locations.js';

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }) });
const tags = ['stations'];
const err = { $ref: 'Error#' };
const SECURITY_PROFILE = 'OCPP security profile the station must use: 0 none, 1 password, 2 TLS + password, 3 TLS + client certificate (default: 1 with a password, else 0)';

/** Stations CRUD and the per-station views: connection inspector, configuration, profiles, local list. */
export function stationRoutes(app: App, { core, gateway }: ApiOptions): void {
  app.get('/stations', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'List stations',
      querystring: Type.Object({ ...Paging, online: Type.Optional(Type.Boolean()), registrationStatus: Type.Optional(Type.String()), q: Type.Optional(Type.String()) }),
      response: { 200: List(Station) },
    },
  }, async (req) => core.stations.list(req.query));

  app.post('/stations', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'Register a station',
      description: 'With a password the station must connect with HTTP Basic auth (user = station id): OCPP security profile 1.',
      body: Type.Object({
        id: Type.String({ minLength: 1, maxLength: 48, pattern: '^[^\\s/]+$' }),
        password: Type.Optional(Type.String({ minLength: 8, maxLength: 64 })),
        registrationStatus: Type.Optional(Type.String({ enum: ['Accepted', 'Pending', 'Rejected'] })),
        securityProfile: Type.Optional(Type.Integer({ minimum: 0, maximum: 3, description: SECURITY_PROFILE })),
      }, { additionalProperties: false }),
      response: { 201: Station, 400: err, 409: err },
    },
  }, async (req, reply) => reply.code(201).send(await core.stations.create(req.body as never)));

  app.get('/stations/:id', {
    config: { access: 'operator' },
    schema: { tags, summary: 'A station with its connectors, live status and online state', params: Id, response: { 200: Station, 404: err } },
  }, async (req) => core.stations.get(req.params.id));

  app.patch('/stations/:id', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'Change a station: password (null removes it), registration status, or location (name, address, coordinates...)',
      params: Id,
      body: Type.Object({
        password: Type.Optional(Type.Union([Type.String({ minLength: 8, maxLength: 64 }), Type.Null()])),
        registrationStatus: Type.Optional(Type.String({ enum: ['Accepted', 'Pending', 'Rejected'] })),
        securityProfile: Type.Optional(Type.Integer({ minimum: 0, maximum: 3, description: SECURITY_PROFILE })),
        ...LocationFields,
      }, { additionalProperties: false }),
      response: { 200: Station, 400: err, 404: err },
    },
  }, async (req) => {
    // Location fields belong to the locations module; the answer then carries the new location too.
    const { location, rest } = splitLocation(req.body);
    const saved = location ? await core.locations.update(req.params.id, location) : undefined;
    const station = await core.stations.update(req.params.id, rest as never);
    return saved ? { ...station, location: saved } : station;
  });

  app.delete('/stations/:id', {
    config: { access: 'operator' },
    schema: { tags, summary: 'Delete a station (its connection is closed)', params: Id, response: { 204: Type.Null(), 404: err } },
  }, async (req, reply) => {
    await core.stations.delete(req.params.id);
    gateway.disconnect(req.params.id, 'Station deleted');
    gateway.frames.forget(req.params.id);
    return reply.code(204).send(null);
  });

  app.get('/stations/:id/connection-attempts', {
    config: { access: 'operator' },
    schema: {
      tags: ['inspector'], summary: 'Connection attempts: accepted, refused (and why), closed',
      params: Id, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      response: { 200: List(AnyObject) },
    },
  }, async (req) => {
    const items = await core.inspector.list(req.params.id, req.query.limit ?? 100);
    return { items, total: items.length };
  });

  app.get('/stations/:id/frames', {
    config: { access: 'operator' },
    schema: {
      tags: ['inspector'], summary: 'Recent raw OCPP frames in and out (newest first, bounded retention)',
      params: Id,
      querystring: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
        direction: Type.Optional(Type.String({ enum: ['in', 'out'] })),
      }),
      response: { 200: List(AnyObject) },
    },
  }, async (req) => {
    const items = await gateway.listFrames(req.params.id, req.query.limit ?? 100, req.query.direction as 'in' | 'out' | undefined);
    return { items, total: items.length };
  });

  app.get('/stations/:id/configuration', {
    config: { access: 'operator' },
    schema: { tags, summary: 'Configuration keys the station reported (GetConfiguration) or accepted (ChangeConfiguration)', params: Id, response: { 200: List(AnyObject) } },
  }, async (req) => {
    const items = await core.configuration.list(req.params.id);
    return { items, total: items.length };
  });

  app.get('/stations/:id/charging-profiles', {
    config: { access: 'operator' },
    schema: { tags: ['smart charging'], summary: 'Charging profiles the station accepted, and its last composite schedule', params: Id },
  }, async (req) => {
    const items = await core.smartCharging.list(req.params.id);
    return { items, total: items.length, lastCompositeSchedule: core.smartCharging.lastComposite(req.params.id) };
  });

  app.get('/stations/:id/local-list', {
    config: { access: 'operator' },
    schema: { tags: ['local auth list'], summary: 'The local authorization list last sent to the station and its version', params: Id },
  }, async (req) => core.localList.get(req.params.id));

  app.get('/stations/:id/commands', {
    config: { access: 'operator' },
    schema: { tags: ['commands'], summary: 'Commands sent to the station and the replies', params: Id, response: { 200: List(AnyObject) } },
  }, async (req) => {
    const items = await core.commands.history(req.params.id);
    return { items, total: items.length };
  });

  app.get('/stations/:id/data-transfers', {
    config: { access: 'operator' },
    schema: { tags: ['data transfer'], summary: 'DataTransfer messages in both directions', params: Id, response: { 200: List(AnyObject) } },
  }, async (req) => {
    const items = await core.dataTransfer.list(req.params.id);
    return { items, total: items.length };
  });

  app.get('/reservations', {
    config: { access: 'operator' },
    schema: {
      tags: ['reservations'], summary: 'Reservations',
      querystring: Type.Object({ ...Paging, stationId: Type.Optional(Type.String()), status: Type.Optional(Type.String()) }),
      response: { 200: List(AnyObject) },
    },
  }, async (req) => core.reservations.list(req.query));

  app.post('/stations/:id/reservations', {
    config: { access: 'operator' },
    schema: {
      tags: ['reservations'],
      summary: 'Reserve a connector (1.6) or EVSE (2.x): allocates a reservation id and sends ReserveNow; returns the charger reply',
      description: 'connectorId is the 1.6 connector or the 2.x EVSE; 0 reserves any. idTokenType (default ISO14443) and connectorType apply to 2.x only.',
      params: Id,
      body: Type.Object({
        connectorId: Type.Integer({ minimum: 0 }),
        idToken: Type.String({ minLength: 1, maxLength: 36 }),
        expiresAt: Type.String({ format: 'date-time' }),
        parentIdToken: Type.Optional(Type.String({ maxLength: 36 })),
        idTokenType: Type.Optional(Type.String({ enum: ['Central', 'eMAID', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'] })),
        connectorType: Type.Optional(Type.String({ maxLength: 20 })),
      }, { additionalProperties: false }),
    },
  }, async (req) => {
    const station = await core.stations.get(req.params.id);
    const reservationId = await core.reservations.nextId();
    const payload = core.reservations.reserveNowRequest(station.ocppVersion, reservationId, req.body);
    const response = await core.commands.send(req.params.id, 'ReserveNow', payload);
    return { reservationId, response };
  });
}
