import { RpcClosedError } from '@voltlane/ocpp';

/** The transaction-related messages OCPP requires a charger to deliver, even after a connection loss (1.6; 2.x: TransactionEvent). */
export type TxAction = 'StartTransaction' | 'StopTransaction' | 'MeterValues' | 'TransactionEvent';

export interface TxMessage {
  action: TxAction;
  /** Built when the event happened, so the timestamps are the original ones. */
  payload: Record<string, unknown>;
  /** StartTransaction only: the placeholder id the station uses until the CSMS assigns one. */
  localId?: number;
  attempts: number;
  done?: (outcome: Record<string, unknown> | Error) => void;
}

/** What the queue needs from its station. */
export interface TxQueueHost {
  /** Connected and registered (BootNotification Accepted). */
  ready(): boolean;
  send(action: TxAction, payload: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The CSMS answered a StartTransaction that the station knew by `localId`. */
  started(localId: number, request: Record<string, unknown>, response: Record<string, unknown>): void;
  /** TransactionMessageAttempts and TransactionMessageRetryInterval (ms). */
  retryPolicy(): { attempts: number; intervalMs: number };
  log(msg: string): void;
}

/** Oldest periodic samples are dropped beyond this many queued messages (a charger's storage is finite). */
const MAX_QUEUED = 2000;

/** Periodic readings: what goes first when the queue is full (1.6 MeterValues, 2.x TransactionEvent Updated by a meter value trigger). */
function isSample(m: TxMessage): boolean {
  if (m.action === 'MeterValues') return true;
  const trigger = m.payload.triggerReason;
  return m.action === 'TransactionEvent' && m.payload.eventType === 'Updated' && (trigger === 'MeterValuePeriodic' || trigger === 'MeterValueClock');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Delivers transaction messages one after the other, in the order they happened, across
 * disconnections: what cannot be sent waits for the next accepted boot. Placeholder
 * transaction ids of transactions started offline are replaced by the real ones on the way out.
 * @example
 * const q = new TxQueue(host);
 * const reply = await q.send({ action: 'StartTransaction', payload, localId: -1 });
 */
export class TxQueue {
  private readonly items: TxMessage[] = [];
  private busy = false;
  /** Placeholder id -> real id, for transactions whose StopTransaction is still to come. */
  private ids: Map<number, number> | undefined;

  constructor(private readonly host: TxQueueHost) {}

  get length(): number {
    return this.items.length;
  }

  /** Whether a queued message matches (e.g. one of a given transaction). */
  some(test: (m: TxMessage) => boolean): boolean {
    return this.items.some(test);
  }

  /** Queues a message and tries to deliver it now. */
  push(msg: Omit<TxMessage, 'attempts'>): void {
    this.items.push({ ...msg, attempts: 0 });
    if (this.items.length > MAX_QUEUED) {
      const i = this.items.findIndex((m, idx) => idx > 0 && isSample(m));
      if (i > 0) this.items.splice(i, 1)[0]!.done?.(new Error('Dropped: offline queue full'));
    }
    void this.flush();
  }

  /** Queues a message and resolves with the CSMS's reply (rejects if it is given up). */
  send(msg: Omit<TxMessage, 'attempts' | 'done'>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.push({ ...msg, done: (o) => (o instanceof Error ? reject(o) : resolve(o)) });
    });
  }

  /** Sends what is queued while the station is ready; never throws. */
  async flush(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.items.length > 0 && this.host.ready()) {
        const m = this.items[0]!;
        const payload = this.outgoing(m);
        if (!payload) {
          this.items.shift();
          this.host.log(`${m.action} dropped: its transaction never got an id from the CSMS`);
          m.done?.(new Error(`${m.action} dropped: the transaction has no id`));
          continue;
        }
        let reply: Record<string, unknown>;
        try {
          reply = await this.host.send(m.action, payload);
        } catch (error) {
          // Connection gone: the message stays first in line for the next connection.
          if (error instanceof RpcClosedError || !this.host.ready()) break;
          const policy = this.host.retryPolicy();
          m.attempts++;
          if (m.attempts < policy.attempts) {
            this.host.log(`${m.action} failed (${(error as Error).message}); retry ${m.attempts} in ${(policy.intervalMs * m.attempts) / 1000} s`);
            await sleep(policy.intervalMs * m.attempts);
            continue;
          }
          this.items.shift();
          this.host.log(`${m.action} given up after ${m.attempts} attempts: ${(error as Error).message}`);
          m.done?.(error as Error);
          continue;
        }
        this.items.shift();
        this.delivered(m, reply);
        m.done?.(reply);
      }
    } finally {
      this.busy = false;
    }
  }

  /** The payload as it goes on the wire now, or undefined if it can no longer be sent. */
  private outgoing(m: TxMessage): Record<string, unknown> | undefined {
    const id = m.payload.transactionId;
    if (m.action === 'StartTransaction' || typeof id !== 'number' || id >= 0) return m.payload;
    const real = this.ids?.get(id);
    if (real !== undefined) return { ...m.payload, transactionId: real };
    if (m.action === 'StopTransaction') return undefined;
    // A sample of a transaction the CSMS never learnt about: still worth sending, without the id.
    const rest = { ...m.payload };
    delete rest.transactionId;
    return rest;
  }

  private delivered(m: TxMessage, reply: Record<string, unknown>): void {
    if (m.action === 'StartTransaction' && m.localId !== undefined) {
      if (m.localId < 0) (this.ids ??= new Map()).set(m.localId, reply.transactionId as number);
      this.host.started(m.localId, m.payload, reply);
    } else if (m.action === 'StopTransaction') {
      const original = m.payload.transactionId as number;
      if (original < 0) this.ids?.delete(original);
    }
  }
}
