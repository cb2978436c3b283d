import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@voltlane/core';
import type { ApiOptions, App } from '../server.js';
import { List, Nullable, Paging, Type } from '../schemas.js';

const err = { $ref: 'Error#' };
const tags = ['users'];

export const RoleSchema = Type.String({ enum: ['admin', 'operator', 'driver'], description: 'admin: everything incl. users; operator: stations and sessions; driver: own sessions and id tokens' });
export const Password = Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH });
export const Locale = Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', description: 'UI language, e.g. en or fr' });
export const Email = Type.String({ minLength: 3, maxLength: 254, format: 'email' });

/** A user as the API shows it (never the password). */
export const UserSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Nullable(Type.String()),
  role: RoleSchema,
  locale: Type.String(),
  disabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** User management (admin only): list, create, change role/name/password, disable, delete. */
export function userRoutes(app: App, { core }: ApiOptions): void {
  const config = { access: 'admin' as const };

  app.get('/users', {
    config,
    schema: {
      tags, summary: 'List users (by email)',
      querystring: Type.Object({ ...Paging, q: Type.Optional(Type.String({ description: 'part of the email or name' })), role: Type.Optional(RoleSchema) }),
      response: { 200: List(UserSchema) },
    },
  }, async (req) => core.users.list(req.query));

  app.post('/users', {
    config,
    schema: {
      tags, summary: 'Create a user',
      body: Type.Object({ email: Email, name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), role: RoleSchema, password: Password, locale: Type.Optional(Locale) }, { additionalProperties: false }),
      response: { 201: UserSchema, 400: err, 409: err },
    },
  }, async (req, reply) => reply.code(201).send(await core.users.create(req.body as never)));

  app.get('/users/:id', { config, schema: { tags, summary: 'A user', params: Id, response: { 200: UserSchema, 404: err } } },
    async (req) => core.users.get(req.params.id));

  app.patch('/users/:id', {
    config,
    schema: {
      tags, summary: 'Change role, name, locale, password or disabled (a new password or disabling logs the user out everywhere)',
      params: Id,
      body: Type.Object({
        name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), role: Type.Optional(RoleSchema), locale: Type.Optional(Locale),
        disabled: Type.Optional(Type.Boolean()), password: Type.Optional(Password),
      }, { additionalProperties: false }),
      response: { 200: UserSchema, 400: err, 403: err, 404: err },
    },
  }, async (req) => core.users.update(req.params.id, req.body as never));

  app.delete('/users/:id', {
    config,
    schema: { tags, summary: 'Delete a user (their id tokens stay, without owner)', params: Id, response: { 204: Type.Null(), 403: err, 404: err } },
  }, async (req, reply) => {
    await core.users.delete(req.params.id);
    return reply.code(204).send(null);
  });
}
