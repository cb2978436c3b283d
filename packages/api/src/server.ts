import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ServerOptions as HttpsOptions } from 'node:https';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyError, type FastifySchemaCompiler } from 'fastify';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, type Core, type Logger } from '@voltlane/core';
import type { Gateway } from '@voltlane/gateway';
import { ErrorBody } from './schemas.js';
import { stationRoutes } from './routes/stations.js';
import { idTokenRoutes } from './routes/id-tokens.js';
import { transactionRoutes } from './routes/transactions.js';
import { commandRoutes } from './routes/commands.js';
import { fileRoutes } from './routes/files.js';
import { eventRoutes } from './routes/events.js';
import { deviceModelRoutes } from './routes/device-model.js';
import { ocspRoutes, securityRoutes } from './routes/security.js';
import { blockRoutes } from './routes/blocks.js';
import { tariffRoutes } from './routes/tariffs.js';
import { webAppRoutes } from './web.js';
import { installAccessControl } from './auth.js';
import { authRoutes } from './routes/auth.js';
import { setupRoutes } from './routes/setup.js';
import { meRoutes } from './routes/me.js';
import { userRoutes } from './routes/users.js';
import { publicRoutes } from './routes/public.js';
import { locationRoutes } from './routes/locations.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { cdrRoutes } from './routes/cdrs.js';
import { invoiceRoutes } from './routes/invoices.js';
import { exportRoutes } from './routes/exports.js';
import { searchRoutes } from './routes/search.js';

export interface ApiOptions {
  core: Core;
  gateway: Gateway;
  log: Logger;
  checkAdminToken: (token: string) => boolean;
  /** Largest request body (file uploads), bytes. */
  bodyLimit: number;
  /** TLS: https:// and wss:// on the same port (security profiles 2 and 3); plain HTTP when absent. */
  https?: HttpsOptions;
  /** Accept OCPP WebSocket upgrades on /ocpp (default true; cluster API nodes hold no sockets). */
  acceptOcpp?: boolean;
  /** Extra /health fields (cluster roles: role, readiness). */
  health?: () => Promise<Record<string, unknown>>;
}

export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/**
 * The HTTP server: REST API under /api/v1, OpenAPI 3.1 at /openapi.json, the API page at /docs,
 * file endpoints for chargers under /files, and OCPP WebSocket upgrades under /ocpp.
 * @example const app = await buildApi(opts); await app.listen({ port: 8080 });
 */
