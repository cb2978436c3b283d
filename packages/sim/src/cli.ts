import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createFleet, type FleetOptions } from './fleet.js';
import type { SimStation } from './station.js';
import type { SimOcppVersion, SimTlsOptions } from './types.js';

const USAGE = `Usage: voltlane sim [options]

Runs simulated OCPP charge points (1.6J, 2.0.1 or 2.1) against a CSMS.

  --url URL            CSMS base URL; the station id is appended (default ws://127.0.0.1:8080/ocpp)
  --ocpp VERSION       1.6, 2.0.1 or 2.1 (default 1.6); 2.1 behaves as 2.0.1
  --stations N         number of stations (default 1)
  --prefix P           station ids are P1, P2, ... (default SIM)
  --connectors N       connectors per station (default 2)
  --interval S         MeterValueSampleInterval in seconds, 0 = none (default 60)
  --power W            charging power per connector in W (default 11000)
  --password P         HTTP Basic password (security profile 1); the user is the station id
  --ca FILE            wss://: PEM CA certificate(s) that sign the CSMS certificate (security profile 2)
  --cert FILE          wss://: PEM client certificate (security profile 3), with --key
  --key FILE           wss://: PEM private key of --cert
  --insecure           wss://: do not verify the CSMS certificate (tests only)
  --auto-charge        start and stop sessions on their own
  --id-tags A,B        tags used by --auto-charge (default SIM-TAG-1,SIM-TAG-2,SIM-TAG-3)
  --every S            --auto-charge: seconds between session starts per station (default 30)
  --duration S         --auto-charge: session length in seconds (default 120)
  --concurrency N      stations booting at the same time (default 50)
  --verbose            print every station's events, also for big fleets
  -h, --help           show this help`;

/** Above this many stations, events are summarised every few seconds instead of printed one by one. */
const CHATTY_LIMIT = 20;

const VERSIONS: Record<string, SimOcppVersion> = { '1.6': 'ocpp1.6', '2.0.1': 'ocpp2.0.1', '2.1': 'ocpp2.1' };

function version(value: string | undefined): SimOcppVersion {
  if (value === undefined) return 'ocpp1.6';
  const v = VERSIONS[value.replace(/^ocpp/i, '')];
  if (!v) throw new Error(`--ocpp must be 1.6, 2.0.1 or 2.1, got "${value}"`);
  return v;
}

function pem(name: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`--${name} ${file}: ${(e as Error).message}`, { cause: e });
  }
}

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number >= 0, got "${value}"`);
  return n;
}

/**
 * Parses the command line into fleet options; throws with a message naming the bad option.
 * @example parseSimArgs(['--stations', '3']) // -> { fleet: { url: 'ws://127.0.0.1:8080/ocpp', stations: 3, ... }, verbose: false }
 */
export function parseSimArgs(argv: string[]): { fleet: FleetOptions; verbose: boolean } | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      url: { type: 'string' },
      stations: { type: 'string' },
      prefix: { type: 'string' },
      connectors: { type: 'string' },
      interval: { type: 'string' },
      power: { type: 'string' },
      password: { type: 'string' },
      ocpp: { type: 'string' },
      ca: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      insecure: { type: 'boolean' },
      'auto-charge': { type: 'boolean' },
      'id-tags': { type: 'string' },
      every: { type: 'string' },
      duration: { type: 'string' },
      concurrency: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const url = values.url ?? 'ws://127.0.0.1:8080/ocpp';
  if (!/^wss?:\/\//.test(url)) throw new Error(`--url must start with ws:// or wss://, got "${url}"`);
  const fleet: FleetOptions = {
    url,
    stations: Math.max(1, int('stations', values.stations, 1)),
    prefix: values.prefix ?? 'SIM',
    connectors: Math.max(1, int('connectors', values.connectors, 2)),
    meterValueIntervalSec: int('interval', values.interval, 60),
    powerW: int('power', values.power, 11_000),
    startConcurrency: Math.max(1, int('concurrency', values.concurrency, 50)),
  };
  if (values.password !== undefined) fleet.password = values.password;
  const ocppVersion = version(values.ocpp);
  if (ocppVersion !== 'ocpp1.6') fleet.ocppVersion = ocppVersion;
  if ((values.cert === undefined) !== (values.key === undefined)) throw new Error('--cert and --key go together');
  const tls: SimTlsOptions = {};
  if (values.ca !== undefined) tls.ca = pem('ca', values.ca);
  if (values.cert !== undefined) tls.cert = pem('cert', values.cert);
  if (values.key !== undefined) tls.key = pem('key', values.key);
  if (values.insecure) tls.rejectUnauthorized = false;
  if (Object.keys(tls).length > 0) {
    if (!url.startsWith('wss://')) throw new Error('--ca, --cert, --key and --insecure need a wss:// --url');
    fleet.tls = tls;
  }
  if (values['auto-charge']) {
    fleet.autoCharge = {
      idTags: (values['id-tags'] ?? 'SIM-TAG-1,SIM-TAG-2,SIM-TAG-3').split(',').map((t) => t.trim()).filter(Boolean),
      everySec: Math.max(1, int('every', values.every, 30)),
      durationSec: Math.max(1, int('duration', values.duration, 120)),
    };
  }
  return { fleet, verbose: values.verbose ?? false };
}

