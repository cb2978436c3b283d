import { randomUUID } from 'node:crypto';
import {
  RpcClosedError,
  RpcError,
  RpcInvalidResponseError,
  RpcTimeoutError,
  wireErrorCode,
  type RpcErrorCode,
} from './errors.js';
import { CALL, CALLERROR, callFrame, errorFrame, parseFrame, peekMessageId, resultFrame, type Frame } from './frames.js';
import { schemasFor, type VersionSchemas } from './schemas.js';
import type { Initiator, OcppVersion } from './versions.js';

/** What the endpoint reports for logging and the connection inspector. */
export type RpcEvent =
  | { type: 'frame'; direction: 'in' | 'out'; text: string }
  | { type: 'protocolError'; code: string; message: string; messageId: string; action?: string }
  | { type: 'handlerError'; action: string; error: unknown }
  | { type: 'invalidResponse'; action: string; message: string };

/** Handles one incoming CALL; returns the response payload or throws an {@link RpcError}. */
export type CallHandler = (action: string, payload: Record<string, unknown>, messageId: string) => unknown;

export interface RpcEndpointOptions {
  version: OcppVersion;
  /** Our side of the connection. */
  role: Initiator;
  send: (text: string) => void;
  onCall: CallHandler;
  /** Time to wait for the peer's reply once a call is on the wire (default 30 s). */
  callTimeoutMs?: number;
  /** Calls waiting behind the outstanding one before new calls are refused (default 1000). */
  maxQueuedCalls?: number;
  onEvent?: (event: RpcEvent) => void;
}

interface PendingCall {
  id: string;
  action: string;
  text: string;
  timeoutMs: number;
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

/** Error codes we may put on the wire ourselves. */
const OWN_CODES = new Set<string>([
  'FormatViolation', 'GenericError', 'InternalError', 'MessageTypeNotSupported', 'NotImplemented', 'NotSupported',
  'OccurrenceConstraintViolation', 'PropertyConstraintViolation', 'ProtocolError', 'RpcFrameworkError',
  'SecurityError', 'TypeConstraintViolation',
]);

/**
 * OCPP-J RPC over one connection, either side: one outstanding CALL per direction (the rest
 * queued), incoming CALLs handled strictly in order, call timeouts, unique ids, and every payload
 * in either direction checked against the official schemas.
 * @example
 * const rpc = new RpcEndpoint({ version: 'ocpp1.6', role: 'csms', send: (t) => ws.send(t), onCall });
 * ws.on('message', (d) => rpc.receive(d.toString()));
 * const reply = await rpc.call('Reset', { type: 'Soft' });
 */
export class RpcEndpoint {
  readonly version: OcppVersion;
  private readonly schemas: VersionSchemas;
  private readonly peer: Initiator;
  private readonly queue: PendingCall[] = [];
  private outstanding: PendingCall | null = null;
  private incoming: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: RpcEndpointOptions) {
    this.version = opts.version;
    this.schemas = schemasFor(opts.version);
    this.peer = opts.role === 'csms' ? 'chargePoint' : 'csms';
  }

  /** Number of calls waiting (including the one on the wire). */
  get pendingCalls(): number {
    return this.queue.length + (this.outstanding ? 1 : 0);
  }

  /** Feeds one received text frame. Never throws. */
  receive(text: string): void {
    if (this.closed) return;
    this.emit({ type: 'frame', direction: 'in', text });
    const parsed = parseFrame(text);
    if ('problem' in parsed) {
      const p = parsed.problem;
      this.emit({ type: 'protocolError', code: p.code, message: p.message, messageId: p.id });
      if (p.reply) this.sendError(p.id, p.code, p.message);
      else if (this.outstanding?.id === p.id) this.settle(p.id, new RpcError('FormatViolation', p.message));
      return;
    }
    const frame = parsed.frame;
    if (frame.type === CALL) {
      // Chained so that one station's calls are handled strictly in order.
      this.incoming = this.incoming
        .then(() => this.handleCall(frame))
        .catch((error: unknown) => this.emit({ type: 'handlerError', action: frame.action, error }));
    } else {
      this.handleReply(frame);
    }
  }

  /**
   * Answers a frame that exceeded the size limit without parsing it whole.
   * @param prefix the first bytes of the frame
   */
  receiveOversized(prefix: string, size: number, limit: number): void {
    const id = peekMessageId(prefix);
    const message = `Frame of ${size} bytes exceeds the limit of ${limit} bytes`;
    this.emit({ type: 'protocolError', code: 'FormatViolation', message, messageId: id ?? '-1' });
    if (id) this.sendError(id, 'FormatViolation', message);
  }