export async function buildApi(opts: ApiOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: opts.log,
    bodyLimit: opts.bodyLimit,
    logController: new LogController({ disableRequestLogging: true }),
    ...(opts.https ? { https: opts.https } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  app.setValidatorCompiler(validatorCompiler());

  if (opts.acceptOcpp ?? true) app.server.on('upgrade', (req, socket, head) => opts.gateway.handleUpgrade(req, socket, head));
  else app.server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));
  app.addContentTypeParser(['application/octet-stream', 'text/plain', 'multipart/form-data'], { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );
  app.addSchema(ErrorBody);
  // Cookies are parsed before the access check reads the session cookie; login attempts are limited per route.
  await app.register(cookie);
  installAccessControl(app, opts);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Voltlane API',
        version: '0.1.0',
        description:
          'Manage stations, id tokens and transactions, and send any OCPP command to a charger and get its reply. ' +
          'Authenticate with `Authorization: Bearer <token>` (the admin token, or a per-user API token from POST /api/v1/me/api-tokens), ' +
          'or in a browser with the `voltlane_session` cookie from POST /api/v1/auth/login (cookie requests that change data send `x-voltlane-csrf: 1`). ' +
          'Roles: admin (everything), operator (stations, sessions, tariffs), driver (own sessions and id tokens under /api/v1/me); see docs/users.md. Lists are `{"items": [...], "total": N}` with `limit`/`offset`. ' +
          'Errors are `{"error": {"code": "...", "message": "..."}}`.\n\n' +
          'Chargers connect to `ws://HOST:PORT/ocpp/{stationId}` (subprotocol `ocpp1.6`). Server settings (environment): ' +
          '`VOLTLANE_HTTP_PORT` (8080), `VOLTLANE_HOST` (127.0.0.1), `VOLTLANE_DATA_DIR` (./data), `DATABASE_URL` (optional PostgreSQL), ' +
          '`VOLTLANE_ADMIN_TOKEN` (generated and printed once when unset), `VOLTLANE_UNKNOWN_STATIONS` (accept|pending|reject, default pending).',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'voltlane_session' } },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) {
      return reply.code(err.status).send({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
    }
    if (err.validation) {
      const v = err.validation[0];
      const where = err.validationContext ?? 'request';
      const field = v ? `${where}${v.instancePath.replaceAll('/', '.')}` : where;
      const params = v?.params as { missingProperty?: string; additionalProperty?: string } | undefined;
      const named = v?.keyword === 'required' ? params?.missingProperty : v?.keyword === 'additionalProperties' ? params?.additionalProperty : undefined;
      const extra = named ? `.${named}` : '';
      const msg = v?.keyword === 'required' ? 'is required' : named ? 'is not allowed' : (v?.message ?? 'is invalid');
      return reply.code(400).send({ error: { code: 'VALIDATION_FAILED', message: `${field}${extra} ${msg}`, details: { field: `${field}${extra}` } } });
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: { code: err.code ?? 'BAD_REQUEST', message: err.message } });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: { code: 'INTERNAL_ERROR', message: 'Internal error; see the server log' } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: `No route ${req.method} ${req.url.split('?')[0]}; see /docs` } }),
  );

  app.get('/health', { schema: { hide: true }, config: { access: 'public' } }, async (_req, reply) => {
    const extra = opts.health ? await opts.health() : {};
    if (extra.ready === false) reply.code(503);
    return { status: extra.ready === false ? 'starting' : 'ok', database: opts.core.ctx.db.kind, stationsConnected: opts.gateway.connectedCount, ...extra };
  });
  app.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
  app.get('/', { schema: { hide: true }, config: { access: 'public' } }, async (_req, reply) => reply.redirect('/app/'));

  await app.register(
    async (api) => {
      stationRoutes(api as unknown as App, opts);
      idTokenRoutes(api as unknown as App, opts);
      transactionRoutes(api as unknown as App, opts);
      commandRoutes(api as unknown as App, opts);
      eventRoutes(api as unknown as App, opts);
      deviceModelRoutes(api as unknown as App, opts);
      securityRoutes(api as unknown as App, opts);
      blockRoutes(api as unknown as App, opts);
      tariffRoutes(api as unknown as App, opts);
      authRoutes(api as unknown as App, opts);
      setupRoutes(api as unknown as App, opts);
      meRoutes(api as unknown as App, opts);
      userRoutes(api as unknown as App, opts);
      publicRoutes(api as unknown as App, opts);
      locationRoutes(api as unknown as App, opts);
      dashboardRoutes(api as unknown as App, opts);
      cdrRoutes(api as unknown as App, opts);
      invoiceRoutes(api as unknown as App, opts);
      exportRoutes(api as unknown as App, opts);
      searchRoutes(api as unknown as App, opts);
    },
    { prefix: '/api/v1' },
  );
  fileRoutes(app, opts);
  ocspRoutes(app, opts);
  await webAppRoutes(app);
  return app;
}

/**
 * Query strings, path params and headers are text, so their values are coerced to the schema's
 * types (`?limit=10`); JSON bodies are not: `{"idToken": 5}` is a validation error, not token "5".
 */
function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const make = (coerceTypes: 'array' | false) => {
    const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false });
    addFormats.default(ajv);
    return ajv;
  };
  const json = make(false);
  const text = make('array');
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? json : text;
    const id = (schema as { $id?: string }).$id;
    return (id ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema as object);
  };
}
