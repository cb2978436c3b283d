import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { RpcEndpoint, type OcppVersion } from '@voltlane/ocpp';

/** A call a station sent to the fake CSMS. */
export interface Received {
  station: string;
  action: string;
  payload: Record<string, unknown>;
  at: number;
}

type Responder = (payload: Record<string, unknown>, station: string) => unknown;

/** How the fake CSMS listens. */
export interface FakeCsmsOptions {
  /** The one subprotocol it accepts and speaks (default 'ocpp1.6'). */
  version?: OcppVersion;
  /** Serve wss:// with this certificate and key; with `ca` (and requestCert), client certificates are required (security profile 3). */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer; requestCert?: boolean };
}

/**
 * A tiny CSMS for the simulator's tests: a WebSocketServer on a random loopback port with one
 * role-'csms' {@link RpcEndpoint} per station, canned answers (overridable per action) and a
 * record of everything the stations sent. Not exported from the package.
 * @example
 * const csms = await FakeCsms.start();
 * const cp = new SimStation({ url: csms.url, id: 'CP1' });
 * await cp.start();
 * await csms.waitFor('StatusNotification', (p) => p.connectorId === 1);
 * await csms.close();
 */
export class FakeCsms {
  readonly received: Received[] = [];
  readonly responders: Record<string, Responder> = {};
  /** Basic-auth header value of the last connection attempt per station. */
  readonly authorization = new Map<string, string | undefined>();
  /** Subject CN of the client certificate of the last TLS connection per station (security profile 3). */
  readonly clientCertificate = new Map<string, string | undefined>();
  connections = 0;
  private nextTxId = 1;
  private readonly links = new Map<string, { ws: WebSocket; rpc: RpcEndpoint }>();
  private waiters: { test: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  private constructor(
    private readonly wss: WebSocketServer,
    readonly port: number,
    readonly version: OcppVersion,
    private readonly https: Server | undefined,
  ) {}

  /** Starts on `port` (0: a free one). */
  static async start(port = 0, opts: FakeCsmsOptions = {}): Promise<FakeCsms> {
    const version = opts.version ?? 'ocpp1.6';
    const handleProtocols = (p: Set<string>) => (p.has(version) ? version : false);
    let https: Server | undefined;
    let wss: WebSocketServer;
    if (opts.tls) {
      const { ca, requestCert, ...pair } = opts.tls;
      https = createServer({ ...pair, ...(ca ? { ca, requestCert: requestCert ?? true, rejectUnauthorized: true } : {}) });
      wss = new WebSocketServer({ server: https, handleProtocols });
      const server = https;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
    } else {
      wss = new WebSocketServer({ host: '127.0.0.1', port, handleProtocols });
      await new Promise<void>((resolve, reject) => {
        wss.once('listening', resolve);
        wss.once('error', reject);
      });
    }
    const address = (https ?? wss).address() as AddressInfo;
    const csms = new FakeCsms(wss, address.port, version, https);
    wss.on('connection', (ws, req) => {
      const station = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
      const socket = req.socket as Partial<TLSSocket>;
      if (socket.getPeerCertificate) {
        const cn = socket.getPeerCertificate().subject?.CN;
        csms.clientCertificate.set(station, Array.isArray(cn) ? cn[0] : cn);
      }
      csms.accept(ws, req.url ?? '', req.headers.authorization);
    });
    return csms;
  }

  get url(): string {
    return `${this.https ? 'wss' : 'ws'}://127.0.0.1:${this.port}/ocpp`;
  }

  /** Transaction ids handed out so far. */
  get lastTransactionId(): number {
    return this.nextTxId - 1;
  }

  private accept(ws: WebSocket, url: string, authorization: string | undefined): void {
    const station = decodeURIComponent(url.split('/').pop() ?? '');
    this.connections++;
    this.authorization.set(station, authorization);
    const rpc = new RpcEndpoint({
      version: this.version,
      role: 'csms',
      send: (t) => ws.send(t),
      callTimeoutMs: 3000,
      onCall: (action, payload) => {
        const r: Received = { station, action, payload, at: Date.now() };
        this.received.push(r);
        const answer = (this.responders[action] ?? ((p) => this.defaultAnswer(action, p)))(payload, station);
        // Waiters see the message once it is answered (the station may act on the answer).
        queueMicrotask(() => this.notify(r));
        return answer;
      },
    });
    this.links.set(station, { ws, rpc });
    ws.on('message', (d) => rpc.receive(d.toString()));
    ws.on('close', () => {
      rpc.close();
      if (this.links.get(station)?.ws === ws) this.links.delete(station);
    });
  }

  private defaultAnswer(action: string, payload: Record<string, unknown>): unknown {
    const now = new Date().toISOString();
    if (this.version !== 'ocpp1.6') return defaultAnswer2(action, payload, now);
    switch (action) {
      case 'BootNotification':
        return { status: 'Accepted', currentTime: now, interval: 300 };
      case 'Heartbeat':
        return { currentTime: now };
      case 'Authorize':
        return { idTagInfo: { status: 'Accepted' } };
      case 'StartTransaction':
        return { transactionId: this.nextTxId++, idTagInfo: { status: 'Accepted' } };
      case 'StopTransaction':
        return payload.idTag ? { idTagInfo: { status: 'Accepted' } } : {};
      case 'DataTransfer':
        return { status: 'UnknownVendorId' };
      case 'SignCertificate':
        return { status: 'Accepted' };
      default:
        return {};
    }
  }

  private notify(r: Received): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(r)) return true;
      w.resolve(r);
      return false;
    });
  }

  /** Whether a station is connected now. */
  isConnected(station: string): boolean {
    return this.links.has(station);
  }

  /** Sends a CSMS-initiated call to a connected station and resolves with its answer. */
  call(station: string, action: string, payload: object): Promise<Record<string, unknown>> {
    const link = this.links.get(station);
    if (!link) return Promise.reject(new Error(`${station} is not connected`));
    return link.rpc.call(action, payload);
  }

  /** Messages of one action (optionally matching), in arrival order. */
  all(action: string, match: (p: Record<string, unknown>) => boolean = () => true): Received[] {
    return this.received.filter((r) => r.action === action && match(r.payload));
  }

  /**
   * Resolves with the first message of `action` (from `station`, if given) matching `match` that
   * arrived at index `since` or later in {@link received} (default: any so far or in future);
   * rejects after `timeoutMs` (default 3000).
   */
  waitFor(
    action: string,
    match: (p: Record<string, unknown>) => boolean = () => true,
    opts: { since?: number; timeoutMs?: number; station?: string } = {},
  ): Promise<Received> {
    const test = (r: Received) => r.action === action && (opts.station === undefined || r.station === opts.station) && match(r.payload);
    const found = this.received.slice(opts.since ?? 0).find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`No ${action} within ${opts.timeoutMs ?? 3000} ms`));
      }, opts.timeoutMs ?? 3000);
      const done = (r: Received) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.waiters.push({ test, resolve: done });
    });
  }

  /** Drops every connection abruptly (as a crashing CSMS would). */
  dropAll(): void {
    for (const { ws } of this.links.values()) ws.terminate();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    const https = this.https;
    if (https) await new Promise<void>((resolve) => https.close(() => resolve()));
  }
}

/** Canned 2.0.1 / 2.1 answers: accept everything; notifications get an empty answer. */
function defaultAnswer2(action: string, payload: Record<string, unknown>, now: string): unknown {
  switch (action) {
    case 'BootNotification':
      return { status: 'Accepted', currentTime: now, interval: 300 };
    case 'Heartbeat':
      return { currentTime: now };
    case 'Authorize':
      return { idTokenInfo: { status: 'Accepted' } };
    case 'TransactionEvent':
      return payload.idToken ? { idTokenInfo: { status: 'Accepted' } } : {};
    case 'DataTransfer':
      return { status: 'UnknownVendorId' };
    case 'SignCertificate':
      return { status: 'Accepted' };
    default:
      return {};
  }
}
