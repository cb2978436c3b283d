/**
 * A hand-written OCPP 1.6J charger for integration tests: a raw `ws` socket, frames built and
 * read by hand, so tests can send anything (malformed frames included) and see every reply.
 */
import { WebSocket } from 'ws';

/** An OCPP-J frame as received: CALL, CALLRESULT or CALLERROR. */
export type RawFrame = [number, string, ...unknown[]];

/** Answers a CALL from the CSMS; returns the response payload or `{ error: [code, description] }`. */
export type RawHandler = (payload: Record<string, unknown>) => unknown;

/** A CALLERROR received in reply to a call. */
export class CallError extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
    readonly details: unknown,
  ) {
    super(`${code}: ${description}`);
  }
}

/**
 * One raw charger connection.
 * @example
 * const cp = await RawCharger.connect(`${server.ws}/CP1`);
 * cp.handle('Reset', () => ({ status: 'Accepted' }));
 * await cp.call('Heartbeat', {});
 */
export class RawCharger {
  /** Every frame received, in order (CALLs from the CSMS included). */
  readonly received: unknown[] = [];
  private readonly handlers = new Map<string, RawHandler>();
  private readonly waiters = new Map<string, (frame: RawFrame) => void>();
  private seq = 0;
  /** Resolves with the close code once the socket is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      let frame: unknown;
      try {
        frame = JSON.parse(String(data));
      } catch {
        this.received.push(String(data));
        return;
      }
      this.received.push(frame);
      if (!Array.isArray(frame)) return;
      const [type, id] = frame as RawFrame;
      if (type === 2) this.answer(frame as RawFrame);
      else this.waiters.get(id)?.(frame as RawFrame);
    });
  }

  /** Opens a connection with the given subprotocols (default ocpp1.6) and waits until it is open. */
  static connect(url: string, protocols: string[] = ['ocpp1.6']): Promise<RawCharger> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols);
      const cp = new RawCharger(ws);
      ws.once('open', () => resolve(cp));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode} on upgrade`)));
    });
  }

  handle(action: string, fn: RawHandler): void {
    this.handlers.set(action, fn);
  }

  /** Sends a text frame as is. */
  send(text: string): void {
    this.ws.send(text);
  }

  /** Sends a raw text frame and resolves with the reply carrying `id`. */
  sendAndWait(text: string, id: string, timeoutMs = 5000): Promise<RawFrame> {
    const reply = this.reply(id, timeoutMs);
    this.ws.send(text);
    return reply;
  }

  /** Resolves with the next CALLRESULT/CALLERROR for `id`. */
  reply(id: string, timeoutMs = 5000): Promise<RawFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`no reply to message ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(id, (frame) => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve(frame);
      });
    });
  }

  /** Sends a CALL; resolves with the CALLRESULT payload, rejects with {@link CallError} on a CALLERROR. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async call(action: string, payload: object): Promise<any> {
    const id = `m${++this.seq}`;
    const frame = await this.sendAndWait(JSON.stringify([2, id, action, payload]), id);
    if (frame[0] === 4) throw new CallError(String(frame[2]), String(frame[3]), frame[4]);
    return frame[2];
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }

  private answer([, id, action, payload]: RawFrame): void {
    const fn = this.handlers.get(String(action));
    let out: unknown;
    try {
      out = fn ? fn(payload as Record<string, unknown>) : { error: ['NotImplemented', `no handler for ${String(action)}`] };
    } catch (e) {
      out = { error: ['InternalError', (e as Error).message] };
    }
    const err = (out as { error?: [string, string] }).error;
    this.ws.send(JSON.stringify(err ? [4, id, err[0], err[1], {}] : [3, id, out]));
  }
}
