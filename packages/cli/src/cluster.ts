import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { migrate, openDb, type Db } from '@voltlane/db';
import { AmqpBus, LocalBus, PgLeaseStore, ShardCoordinator, type GatewayQuery, type NodeRole } from '@voltlane/bus';
import { ConfigError, createCore, describeConfig, LiveEvents, type Core, type LiveEventName, type Logger, type VoltlaneConfig } from '@voltlane/core';
import type { FrameEntry, Gateway, RemoteGateways } from '@voltlane/gateway';
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
  /**
   * VOLTLANE_LEASE_SEC: heartbeat and shard lease time (default 10 s). A node silent this long is
   * dead: its shards go to the other workers, its stations are marked offline.
   */
  leaseSec?: number;
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
  const leaseSec = Number(env.VOLTLANE_LEASE_SEC ?? 10);
  if (!Number.isFinite(leaseSec) || leaseSec < 1 || leaseSec > 300) throw new ConfigError('VOLTLANE_LEASE_SEC must be a number of seconds from 1 to 300');
  return {
    busUrl,
    prefix: env.VOLTLANE_BUS_PREFIX || 'voltlane',
    shards,
    nodeId: env.VOLTLANE_NODE_ID || `${role}-${hostname()}-${process.pid}`,
    leaseSec,
  };
}

/**
 * Heartbeats of a gateway or API node in `cluster_nodes`, so workers know which gateways are alive
 * (their stations stay online) and API nodes know how many gateways to ask. `onTick` runs after
 * each heartbeat that reached the database.
 */
class Presence {
  private timer?: NodeJS.Timeout;
  ok = false;
  private ticks = 0;

