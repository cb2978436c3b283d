import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import type { Channel, ChannelModel, ConsumeMessage, Message, Options } from 'amqplib';
import { RpcError, RpcTimeoutError } from '@voltlane/ocpp';
import {
  StationOfflineError,
  type Bus,
  type CommandHandler,
  type ConnectionEvent,
  type ConnectionHandler,
  type StationCall,
  type StationCallHandler,
  type StationCommand,
} from '../bus.js';
import { fromWireError, shardOf, shardPriority, toWireError, type Reply, type ShardMessage } from './wire.js';

/** Minimal logger surface (pino-compatible). */
export interface BusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface AmqpBusOptions {
  /** amqp://user:password@host:5672/vhost */
  url: string;
  /** Unique id of this process (gateway command queue, consumer priorities, connection name). */
  nodeId: string;
  log: BusLogger;
  /** Prefix of every queue and exchange name (default `voltlane`); all nodes of a cluster share it. */
  prefix?: string;
  /** Number of shard queues (default 16); all nodes of a cluster must agree. */
  shards?: number;
  /** How long a gateway waits for a worker's answer to a station's CALL (default 30 s). */
  callTimeoutMs?: number;
  /** Unacknowledged messages a worker takes per shard (default 32); one station's are still handled one at a time. */
  prefetch?: number;
  /** Reconnect back-off bounds (default 500 ms to 15 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  /** Set when a gateway answered "not here": another gateway may still answer (station moving). */
  offlineTimer?: NodeJS.Timeout;
}

/** How long a command waits for another gateway's answer after one said the station is not there. */
const OFFLINE_GRACE_MS = 300;

/**
 * The RabbitMQ bus (AMQP 0-9-1). Topology, all under one prefix:
 * - `<prefix>.calls.<k>` (k < shards): durable queues with single-active-consumer. A station's CALLs
 *   and connection events go to shard `hash(stationId) % shards`, so they stay in order; workers
 *   consume every shard and handle one station's messages one at a time, acking each only after its
 *   handler finished. Replies go to the gateway's exclusive reply queue (RPC with correlation ids).
 * - `<prefix>.stations`: a direct exchange; each gateway binds its exclusive command queue with the
 *   ids of the stations whose sockets it holds (bind on connect, unbind on disconnect; the broker
 *   drops the bindings when the gateway dies). A command nobody is bound for comes back (mandatory
 *   flag): the station is offline.
 * Connection loss: pending requests fail, the bus reconnects with back-off and restores its
 * consumers and bindings.
 * @example
 * const bus = new AmqpBus({ url: 'amqp://guest:guest@127.0.0.1:5672', nodeId: 'gw-1', log });
 * new Gateway({ bus, ... }); await bus.start();
 */
export class AmqpBus implements Bus {
  private readonly prefix: string;
  private readonly shards: number;
  private conn?: ChannelModel;
  private ch?: Channel;
  private workCh?: Channel;
  private replyQueue?: string;
  private commandQueue?: string;
  private shardConsumers: string[] = [];
  private commandConsumerOn?: Channel;
  private callHandler?: StationCallHandler;
  private commandHandler?: CommandHandler;
  private readonly connectionHandlers: ConnectionHandler[] = [];
  private readonly pending = new Map<string, Pending>();
  /** Stations whose sockets this node holds (gateway role): bound to its command queue. */
  private readonly held = new Set<string>();
  /** Per-station chains of work on a worker: one station's messages run one after the other. */
  private readonly chains = new Map<string, Promise<void>>();
  private closing = false;
  private reconnectTimer?: NodeJS.Timeout;
  private backoffMs: number;
  private connecting?: Promise<void>;

  constructor(private readonly opts: AmqpBusOptions) {
    this.prefix = opts.prefix ?? 'voltlane';
    this.shards = opts.shards ?? 16;
    this.backoffMs = opts.reconnectMinMs ?? 500;
  }

  /** Connected to RabbitMQ with consumers in place. */
  get ready(): boolean {
    return !!this.ch && !this.closing;
  }

  /** Connects (retrying with back-off until it succeeds or {@link close} is called). */
  async start(): Promise<void> {
    for (;;) {
      try {
        await this.connect();
        return;
      } catch (err) {
        if (this.closing) throw new Error('bus closed before it could connect', { cause: err });
        this.opts.log.warn({ err: (err as Error).message, retryInMs: this.backoffMs }, 'RabbitMQ not reachable; retrying');
        await sleep(this.backoffMs);
        this.backoffMs = Math.min(this.backoffMs * 2, this.opts.reconnectMaxMs ?? 15_000);
      }
    }
  }