  /**
   * Sends a CALL and resolves with the peer's validated response payload.
   * Rejects with {@link RpcError} (peer CALLERROR), {@link RpcTimeoutError}, {@link RpcClosedError}
   * or {@link RpcInvalidResponseError}.
   */
  call(action: string, payload: object, options: { timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(new RpcClosedError(action));
    if (!this.schemas.initiatedBy(action, this.opts.role)) {
      return Promise.reject(new RpcError('NotSupported', `${action} is not sent by the ${this.opts.role} in ${this.version}`));
    }
    const issue = this.schemas.validateRequest(action, payload);
    if (issue) return Promise.reject(new RpcError(issue.code, issue.message, { path: issue.path }));
    if (this.queue.length >= (this.opts.maxQueuedCalls ?? 1000)) {
      return Promise.reject(new RpcError('GenericError', `Too many calls queued for this connection`));
    }
    return new Promise((resolve, reject) => {
      const id = randomUUID();
      this.queue.push({
        id,
        action,
        text: callFrame(id, action, payload),
        timeoutMs: options.timeoutMs ?? this.opts.callTimeoutMs ?? 30_000,
        resolve,
        reject,
      });
      this.pump();
    });
  }

  /** Fails every queued and outstanding call; further frames are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const all = [...(this.outstanding ? [this.outstanding] : []), ...this.queue.splice(0)];
    this.outstanding = null;
    for (const c of all) {
      if (c.timer) clearTimeout(c.timer);
      c.reject(new RpcClosedError(c.action));
    }
  }

  /** Resolves once every CALL received so far has been answered. */
  drained(): Promise<void> {
    return this.incoming;
  }

  private pump(): void {
    if (this.outstanding || this.closed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.outstanding = next;
    next.timer = setTimeout(() => this.settle(next.id, new RpcTimeoutError(next.action, next.timeoutMs)), next.timeoutMs);
    this.write(next.text);
  }

  private settle(id: string, outcome: Error | Record<string, unknown>): void {
    const c = this.outstanding;
    if (!c || c.id !== id) return;
    clearTimeout(c.timer);
    this.outstanding = null;
    if (outcome instanceof Error) c.reject(outcome);
    else c.resolve(outcome);
    this.pump();
  }

  private handleReply(frame: Exclude<Frame, { type: 2 }>): void {
    const c = this.outstanding;
    if (!c || c.id !== frame.id) {
      this.emit({ type: 'protocolError', code: 'ProtocolError', message: 'Reply to no outstanding call (late or unknown id)', messageId: frame.id });
      return;
    }
    if (frame.type === CALLERROR) {
      this.settle(frame.id, new RpcError(frame.code, frame.description, frame.details));
      return;
    }
    const issue = this.schemas.validateResponse(c.action, frame.payload);
    if (issue) {
      this.emit({ type: 'invalidResponse', action: c.action, message: issue.message });
      this.settle(frame.id, new RpcInvalidResponseError(c.action, issue, frame.payload));
      return;
    }
    this.settle(frame.id, frame.payload);
  }

  private async handleCall(frame: Extract<Frame, { type: 2 }>): Promise<void> {
    const { id, action, payload } = frame;
    if (!this.schemas.hasAction(action)) {
      return this.reject(id, action, 'NotImplemented', `Action ${action} is not known in ${this.version}`);
    }
    if (!this.schemas.initiatedBy(action, this.peer)) {
      return this.reject(id, action, 'NotSupported', `Action ${action} is not sent by the ${this.peer} in ${this.version}`);
    }
    const issue = this.schemas.validateRequest(action, payload);
    if (issue) return this.reject(id, action, issue.code, issue.message);

    let response: unknown;
    try {
      response = await this.opts.onCall(action, payload, id);
    } catch (error) {
      if (error instanceof RpcError && OWN_CODES.has(error.code)) {
        return this.reject(id, action, error.code as RpcErrorCode, error.message, error.details);
      }
      this.emit({ type: 'handlerError', action, error });
      return this.reject(id, action, 'InternalError', `Could not process ${action}; please retry`);
    }
    if (this.closed) return;
    const bad = this.schemas.validateResponse(action, response);
    if (bad) {
      // Our own bug: never put an invalid payload on the wire.
      this.emit({ type: 'handlerError', action, error: new Error(`invalid ${action} response: ${bad.message}`) });
      return this.reject(id, action, 'InternalError', `Could not build a valid ${action} response`);
    }
    this.write(resultFrame(id, response));
  }

  private reject(id: string, action: string, code: RpcErrorCode, message: string, details: Record<string, unknown> = {}): void {
    this.emit({ type: 'protocolError', code, message, messageId: id, action });
    this.sendError(id, code, message, details);
  }

  private sendError(id: string, code: RpcErrorCode, message: string, details: Record<string, unknown> = {}): void {
    this.write(errorFrame(id, wireErrorCode(this.version, code), message, details));
  }

  private write(text: string): void {
    if (this.closed) return;
    this.emit({ type: 'frame', direction: 'out', text });
    this.opts.send(text);
  }

  private emit(event: RpcEvent): void {
    this.opts.onEvent?.(event);
  }
}
