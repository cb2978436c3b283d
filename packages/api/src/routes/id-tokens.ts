import type { ApiOptions, App } from '../server.js';
import { IdToken, IdTokenStatus, IdTokenType, List, Nullable, Paging, PersonalMessage, Type } from '../schemas.js';

const tags = ['id tokens'];
const Params = Type.Object({ idToken: Type.String({ minLength: 1, maxLength: 36 }) });
const err = { $ref: 'Error#' };

/**
 * Id tokens (RFID cards, app tokens, contracts) with status, type, expiry, parent (group) and a
 * personal message. Tokens are case insensitive; a token with a type only matches 2.x stations
 * presenting that type, one without a type matches any type and every 1.6 idTag.
 */
export function idTokenRoutes(app: App, { core }: ApiOptions): void {
  app.get('/id-tokens', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'List id tokens',
      querystring: Type.Object({ ...Paging, status: Type.Optional(IdTokenStatus), type: Type.Optional(IdTokenType), q: Type.Optional(Type.String()) }),
      response: { 200: List(IdToken) },
    },
  }, async (req) => core.authorization.list(req.query));

  app.post('/id-tokens', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'Create an id token',
      body: Type.Object({
        idToken: Type.String({ minLength: 1, maxLength: 36 }),
        status: IdTokenStatus,
        type: Type.Optional(Nullable(IdTokenType)),
        expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
        parentIdToken: Type.Optional(Type.String({ minLength: 1, maxLength: 36 })),
        personalMessage: Type.Optional(Nullable(PersonalMessage)),
      }, { additionalProperties: false }),
      response: { 201: IdToken, 400: err, 409: err },
    },
  }, async (req, reply) => reply.code(201).send(await core.authorization.create(req.body as never)));

  app.get('/id-tokens/:idToken', { config: { access: 'operator' }, schema: { tags, summary: 'An id token', params: Params, response: { 200: IdToken, 404: err } } },
    async (req) => core.authorization.get(req.params.idToken));

  app.patch('/id-tokens/:idToken', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'Change status, type, expiry, parent, personal message or owner (null clears)', params: Params,
      body: Type.Object({
        userId: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: 'the user (driver) who owns the token and sees its sessions; null: nobody' }))),
        status: Type.Optional(IdTokenStatus),
        type: Type.Optional(Nullable(IdTokenType)),
        expiresAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
        parentIdToken: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 36 }))),
        personalMessage: Type.Optional(Nullable(PersonalMessage)),
      }, { additionalProperties: false }),
      response: { 200: IdToken, 400: err, 404: err },
    },
  }, async (req) => core.authorization.update(req.params.idToken, req.body as never));

  app.delete('/id-tokens/:idToken', { config: { access: 'operator' }, schema: { tags, summary: 'Delete an id token', params: Params, response: { 204: Type.Null(), 404: err } } },
    async (req, reply) => {
      await core.authorization.delete(req.params.idToken);
      return reply.code(204).send(null);
    });
}