  // ---- gateway side -------------------------------------------------------------------------

  stationCall(call: StationCall): Promise<unknown> {
    const timeoutMs = this.opts.callTimeoutMs ?? 30_000;
    const msg: ShardMessage = { kind: 'call', call: { ...call, receivedAt: call.receivedAt.toISOString() }, deadline: Date.now() + timeoutMs };
    return this.request(
      timeoutMs,
      () => new RpcError('InternalError', `No worker answered ${call.action} within ${timeoutMs / 1000} s; retry later`),
      (correlationId, replyTo) => this.send('', this.shardQueue(shardOf(call.stationId, this.shards)), msg, { correlationId, replyTo, persistent: true }),
    );
  }

  async connection(event: ConnectionEvent): Promise<void> {
    if (this.commandHandler) {
      // Bound stations are re-bound after a reconnect; while disconnected, only the set changes.
      if (event.type === 'connected') this.held.add(event.stationId);
      else this.held.delete(event.stationId);
      if (this.ch && this.commandQueue) {
        if (event.type === 'connected') await this.ch.bindQueue(this.commandQueue, this.exchange, event.stationId);
        else await this.ch.unbindQueue(this.commandQueue, this.exchange, event.stationId);
      }
    }
    const msg: ShardMessage = { kind: 'connection', event: { ...event, at: event.at.toISOString() } };
    this.send('', this.shardQueue(shardOf(event.stationId, this.shards)), msg, { persistent: true });
  }

  onCommand(handler: CommandHandler): void {
    this.commandHandler = handler;
    if (this.ch) void this.setupCommands(this.ch).catch((err: unknown) => this.opts.log.error({ err }, 'could not consume commands'));
  }

  // ---- API side -----------------------------------------------------------------------------

  command(cmd: StationCommand): Promise<Record<string, unknown>> {
    return this.request(
      cmd.timeoutMs + 2000,
      () => new RpcTimeoutError(cmd.action, cmd.timeoutMs),
      (correlationId, replyTo) =>
        this.send(this.exchange, cmd.stationId, cmd, { correlationId, replyTo, mandatory: true, expiration: String(cmd.timeoutMs) }),
    ) as Promise<Record<string, unknown>>;
  }

  // ---- worker side --------------------------------------------------------------------------

  onStationCall(handler: StationCallHandler): void {
    this.callHandler = handler;
    if (this.conn) void this.setupShards(this.conn).catch((err: unknown) => this.opts.log.error({ err }, 'could not consume shards'));
  }

  onConnection(handler: ConnectionHandler): void {
    this.connectionHandlers.push(handler);
    if (this.conn) void this.setupShards(this.conn).catch((err: unknown) => this.opts.log.error({ err }, 'could not consume shards'));
  }

  /**
   * Graceful stop: takes no new work, finishes (and acks) what this worker already took, fails
   * pending requests, and closes the connection (the broker then drops this gateway's bindings).
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const workCh = this.workCh;
    for (const tag of this.shardConsumers) await workCh?.cancel(tag).catch(() => undefined);
    this.shardConsumers = [];
    while (this.chains.size) await Promise.allSettled([...this.chains.values()]);
    this.failPending(new Error('bus closed'));
    await this.conn?.close().catch(() => undefined);
    this.conn = this.ch = this.workCh = undefined;
  }

  /**
   * Deletes a cluster's queues and exchange (tests, or decommissioning a prefix).
   * @example await AmqpBus.deleteTopology(url, 'voltlane-test-1a2b', 16);
   */
  static async deleteTopology(url: string, prefix: string, shards = 16): Promise<void> {
    const conn = await amqp.connect(url);
    try {
      const ch = await conn.createChannel();
      for (let k = 0; k < shards; k++) await ch.deleteQueue(`${prefix}.calls.${k}`);
      await ch.deleteExchange(`${prefix}.stations`);
    } finally {
      await conn.close();
    }
  }

  // ---- internals ----------------------------------------------------------------------------

  private get exchange(): string {
    return `${this.prefix}.stations`;
  }

  private shardQueue(k: number): string {
    return `${this.prefix}.calls.${k}`;
  }

