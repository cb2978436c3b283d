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
  /** TLS server certificate (PEM path): with `tlsKey` the server speaks https:// and wss:// (security profile 2). */
  tlsCert: string | undefined;
  /** Private key of `tlsCert` (PEM path). */
  tlsKey: string | undefined;
  /** CA certificate(s) that sign station certificates (PEM path): requests client certificates (security profile 3). */
  tlsCa: string | undefined;
  /** Private key of the `tlsCa` CA (PEM path): lets Voltlane sign station CSRs itself (SignCertificate). */
  tlsCaKey: string | undefined;
  /** CA (and key) that signs ISO 15118 V2G certificates (a CPO sub-CA), PEM paths; optional. */
  v2gCaCert: string | undefined;
  v2gCaKey: string | undefined;
  /** Validity of certificates Voltlane signs, in days. */
  certValidityDays: number;
  /** A station certificate expiring within this many days is flagged `expiresSoon`. */
  certExpiryWarnDays: number;
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
  const tls = tlsSettings(env);
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
    publicUrl: (env.VOLTLANE_PUBLIC_URL || `${tls.tlsCert ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${httpPort}`).replace(/\/$/, ''),
    logLevel: env.VOLTLANE_LOG_LEVEL || 'info',
    ...tls,
    certValidityDays: int(env, 'VOLTLANE_CERT_VALIDITY_DAYS', 365, 1, 3650),
    certExpiryWarnDays: int(env, 'VOLTLANE_CERT_EXPIRY_WARN_DAYS', 30, 0, 3650),
  };
}

/** PEM paths for TLS and the station PKI; settings that only work together are checked together. */
function tlsSettings(env: NodeJS.ProcessEnv) {
  const path = (name: string) => (env[name] ? resolve(env[name]) : undefined);
  const s = {
    tlsCert: path('VOLTLANE_TLS_CERT'),
    tlsKey: path('VOLTLANE_TLS_KEY'),
    tlsCa: path('VOLTLANE_TLS_CA'),
    tlsCaKey: path('VOLTLANE_TLS_CA_KEY'),
    v2gCaCert: path('VOLTLANE_V2G_CA_CERT'),
    v2gCaKey: path('VOLTLANE_V2G_CA_KEY'),
  };
  if (!s.tlsCert !== !s.tlsKey) {
    throw new ConfigError('Set both VOLTLANE_TLS_CERT and VOLTLANE_TLS_KEY (server certificate and its key), or neither; `voltlane certs dev` makes a pair for development');
  }
  if (s.tlsCa && !s.tlsCert) {
    throw new ConfigError('VOLTLANE_TLS_CA needs TLS: client certificates (security profile 3) only exist on wss://; set VOLTLANE_TLS_CERT and VOLTLANE_TLS_KEY too');
  }
  if (s.tlsCaKey && !s.tlsCa) throw new ConfigError('VOLTLANE_TLS_CA_KEY is the key of the VOLTLANE_TLS_CA certificate: set VOLTLANE_TLS_CA too');
  if (!s.v2gCaCert !== !s.v2gCaKey) throw new ConfigError('Set both VOLTLANE_V2G_CA_CERT and VOLTLANE_V2G_CA_KEY, or neither');
  return s;
}

/** The configuration with secrets masked, for printing at start-up. */
export function describeConfig(c: VoltlaneConfig): Record<string, unknown> {
  return {
    ...c,
    databaseUrl: c.databaseUrl ? c.databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : '(embedded PGlite)',
    adminToken: c.adminToken ? '***' : '(generated on first start)',
  };
}