  constructor(
    private readonly store: PgLeaseStore,
    private readonly nodeId: string,
    private readonly role: NodeRole,
    private readonly log: Logger,
    private readonly onTick?: (n: number) => Promise<void>,
  ) {}

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), (this.store.ttlSec * 1000) / 5);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.store.heartbeat(this.nodeId, this.role);
      if (!this.ok) this.log.info({ role: this.role }, 'heartbeat in the database');
      this.ok = true;
    } catch (err) {
      if (this.ok || this.ticks === 0) this.log.warn({ err: (err as Error).message }, 'heartbeat failed (database unreachable?); retrying');
      this.ok = false;
    }
    this.ticks++;
    if (this.ok) await this.onTick?.(this.ticks).catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'presence work failed'));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.store.leave(this.nodeId).catch(() => undefined);
  }
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
  /** Worker role: its shard leases. */
  leases?: ShardCoordinator;
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

  const leaseSec = settings.leaseSec ?? 10;
  const bus = new AmqpBus({
    url: settings.busUrl, nodeId: settings.nodeId, prefix: settings.prefix, shards: settings.shards, log, leasedShards: role === 'worker',
  });
  const events = new LiveEvents();
  const core = createCore({ db, log, config, bus, events }, { consumeBus: role === 'worker' });
  await core.security.init();
  // Heartbeats and lease ticks get a connection of their own: under a storm the main pool queues
  // thousands of queries, and a starved heartbeat would make a busy node look dead.
  const coordDb = opts.db ?? (await openDb({ url: config.databaseUrl!, poolSize: 1, onError: (err) => log.warn({ err: err.message }, 'database connection error (heartbeats)') }));
  const store = new PgLeaseStore(coordDb, settings.prefix, leaseSec);

  // Live events: every node publishes what it raises; API nodes (the SSE stream) also get the others'.
  let relaying = false;
  let apiNodes = role === 'api' ? 1 : 0;
  events.onAny((name, data) => {
    if (!relaying && apiNodes > 0) bus.publishEvent(name, data);
  });

  let gateway: Gateway | undefined;
  let api: App | undefined;
  let server: Server;
  let generatedAdminToken: string | undefined;
  let leases: ShardCoordinator | undefined;
  let presence: Presence | undefined;
  const countApiNodes = async () => {
    apiNodes = (await store.live('api')).length;
  };

  if (role === 'worker') {
    leases = new ShardCoordinator({
      store, bus, workerId: settings.nodeId, shards: settings.shards, log,
      afterTick: async (plan) => {
        await countApiNodes();
        // One worker (shard 0's) sweeps the stations of gateways silent for two lease times.
        if (plan.keep.includes(0) || plan.claim.includes(0)) await core.stations.offlineOfDeadGateways(settings.prefix, 2 * leaseSec);
      },
    });
  } else if (role === 'gateway') {
    presence = new Presence(store, settings.nodeId, 'gateway', log, async (n) => {
      if (n % 5 === 1) await countApiNodes();
      // Every fifth heartbeat: the database's online flags for this gateway follow what it really holds.
      if (n % 5 === 1 && gateway) {
        await core.stations.reconcileGateway(settings.nodeId, gateway.stationIds(), new Date(Date.now() - 5000), gateway.stationIds(2 * leaseSec * 1000));
      }
    });
  } else {
    presence = new Presence(store, settings.nodeId, 'api', log);
  }
  const databaseOk = () => (leases ? leases.healthy : presence!.ok);
  let stopped = false;
  // Not ready while stopping either: load balancers stop sending work here.
  const health = async () => ({
    role, node: settings.nodeId, ready: !stopped && bus.ready && databaseOk(), bus: bus.ready ? 'connected' : 'reconnecting',
    database: databaseOk() ? 'connected' : 'unreachable',
    ...(leases ? { shards: leases.shards, handled: bus.stats.handled, redelivered: bus.stats.redelivered } : {}),
  });

  if (role === 'api') {
    // API nodes hold no sockets: raw frames and socket closes are asked of every live gateway.
    const remote: RemoteGateways = {
      async frames(stationId, limit, direction) {
        const replies = await bus.queryGateways({ kind: 'frames', stationId, limit, direction }, (await store.live('gateway')).length);
        return (replies as FrameEntry[][]).flat().sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
      },
      async disconnect(stationId, reason) {
        await bus.queryGateways({ kind: 'disconnect', stationId, reason }, (await store.live('gateway')).length);
      },
    };
    gateway = createGateway(core, new LocalBus(), config, log, remote);
    bus.onEvent((name, data) => {
      relaying = true;
      try {
        events.emit(name as LiveEventName, data as never);
      } finally {
        relaying = false;
      }
    });
    const admin = await setupAdminToken(db, config.adminToken);
    generatedAdminToken = admin.generated;
    api = await buildApi({
      core, gateway, log, checkAdminToken: admin.check, bodyLimit: config.maxFileBytes, acceptOcpp: false,
      health: async () => ({ ...(await health()), stationsConnected: undefined }),
      ...(https ? { https } : {}),
    });
    await bus.start();
    await presence!.start();
    await api.listen({ port: config.httpPort, host: config.host });
    server = api.server;
  } else {
    if (role === 'gateway') {
      const g = createGateway(core, bus, config, log);
      gateway = g;
      bus.onGatewayQuery(async (q: GatewayQuery) => {
        if (q.kind === 'frames') return g.frames.list(q.stationId, Math.min(Math.max(Number(q.limit) || 100, 1), 10_000), q.direction);
        g.disconnect(q.stationId, q.reason);
        g.frames.forget(q.stationId);
        return null;
      });
    }
    await bus.start();
    await presence?.start();
    await leases?.start();
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
      // A long accept queue: after a gateway fails, thousands of chargers reconnect within seconds.
      server.listen({ port: config.httpPort, host: config.host, backlog: 4096 }, () => resolve());
    });
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.httpPort;
  const url = `${https ? 'https' : 'http'}://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  if (config.httpPort === 0 && role === 'api') config.publicUrl = url;
  log.info({ url, ...(role === 'gateway' ? { ocpp: `${url.replace('http', 'ws')}/ocpp/{stationId}` } : {}) }, `Voltlane ${role} is ready`);

  return {
    role, nodeId: settings.nodeId, config, db, core, bus, log, url,
    ...(gateway && role === 'gateway' ? { gateway } : {}),
    ...(api ? { api } : {}),
    ...(leases ? { leases } : {}),
    ...(generatedAdminToken ? { generatedAdminToken } : {}),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (api) await api.close();
      else {
        // Stop listening at once; then a gateway closes its sockets (chargers reconnect elsewhere).
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        if (role === 'gateway') await gateway?.close();
        server.closeAllConnections();
        await closed;
      }
      if (role === 'worker') core.reservations.stopSweeper();
      await leases?.stop(); // drains the shards it consumed, frees its leases
      await presence?.stop();
      await bus.close();
      await core.stop();
      if (!opts.db) await Promise.all([db.close(), coordDb.close()]);
    },
  };
}
