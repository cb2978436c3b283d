import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { RpcEndpoint, RpcError, isOcppVersion, type OcppVersion, type RpcEvent } from '@voltlane/ocpp';
import { StationOfflineError, type Bus, type ConnectionEvent, type StationCommand } from '@voltlane/bus';
import { FrameLog, type FrameEntry } from './frame-log.js';
import { parseStationPath } from './path.js';
import { clientCertificate, type ClientCertificate } from './tls-identity.js';

/** Versions this gateway speaks, newest first (the newest one a charger offers wins). */
export const SUPPORTED_VERSIONS: readonly OcppVersion[] = ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'];

/**
 * Outcome of checking a station's identity at connect time. `label` is the connection inspector's
 * short reason for a refusal (default: 'unknown station' for 404, else 'bad password').
 */
export type AuthResult = { ok: true } | { ok: false; status: 401 | 403 | 404; reason: string; label?: string };

/** What a station proved when connecting, after the gateway's own identity checks passed. */
export interface ConnectCredentials {
  /** HTTP Basic password; its user was checked to be the station id. */
  password: string | undefined;
  /** The connection is TLS (wss://). */
  tls: boolean;
  /** A client certificate that chains to the station CA and names the station (CN = station id). */
  clientCertificate?: ClientCertificate;
}

/** One connection attempt, accepted or refused, for the connection inspector. */
export interface ConnectionAttempt {
  stationId: string;
  at: Date;
  remoteAddress: string | undefined;
  outcome: 'accepted' | 'refused' | 'closed';
  reason: string;
  subprotocol: string | undefined;
  detail?: string;
}

/** Minimal logger surface (pino-compatible). */
export interface GatewayLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface GatewayOptions {
  bus: Bus;
  log: GatewayLogger;
  /** Checks the station's security profile and password (the gateway already checked that names agree). */
  authenticate: (stationId: string, credentials: ConnectCredentials) => Promise<AuthResult>;
  /** Records every connection attempt (fire and forget). */
  recordAttempt: (attempt: ConnectionAttempt) => void;
  maxFrameBytes: number;
  inspectorFramesPerStation: number;
  /** Characters of raw frames kept across all stations (default 32 Mi). */
  inspectorMaxChars?: number;
  /** Server pings at this interval and drops connections that miss two pongs (0 = off). */
  pingIntervalSec?: number;
  /**
   * Cluster API nodes hold no sockets: raw frames and "close this station's socket" are asked of
   * the gateways over the bus instead of this process's memory.
   */
  remote?: RemoteGateways;
}

/** What an API node asks of the cluster's gateways (see {@link GatewayOptions.remote}). */
export interface RemoteGateways {
  frames(stationId: string, limit: number, direction?: 'in' | 'out'): Promise<FrameEntry[]>;
  disconnect(stationId: string, reason: string): Promise<void>;
}


interface Link {
  stationId: string;
  version: OcppVersion;
  ws: WebSocket;
  rpc: RpcEndpoint;
  alive: boolean;
  /** When the socket was attached (ms since epoch). */
  since: number;
}

/**
 * The WebSocket edge: upgrades, subprotocol negotiation, station identity, frame limits, and one
 * {@link RpcEndpoint} per connected station. Station CALLs go to the bus; commands come from it.
 * @example
 * const gw = new Gateway({ bus, log, authenticate, recordAttempt, maxFrameBytes: 65536, inspectorFramesPerStation: 100 });
 * server.on('upgrade', (req, socket, head) => gw.handleUpgrade(req, socket, head));
 */
export class Gateway {
  readonly frames: FrameLog;
  private readonly links = new Map<string, Link>();
  private readonly wss: WebSocketServer;
  private readonly pingTimer: NodeJS.Timeout | undefined;
  /** Connection events on their way to the bus; close() waits for them. */
  private readonly announcing = new Set<Promise<void>>();
  private closing = false;