  private connect(): Promise<void> {
    this.connecting ??= this.doConnect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    const conn = await amqp.connect(this.opts.url, { clientProperties: { connection_name: `voltlane ${this.opts.nodeId}` } });
    conn.on('error', (err: Error) => this.opts.log.warn({ err: err.message }, 'RabbitMQ connection error'));
    conn.on('close', () => this.onConnectionLost(conn));
    try {
      const ch = await conn.createChannel();
      ch.on('error', (err: Error) => this.opts.log.warn({ err: err.message }, 'RabbitMQ channel error'));
      ch.on('return', (msg: Message) => this.onReturned(msg));
      await ch.assertExchange(this.exchange, 'direct', { durable: true });
      for (let k = 0; k < this.shards; k++) {
        await ch.assertQueue(this.shardQueue(k), { durable: true, arguments: { 'x-single-active-consumer': true } });
      }
      const reply = await ch.assertQueue('', { exclusive: true, autoDelete: true });
      await ch.consume(reply.queue, (m) => m && this.onReply(m), { noAck: true });
      this.conn = conn;
      this.ch = ch;
      this.replyQueue = reply.queue;
      if (this.commandHandler) await this.setupCommands(ch);
      if (this.callHandler || this.connectionHandlers.length) await this.setupShards(conn);
      this.backoffMs = this.opts.reconnectMinMs ?? 500;
      this.opts.log.info({ nodeId: this.opts.nodeId, prefix: this.prefix, shards: this.shards }, 'connected to RabbitMQ');
    } catch (err) {
      await conn.close().catch(() => undefined);
      throw err;
    }
  }

  /** Gateway: an exclusive command queue, bound for every station this node holds. */
  private async setupCommands(ch: Channel): Promise<void> {
    if (this.commandConsumerOn === ch) return;
    this.commandConsumerOn = ch;
    const q = await ch.assertQueue(`${this.prefix}.gateway.${this.opts.nodeId}`, { exclusive: true, autoDelete: true });
    this.commandQueue = q.queue;
    for (const stationId of this.held) await ch.bindQueue(q.queue, this.exchange, stationId);
    await ch.consume(q.queue, (m) => m && void this.onCommandMessage(ch, m), { noAck: true });
  }

  /** Worker: consume every shard (single active consumer per shard across all workers). */
  private async setupShards(conn: ChannelModel): Promise<void> {
    if (this.workCh || this.closing) return;
    const workCh = await conn.createChannel();
    this.workCh = workCh;
    workCh.on('error', (err: Error) => this.opts.log.warn({ err: err.message }, 'RabbitMQ work channel error'));
    await workCh.prefetch(this.opts.prefetch ?? 32);
    for (let k = 0; k < this.shards; k++) {
      const { consumerTag } = await workCh.consume(this.shardQueue(k), (m) => m && this.onShardMessage(workCh, m), {
        priority: shardPriority(this.opts.nodeId, k),
      });
      this.shardConsumers.push(consumerTag);
    }
  }

  private onShardMessage(ch: Channel, m: ConsumeMessage): void {
    let msg: ShardMessage;
    try {
      msg = JSON.parse(m.content.toString('utf8')) as ShardMessage;
    } catch {
      this.opts.log.error({ queue: m.fields.routingKey }, 'unreadable bus message dropped');
      ch.ack(m);
      return;
    }
    const stationId = msg.kind === 'call' ? msg.call.stationId : msg.event.stationId;
    const previous = this.chains.get(stationId) ?? Promise.resolve();
    const next = previous.then(() => this.process(ch, m, msg));
    this.chains.set(stationId, next);
    void next.finally(() => {
      if (this.chains.get(stationId) === next) this.chains.delete(stationId);
    });
  }

  private async process(ch: Channel, m: ConsumeMessage, msg: ShardMessage): Promise<void> {
    try {
      if (msg.kind === 'call') {
        if (Date.now() > msg.deadline) {
          this.opts.log.warn({ stationId: msg.call.stationId, action: msg.call.action }, 'station call expired before a worker took it; the charger retries');
        } else {
          let reply: Reply;
          try {
            if (!this.callHandler) throw new RpcError('InternalError', 'this worker has no station call handler');
            const result = await this.callHandler({ ...msg.call, receivedAt: new Date(msg.call.receivedAt) });
            reply = { ok: true, result };
          } catch (error) {
            reply = { ok: false, error: toWireError(error) };
          }
          if (m.properties.replyTo) this.reply(m.properties.replyTo, m.properties.correlationId as string, reply);
        }
      } else {
        const event = { ...msg.event, at: new Date(msg.event.at) } as ConnectionEvent;
        for (const h of this.connectionHandlers) {
          await h(event).catch((err: unknown) => this.opts.log.error({ stationId: event.stationId, err }, 'connection event handling failed'));
        }
      }
    } finally {
      try {
        ch.ack(m);
      } catch {
        // channel gone (broker restart): the broker redelivers the message
      }
    }
  }

