import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { migrate, type Db } from '@voltlane/db';
import { AmqpBus, LocalBus } from '@voltlane/bus';
import { ConfigError, createCore, describeConfig, LiveEvents, type Core, type Logger, type VoltlaneConfig } from '@voltlane/core';
import { Gateway } from '@voltlane/gateway';
import { buildApi, setupAdminToken, type App } from '@voltlane/api';
import { createGateway, openConfiguredDb } from './app.js';
import { tlsServerOptions } from './tls.js';

/** The roles of cluster mode; `start` (all-in-one) is none of them. */
export const CLUSTER_ROLES = ['gateway', 'worker', 'api'] as const;
export type ClusterRole = (typeof CLUSTER_ROLES)[number];

/** Cluster settings, from the environment (see docs/cluster.md). */
export interface ClusterSettings {
  /** VOLTLANE_BUS_URL: RabbitMQ, amqp://user:password@host:5672/vhost (required). */
  busUrl: string;
  /** VOLTLANE_BUS_PREFIX: prefix of queue and exchange names (default `voltlane`). */
  prefix: string;
  /** VOLTLANE_BUS_SHARDS: shard queues for station messages (default 16; the same on every node). */
  shards: number;
  /** VOLTLANE_NODE_ID: unique name of this process (default role-host-pid). */
  nodeId: string;
}

/**
 * Reads the cluster settings for a role; a missing bus URL is a {@link ConfigError}.
 * @example const s = loadClusterSettings('worker', { VOLTLANE_BUS_URL: 'amqp://guest:guest@127.0.0.1:5672' });
 */
export function loadClusterSettings(role: ClusterRole, env: Record<string, string | undefined> = process.env): ClusterSettings {
  const busUrl = env.VOLTLANE_BUS_URL;
  if (!busUrl) throw new ConfigError(`VOLTLANE_BUS_URL is required for the ${role} role (e.g. amqp://guest:guest@127.0.0.1:5672); "voltlane start" runs without a broker`);
  if (!/^amqps?:\/\//.test(busUrl)) throw new ConfigError('VOLTLANE_BUS_URL must start with amqp:// or amqps://');
  const shards = Number(env.VOLTLANE_BUS_SHARDS ?? 16);
  if (!Number.isInteger(shards) || shards < 1 || shards > 1024) throw new ConfigError('VOLTLANE_BUS_SHARDS must be an integer from 1 to 1024');
  return {
    busUrl,
    prefix: env.VOLTLANE_BUS_PREFIX || 'voltlane',
    shards,
    nodeId: env.VOLTLANE_NODE_ID || `${role}-${hostname()}-${process.pid}`,
  };
}

/** A running cluster node. */
export interface VoltlaneNode {
  role: ClusterRole;
  nodeId: string;
  config: VoltlaneConfig;
  db: Db;
  core: Core;
  bus: AmqpBus;
  log: Logger;
  /** Gateway role: the OCPP edge. */
  gateway?: Gateway;
  /** API role: the REST server. */
  api?: App;
  /** http(s)://host:port of this node (OCPP at ws://.../ocpp on gateways, /health on all). */
  url: string;
  generatedAdminToken?: string;
  /** Graceful stop: a gateway closes its sockets, a worker finishes what it took. */
  stop(): Promise<void>;
}

/**
 * Starts one cluster role over PostgreSQL and RabbitMQ.
 * @example const node = await startClusterNode('worker', loadConfig(), loadClusterSettings('worker'));
 */
export async function startClusterNode(
  role: ClusterRole,
  config: VoltlaneConfig,
  settings: ClusterSettings,
  opts: { log?: Logger; db?: Db } = {},
): Promise<VoltlaneNode> {
  const log = (opts.log ?? pino({ level: config.logLevel, base: undefined })).child({ role, node: settings.nodeId });
  if (!opts.db && !config.databaseUrl) throw new ConfigError(`DATABASE_URL is required for the ${role} role: cluster nodes share one PostgreSQL`);
  log.info({ config: describeConfig(config), bus: { prefix: settings.prefix, shards: settings.shards } }, `starting Voltlane ${role}`);
  const https = await tlsServerOptions(config);
  const db = await openConfiguredDb(config, log, opts.db);
  await migrate(db, (m) => log.info(m)); // under an advisory lock: safe when nodes start together

  const bus = new AmqpBus({ url: settings.busUrl, nodeId: settings.nodeId, prefix: settings.prefix, shards: settings.shards, log });
  const core = createCore({ db, log, config, bus, events: new LiveEvents() }, { consumeBus: role === 'worker' });
  await core.security.init();
  const edge = (gatewayBus: LocalBus | AmqpBus) => createGateway(core, gatewayBus, config, log);
  const health = async () => ({ role, node: settings.nodeId, ready: bus.ready, bus: bus.ready ? 'connected' : 'reconnecting' });

  let gateway: Gateway | undefined;
  let api: App | undefined;
  let server: Server;
  let generatedAdminToken: string | undefined;
  if (role === 'api') {
    // API nodes hold no sockets: this gateway never gets a connection, so the connection
    // inspector's raw frames are empty and "delete station" cannot close its socket (docs/cluster.md).
    gateway = edge(new LocalBus());
    const admin = await setupAdminToken(db, config.adminToken);
    generatedAdminToken = admin.generated;
    api = await buildApi({
      core, gateway, log, checkAdminToken: admin.check, bodyLimit: config.maxFileBytes, acceptOcpp: false,
      health: async () => ({ ...(await health()), stationsConnected: undefined }),
      ...(https ? { https } : {}),
    });
    await bus.start();
    await api.listen({ port: config.httpPort, host: config.host });
    server = api.server;
  } else {
    if (role === 'gateway') gateway = edge(bus);
    await bus.start();
    if (role === 'worker') core.reservations.startSweeper();
    const g = gateway;
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'GET' && req.url?.split('?')[0] === '/health') {
        void health().then((h) => {
          res.writeHead(h.ready ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: h.ready ? 'ok' : 'starting', ...h, ...(g ? { stationsConnected: g.connectedCount } : {}) }));
        });
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `A ${role} node serves ${g ? 'OCPP on /ocpp/{stationId} and ' : ''}/health only; the REST API runs on api nodes` } }));
    };
    server = https ? createHttpsServer(https, onRequest) : createHttpServer(onRequest);
    if (g) server.on('upgrade', (req, socket, head) => g.handleUpgrade(req, socket, head));
    else server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.httpPort, config.host, () => resolve());
    });
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.httpPort;
  const url = `${https ? 'https' : 'http'}://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  if (config.httpPort === 0 && role === 'api') config.publicUrl = url;
  log.info({ url, ...(role === 'gateway' ? { ocpp: `${url.replace('http', 'ws')}/ocpp/{stationId}` } : {}) }, `Voltlane ${role} is ready`);

  let stopped = false;
  return {
    role, nodeId: settings.nodeId, config, db, core, bus, log, url,
    ...(gateway && role === 'gateway' ? { gateway } : {}),
    ...(api ? { api } : {}),
    ...(generatedAdminToken ? { generatedAdminToken } : {}),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (role === 'gateway') await gateway?.close(); // chargers reconnect to another gateway
      if (api) await api.close();
      else await new Promise<void>((resolve) => server.close(() => resolve()));
      if (role === 'worker') core.reservations.stopSweeper();
      await bus.close(); // a worker finishes and acks what it took first
      await core.stop();
      if (!opts.db) await db.close();
    },
  };
}
