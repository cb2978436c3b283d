/**
 * The cluster example under test, started as a user would (docs/cluster.md): `voltlane api`,
 * N x `voltlane gateway` and N x `voltlane worker` as separate processes on the local RabbitMQ and
 * a freshly created PostgreSQL database, with a queue prefix unique to the run (its queues and
 * exchange are deleted afterwards).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { AmqpBus } from '@voltlane/bus';
import {
  baseEnv, dropDatabase, freePort, migrateOnce, queryPostgres, recreateDatabase, SAMPLE_COUNT, spawnVoltlane, stopChild, tailOf, waitHealthy,
  withDatabase, type Server, type ServerOptions, type Spawned,
} from './server.js';

export interface ClusterOptions extends ServerOptions {
  amqpUrl: string;
  gateways: number;
  workers: number;
}

/** Checks that RabbitMQ answers before five processes start and retry against it. */
async function checkBroker(url: string): Promise<void> {
  try {
    const conn = await amqp.connect(url);
    await conn.close();
  } catch (e) {
    throw new Error(`Cannot connect to RabbitMQ at ${url} (${(e as Error).message}). Start it, or pass --amqp-url.`, { cause: e });
  }
}

/**
 * Starts the cluster and waits until every node answers /health with 200.
 * @example const cluster = await startCluster({ root, db: 'postgres', amqpUrl, gateways: 2, workers: 2, ... }); ...; await cluster.cleanup();
 */
export async function startCluster(opts: ClusterOptions): Promise<Server> {
  await checkBroker(opts.amqpUrl);
  await recreateDatabase(opts.databaseUrl, opts.pgDatabase);
  const databaseUrl = withDatabase(opts.databaseUrl, opts.pgDatabase);
  const tmp = mkdtempSync(join(tmpdir(), 'voltlane-bench-cluster-'));
  const logPath = opts.logFile ?? join(tmp, 'cluster.log');
  const log = createWriteStream(logPath);
  const prefix = `voltlane-bench-${randomBytes(4).toString('hex')}`;
  const shards = Number(process.env.VOLTLANE_BUS_SHARDS ?? 16);
  const apiPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(opts),
    DATABASE_URL: databaseUrl,
    VOLTLANE_BUS_URL: opts.amqpUrl,
    VOLTLANE_BUS_PREFIX: prefix,
    VOLTLANE_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
  };
  migrateOnce(opts.root, env);

  const plan: { name: string; role: 'api' | 'gateway' | 'worker'; port: number }[] = [{ name: 'api-1', role: 'api', port: apiPort }];
  for (let i = 1; i <= opts.gateways; i++) plan.push({ name: `gateway-${i}`, role: 'gateway', port: await freePort() });
  for (let i = 1; i <= opts.workers; i++) plan.push({ name: `worker-${i}`, role: 'worker', port: await freePort() });
  const nodes: Spawned[] = plan.map((p) =>
    spawnVoltlane({
      root: opts.root, name: p.name, role: p.role, command: p.role, port: p.port, log, cpuProfDir: opts.cpuProfDir,
      env: { ...env, VOLTLANE_NODE_ID: p.name, VOLTLANE_HTTP_PORT: String(p.port) },
    }),
  );
  let cleaned = false;
  const tail = (lines = 30) => tailOf(logPath, lines);
  const stopAll = async (graceMs = 5000) => {
    // Gateways first (they close the sockets), then the API, then the workers (they drain).
    const order = ['gateway', 'api', 'worker'];
    for (const role of order) await Promise.all(nodes.filter((n) => n.proc.role === role).map((n) => stopChild(n, graceMs)));
  };

  const server: Server = {
    target: 'cluster',
    processes: nodes.map((n) => n.proc),
    httpUrl: nodes[0]!.proc.httpUrl,
    wsUrls: nodes.filter((n) => n.proc.role === 'gateway').map((n) => `${n.proc.httpUrl.replace('http', 'ws')}/ocpp`),
    database: databaseUrl,
    usesPostgres: true,
    usesBroker: true,
    logPath,
    exited() {
      const gone = nodes.filter((n) => n.proc.exitStatus() !== undefined).map((n) => `${n.proc.name} (${n.proc.exitStatus()})`);
      return gone.length ? gone.join(', ') : undefined;
    },
    stop: stopAll,
    query: (sql, params) => queryPostgres(databaseUrl, sql, params),
    async countMeterValues() {
      const rows = await queryPostgres<{ n: string }>(databaseUrl, SAMPLE_COUNT);
      return Number(rows[0]?.n ?? 0);
    },
    logTail: tail,
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      await stopAll();
      log.end();
      await AmqpBus.deleteTopology(opts.amqpUrl, prefix, shards).catch((e: Error) => process.stderr.write(`cleanup: queues ${prefix}.*: ${e.message}\n`));
      await dropDatabase(opts.databaseUrl, opts.pgDatabase);
      rmSync(tmp, { recursive: true, force: true });
    },
    killSync() {
      for (const n of nodes) if (n.proc.exitStatus() === undefined) n.child.kill('SIGKILL');
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(nodes.map((n) => waitHealthy(n.proc.name, n.proc.httpUrl, n.child, 180_000, tail)));
  } catch (e) {
    await server.cleanup();
    throw e;
  }
  return server;
}
