import { Readable } from 'node:stream';
import type { ApiOptions, App } from '../server.js';
import { AnyObject, IdToken, Nullable, Type } from '../schemas.js';
import { currentUser, SESSION_COOKIE } from '../auth.js';
import { Locale, Password, RoleSchema } from './users.js';

const err = { $ref: 'Error#' };
const config = { access: 'user' as const };

const Me = Type.Object({
  id: Nullable(Type.Integer({ description: 'null for the admin token, which belongs to no user' })),
  email: Nullable(Type.String()),
  name: Nullable(Type.String()),
  role: RoleSchema,
  locale: Type.String(),
});

const ApiTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String({ description: 'first characters of the token, to recognise it' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
});

const Session = Type.Object({
  id: Type.Integer(),
  stationId: Type.String(),
  evseId: Type.Integer(),
  connectorId: Type.Integer(),
  idToken: Nullable(Type.String()),
  status: Type.String({ enum: ['active', 'completed'] }),
  startedAt: Type.String({ format: 'date-time' }),
  stoppedAt: Nullable(Type.String({ format: 'date-time' })),
  energyWh: Nullable(Type.Number({ description: 'final, or so far while active' })),
  powerW: Nullable(Type.Number({ description: 'latest active power; active sessions only' })),
  durationS: Type.Integer(),
  costInclVat: Nullable(Type.String({ description: 'decimal string incl. VAT: fixed at stop, so far while active; null without a tariff' })),
  currency: Nullable(Type.String({ description: 'ISO 4217' })),
});

const SessionDetail = Type.Object({
  ...Session.properties,
  meterValues: Type.Array(Type.Object({
    at: Type.String({ format: 'date-time' }),
    energyWh: Nullable(Type.Number({ description: 'energy since the session started' })),
    powerW: Nullable(Type.Number()),
  })),
});

const SessionId = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/**
 * The logged-in user's own data: profile, password, API tokens, and (drivers and members) their
 * id tokens and sessions, remote start and stop, monthly stats and CSV. Everything is scoped to
 * the caller: someone else's session is 404.
 */
