import WebSocket from 'ws';
import { RpcEndpoint, type RpcEvent, type V16 } from '@voltlane/ocpp';
import { backoffMs } from './backoff.js';
import { dispatch } from './handlers/index.js';
import type { SimStation } from './station.js';
import type { SimStationOptions } from './types.js';

export type RebootKind = 'Soft' | 'Hard' | 'Firmware';

/**
 * A station's connection to the CSMS: WebSocket with the station's OCPP subprotocol, Basic auth
 * and, for wss://, the TLS options,
 * BootNotification (retried on Pending/Rejected), heartbeat, optional pings, reconnect with
 * backoff, and the off-time of a reboot. At most one link timer runs at a time.
 * @example
 * const link = new Link(station, opts);
 * link.open();
 */
export class Link {
  ws: WebSocket | undefined;
  rpc: RpcEndpoint | undefined;
  /** The WebSocket is open. */
  connected = false;
  /** Connected and BootNotification Accepted on this connection. */
  ready = false;
  /** A (re)boot happened: the next connection must send BootNotification. */
  needsBoot = true;
  rebooting: RebootKind | undefined;
  private attempts = 0;
  /** Reconnect, boot retry or reboot delay: never more than one at a time. */
  private timer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pong = true;

  constructor(
    private readonly st: SimStation,
    private readonly opts: SimStationOptions,
  ) {}

  /** Connects unless a socket or a pending reconnect already exists. */
  open(): void {
    if (!this.ws && !this.timer) this.connect();
  }