  constructor(private readonly opts: GatewayOptions) {
    this.frames = new FrameLog(opts.inspectorFramesPerStation, opts.inspectorMaxChars);
    this.wss = new WebSocketServer({
      noServer: true,
      // Frames between the configured limit and this hard cap are answered with a CALLERROR;
      // past the cap ws closes the socket with 1009 (Message Too Big).
      maxPayload: Math.max(opts.maxFrameBytes * 2, opts.maxFrameBytes + 65536),
      perMessageDeflate: false,
      handleProtocols: (offered) => SUPPORTED_VERSIONS.find((v) => offered.has(v)) ?? false,
    });
    opts.bus.onCommand((cmd) => this.sendCommand(cmd));
    const ping = opts.pingIntervalSec ?? 60;
    if (ping > 0) {
      this.pingTimer = setInterval(() => this.pingAll(), ping * 1000);
      this.pingTimer.unref();
    }
  }

  /** Number of stations connected to this gateway. */
  get connectedCount(): number {
    return this.links.size;
  }

  isConnected(stationId: string): boolean {
    return this.links.has(stationId);
  }

  /** Ids of the stations connected to this gateway (only those connected for at least `minAgeMs`). */
  stationIds(minAgeMs = 0): string[] {
    if (minAgeMs <= 0) return [...this.links.keys()];
    const before = Date.now() - minAgeMs;
    return [...this.links.values()].filter((l) => l.since <= before).map((l) => l.stationId);
  }

  /**
   * Recent raw frames of a station, newest first: from this gateway's memory, or on a cluster API
   * node from every gateway (a station that moved has frames on several).
   */
  async listFrames(stationId: string, limit = 100, direction?: 'in' | 'out'): Promise<FrameEntry[]> {
    if (this.opts.remote) return this.opts.remote.frames(stationId, limit, direction);
    return this.frames.list(stationId, limit, direction);
  }

