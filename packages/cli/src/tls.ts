import { readFile } from 'node:fs/promises';
import type { ServerOptions } from 'node:https';
import { createSecureContext } from 'node:tls';
import { ConfigError, type VoltlaneConfig } from '@voltlane/core';

/**
 * TLS options of the server from the configuration, or undefined for plain HTTP. With a station CA
 * (VOLTLANE_TLS_CA) client certificates are requested but not demanded by the TLS layer: the gateway
 * decides per station (profile 3) and logs why it refuses, and API clients need none.
 */
export async function tlsServerOptions(config: VoltlaneConfig): Promise<ServerOptions | undefined> {
  if (!config.tlsCert || !config.tlsKey) return undefined;
  const cert = await read(config.tlsCert, 'VOLTLANE_TLS_CERT');
  const key = await read(config.tlsKey, 'VOLTLANE_TLS_KEY');
  const ca = config.tlsCa ? await read(config.tlsCa, 'VOLTLANE_TLS_CA') : undefined;
  const options: ServerOptions = {
    cert,
    key,
    // OCPP security profiles 2 and 3 require TLS 1.2 or newer.
    minVersion: 'TLSv1.2',
    ...(ca ? { ca, requestCert: true, rejectUnauthorized: false } : {}),
  };
  try {
    createSecureContext(options);
  } catch (err) {
    throw new ConfigError(
      `VOLTLANE_TLS_CERT/VOLTLANE_TLS_KEY${ca ? '/VOLTLANE_TLS_CA' : ''} cannot be used together: ${(err as Error).message} ` +
        '(the key must belong to the certificate; all files PEM)',
    );
  }
  return options;
}

async function read(path: string, name: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${name}=${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