  private async onCommandMessage(ch: Channel, m: ConsumeMessage): Promise<void> {
    let reply: Reply;
    try {
      const cmd = JSON.parse(m.content.toString('utf8')) as StationCommand;
      if (!this.commandHandler) throw new StationOfflineError(cmd.stationId);
      reply = { ok: true, result: await this.commandHandler(cmd) };
    } catch (error) {
      reply = { ok: false, error: toWireError(error) };
    }
    if (m.properties.replyTo && ch === this.ch) this.reply(m.properties.replyTo, m.properties.correlationId as string, reply);
  }

  private reply(to: string, correlationId: string, reply: Reply): void {
    try {
      this.ch?.sendToQueue(to, Buffer.from(JSON.stringify(reply)), { correlationId });
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'could not send a bus reply');
    }
  }

  private onReply(m: ConsumeMessage): void {
    const id = m.properties.correlationId as string | undefined;
    const p = id ? this.pending.get(id) : undefined;
    if (!p || !id) return;
    const reply = JSON.parse(m.content.toString('utf8')) as Reply;
    if (!reply.ok && reply.error.kind === 'offline') {
      // Usually one gateway holds a station; while it moves, the old one may still be bound.
      p.offlineTimer ??= setTimeout(() => this.settle(id, fromWireError(reply.error)), OFFLINE_GRACE_MS);
      return;
    }
    this.settle(id, reply.ok ? undefined : fromWireError(reply.error), reply.ok ? reply.result : undefined);
  }

  private onReturned(m: Message): void {
    const id = m.properties.correlationId as string | undefined;
    if (id && this.pending.has(id)) this.settle(id, new StationOfflineError(m.fields.routingKey));
  }

  private settle(id: string, error: Error | undefined, result?: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    clearTimeout(p.offlineTimer);
    if (error) p.reject(error);
    else p.resolve(result);
  }

  private request(timeoutMs: number, onTimeout: () => Error, publish: (correlationId: string, replyTo: string) => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (!this.ch || !this.replyQueue) {
        reject(new RpcError('InternalError', 'The message bus (RabbitMQ) is not connected; retry shortly'));
        return;
      }
      const id = randomUUID();
      const timer = setTimeout(() => this.settle(id, onTimeout()), timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        publish(id, this.replyQueue);
      } catch (err) {
        this.settle(id, err as Error);
      }
    });
  }

  private send(exchange: string, routingKey: string, body: unknown, options: Options.Publish): void {
    if (!this.ch) throw new RpcError('InternalError', 'The message bus (RabbitMQ) is not connected; retry shortly');
    this.ch.publish(exchange, routingKey, Buffer.from(JSON.stringify(body)), { contentType: 'application/json', ...options });
  }

  private failPending(error: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, error);
  }

  private onConnectionLost(conn: ChannelModel): void {
    if (this.conn !== conn) return;
    this.conn = this.ch = this.workCh = undefined;
    this.replyQueue = undefined;
    this.commandQueue = undefined;
    this.commandConsumerOn = undefined;
    this.shardConsumers = [];
    this.failPending(new RpcError('InternalError', 'Lost the connection to the message bus (RabbitMQ); retry shortly'));
    if (this.closing) return;
    this.opts.log.warn({ retryInMs: this.backoffMs }, 'lost the RabbitMQ connection; reconnecting');
    const retry = () => {
      this.reconnectTimer = setTimeout(() => {
        this.connect().catch((err: unknown) => {
          if (this.closing) return;
          this.opts.log.warn({ err: (err as Error).message, retryInMs: this.backoffMs }, 'RabbitMQ still not reachable');
          this.backoffMs = Math.min(this.backoffMs * 2, this.opts.reconnectMaxMs ?? 15_000);
          retry();
        });
      }, this.backoffMs);
    };
    retry();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
