/**
 * Shard leases (ADR 0007): PostgreSQL decides which worker consumes which shard queue, so that
 * every live worker takes its share and a dead worker's shards move to the others. RabbitMQ's
 * single-active-consumer stays on the queues as a second guard: even if two workers believed they
 * held a shard, only one would receive its messages.
 */
import type { BusLogger } from './amqp/amqp-bus.js';

/** A shard's row in `shard_leases` as one worker sees it during a tick. */
export interface LeaseView {
  shard: number;
  owner: string | null;
  /** The lease has not expired. */
  valid: boolean;
}

/** What a worker does with the shards after a tick. */
export interface LeasePlan {
  /** Shards it holds and keeps consuming (renewed). */
  keep: number[];
  /** Shards it takes now (free, expired, or owned by a dead worker). */
  claim: number[];
  /** Shards over its share: it stops consuming them, drains, then frees them. */
  release: number[];
}

/**
 * Fair share of `shards` for worker `me` among the live workers: `floor(S/N)` each, and the first
 * `S mod N` workers in id order one more, so every worker computes the same split. A worker keeps
 * what it has up to its share, releases the rest, and claims free shards up to its share.
 * @example planLeases('w1', ['w1', 'w2'], leases, 16) // { keep: [0..7], claim: [], release: [8..15] } when w1 held all 16
 */
export function planLeases(me: string, live: readonly string[], leases: readonly LeaseView[], shards: number): LeasePlan {
  const workers = [...new Set([...live, me])].sort();
  const rank = workers.indexOf(me);
  const quota = Math.floor(shards / workers.length) + (rank < shards % workers.length ? 1 : 0);
  const alive = new Set(workers);
  const mine = leases.filter((l) => l.owner === me).map((l) => l.shard).sort((a, b) => a - b);
  if (mine.length >= quota) return { keep: mine.slice(0, quota), claim: [], release: mine.slice(quota) };
  const free = leases
    .filter((l) => l.owner === null || (l.owner !== me && (!l.valid || !alive.has(l.owner))))
    .map((l) => l.shard)
    .sort((a, b) => a - b);
  return { keep: mine, claim: free.slice(0, quota - mine.length), release: [] };
}

/** The part of `@voltlane/db`'s `Db` the lease store needs (structural: the bus does not depend on the db package). */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
}
export interface SqlDb extends SqlRunner {
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

/** Cluster nodes heartbeat here; `cluster` is the bus prefix. */
export type NodeRole = 'gateway' | 'worker' | 'api';

/**
 * Presence and shard leases in PostgreSQL (tables `cluster_nodes`, `shard_leases`, migration 0009).
 * Every time is the database's `now()`, so clocks of the nodes need not agree.
 */
export class PgLeaseStore {
  constructor(
    private readonly db: SqlDb,
    readonly cluster: string,
    readonly ttlSec: number,
  ) {}

  /** Records that `nodeId` is alive. */
  async heartbeat(nodeId: string, role: NodeRole): Promise<void> {
    await this.db.query(
      `insert into cluster_nodes (cluster, node_id, role) values ($1, $2, $3)
       on conflict (cluster, node_id) do update set heartbeat_at = now(), role = excluded.role`,
      [this.cluster, nodeId, role],
    );
  }

  /** Live nodes of a role (heartbeat within the lease time), by id. */
  async live(role: NodeRole): Promise<string[]> {
    const r = await this.db.query<{ node_id: string }>(
      `select node_id from cluster_nodes where cluster = $1 and role = $2 and heartbeat_at > now() - make_interval(secs => $3)
       order by node_id`,
      [this.cluster, role, this.ttlSec],
    );
    return r.rows.map((x) => x.node_id);
  }

  /**
   * One worker tick in one transaction: heartbeat, lock the lease rows, plan, claim and renew.
   * Returns the plan; `release` shards are still held (and renewed) until {@link release}.
   */
  async tick(workerId: string, shards: number): Promise<LeasePlan> {
    return this.db.transaction(async (tx) => {
      await tx.query(
        `insert into cluster_nodes (cluster, node_id, role) values ($1, $2, 'worker')
         on conflict (cluster, node_id) do update set heartbeat_at = now(), role = 'worker'`,
        [this.cluster, workerId],
      );
      await tx.query(
        `insert into shard_leases (cluster, shard) select $1, g from generate_series(0, $2::int - 1) g on conflict do nothing`,
        [this.cluster, shards],
      );
      // Row locks serialise the ticks of all workers: two never claim the same shard.
      const leases = await tx.query<{ shard: number; owner: string | null; valid: boolean }>(
        `select shard, owner, coalesce(expires_at > now(), false) as valid from shard_leases
         where cluster = $1 and shard < $2 order by shard for update`,
        [this.cluster, shards],
      );
      const live = await tx.query<{ node_id: string }>(
        `select node_id from cluster_nodes where cluster = $1 and role = 'worker' and heartbeat_at > now() - make_interval(secs => $2)`,
        [this.cluster, this.ttlSec],
      );
      const plan = planLeases(workerId, live.rows.map((r) => r.node_id), leases.rows, shards);
      const held = [...plan.keep, ...plan.claim, ...plan.release];
      if (held.length) {
        await tx.query(
          `update shard_leases set owner = $2, expires_at = now() + make_interval(secs => $3) where cluster = $1 and shard = any($4::int[])`,
          [this.cluster, workerId, this.ttlSec, held],
        );
      }
      return plan;
    });
  }