/** Prints what a station does (small fleets, or --verbose). */
function narrate(st: SimStation, print: (msg: string) => void): void {
  st.on('request', (action, payload) => print(`[${st.id}] <- ${action} ${JSON.stringify(payload)}`));
  st.on('status', (connectorId, status) => print(`[${st.id}] connector ${connectorId}: ${status}`));
}

function summary(stations: readonly SimStation[]): string {
  let connected = 0;
  let accepted = 0;
  let charging = 0;
  let queued = 0;
  for (const st of stations) {
    if (st.connected) connected++;
    if (st.connected && st.registrationStatus === 'Accepted') accepted++;
    for (const c of st.connectors) if (c.tx) charging++;
    queued += st.queuedMessages;
  }
  return `${new Date().toISOString()} stations ${stations.length}: connected ${connected}, accepted ${accepted}, sessions ${charging}, queued messages ${queued}`;
}

/**
 * The `voltlane sim` command: starts a fleet, prints what happens, and stops it on Ctrl-C.
 * @example await runSimCli(['--url', 'ws://127.0.0.1:8080/ocpp', '--stations', '3', '--auto-charge']);
 */
export async function runSimCli(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parseSimArgs>;
  try {
    parsed = parseSimArgs(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (parsed === 'help') return void console.log(USAGE);
  const { fleet: opts, verbose } = parsed;
  const chatty = verbose || opts.stations <= CHATTY_LIMIT;
  const print = (msg: string) => console.log(msg);
  const fleet = createFleet({ ...opts, ...(chatty ? { log: print } : { log: () => undefined }) });
  if (chatty) for (const st of fleet.stations) narrate(st, print);

  const first = fleet.stations[0]!.id;
  const last = fleet.stations.at(-1)!.id;
  const speaks = opts.ocppVersion ?? 'ocpp1.6';
  print(`Starting ${opts.stations} simulated ${speaks} station(s) ${first}${opts.stations > 1 ? `..${last}` : ''} against ${opts.url}/{id} (Ctrl-C to stop)`);
  // Big fleets: one progress line every 5 s instead of a flood.
  const ticker = chatty ? undefined : setInterval(() => print(summary(fleet.stations)), 5000);

  const signalled = new Promise<string>((resolve) => {
    const on = (sig: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
  let stopping = false;
  const started = fleet.start().then(() => {
    if (!stopping) print(`All ${opts.stations} station(s) registered${opts.autoCharge ? '; auto-charge is on' : ''}.`);
  });
  const sig = await signalled;
  stopping = true;
  print(`${sig}: stopping ${opts.stations} station(s)...`);
  clearInterval(ticker);
  await fleet.stop();
  await started.catch(() => undefined);
  print('Stopped.');
}