  /** Closes for good (stop): timers cleared, close handshake, terminated if it takes over 1 s. */
  async close(): Promise<void> {
    this.rebooting = undefined;
    this.clearTimer();
    this.stopHeartbeat();
    this.stopPing();
    const ws = this.ws;
    if (!ws) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      setTimeout(() => ws.terminate(), 1000).unref();
      ws.close(1000, 'Station stopping');
    });
  }

  /** A network drop: no close handshake. */
  drop(): void {
    this.ws?.terminate();
  }

  /** The station goes down for a reboot; it connects again after `rebootDelayMs`. */
  goDown(kind: RebootKind): void {
    this.stopHeartbeat();
    if (this.st.stopped) return;
    if (!this.ws) return this.powerUpLater();
    if (kind === 'Soft') this.ws.close(1000, 'Soft reset');
    else this.ws.terminate();
  }

  call(action: string, payload: object): Promise<Record<string, unknown>> {
    if (!this.rpc) return Promise.reject(new Error(`Station ${this.st.id} is not connected`));
    return this.rpc.call(action, payload);
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private later(ms: number, fn: () => void): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      fn();
    }, ms);
  }

  private backoff(): number {
    return backoffMs(this.attempts++, this.opts.reconnectMinMs ?? 1000, this.opts.reconnectMaxMs ?? 60_000);
  }

  private powerUpLater(): void {
    this.needsBoot = true;
    this.later(this.opts.rebootDelayMs ?? 1000, () => {
      this.rebooting = undefined;
      this.connect();
    });
  }

  private connect(): void {
    if (this.st.stopped || this.ws) return;
    const headers: Record<string, string> = {};
    // The 1.6 security whitepaper (AuthorizationKey) and 2.0.1 A01 (BasicAuthPassword) let the CSMS rotate the password.
    const password = (this.st.ocpp2 ? this.st.ocpp2.password() : this.st.config.get('AuthorizationKey')) || this.opts.password;
    if (password) headers.Authorization = `Basic ${Buffer.from(`${this.st.id}:${password}`).toString('base64')}`;
    const url = `${this.opts.url.replace(/\/+$/, '')}/${encodeURIComponent(this.st.id)}`;
    // A certificate the CSMS signed (CertificateSigned) replaces the configured one from the next connection on.
    const own = this.st.clientCertificate;
    const tls = url.startsWith('wss:') ? { ...this.opts.tls, ...(own ? { cert: own.chainPem, key: own.keyPem } : {}) } : undefined;
    let ws: WebSocket;
    try {
      // No permessage-deflate: a zlib context per socket would dominate a load test's memory.
      ws = new WebSocket(url, [this.st.ocppVersion], { headers, perMessageDeflate: false, handshakeTimeout: 30_000, ...tls });
    } catch (e) {
      this.st.log(`cannot connect to ${url}: ${(e as Error).message}`);
      this.st.settleStart(e as Error);
      return;
    }
    this.ws = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data, isBinary) => {
      if (this.ws === ws && !isBinary) this.rpc?.receive(data.toString());
    });
    ws.on('pong', () => (this.pong = true));
    ws.on('error', (e) => this.st.log(`socket: ${e.message}`));
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString()));
  }

  private onOpen(ws: WebSocket): void {
    if (this.ws !== ws) return;
    const st = this.st;
    this.connected = true;
    const o2 = st.ocpp2;
    this.rpc = new RpcEndpoint({
      version: st.ocppVersion,
      role: 'chargePoint',
      send: (text) => ws.send(text),
      onCall: (action, payload) => {
        st.emit('request', action, payload);
        return o2 ? o2.dispatch(action, payload) : dispatch(st, action, payload);
      },
      callTimeoutMs: this.opts.callTimeoutMs,
      onEvent: this.opts.log ? (e) => this.onRpcEvent(e) : undefined,
    });
    st.log('connected');
    st.emit('connected');
    this.restartPing();
    if (this.needsBoot || this.opts.bootOnReconnect !== false) void this.boot();
    else this.registered();
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = undefined;
    this.rpc?.close();
    this.rpc = undefined;
    const was = this.connected;
    this.connected = false;
    this.ready = false;
    this.stopHeartbeat();
    this.stopPing();
    this.clearTimer();
    if (was) {
      this.st.log(`disconnected (${code}${reason ? ` ${reason}` : ''})`);
      this.st.emit('disconnected', code, reason);
    }
    if (this.st.stopped) return;
    if (this.rebooting) return this.powerUpLater();
    if (this.opts.reconnect === false) {
      this.st.settleStart(new Error(`Connection to the CSMS closed (${code}) before the boot was accepted`));
      return;
    }
    const wait = this.backoff();
    this.st.log(`reconnecting in ${wait} ms`);
    this.later(wait, () => this.connect());
  }

  private onRpcEvent(e: RpcEvent): void {
    if (e.type === 'protocolError') this.st.log(`${e.action ?? 'frame'} ${e.messageId}: ${e.code} ${e.message}`);
    else if (e.type === 'handlerError') this.st.log(`${e.action} failed: ${(e.error as Error)?.message ?? String(e.error)}`);
    else if (e.type === 'invalidResponse') this.st.log(`invalid ${e.action} response: ${e.message}`);
  }

  /** Sends BootNotification and acts on the answer (also used by TriggerMessage). */
  async boot(): Promise<void> {
    const rpc = this.rpc;
    if (!rpc) return;
    this.clearTimer();
    let res: V16.BootNotificationResponse;
    try {
      // The 2.0.1 answer has the same status, interval and currentTime.
      res = (await rpc.call('BootNotification', this.st.ocpp2?.bootPayload() ?? this.bootPayload())) as unknown as V16.BootNotificationResponse;
    } catch (e) {
      if (rpc !== this.rpc) return;
      const wait = this.backoff();
      this.st.log(`BootNotification failed (${(e as Error).message}); retry in ${wait} ms`);
      this.later(wait, () => void this.boot());
      return;
    }
    if (rpc !== this.rpc) return;
    this.st.registrationStatus = res.status;
    this.st.log(`BootNotification ${res.status} (interval ${res.interval} s)`);
    this.st.emit('registration', res.status);
    if (res.status === 'Accepted') {
      this.needsBoot = false;
      this.attempts = 0;
      if (res.interval > 0 && this.st.ocpp2) this.st.ocpp2.model.set('OCPPCommCtrlr', 'HeartbeatInterval', String(res.interval));
      else if (res.interval > 0) this.st.config.set('HeartbeatInterval', String(res.interval));
      this.st.settleStart();
      this.registered();
      return;
    }
    if (res.status === 'Pending' && this.opts.startResolvesOnPending) this.st.settleStart();
    this.ready = false;
    this.stopHeartbeat();
    this.later(Math.max(1, res.interval) * 1000, () => void this.boot());
  }

  private registered(): void {
    this.ready = true;
    this.restartHeartbeat();
    this.st.onRegistered();
  }

  private bootPayload(): V16.BootNotificationRequest {
    const id = this.st.id;
    return {
      chargePointVendor: (this.opts.vendor ?? 'Voltlane').slice(0, 20),
      chargePointModel: (this.opts.model ?? 'SimCharger AC22').slice(0, 20),
      chargePointSerialNumber: id.slice(0, 25),
      chargeBoxSerialNumber: id.slice(0, 25),
      firmwareVersion: this.st.firmwareVersion.slice(0, 50),
      meterType: 'SimMeter 3P',
      meterSerialNumber: `M-${id}`.slice(0, 25),
    };
  }

  /** Re-arms the heartbeat (after the boot, or a change of HeartbeatInterval). */
  restartHeartbeat(): void {
    this.stopHeartbeat();
    const sec = this.st.ocpp2 ? this.st.ocpp2.model.int('OCPPCommCtrlr', 'HeartbeatInterval') : this.st.config.int('HeartbeatInterval');
    if (!this.ready || this.opts.heartbeat === false || sec <= 0) return;
    this.heartbeatTimer = setInterval(() => void this.st.notify('Heartbeat', {}), sec * 1000);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private stopPing(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  /** WebSocketPingInterval > 0: ping the CSMS, and drop a connection that missed a pong (half-open sockets). */
  restartPing(): void {
    this.stopPing();
    const sec = this.st.ocpp2 ? this.st.ocpp2.model.int('OCPPCommCtrlr', 'WebSocketPingInterval') : this.st.config.int('WebSocketPingInterval');
    const ws = this.ws;
    if (!ws || !this.connected || sec <= 0) return;
    this.pong = true;
    this.pingTimer = setInterval(() => {
      if (!this.pong) {
        this.st.log(`no pong within ${sec} s; dropping the connection`);
        return ws.terminate();
      }
      this.pong = false;
      ws.ping();
    }, sec * 1000);
  }
}
