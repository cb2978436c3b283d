export interface BatcherOptions {
  /** Most items written in one call; more are left for the next write. */
  maxItems: number;
  /** Writes that may run at once (1 keeps batches strictly in order; PGlite has one connection anyway). */
  maxConcurrent?: number;
}

/**
 * Group commit: items from many stations are written together, and each caller's promise
 * settles when the write holding its item is durable. A write starts as soon as a writer is free;
 * whatever arrives while all writers are busy forms the next batch, so batches grow with the
 * load instead of waiting on a timer.
 *
 * Order: an item is never written before an item added earlier *by the same caller that awaited
 * it*; a station awaits each write before its next message, so per-station order holds even with
 * several writers.
 * @example
 * const writer = new Batcher<Row>((rows) => insertRows(db, rows), { maxItems: 1000, maxConcurrent: 2 });
 * await writer.add(row); // resolved after the batch holding `row` committed
 */
export class Batcher<T> {
  private items: T[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private inflight = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly opts: BatcherOptions,
  ) {}

  add(item: T): Promise<void> {
    this.items.push(item);
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.schedule();
    return p;
  }

  /** Resolves once everything added so far is written. */
  flush(): Promise<void> {
    if (this.items.length === 0 && this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inflight >= (this.opts.maxConcurrent ?? 1)) return;
    this.scheduled = true;
    // One macrotask lets the messages that arrived in the same I/O burst join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.startWrite();
    });
  }

  private startWrite(): void {
    if (this.items.length === 0) return this.checkIdle();
    const n = Math.min(this.items.length, this.opts.maxItems);
    const items = this.items.splice(0, n);
    const waiters = this.waiters.splice(0, n);
    this.inflight++;
    this.write(items)
      .then(
        () => waiters.forEach((w) => w.resolve()),
        (e: unknown) => waiters.forEach((w) => w.reject(e)),
      )
      .finally(() => {
        this.inflight--;
        if (this.items.length) this.schedule();
        else this.checkIdle();
      });
    // Another writer may take the rest right away.
    if (this.items.length) this.schedule();
  }

  private checkIdle(): void {
    if (this.items.length === 0 && this.inflight === 0) this.idleWaiters.splice(0).forEach((r) => r());
  }
}
