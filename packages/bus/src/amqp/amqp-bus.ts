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
import { fromWireError, shardOf, toWireError, type Reply, type ShardMessage } from './wire.js';

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
  /** Reconnect back-off bounds (default 500 ms to 5 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /**
   * Worker: consume only the shards given to {@link AmqpBus.setShards} (shard leases, ADR 0007)
   * instead of every shard.
   */
  leasedShards?: boolean;
}

/** A question sent to every gateway of the cluster (API nodes asking for what lives in gateway memory). */
export type GatewayQuery =
  | { kind: 'frames'; stationId: string; limit: number; direction?: 'in' | 'out' | undefined }
  | { kind: 'disconnect'; stationId: string; reason: string };

/** Answers a {@link GatewayQuery} on a gateway. */
export type GatewayQueryHandler = (query: GatewayQuery) => Promise<unknown>;

/** Receives a live event another node published (`origin` is its node id). */
export type RelayedEventHandler = (name: string, data: unknown, origin: string) => void;

/** Replies to one {@link AmqpBus.queryGateways} call, collected until all expected gateways answered. */
interface Gather {
  replies: unknown[];
  expected: number;
  resolve(replies: unknown[]): void;
  timer: NodeJS.Timeout;
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
  /** Shard -> consumer tag on the work channel. */
  private readonly shardConsumers = new Map<number, string>();
  /** Shards this worker should consume: all of them, or its leases (see {@link setShards}). */
  private desiredShards: Set<number>;
  /** Messages taken and not yet acked, per shard, and who waits for a shard to drain. */
  private readonly inflight = new Map<number, number>();
  private readonly drainWaiters = new Map<number, (() => void)[]>();
  /** Consumer changes run one at a time. */
  private applying: Promise<void> = Promise.resolve();
  /** The work channel being opened for a connection (shard consumers wait for it). */
  private shardSetup?: { conn: ChannelModel; ready: Promise<void> };
  private handled = 0;
  private redelivered = 0;
  private commandConsumerOn?: Channel;
  private eventConsumerOn?: Channel;
  private eventBatch: { name: string; data: unknown }[] = [];
  private eventTimer?: NodeJS.Timeout;
  private callHandler?: StationCallHandler;
  private commandHandler?: CommandHandler;
  private gatewayQueryHandler?: GatewayQueryHandler;
  private eventHandler?: RelayedEventHandler;
  private readonly connectionHandlers: ConnectionHandler[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly gathers = new Map<string, Gather>();
  /** Stations whose sockets this node holds (gateway role), with their "connected" event: bound to its command queue. */
  private readonly held = new Map<string, ConnectionEvent>();
  /** Connection events that happened while the broker was unreachable (latest per station), sent on reconnect. */
  private readonly unsent = new Map<string, ConnectionEvent>();
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
    this.desiredShards = new Set(opts.leasedShards ? [] : Array.from({ length: this.shards }, (_, k) => k));
  }

  /** Connected to RabbitMQ with consumers in place. */
  get ready(): boolean {
    return !!this.ch && !this.closing;
  }

  /** This node's id (names its queues and its RabbitMQ connection). */
  get nodeId(): string {
    return this.opts.nodeId;
  }

  /** Worker: the shards it consumes now, how many station messages it handled, and how many of them were redeliveries. */
  get stats(): { shards: number[]; handled: number; redelivered: number } {
    return { shards: [...this.shardConsumers.keys()].sort((a, b) => a - b), handled: this.handled, redelivered: this.redelivered };
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
        this.backoffMs = Math.min(this.backoffMs * 2, this.opts.reconnectMaxMs ?? 5000);
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
    const gateway = !!this.commandHandler;
    const e: ConnectionEvent = gateway ? { ...event, gateway: this.opts.nodeId } : event;
    // Bound stations are re-bound after a reconnect; while disconnected, only the set changes.
    if (gateway) {
      if (e.type === 'connected') this.held.set(e.stationId, e);
      else this.held.delete(e.stationId);
    }
    if (!this.publishConnection(e)) return;
    const ch = this.ch;
    // A closing gateway leaves the broker next, which drops all its bindings at once.
    if (!gateway || !ch || !this.commandQueue || this.closing) return;
    try {
      if (e.type === 'connected') await ch.bindQueue(this.commandQueue, this.exchange, e.stationId);
      else await ch.unbindQueue(this.commandQueue, this.exchange, e.stationId);
    } catch (err) {
      // The channel went away meanwhile: bindings are restored from `held` on reconnect.
      if (ch === this.ch && !this.closing) throw err;
    }
  }

