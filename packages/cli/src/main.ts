#!/usr/bin/env node
/** The `voltlane` command: start (all-in-one), gateway / worker / api (cluster roles), migrate, sim, certs. */
import { pino } from 'pino';
import { migrate } from '@voltlane/db';
import { ConfigError, loadConfig, type Logger } from '@voltlane/core';
import { runSimCli } from '@voltlane/sim';
import { openConfiguredDb, startVoltlane } from './app.js';
import { CLUSTER_ROLES, loadClusterSettings, startClusterNode, type ClusterRole } from './cluster.js';
import { startDemo } from './demo.js';
import { runCertsCli } from './certs.js';
import { runUsersCli } from './users.js';

const USAGE = `Usage: voltlane <command> [options]

Commands:
  start [--demo]   Start Voltlane (OCPP on ws://HOST:PORT/ocpp/{stationId}, API on /api/v1, docs on /docs).
                   --demo also starts three simulated stations that charge on their own.
  gateway          Cluster role: OCPP sockets on ws://HOST:PORT/ocpp/{stationId} and /health.
  worker           Cluster role: handles station messages (core) and /health.
  api              Cluster role: REST API on /api/v1, docs on /docs, /health; no OCPP sockets.
                   Cluster roles need VOLTLANE_BUS_URL (RabbitMQ) and DATABASE_URL; see docs/cluster.md.
  migrate          Apply database migrations and exit.
  sim [options]    Run simulated OCPP 1.6 stations: --url ws://127.0.0.1:8080/ocpp --stations N
                   [--prefix SIM] [--connectors 2] [--interval 10] [--password P] [--auto-charge]
  certs dev        Development CA and server certificate for TLS; prints the settings to use.
                   [--dir ./data/certs] [--host 127.0.0.1] [--force]
  certs station ID Client certificate for a security profile 3 station [--dir ./data/certs] [--days 365]
  users create-admin --email E [--name N]
                   Create an admin user to log in to the web app (/app/); asks for the password
                   (or VOLTLANE_NEW_PASSWORD). Also: users set-password --email E, users list.

Configuration comes from environment variables; see README.md.`;

async function main(argv: string[]): Promise<void> {
  const [command = 'start', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') return void console.log(USAGE);
  if (command === 'sim') return runSimCli(rest);
  if (command === 'certs') return void (process.exitCode = await runCertsCli(rest));
  const config = loadConfig();
  const log = pino({ level: config.logLevel, base: undefined });
  if (command === 'users') {
    const db = await openConfiguredDb(config, log);
    try {
      process.exitCode = await runUsersCli(rest, db, log);
    } finally {
      await db.close();
    }
    return;
  }
  if (command === 'migrate') {
    const db = await openConfiguredDb(config, log);
    const { applied } = await migrate(db, (m) => log.info(m));
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date');
    await db.close();
    return;
  }
  if ((CLUSTER_ROLES as readonly string[]).includes(command)) return runRole(command as ClusterRole, log);
  if (command !== 'start') {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const v = await startVoltlane(config, { log });
  if (v.generatedAdminToken) {
    console.log(
      `\n  Admin API token (shown once, store it now): ${v.generatedAdminToken}\n` +
        `  Use it as "Authorization: Bearer <token>". Set VOLTLANE_ADMIN_TOKEN to choose your own.\n`,
    );
  }
  console.log(`  Voltlane is running: API ${v.url}/api/v1 · docs ${v.url}/docs · chargers ${v.url.replace('http', 'ws')}/ocpp/{stationId}\n`);
  if (!(await v.core.users.hasAdmin())) {
    console.log(
      `  No users yet. Create the first admin: open ${v.url}/app/setup and paste the admin token,\n` +
        '  or run `npm run voltlane -- users create-admin --email you@example.com` (see docs/users.md).\n',
    );
  }
  const demo = rest.includes('--demo') ? await startDemo(v) : undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await demo?.stop();
    await v.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function runRole(role: ClusterRole, log: Logger): Promise<void> {
  const node = await startClusterNode(role, loadConfig(), loadClusterSettings(role), { log });
  if (node.generatedAdminToken) console.log(`\n  Admin API token (shown once, store it now): ${node.generatedAdminToken}\n`);
  console.log(`  Voltlane ${role} ${node.nodeId} is running: ${node.url}/health\n`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, role }, 'shutting down');
    await node.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`Configuration error: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
