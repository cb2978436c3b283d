import { AppError, LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from '@voltlane/core';
import type { ApiOptions, App } from '../server.js';
import { Type } from '../schemas.js';
import { clearSessionCookie, CSRF_HEADER, SESSION_COOKIE, setSessionCookie } from '../auth.js';
import { UserSchema } from './users.js';

const err = { $ref: 'Error#' };
const tags = ['auth'];
export { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS };

/** Password login (sets the session cookie) and logout. */
export function authRoutes(app: App, { core }: ApiOptions): void {
  app.post('/auth/login', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'Log in with email and password: sets the voltlane_session cookie (HttpOnly, SameSite=Lax, 14 days sliding)',
      description: `After ${LOGIN_MAX_FAILURES} failed attempts for one email from one address, further attempts get 429 for up to ${LOGIN_WINDOW_MS / 60_000} minutes (Retry-After says how long); ` +
        'the count is kept in the database, so all API nodes of a cluster share it. ' +
        `Requests authenticated by the cookie that change data must send the header "${CSRF_HEADER}: 1".`,
      security: [],
      body: Type.Object({ email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ user: UserSchema }), 401: err, 403: err, 429: err },
    },
  }, async (req, reply) => {
    const blocked = await core.users.loginBlocked(req.ip, req.body.email);
    if (blocked) {
      req.log.warn({ ip: req.ip }, 'login rate limit reached');
      const minutes = Math.max(Math.ceil(blocked.retryAfterSec / 60), 1);
      reply.header('retry-after', String(blocked.retryAfterSec));
      throw new AppError('TOO_MANY_ATTEMPTS', `Too many failed logins for this email: try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an admin to reset your password`);
    }
    try {
      const { user, secret } = await core.users.login(req.body.email, req.body.password, req.headers['user-agent']);
      setSessionCookie(req, reply, secret);
      return { user };
    } catch (e) {
      if (e instanceof AppError && e.code === 'INVALID_CREDENTIALS') await core.users.loginFailed(req.ip, req.body.email);
      throw e;
    }
  });

  app.post('/auth/logout', {
    config: { access: 'public' },
    schema: { tags, summary: 'Log out: ends the session of the cookie and clears it', security: [], response: { 204: Type.Null(), 403: err } },
  }, async (req, reply) => {
    const secret = req.cookies[SESSION_COOKIE];
    if (secret) {
      // A cross-site form must not log users out.
      if (req.headers[CSRF_HEADER] !== '1') throw new AppError('CSRF_HEADER_MISSING', `Send the header "${CSRF_HEADER}: 1"`);
      await core.users.logout(secret);
    }
    clearSessionCookie(reply);
    return reply.code(204).send(null);
  });
}