  /** Gateway: answers {@link queryGateways} calls (raw frames, disconnect) from API nodes. */
  onGatewayQuery(handler: GatewayQueryHandler): void {
    this.gatewayQueryHandler = handler;
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

  /**
   * Asks every gateway and resolves with the results of those that answered, once `expected`
   * answered or after `timeoutMs` (a gateway that fails to answer is left out, not an error).
   * @example const lists = await bus.queryGateways({ kind: 'frames', stationId: 'CP1', limit: 100 }, 2);
   */
  queryGateways(query: GatewayQuery, expected: number, timeoutMs = 1500): Promise<unknown[]> {
    if (expected <= 0 || !this.ch || !this.replyQueue) return Promise.resolve([]);
    const id = randomUUID();
    return new Promise((resolve) => {
      const finish = () => {
        const g = this.gathers.get(id);
        if (!g) return;
        this.gathers.delete(id);
        clearTimeout(g.timer);
        resolve(g.replies);
      };
      this.gathers.set(id, { replies: [], expected, resolve: finish, timer: setTimeout(finish, timeoutMs) });
      try {
        this.send(this.gatewaysExchange, '', query, { correlationId: id, replyTo: this.replyQueue!, type: 'gateway-query', expiration: String(timeoutMs) });
      } catch {
        finish();
      }
    });
  }

  // ---- live events --------------------------------------------------------------------------

  /** Publishes a live event to every node that listens (fire and forget; lost while disconnected). */
  publishEvent(name: string, data: unknown): void {
    if (!this.ch) return;
    // Batched: a busy worker raises an event per meter value; one message per 50 ms costs little.
    this.eventBatch.push({ name, data });
    if (this.eventBatch.length >= 500) this.flushEvents();
    else this.eventTimer ??= setTimeout(() => this.flushEvents(), 50);
  }

  private flushEvents(): void {
    clearTimeout(this.eventTimer);
    this.eventTimer = undefined;
    const events = this.eventBatch.splice(0);
    if (!events.length || !this.ch) return;
    try {
      this.ch.publish(this.eventsExchange, '', Buffer.from(JSON.stringify(events)), { contentType: 'application/json', appId: this.opts.nodeId });
    } catch {
      // channel closing: live events are best effort
    }
  }

  /** Receives the live events other nodes publish (API nodes: the SSE stream). */
  onEvent(handler: RelayedEventHandler): void {
    this.eventHandler = handler;
    if (this.ch) void this.setupEvents(this.ch).catch((err: unknown) => this.opts.log.error({ err }, 'could not consume live events'));
  }

  // ---- worker side --------------------------------------------------------------------------

  onStationCall(handler: StationCallHandler): void {
    this.callHandler = handler;
    if (this.conn) void this.setupShards(this.conn);
  }

  onConnection(handler: ConnectionHandler): void {
    this.connectionHandlers.push(handler);
    if (this.conn) void this.setupShards(this.conn);
  }

  /**
   * Worker: consume exactly these shards (its leases). Consumers of shards no longer listed are
   * cancelled and resolve only once the messages they took are handled and acked, so the caller
   * may then hand the shard to another worker without breaking per-station order. While
   * disconnected the set is remembered and applied on reconnect.
   * @example await bus.setShards([0, 1, 2, 3]);
   */
  setShards(shards: Iterable<number>): Promise<void> {
    this.desiredShards = new Set([...shards].filter((k) => Number.isInteger(k) && k >= 0 && k < this.shards));
    return this.reconcileShards();
  }

  /**
   * Graceful stop: takes no new work, finishes (and acks) what this worker already took, fails
   * pending requests, and closes the connection (the broker then drops this gateway's bindings).
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.flushEvents();
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    this.desiredShards = new Set();
    await this.applying;
    await this.applyShards();
    while (this.chains.size) await Promise.allSettled([...this.chains.values()]);
    this.failPending(new RpcError('InternalError', 'This node is shutting down; retry (another node takes over)'));
    for (const id of [...this.gathers.keys()]) this.gathers.get(id)?.resolve([]);
    const conn = this.conn;
    this.conn = this.ch = this.workCh = undefined;
    await conn?.close().catch(() => undefined);
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
      for (const x of ['stations', 'gateways', 'events']) await ch.deleteExchange(`${prefix}.${x}`);
    } finally {
      await conn.close();
    }
  }

  // ---- internals ----------------------------------------------------------------------------

  private get exchange(): string {
    return `${this.prefix}.stations`;
  }

  /** Fan-out to every gateway's command queue (queries about what lives in gateway memory). */
  private get gatewaysExchange(): string {
    return `${this.prefix}.gateways`;
  }

  /** Fan-out of live events to every listening node. */
  private get eventsExchange(): string {
    return `${this.prefix}.events`;
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
      await ch.assertExchange(this.gatewaysExchange, 'fanout', { durable: true });
      await ch.assertExchange(this.eventsExchange, 'fanout', { durable: true });
      for (let k = 0; k < this.shards; k++) {
        await ch.assertQueue(this.shardQueue(k), { durable: true, arguments: { 'x-single-active-consumer': true } });
      }
      const reply = await ch.assertQueue('', { exclusive: true, autoDelete: true });
      await ch.consume(reply.queue, (m) => m && this.onReply(m), { noAck: true });
      this.conn = conn;
      this.ch = ch;
      this.replyQueue = reply.queue;
      if (this.commandHandler) await this.setupCommands(ch);
      if (this.eventHandler) await this.setupEvents(ch);
      if (this.callHandler || this.connectionHandlers.length) await this.setupShards(conn);
      this.backoffMs = this.opts.reconnectMinMs ?? 500;
      this.flushUnsent();
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
    await ch.bindQueue(q.queue, this.gatewaysExchange, '');
    for (const stationId of this.held.keys()) await ch.bindQueue(q.queue, this.exchange, stationId);
    await ch.consume(q.queue, (m) => m && void this.onCommandMessage(ch, m), { noAck: true });
  }

  /** API nodes: an exclusive queue on the live events fan-out (bounded: the oldest events go first). */
  private async setupEvents(ch: Channel): Promise<void> {
    if (this.eventConsumerOn === ch) return;
    this.eventConsumerOn = ch;
    const q = await ch.assertQueue('', { exclusive: true, autoDelete: true, arguments: { 'x-max-length': 10_000, 'x-overflow': 'drop-head' } });
    await ch.bindQueue(q.queue, this.eventsExchange, '');
    await ch.consume(
      q.queue,
      (m) => {
        if (!m || m.properties.appId === this.opts.nodeId) return;
        try {
          const events = JSON.parse(m.content.toString('utf8')) as { name: string; data: unknown }[];
          for (const { name, data } of events) this.eventHandler?.(name, data, String(m.properties.appId));
        } catch (err) {
          this.opts.log.warn({ err: (err as Error).message }, 'unreadable live event dropped');
        }
      },
      { noAck: true },
    );
  }

  /** Publishes a connection event to its station's shard; false (kept for later) while the broker is unreachable. */
  private publishConnection(e: ConnectionEvent): boolean {
    const msg: ShardMessage = { kind: 'connection', event: { ...e, at: e.at.toISOString() } };
    try {
      this.send('', this.shardQueue(shardOf(e.stationId, this.shards)), msg, { persistent: true });
      this.unsent.delete(e.stationId);
      return true;
    } catch {
      this.unsent.set(e.stationId, e);
      return false;
    }
  }

  /**
   * After a reconnect: the connection events kept while disconnected, then "connected" again for
   * every station this gateway holds (an event published just before the broker went down may be
   * lost; "connected" twice changes nothing).
   */
  private flushUnsent(): void {
    const kept = [...this.unsent.values()];
    for (const e of kept) this.publishConnection(e);
    const resent = new Set(kept.map((e) => e.stationId));
    for (const [stationId, e] of this.held) if (!resent.has(stationId)) this.publishConnection(e);
  }

  /**
   * Worker: a channel for the shard consumers (single active consumer per shard across all
   * workers), once per connection; then consumes the wanted shards.
   */
  private setupShards(conn: ChannelModel): Promise<void> {
    if (this.shardSetup?.conn !== conn) {
      const ready = (async () => {
        const workCh = await conn.createChannel();
        workCh.on('error', (err: Error) => this.opts.log.warn({ err: err.message }, 'RabbitMQ work channel error'));
        await workCh.prefetch(this.opts.prefetch ?? 32);
        if (this.conn === conn || !this.conn) this.workCh = workCh;
      })().catch((err: unknown) => this.opts.log.error({ err }, 'could not open the channel for shard queues'));
      this.shardSetup = { conn, ready };
    }
    return this.reconcileShards();
  }

  private reconcileShards(): Promise<void> {
    const run = this.applying.then(() => this.applyShards()).catch((err: unknown) => {
      this.opts.log.warn({ err: (err as Error).message }, 'could not change the consumed shards; retried at the next lease tick');
    });
    this.applying = run;
    return run;
  }

  /** Cancels consumers of shards no longer wanted, waits for them to drain, then consumes the new ones. */
  private async applyShards(): Promise<void> {
    await this.shardSetup?.ready;
    const ch = this.workCh;
    const removed = [...this.shardConsumers.keys()].filter((k) => !this.desiredShards.has(k));
    for (const k of removed) {
      const tag = this.shardConsumers.get(k)!;
      this.shardConsumers.delete(k);
      // Deliveries sent before cancel-ok are already counted in `inflight` when this resolves.
      await ch?.cancel(tag).catch(() => undefined);
    }
    const draining = [...this.inflight.keys()].filter((k) => !this.desiredShards.has(k));
    await Promise.all(draining.map((k) => this.drained(k)));
    if (!ch || ch !== this.workCh || this.closing) return;
    for (const k of [...this.desiredShards].sort((a, b) => a - b)) {
      if (this.shardConsumers.has(k)) continue;
      const { consumerTag } = await ch.consume(this.shardQueue(k), (m) => m && this.onShardMessage(ch, k, m));
      this.shardConsumers.set(k, consumerTag);
    }
  }

  private drained(shard: number): Promise<void> {
    if (!this.inflight.get(shard)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.drainWaiters.get(shard) ?? [];
      list.push(resolve);
      this.drainWaiters.set(shard, list);
    });
  }

