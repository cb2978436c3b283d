import { AppError } from '@voltlane/core';
import type { ApiOptions, App } from '../server.js';
import { Nullable, Type } from '../schemas.js';
import { setSessionCookie } from '../auth.js';
import { Email, Password, UserSchema } from './users.js';

const err = { $ref: 'Error#' };
const tags = ['auth'];

/**
 * First-run setup: while no admin user exists, whoever holds the admin token (printed at first
 * start, or VOLTLANE_ADMIN_TOKEN) creates the first admin and is logged in as them.
 */
export function setupRoutes(app: App, { core, checkAdminToken }: ApiOptions): void {
  app.get('/setup', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'Whether the first admin still has to be created (the web app then shows its setup screen)', security: [],
      response: { 200: Type.Object({ needsAdmin: Type.Boolean() }) },
    },
  }, async () => ({ needsAdmin: !(await core.users.hasAdmin()) }));

  app.post('/setup', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'Create the first admin (only while there is none); logs them in',
      description: 'setupToken is the admin API token printed at first start (or VOLTLANE_ADMIN_TOKEN). Later admins are created by admins (POST /api/v1/users) or with `voltlane users create-admin`.',
      security: [],
      body: Type.Object({
        setupToken: Type.String({ minLength: 1, maxLength: 500 }), email: Email, password: Password, name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ user: UserSchema }), 400: err, 403: err, 409: err },
    },
  }, async (req, reply) => {
    if (!checkAdminToken(req.body.setupToken)) {
      req.log.warn({ ip: req.ip }, 'first-run setup with a wrong setup token');
      throw new AppError('FORBIDDEN', 'setupToken is wrong: use the admin token printed when Voltlane first started (or the value of VOLTLANE_ADMIN_TOKEN)');
    }
    const user = await core.users.createFirstAdmin({ email: req.body.email, password: req.body.password, name: req.body.name ?? null });
    const { secret } = await core.users.login(user.email, req.body.password, req.headers['user-agent']);
    setSessionCookie(req, reply, secret);
    return reply.code(201).send({ user });
  });
}
