import { join, resolve } from 'node:path';

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
  /** Trusted MO/V2G root certificates (PEM path) that EV contract certificate chains must end at (C07); optional. */
  contractRoots: string | undefined;
  /** Validity of certificates Voltlane signs, in days. */
  certValidityDays: number;
  /** A station certificate expiring within this many days is flagged `expiresSoon`. */
  certExpiryWarnDays: number;
  /** External PKI services: a CA that signs station CSRs, an ISO 15118 contract certificate service. */
  pkiServices: PkiServicesConfig;
  /** Where export files are written (cluster API nodes must share it). */
  exportDir: string;
  /** Rows per XLSX sheet, header included (Excel's maximum by default). */
  exportRowsPerSheet: number;
  /** CDRs, invoices and payments (VOLTLANE_INVOICE_*, VOLTLANE_STRIPE_*, VOLTLANE_OCPI_*). */
  billing: BillingConfig;
  /** MapLibre style URL for the web app's map; unset: the bundled offline basemap (VOLTLANE_MAP_STYLE_URL). */
  mapStyleUrl: string | undefined;
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
    pkiServices: pkiServices(env),
    exportDir: resolve(env.VOLTLANE_EXPORT_DIR || join(env.VOLTLANE_DATA_DIR || './data', 'exports')),
    exportRowsPerSheet: int(env, 'VOLTLANE_EXPORT_ROWS_PER_SHEET', 1_048_576, 2, 1_048_576),
    billing: billingSettings(env),
    mapStyleUrl: mapStyleUrl(env),
  };
}

/** VOLTLANE_MAP_STYLE_URL: an http(s) URL of a MapLibre style document, or unset. */
function mapStyleUrl(env: NodeJS.ProcessEnv): string | undefined {
  const v = env.VOLTLANE_MAP_STYLE_URL?.trim();
  if (!v) return undefined;
  if (!/^https?:\/\/\S+$/.test(v)) throw new ConfigError(`VOLTLANE_MAP_STYLE_URL=${v} is invalid: use the http(s) URL of a MapLibre style JSON, e.g. https://tiles.example.com/styles/streets/style.json`);
  return v;
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
    contractRoots: path('VOLTLANE_CONTRACT_ROOTS'),
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
    pkiServices: {
      externalCa: c.pkiServices.externalCa && { ...c.pkiServices.externalCa, token: c.pkiServices.externalCa.token ? '***' : undefined },
      v2gCertService: c.pkiServices.v2gCertService && { ...c.pkiServices.v2gCertService, token: c.pkiServices.v2gCertService.token ? '***' : undefined },
    },
    billing: { ...c.billing, stripeSecretKey: c.billing.stripeSecretKey ? '***' : undefined, stripeWebhookSecret: c.billing.stripeWebhookSecret ? '***' : undefined },
  };
}

/** Billing settings: who issues invoices, how CDRs identify the operator, payment providers. */
export interface BillingConfig {
  /** Currency of CDRs for sessions no tariff applies to (OCPI requires one; their cost is 0). */
  defaultCurrency: string;
  /** OCPI country_code and party_id of this operator (CDR owner; also the issuer of its own id tokens). */
  ocpiCountryCode: string;
  ocpiPartyId: string;
  /** Invoice numbers are SERIES-YEAR-NNNNNN. */
  invoiceSeries: string;
  invoicePaymentDays: number;
  seller: { name: string; address: string; vatId: string; email: string; iban: string; bic: string };
  stripeSecretKey: string | undefined;
  stripeWebhookSecret: string | undefined;
  /** Stripe API base URL (tests and proxies); default https://api.stripe.com. */
  stripeApiBase: string | undefined;
}