export function meRoutes(app: App, { core }: ApiOptions): void {
  const tags = ['me'];

  app.get('/me', {
    config, schema: { tags, summary: 'Who is logged in', response: { 200: Me } },
  }, async (req) => {
    const p = req.principal!;
    if (p.userId === null) return { id: null, email: null, name: null, role: p.role, locale: 'en' };
    const u = await core.users.get(p.userId);
    return { id: u.id, email: u.email, name: u.name, role: u.role, locale: u.locale };
  });

  app.patch('/me', {
    config,
    schema: {
      tags, summary: 'Change one\'s name or language',
      body: Type.Object({ name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), locale: Type.Optional(Locale) }, { additionalProperties: false }),
      response: { 200: Me, 403: err },
    },
  }, async (req) => {
    const u = await core.users.update(currentUser(req).userId, req.body as never);
    return { id: u.id, email: u.email, name: u.name, role: u.role, locale: u.locale };
  });

  app.post('/me/password', {
    config,
    schema: {
      tags, summary: 'Change one\'s password; every other login session is ended',
      body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Password }, { additionalProperties: false }),
      response: { 204: Type.Null(), 400: err, 403: err },
    },
  }, async (req, reply) => {
    const keep = req.authVia === 'session' ? req.cookies[SESSION_COOKIE] : undefined;
    await core.users.changePassword(currentUser(req).userId, req.body.currentPassword, req.body.newPassword, keep);
    return reply.code(204).send(null);
  });

  app.get('/me/api-tokens', {
    config, schema: { tags, summary: 'One\'s API tokens (without the secret)', response: { 200: Type.Object({ items: Type.Array(ApiTokenSchema) }), 403: err } },
  }, async (req) => ({ items: await core.users.listApiTokens(currentUser(req).userId) }));

  app.post('/me/api-tokens', {
    config,
    schema: {
      tags, summary: 'Create an API token: use it as "Authorization: Bearer <token>"; it has one\'s own role and is shown only now',
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.Integer(), name: Type.String(), token: Type.String(), prefix: Type.String() }), 403: err },
    },
  }, async (req, reply) => {
    const t = await core.users.createApiToken(currentUser(req).userId, req.body.name);
    return reply.code(201).send({ id: t.id, name: t.name, token: t.token, prefix: t.prefix });
  });

  app.delete('/me/api-tokens/:id', {
    config, schema: { tags, summary: 'Revoke one of one\'s API tokens', params: SessionId, response: { 204: Type.Null(), 404: err } },
  }, async (req, reply) => {
    await core.users.deleteApiToken(currentUser(req).userId, req.params.id);
    return reply.code(204).send(null);
  });

  const drv = ['driver'];

  app.get('/me/id-tokens', {
    config, schema: { tags: drv, summary: 'One\'s id tokens (charging cards, app tokens)', response: { 200: Type.Object({ items: Type.Array(IdToken) }), 403: err } },
  }, async (req) => ({ items: await core.driver.idTokens(currentUser(req).userId) }));

  app.get('/me/sessions', {
    config,
    schema: {
      tags: drv, summary: 'One\'s charging sessions, newest first (the transactions started with one\'s id tokens)',
      querystring: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
        offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        from: Type.Optional(Type.String({ description: 'started at or after (ISO-8601)' })),
        to: Type.Optional(Type.String({ description: 'started before (ISO-8601)' })),
        status: Type.Optional(Type.String({ enum: ['active', 'completed'] })),
      }),
      response: { 200: Type.Object({ items: Type.Array(Session), total: Type.Integer() }), 400: err, 403: err },
    },
  }, async (req) => core.driver.sessions(currentUser(req).userId, req.query));

  app.get('/me/sessions.csv', {
    config,
    schema: { tags: drv, summary: 'One\'s charging sessions as CSV (UTF-8, comma separated, newest first)', produces: ['text/csv'] },
  }, async (req, reply) => {
    const userId = currentUser(req).userId;
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="voltlane-sessions.csv"');
    return reply.send(Readable.from(core.driver.csv(userId)));
  });

  app.get('/me/sessions/:id', {
    config,
    schema: { tags: drv, summary: 'One of one\'s sessions with its meter values (energy, power) for charts', params: SessionId, response: { 200: SessionDetail, 404: err } },
  }, async (req) => core.driver.session(currentUser(req).userId, req.params.id));

  app.post('/me/sessions', {
    config,
    schema: {
      tags: drv, summary: 'Start charging at a station with one\'s first valid id token (remote start); returns the station\'s reply',
      description: 'Sends RemoteStartTransaction (OCPP 1.6) or RequestStartTransaction (2.x). When the station accepts, waits up to 5 s for the session to begin and returns its id as transactionId. ' +
        '409 NO_ID_TOKEN when one has no valid id token; 409 STATION_OFFLINE; 404 unknown station.',
      body: Type.Object({ stationId: Type.String({ minLength: 1, maxLength: 48 }), evseId: Type.Optional(Type.Integer({ minimum: 1, description: 'EVSE (2.x) or connector (1.6); absent: the station picks' })) }, { additionalProperties: false }),
      response: {
        202: Type.Object({ status: Type.String({ description: 'Accepted | Rejected' }), reply: AnyObject, transactionId: Type.Optional(Type.Integer()) }),
        404: err, 409: err, 502: err, 504: err,
      },
    },
  }, async (req, reply) => reply.code(202).send(await core.driver.start(currentUser(req).userId, req.body.stationId, req.body.evseId)));

  app.post('/me/sessions/:id/stop', {
    config,
    schema: {
      tags: drv, summary: 'Stop one of one\'s active sessions (remote stop); returns the station\'s reply',
      params: SessionId,
      response: { 200: Type.Object({ status: Type.String(), reply: AnyObject }), 404: err, 409: err, 502: err, 504: err },
    },
  }, async (req) => core.driver.stop(currentUser(req).userId, req.params.id));

  app.get('/me/stats/monthly', {
    config,
    schema: {
      tags: drv, summary: 'Sessions, energy and cost per month (UTC), oldest first, months without sessions as zeros',
      querystring: Type.Object({ months: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: 12 })) }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            month: Type.String({ description: 'YYYY-MM' }), sessions: Type.Integer(), energyWh: Type.Number(),
            costInclVat: Nullable(Type.String({ description: 'decimal string; null without costs or with several currencies in the month' })), currency: Nullable(Type.String()),
          })),
        }),
        403: err,
      },
    },
  }, async (req) => ({ items: await core.driver.monthly(currentUser(req).userId, req.query.months ?? 12) }));
}
