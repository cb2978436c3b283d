import { resolve } from 'node:path';

/** How to treat a station that connects but was never registered. */
export type UnknownStationPolicy = 'accept' | 'pending' | 'reject';

/** Every setting of a Voltlane process, from environment variables. */
export interface VoltlaneConfig {
  httpPort: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  adminToken: string | undefined;
  unknownStations: UnknownStationPolicy;
  /** Largest OCPP frame accepted, in bytes. */
  maxFrameBytes: number;
  /** Seconds a CSMS command waits for the charger's reply. */
  commandTimeoutSec: number;
  /** Heartbeat interval given to stations in BootNotification responses. */
  heartbeatIntervalSec: number;
  /** Raw frames kept per station for the connection inspector. */
  inspectorFramesPerStation: number;
  /** Characters of raw frames kept in all, across stations (oldest dropped first). */
  inspectorMaxChars: number;
  /** Largest diagnostics/firmware file accepted over HTTP, in bytes. */
  maxFileBytes: number;
  /** Public base URL chargers use to reach this server (firmware downloads, diagnostics uploads). */
  publicUrl: string;
  logLevel: string;
}

/** Raised for a setting that cannot be used; the message names the variable and what is allowed. */
export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name}=${raw} is invalid: use a whole number from ${min} to ${max}`);
  }
  return n;
}

/**
 * Reads the configuration from environment variables (documented in the README).
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): VoltlaneConfig {
  const policy = env.VOLTLANE_UNKNOWN_STATIONS ?? 'pending';
  if (!['accept', 'pending', 'reject'].includes(policy)) {
    throw new ConfigError(`VOLTLANE_UNKNOWN_STATIONS=${policy} is invalid: use accept, pending or reject`);
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const httpPort = int(env, 'VOLTLANE_HTTP_PORT', 8080, 0, 65535);
  const host = env.VOLTLANE_HOST || '127.0.0.1';
  return {
    httpPort,
    host,
    dataDir: resolve(env.VOLTLANE_DATA_DIR || './data'),
    databaseUrl,
    adminToken: env.VOLTLANE_ADMIN_TOKEN || undefined,
    unknownStations: policy as UnknownStationPolicy,
    maxFrameBytes: int(env, 'VOLTLANE_MAX_FRAME_BYTES', 65536, 1024, 16 * 1024 * 1024),
    commandTimeoutSec: int(env, 'VOLTLANE_COMMAND_TIMEOUT_SEC', 30, 1, 600),
    heartbeatIntervalSec: int(env, 'VOLTLANE_HEARTBEAT_INTERVAL_SEC', 300, 10, 86400),
    inspectorFramesPerStation: int(env, 'VOLTLANE_INSPECTOR_FRAMES', 500, 0, 100000),
    inspectorMaxChars: int(env, 'VOLTLANE_INSPECTOR_MAX_BYTES', 32 * 1024 * 1024, 0, 2 ** 31 - 1),
    maxFileBytes: int(env, 'VOLTLANE_MAX_FILE_BYTES', 50 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    publicUrl: (env.VOLTLANE_PUBLIC_URL || `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${httpPort}`).replace(/\/$/, ''),
    logLevel: env.VOLTLANE_LOG_LEVEL || 'info',
  };
}

/** The configuration with secrets masked, for printing at start-up. */
export function describeConfig(c: VoltlaneConfig): Record<string, unknown> {
  return {
    ...c,
    databaseUrl: c.databaseUrl ? c.databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : '(embedded PGlite)',
    adminToken: c.adminToken ? '***' : '(generated on first start)',
  };
}