  private onShardMessage(ch: Channel, shard: number, m: ConsumeMessage): void {
    let msg: ShardMessage;
    try {
      msg = JSON.parse(m.content.toString('utf8')) as ShardMessage;
    } catch {
      this.opts.log.error({ queue: m.fields.routingKey }, 'unreadable bus message dropped');
      ch.ack(m);
      return;
    }
    this.inflight.set(shard, (this.inflight.get(shard) ?? 0) + 1);
    // Taken but not acked by a worker that died or lost its connection: handlers must be idempotent.
    if (m.fields.redelivered) this.redelivered++;
    const stationId = msg.kind === 'call' ? msg.call.stationId : msg.event.stationId;
    const previous = this.chains.get(stationId) ?? Promise.resolve();
    const next = previous.then(() => this.process(ch, m, msg));
    this.chains.set(stationId, next);
    void next.finally(() => {
      if (this.chains.get(stationId) === next) this.chains.delete(stationId);
      this.handled++;
      const left = (this.inflight.get(shard) ?? 1) - 1;
      if (left > 0) return void this.inflight.set(shard, left);
      this.inflight.delete(shard);
      for (const resolve of this.drainWaiters.get(shard) ?? []) resolve();
      this.drainWaiters.delete(shard);
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
      if (m.properties.type === 'gateway-query') {
        const query = JSON.parse(m.content.toString('utf8')) as GatewayQuery;
        if (!this.gatewayQueryHandler) throw new Error('this gateway answers no queries');
        reply = { ok: true, result: await this.gatewayQueryHandler(query) };
      } else {
        const cmd = JSON.parse(m.content.toString('utf8')) as StationCommand;
        if (!this.commandHandler) throw new StationOfflineError(cmd.stationId);
        reply = { ok: true, result: await this.commandHandler(cmd) };
      }
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
    const gather = id ? this.gathers.get(id) : undefined;
    if (gather) {
      const r = JSON.parse(m.content.toString('utf8')) as Reply;
      if (r.ok) gather.replies.push(r.result);
      else this.opts.log.warn({ err: r.error }, 'a gateway could not answer a query');
      if (--gather.expected <= 0) gather.resolve(gather.replies);
      return;
    }
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
    this.eventConsumerOn = undefined;
    // Messages taken on the lost channel are redelivered by the broker; those still being handled finish.
    this.shardConsumers.clear();
    for (const id of [...this.gathers.keys()]) this.gathers.get(id)?.resolve(this.gathers.get(id)!.replies);
    this.failPending(new RpcError('InternalError', 'Lost the connection to the message bus (RabbitMQ); retry shortly'));
    if (this.closing) return;
    this.opts.log.warn({ retryInMs: this.backoffMs }, 'lost the RabbitMQ connection; reconnecting');
    const retry = () => {
      this.reconnectTimer = setTimeout(() => {
        this.connect().catch((err: unknown) => {
          if (this.closing) return;
          this.opts.log.warn({ err: (err as Error).message, retryInMs: this.backoffMs }, 'RabbitMQ still not reachable');
          this.backoffMs = Math.min(this.backoffMs * 2, this.opts.reconnectMaxMs ?? 5000);
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