  /** Frees shards this worker drained. */
  async release(workerId: string, shards: number[]): Promise<void> {
    if (shards.length === 0) return;
    await this.db.query(
      `update shard_leases set owner = null, expires_at = null where cluster = $1 and owner = $2 and shard = any($3::int[])`,
      [this.cluster, workerId, shards],
    );
  }

  /** A node leaving the cluster: frees its leases and removes its heartbeat (others react at their next tick). */
  async leave(nodeId: string): Promise<void> {
    await this.db.query(`update shard_leases set owner = null, expires_at = null where cluster = $1 and owner = $2`, [this.cluster, nodeId]);
    await this.db.query(`delete from cluster_nodes where cluster = $1 and node_id = $2`, [this.cluster, nodeId]);
  }

  /** Forgets nodes silent for a day (their rows only serve `GET`-style inspection meanwhile). */
  async forgetOld(): Promise<void> {
    await this.db.query(`delete from cluster_nodes where cluster = $1 and heartbeat_at < now() - interval '1 day'`, [this.cluster]);
  }
}

/** What the coordinator drives: the worker's bus. */
export interface ShardConsumer {
  setShards(shards: Iterable<number>): Promise<void>;
}

export interface ShardCoordinatorOptions {
  store: PgLeaseStore;
  bus: ShardConsumer;
  workerId: string;
  shards: number;
  log: BusLogger;
  /** Tick interval (default a fifth of the lease time). */
  intervalMs?: number;
  /** Runs after each successful tick (e.g. the dead-gateway sweep on one worker). */
  afterTick?: (plan: LeasePlan) => Promise<void>;
}

/**
 * Runs the lease loop of one worker: each tick heartbeats, claims its share, renews, and makes
 * the bus consume exactly the held shards; shards over its share are drained before they are
 * freed. If the database stays unreachable past the lease time, the worker stops consuming
 * (another worker may have taken its shards) until a tick succeeds again.
 * @example const c = new ShardCoordinator({ store, bus, workerId: 'worker-1', shards: 16, log }); await c.start();
 */
export class ShardCoordinator {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private validUntil = 0;
  private held: number[] = [];
  private failing = false;

  constructor(private readonly opts: ShardCoordinatorOptions) {}

  /** Shards this worker holds after the last tick. */
  get shards(): number[] {
    return [...this.held];
  }

  /** The last tick reached the database within the lease time. */
  get healthy(): boolean {
    return Date.now() < this.validUntil;
  }

  /** Runs the first tick (so the worker consumes its share when this resolves), then ticks on. */
  async start(): Promise<void> {
    await this.tickNow();
    this.schedule();
  }

  /** Stops consuming, drains what it took, frees its leases and leaves. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.opts.bus.setShards([]);
    this.held = [];
    await this.opts.store.leave(this.opts.workerId).catch((err: unknown) =>
      this.opts.log.warn({ err: (err as Error).message }, 'could not free the shard leases; they expire by themselves'),
    );
  }

  private schedule(): void {
    if (this.stopped) return;
    const every = this.opts.intervalMs ?? (this.opts.store.ttlSec * 1000) / 5;
    this.timer = setTimeout(() => {
      void this.tickNow().finally(() => this.schedule());
    }, every);
    this.timer.unref();
  }

  private tickNow(): Promise<void> {
    this.running = this.tick();
    return this.running;
  }

  private async tick(): Promise<void> {
    const { store, bus, workerId, shards, log } = this.opts;
    const startedAt = Date.now();
    let plan: LeasePlan;
    try {
      plan = await store.tick(workerId, shards);
    } catch (err) {
      if (!this.failing) log.warn({ err: (err as Error).message }, 'shard lease tick failed (database unreachable?); retrying');
      this.failing = true;
      if (Date.now() >= this.validUntil && this.held.length) {
        log.warn({ shards: this.held }, 'shard leases expired without renewal: stop consuming until the database is back');
        this.held = [];
        await bus.setShards([]);
      }
      return;
    }
    if (this.failing) log.info({}, 'shard lease tick succeeded again');
    this.failing = false;
    // Measured from before the tick, minus a margin: this worker never consumes past its lease.
    this.validUntil = startedAt + store.ttlSec * 1000 * 0.8;
    if (this.stopped) return;
    const next = [...plan.keep, ...plan.claim].sort((a, b) => a - b);
    if (plan.claim.length || plan.release.length) log.info({ claim: plan.claim, release: plan.release, hold: next }, 'shard leases changed');
    this.held = next;
    await bus.setShards(next); // resolves once released shards are drained
    if (plan.release.length) {
      await store.release(workerId, plan.release).catch((err: unknown) =>
        log.warn({ err: (err as Error).message, shards: plan.release }, 'could not free drained shards; their leases expire by themselves'),
      );
    }
    await this.opts.afterTick?.(plan).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'after-tick work failed'));
  }
}
