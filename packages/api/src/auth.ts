import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '@voltlane/db';
import { AppError, SESSION_TTL_MS, sha256, type Core, type Principal, type Role } from '@voltlane/core';

/**
 * Who may call a route, declared in its options as `config: { access }`:
 * `public` anyone; `user` any logged-in user, drivers included (the handler scopes data to
 * `req.principal`); `operator` operators and admins (the default when absent); `admin` admins only.
 */
export type Access = 'public' | 'user' | 'operator' | 'admin';
export const ACCESS_LEVELS: readonly Access[] = ['public', 'user', 'operator', 'admin'];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** The caller, set for every non-public route. */
    principal: Principal | null;
    /** How the caller authenticated: a bearer token (admin or per-user) or the session cookie. */
    authVia: 'token' | 'session' | null;
  }
}

/** The login session cookie (HttpOnly, SameSite=Lax, Secure on https). */
export const SESSION_COOKIE = 'voltlane_session';
/** Cookie-authenticated POST/PUT/PATCH/DELETE requests must send this header with value 1. */
export const CSRF_HEADER = 'x-voltlane-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes that plugins register (API page, web app files) and that the contract makes public. */
const PLUGIN_PUBLIC = [/^\/docs(\/|$)/, /^\/app(\/|$)/];

/** One route and the access it declares. */
export interface RouteAccess {
  method: string;
  url: string;
  /** undefined: not declared (then `operator` applies). */
  access: Access | undefined;
}

const tables = new WeakMap<object, RouteAccess[]>();

/**
 * Every route registered so far and the access it declares, for audits and tests.
 * @example routeAccessTable(app).filter((r) => r.access === undefined) // routes relying on the default
 */
export function routeAccessTable(app: object): RouteAccess[] {
  return [...(tables.get(app) ?? [])];
}

/** Whether `role` may use a route with `access`. */
export function allows(access: Access, role: Role): boolean {
  if (access === 'public' || access === 'user') return true;
  if (access === 'operator') return role === 'operator' || role === 'admin';
  return role === 'admin';
}

interface AccessControlHost {
  addHook(name: 'onRoute', fn: (route: { method: string | string[]; url: string; config?: { access?: Access } }) => void): unknown;
  addHook(name: 'onRequest', fn: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>): unknown;
  decorateRequest(name: string, value: unknown): unknown;
}

/**
 * Installs role checks on `app`: records every route's declared access (routes of the /docs and
 * /app plugins are public), and before each request resolves the caller from
 * `Authorization: Bearer` (admin token or a per-user `vlu_` token) or the session cookie, then
 * answers 401 (not logged in), 403 CSRF_HEADER_MISSING (cookie without the CSRF header on an
 * unsafe method) or 403 (role too low).
 */
export function installAccessControl(app: AccessControlHost, opts: { core: Core; checkAdminToken: (token: string) => boolean }): void {
  const table: RouteAccess[] = [];
  tables.set(app, table);
  app.decorateRequest('principal', null);
  app.decorateRequest('authVia', null);
  app.addHook('onRoute', (route) => {
    if (route.config?.access === undefined && PLUGIN_PUBLIC.some((p) => p.test(route.url))) {
      route.config = { ...(route.config ?? {}), access: 'public' };
    }
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access: route.config?.access });
  });

  app.addHook('onRequest', async (req, reply) => {
    if (req.is404) return; // the not-found handler answers, whoever asks
    const access: Access = req.routeOptions.config.access ?? 'operator';
    if (access === 'public') return;
    const who = await identify(req, reply, opts);
    if (who === 'bad-token') {
      return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'Unknown or revoked token: use the admin token or a per-user API token (POST /api/v1/me/api-tokens)' } });
    }
    if (!who) {
      return reply.code(401).send({
        error: { code: 'UNAUTHORIZED', message: 'Log in (POST /api/v1/auth/login) or send "Authorization: Bearer <token>" with the admin token or a per-user API token' },
      });
    }
    req.principal = who.principal;
    req.authVia = who.via;
    if (who.via === 'session' && !SAFE_METHODS.has(req.method) && req.headers[CSRF_HEADER] !== '1') {
      req.log.warn({ method: req.method, url: req.url }, 'cookie request without the CSRF header refused');
      return reply.code(403).send({ error: { code: 'CSRF_HEADER_MISSING', message: `Send the header "${CSRF_HEADER}: 1" with requests that change data` } });
    }
    if (!allows(access, who.principal.role)) {
      return reply.code(403).send({ error: { code: 'FORBIDDEN', message: `This needs the ${access} role; you are logged in as ${who.principal.role}` } });
    }
  });
}

