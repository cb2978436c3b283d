import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  createCa, distinguishedName, generateKeyPair, issueCertificate, loadSigningCa, privateKeyPem, type SigningCa,
} from '@voltlane/core';

export const CERTS_USAGE = `Usage:
  voltlane certs dev [--dir ./data/certs] [--host 127.0.0.1] [--force]
      Development PKI: a CA (kept unless --force), a server certificate for localhost, 127.0.0.1
      and --host, and the environment lines that turn on TLS (security profiles 2 and 3).
  voltlane certs station <stationId> [--dir ./data/certs] [--days 365]
      A client certificate (CN = station id) signed by that CA, for a profile 3 station.`;

/** Where `certs dev` puts its files. */
function paths(dir: string) {
  return {
    caCert: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca-key.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server-key.pem'),
    stations: join(dir, 'stations'),
  };
}

/**
 * The `voltlane certs` command: a development CA and server certificate, and station client certificates.
 * @example await runCertsCli(['dev', '--host', '192.0.2.10']);
 */
export async function runCertsCli(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const [sub, ...rest] = argv;
  const { flags, positional } = parseArgs(rest);
  const dir = resolve(flags.dir ?? './data/certs');
  if (sub === 'dev') return dev(dir, flags.host ?? '127.0.0.1', flags.force === 'true', out);
  if (sub === 'station' && positional[0]) return station(dir, positional[0], Number(flags.days ?? 365), out);
  out(CERTS_USAGE);
  return sub === 'help' || sub === undefined ? 0 : 2;
}

async function dev(dir: string, host: string, force: boolean, out: (line: string) => void): Promise<number> {
  const p = paths(dir);
  await mkdir(dir, { recursive: true });
  if (force || !existsSync(p.caCert) || !existsSync(p.caKey)) {
    const ca = await createCa({ commonName: 'Voltlane Development CA', organization: 'Voltlane', days: 3650 });
    await writeFile(p.caCert, ca.certPem);
    await writeFile(p.caKey, ca.keyPem, { mode: 0o600 });
    out(`Created a development CA: ${p.caCert}`);
  } else {
    out(`Using the existing CA: ${p.caCert} (--force makes a new one; certificates it signed stop working)`);
  }
  const ca = await loadCa(p.caCert, p.caKey);
  const keys = await generateKeyPair();
  const hosts = [...new Set(['localhost', '127.0.0.1', '::1', host])];
  const cert = await issueCertificate(ca, { subject: distinguishedName(host, 'Voltlane'), publicKey: keys.publicKey, purpose: 'server', days: 825, hosts });
  await writeFile(p.serverCert, cert.toString('pem'));
  await writeFile(p.serverKey, await privateKeyPem(keys.privateKey), { mode: 0o600 });
  out(`Created a server certificate for ${hosts.join(', ')}: ${p.serverCert}`);
  out('');
  out('Start Voltlane with TLS (https:// and wss:// on the same port) with these settings:');
  out('');
  out(`  export VOLTLANE_TLS_CERT=${p.serverCert}`);
  out(`  export VOLTLANE_TLS_KEY=${p.serverKey}`);
  out(`  export VOLTLANE_TLS_CA=${p.caCert}`);
  out(`  export VOLTLANE_TLS_CA_KEY=${p.caKey}`);
  out('');
  out(`Chargers must trust ${p.caCert} (install it as CSMS root certificate) and connect to wss://${host}:PORT/ocpp/{stationId}.`);
  out('VOLTLANE_TLS_CA asks chargers for client certificates (profile 3); VOLTLANE_TLS_CA_KEY lets Voltlane sign their CSRs.');
  out(`A client certificate for a station: voltlane certs station <stationId> --dir ${dir}`);
  out('This CA is for development: keep production CA keys off the server or in an HSM.');
  return 0;
}

async function station(dir: string, stationId: string, days: number, out: (line: string) => void): Promise<number> {
  const p = paths(dir);
  if (!existsSync(p.caCert) || !existsSync(p.caKey)) {
    out(`No CA in ${dir}: run "voltlane certs dev --dir ${dir}" first.`);
    return 1;
  }
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    out('--days must be a whole number from 1 to 3650');
    return 2;
  }
  const ca = await loadCa(p.caCert, p.caKey);
  const keys = await generateKeyPair();
  const cert = await issueCertificate(ca, { subject: distinguishedName(stationId), publicKey: keys.publicKey, purpose: 'client', days });
  await mkdir(p.stations, { recursive: true });
  const base = join(p.stations, encodeURIComponent(stationId));
  await writeFile(`${base}.pem`, cert.toString('pem'));
  await writeFile(`${base}-key.pem`, await privateKeyPem(keys.privateKey), { mode: 0o600 });
  out(`Client certificate for station ${stationId} (serial ${cert.serialNumber}, valid until ${cert.notAfter.toISOString()}):`);
  out(`  certificate: ${base}.pem`);
  out(`  key:         ${base}-key.pem`);
  out(`  CA:          ${p.caCert}`);
  out(`Require it with PATCH /api/v1/stations/${stationId} {"securityProfile": 3}.`);
  return 0;
}

async function loadCa(certPath: string, keyPath: string): Promise<SigningCa> {
  return loadSigningCa(await readFile(certPath, 'utf8'), await readFile(keyPath, 'utf8'));
}

function parseArgs(args: string[]): { flags: Record<string, string>; positional: string[] } {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) positional.push(a);
    else if (a === '--force') flags.force = 'true';
    else flags[a.slice(2)] = args[++i] ?? '';
  }
  return { flags, positional };
}
