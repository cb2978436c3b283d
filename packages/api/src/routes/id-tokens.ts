import type { ApiOptions, App } from '../server.js';
import { IdToken, List, Nullable, Paging, Type } from '../schemas.js';

const tags = ['id tokens'];
const Params = Type.Object({ idToken: Type.String({ minLength: 1, maxLength: 36 }) });
const Status = Type.String({ enum: ['Accepted', 'Blocked', 'Expired', 'Invalid'] });
const err = { $ref: 'Error#' };

/** Id tokens (RFID cards, app tokens) with status, expiry and parent. */
export function idTokenRoutes(app: App, { core }: ApiOptions): void {
  app.get('/id-tokens', {
    schema: { tags, summary: 'List id tokens', querystring: Type.Object({ ...Paging, status: Type.Optional(Status), q: Type.Optional(Type.String()) }), response: { 200: List(IdToken) } },
  }, async (req) => core.authorization.list(req.query));

  app.post('/id-tokens', {
    schema: {
      tags, summary: 'Create an id token',
      body: Type.Object({
        idToken: Type.String({ minLength: 1, maxLength: 36 }),
        status: Status,
        expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
        parentIdToken: Type.Optional(Type.String({ minLength: 1, maxLength: 36 })),
      }, { additionalProperties: false }),
      response: { 201: IdToken, 400: err, 409: err },
    },
  }, async (req, reply) => reply.code(201).send(await core.authorization.create(req.body as never)));

  app.get('/id-tokens/:idToken', { schema: { tags, summary: 'An id token', params: Params, response: { 200: IdToken, 404: err } } },
    async (req) => core.authorization.get(req.params.idToken));

  app.patch('/id-tokens/:idToken', {
    schema: {
      tags, summary: 'Change status, expiry or parent (null clears)', params: Params,
      body: Type.Object({
        status: Type.Optional(Status),
        expiresAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
        parentIdToken: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 36 }))),
      }, { additionalProperties: false }),
      response: { 200: IdToken, 404: err },
    },
  }, async (req) => core.authorization.update(req.params.idToken, req.body as never));

  app.delete('/id-tokens/:idToken', { schema: { tags, summary: 'Delete an id token', params: Params, response: { 204: Type.Null(), 404: err } } },
    async (req, reply) => {
      await core.authorization.delete(req.params.idToken);
      return reply.code(204).send(null);
    });
}