  /** Handles an HTTP upgrade request; refuses anything that is not a valid station connection. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (this.closing) return refuse(socket, 503, 'This gateway is shutting down; connect again (to another gateway)');
    this.upgrade(req, socket, head).catch((error: unknown) => {
      this.opts.log.error({ err: error }, 'upgrade failed');
      refuse(socket, 500, 'Internal error');
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const remoteAddress = req.socket.remoteAddress;
    const parsed = parseStationPath(req.url ?? '/');
    if (!parsed.ok) {
      refuse(socket, parsed.status, parsed.reason);
      if (parsed.stationId) this.attempt(parsed.stationId, remoteAddress, 'refused', parsed.reason, undefined);
      return;
    }
    const stationId = parsed.stationId;
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const subprotocol = offered.join(',');
    // A station never acts as another: the URL id, the Basic auth user and the certificate CN must agree.
    const password = basicPassword(req.headers.authorization, stationId);
    if (password === null) {
      refuse(socket, 401, 'Basic auth user must be the station id');
      this.attempt(stationId, remoteAddress, 'refused', 'bad password', subprotocol, 'Basic auth user is not the station id');
      return;
    }
    const tls = (req.socket as Partial<TLSSocket>).encrypted === true;
    const cert = tls ? clientCertificate(req.socket as TLSSocket, stationId) : undefined;
    if (cert && !cert.ok) {
      refuse(socket, 403, cert.reason);
      this.attempt(stationId, remoteAddress, 'refused', 'bad certificate', subprotocol, cert.reason);
      return;
    }
    const auth = await this.opts.authenticate(stationId, { password, tls, ...(cert ? { clientCertificate: cert.certificate } : {}) });
    if (!auth.ok) {
      refuse(socket, auth.status, auth.reason);
      const label = auth.label ?? (auth.status === 404 ? 'unknown station' : 'bad password');
      this.attempt(stationId, remoteAddress, 'refused', label, subprotocol, auth.reason);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const version = ws.protocol;
      if (!isOcppVersion(version) || !SUPPORTED_VERSIONS.includes(version)) {
        // OCPP-J: complete the handshake without a subprotocol, then close at once.
        const reason = offered.length ? `unsupported subprotocol ${offered.join(',')}` : 'no subprotocol';
        ws.close(1002, `Offer one of: ${SUPPORTED_VERSIONS.join(', ')}`);
        this.attempt(stationId, remoteAddress, 'refused', 'bad subprotocol', offered.join(','), reason);
        return;
      }
      this.attach(stationId, version, ws, remoteAddress);
    });
  }

  private attach(stationId: string, version: OcppVersion, ws: WebSocket, remoteAddress: string | undefined): void {
    const previous = this.links.get(stationId);
    if (previous) {
      this.links.delete(stationId);
      previous.rpc.close();
      previous.ws.close(1000, 'Replaced by a new connection');
      this.opts.log.info({ stationId }, 'second connection replaces the first');
    }
    const log = this.opts.log;
    const rpc = new RpcEndpoint({
      version,
      role: 'csms',
      send: (text) => ws.send(text),
      callTimeoutMs: 30_000,
      onCall: (action, payload, messageId) =>
        this.opts.bus.stationCall({ stationId, version, action, payload, messageId, receivedAt: new Date() }),
      onEvent: (e) => this.onRpcEvent(stationId, e),
    });
    const link: Link = { stationId, version, ws, rpc, alive: true, since: Date.now() };
    this.links.set(stationId, link);
    this.attempt(stationId, remoteAddress, 'accepted', 'connected', version);

    ws.on('pong', () => (link.alive = true));
    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (buf.length > this.opts.maxFrameBytes) {
        const prefix = buf.subarray(0, 128).toString('utf8');
        this.frames.add(stationId, 'in', `${prefix}… (${buf.length} bytes)`);
        rpc.receiveOversized(prefix, buf.length, this.opts.maxFrameBytes);
        return;
      }
      if (isBinary) log.warn({ stationId }, 'binary frame received; OCPP-J uses text frames, decoding as UTF-8');
      rpc.receive(buf.toString('utf8'));
    });
    // ws closes the socket itself on a protocol error (e.g. a frame above maxPayload: 1009), and then
    // reports 1006 in 'close'; keep the code it sent so the inspector shows why.
    let dropped: string | undefined;
    ws.on('error', (err: Error & { code?: string }) => {
      const sent = wsErrorCloseCode(err.code);
      if (sent) dropped = `closed ${sent} ${err.message}`;
      log.warn({ stationId, err: err.message }, 'websocket error');
    });
    ws.on('close', (code, reasonBuf) => {
      rpc.close();
      const reason = dropped ?? `closed ${code}${reasonBuf.length ? ` ${reasonBuf.toString()}` : ''}`;
      this.attempt(stationId, remoteAddress, 'closed', reason, version);
      if (this.links.get(stationId) !== link) return; // replaced: the new link owns the station
      this.links.delete(stationId);
      this.announce({ type: 'disconnected', stationId, version, at: new Date(), reason });
    });
    this.announce({ type: 'connected', stationId, version, at: new Date(), ...(remoteAddress ? { remoteAddress } : {}) });
  }

  private announce(event: ConnectionEvent): void {
    const p = this.opts.bus
      .connection(event)
      .catch((err: unknown) => this.opts.log.error({ stationId: event.stationId, err }, `${event.type === 'connected' ? 'connect' : 'disconnect'} handling failed`))
      .finally(() => this.announcing.delete(p));
    this.announcing.add(p);
  }

  /** Sends a command over the station's socket and resolves with its validated reply. */
  async sendCommand(cmd: StationCommand): Promise<Record<string, unknown>> {
    const link = this.links.get(cmd.stationId);
    if (!link) throw new StationOfflineError(cmd.stationId);
    return link.rpc.call(cmd.action, cmd.payload, { timeoutMs: cmd.timeoutMs });
  }