function billingSettings(env: NodeJS.ProcessEnv): BillingConfig {
  const text = (name: string, def = '') => env[name]?.trim() || def;
  const pattern = (name: string, def: string, re: RegExp, what: string) => {
    const v = text(name, def);
    if (!re.test(v)) throw new ConfigError(`${name}=${v} is invalid: use ${what}`);
    return v;
  };
  const stripeApiBase = text('VOLTLANE_STRIPE_API_BASE') || undefined;
  if (stripeApiBase && !/^https?:\/\/[^/]+\/?$/.test(stripeApiBase)) {
    throw new ConfigError(`VOLTLANE_STRIPE_API_BASE=${stripeApiBase} is invalid: use a base URL such as https://api.stripe.com or http://127.0.0.1:12111`);
  }
  return {
    defaultCurrency: pattern('VOLTLANE_DEFAULT_CURRENCY', 'EUR', /^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
    ocpiCountryCode: pattern('VOLTLANE_OCPI_COUNTRY_CODE', 'XX', /^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as NL'),
    ocpiPartyId: pattern('VOLTLANE_OCPI_PARTY_ID', 'VLT', /^[A-Z0-9]{3}$/, 'three letters or digits (your OCPI party id)'),
    invoiceSeries: pattern('VOLTLANE_INVOICE_SERIES', 'VL', /^[A-Z0-9]{1,10}$/, '1-10 upper-case letters or digits'),
    invoicePaymentDays: int(env, 'VOLTLANE_INVOICE_PAYMENT_DAYS', 14, 0, 365),
    seller: {
      name: text('VOLTLANE_INVOICE_SELLER_NAME', 'Voltlane operator'),
      address: text('VOLTLANE_INVOICE_SELLER_ADDRESS'),
      vatId: text('VOLTLANE_INVOICE_SELLER_VAT_ID'),
      email: text('VOLTLANE_INVOICE_SELLER_EMAIL'),
      iban: text('VOLTLANE_INVOICE_IBAN'),
      bic: text('VOLTLANE_INVOICE_BIC'),
    },
    stripeSecretKey: text('VOLTLANE_STRIPE_SECRET_KEY') || undefined,
    stripeWebhookSecret: text('VOLTLANE_STRIPE_WEBHOOK_SECRET') || undefined,
    stripeApiBase,
  };
}

/** External PKI services (see README, Security). */
export interface PkiServicesConfig {
  /** VOLTLANE_EXTERNAL_CA_*: signs station CSRs instead of the built-in CA (`pem`: JSON in, PEM chain out; `est`: RFC 7030 simpleenroll). */
  externalCa: { url: string; token: string | undefined; protocol: 'pem' | 'est' } | undefined;
  /** VOLTLANE_V2G_CERT_*: ISO 15118 contract certificate service that Get15118EVCertificate is forwarded to. */
  v2gCertService: { url: string; token: string | undefined } | undefined;
}

function pkiServices(env: NodeJS.ProcessEnv): PkiServicesConfig {
  const url = (name: string) => {
    const v = env[name]?.trim();
    if (!v) return undefined;
    if (!/^https?:\/\/\S+$/.test(v)) throw new ConfigError(`${name}=${v} is invalid: use an http:// or https:// URL`);
    return v.replace(/\/$/, '');
  };
  const protocol = env.VOLTLANE_EXTERNAL_CA_PROTOCOL?.trim() || 'pem';
  if (protocol !== 'pem' && protocol !== 'est') throw new ConfigError(`VOLTLANE_EXTERNAL_CA_PROTOCOL=${protocol} is invalid: use pem or est`);
  const caUrl = url('VOLTLANE_EXTERNAL_CA_URL');
  const v2gUrl = url('VOLTLANE_V2G_CERT_URL');
  return {
    externalCa: caUrl ? { url: caUrl, token: env.VOLTLANE_EXTERNAL_CA_TOKEN || undefined, protocol } : undefined,
    v2gCertService: v2gUrl ? { url: v2gUrl, token: env.VOLTLANE_V2G_CERT_TOKEN || undefined } : undefined,
  };
}