/** The caller of a request: bearer token first, then the session cookie (renewed once a minute). */
async function identify(
  req: FastifyRequest, reply: FastifyReply, opts: { core: Core; checkAdminToken: (token: string) => boolean },
): Promise<{ principal: Principal; via: 'token' | 'session' } | 'bad-token' | undefined> {
  const header = req.headers.authorization;
  const query = (req.query as Record<string, unknown> | undefined)?.token;
  const path = req.url.split('?')[0];
  // EventSource cannot set headers: SSE also takes ?token=.
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : typeof query === 'string' && path === '/api/v1/events' ? query : undefined;
  if (token) {
    if (opts.checkAdminToken(token)) return { principal: { userId: null, role: 'admin', email: null }, via: 'token' };
    const user = await opts.core.users.fromApiToken(token);
    return user ? { principal: user.principal, via: 'token' } : 'bad-token';
  }
  const secret = req.cookies?.[SESSION_COOKIE];
  if (!secret) return undefined;
  const session = await opts.core.users.fromSession(secret);
  if (!session) {
    clearSessionCookie(reply);
    return undefined;
  }
  if (session.renewed) setSessionCookie(req, reply, secret);
  return { principal: session.principal, via: 'session' };
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure when served over https, 14 days. */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, secret: string): void {
  reply.setCookie(SESSION_COOKIE, secret, {
    httpOnly: true, sameSite: 'lax', path: '/', secure: req.protocol === 'https', maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The logged-in user of a request; the admin token (no user) gets 403 on user-only endpoints. */
export function currentUser(req: FastifyRequest): Principal & { userId: number } {
  const p = req.principal;
  if (!p) throw new AppError('UNAUTHORIZED', 'Log in first (POST /api/v1/auth/login)');
  if (p.userId === null) throw new AppError('FORBIDDEN', 'The admin token belongs to no user: log in as a user, or use that user\'s API token');
  return p as Principal & { userId: number };
}

/**
 * The admin bearer token. VOLTLANE_ADMIN_TOKEN wins; otherwise a token is generated on first
 * start, only its SHA-256 is stored, and it is returned once (`generated`) to be printed.
 * @example const { check, generated } = await setupAdminToken(db, process.env.VOLTLANE_ADMIN_TOKEN);
 */
export async function setupAdminToken(db: Db, fromEnv: string | undefined): Promise<{ check: (token: string) => boolean; generated?: string }> {
  let digest: string;
  let generated: string | undefined;
  if (fromEnv) digest = sha256(fromEnv);
  else {
    const row = await db.query<{ value: string }>(`select value from settings where key = 'admin_token_sha256'`);
    if (row.rows[0]) digest = row.rows[0].value;
    else {
      generated = `vl_${randomBytes(24).toString('base64url')}`;
      digest = sha256(generated);
      await db.query(`insert into settings (key, value) values ('admin_token_sha256', $1) on conflict (key) do nothing`, [digest]);
    }
  }
  const expected = Buffer.from(digest, 'hex');
  return {
    check: (token) => timingSafeEqual(Buffer.from(sha256(token), 'hex'), expected),
    ...(generated ? { generated } : {}),
  };
}