  /** OCPP version of a connected station. */
  versionOf(stationId: string): OcppVersion | undefined {
    return this.links.get(stationId)?.version;
  }

  /** Closes one station's connection (e.g. after it was deleted), wherever it is in a cluster. */
  disconnect(stationId: string, reason: string): void {
    if (this.opts.remote) {
      this.opts.remote.disconnect(stationId, reason).catch((err: unknown) =>
        this.opts.log.warn({ stationId, err: (err as Error).message }, 'could not ask the gateways to close the socket'),
      );
      return;
    }
    this.links.get(stationId)?.ws.close(1000, reason);
  }

  /**
   * Closes every connection so chargers reconnect (elsewhere), refuses new ones, and resolves once
   * the disconnect events are handed to the bus.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    const closing = [...this.links.values()].map(
      (l) =>
        new Promise<void>((resolve) => {
          l.ws.once('close', () => resolve());
          l.ws.close(1001, 'Server shutting down');
          setTimeout(() => {
            l.ws.terminate();
            resolve();
          }, 2000).unref();
        }),
    );
    await Promise.all(closing);
    this.wss.close();
    while (this.announcing.size) await Promise.allSettled([...this.announcing]);
  }

  private pingAll(): void {
    for (const link of this.links.values()) {
      if (!link.alive) {
        this.opts.log.warn({ stationId: link.stationId }, 'no pong: dropping connection');
        link.ws.terminate();
        continue;
      }
      link.alive = false;
      link.ws.ping();
    }
  }

  private onRpcEvent(stationId: string, e: RpcEvent): void {
    const log = this.opts.log;
    switch (e.type) {
      case 'frame':
        this.frames.add(stationId, e.direction, e.text);
        break;
      case 'protocolError':
        log.warn({ stationId, code: e.code, messageId: e.messageId, action: e.action }, e.message);
        break;
      case 'handlerError':
        if (e.error instanceof RpcError) log.warn({ stationId, action: e.action, code: e.error.code }, e.error.message);
        else log.error({ stationId, action: e.action, err: e.error }, 'handler failed');
        break;
      case 'invalidResponse':
        log.warn({ stationId, action: e.action }, `charger sent an invalid reply: ${e.message}`);
        break;
    }
  }

  private attempt(
    stationId: string,
    remoteAddress: string | undefined,
    outcome: ConnectionAttempt['outcome'],
    reason: string,
    subprotocol: string | undefined,
    detail?: string,
  ): void {
    const a: ConnectionAttempt = { stationId, at: new Date(), remoteAddress, outcome, reason, subprotocol, ...(detail ? { detail } : {}) };
    if (outcome === 'refused') this.opts.log.warn({ stationId, remoteAddress, reason, detail }, 'connection refused');
    else this.opts.log.debug({ stationId, remoteAddress, outcome, reason }, 'connection');
    this.opts.recordAttempt(a);
  }
}

/** Password from an HTTP Basic header; undefined when absent, null when the user is not the station id. */
function basicPassword(header: string | undefined, stationId: string): string | undefined | null {
  if (!header) return undefined;
  const m = /^Basic\s+(.+)$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0 || decoded.slice(0, i) !== stationId) return null;
  return decoded.slice(i + 1);
}

/** Close code ws sends when it drops a connection for a protocol error (`WS_ERR_*` error codes). */
function wsErrorCloseCode(code: string | undefined): number | undefined {
  if (!code?.startsWith('WS_ERR_')) return undefined;
  if (/^WS_ERR_UNSUPPORTED_\w+_LENGTH$/.test(code)) return 1009;
  if (code === 'WS_ERR_INVALID_UTF8') return 1007;
  if (code === 'WS_ERR_TOO_MANY_BUFFERED_PARTS') return 1008;
  return 1002;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: { code: `HTTP_${status}`, message: reason } });
  const extra = status === 401 ? 'WWW-Authenticate: Basic realm="Voltlane OCPP"\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
