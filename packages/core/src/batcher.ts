/**
 * Group commit: items added from many stations are written together in one call every few
 * milliseconds (or when the batch is full), and each caller's promise settles when its batch is
 * durably written. Keeps durability per message without one transaction per message.
 * @example
 * const writer = new Batcher<Row>((rows) => insertRows(db, rows), { maxItems: 1000, maxDelayMs: 5 });
 * await writer.add(row); // resolved after the batch holding `row` committed
 */
export class Batcher<T> {
  private items: T[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly opts: { maxItems: number; maxDelayMs: number },
  ) {}

  add(...items: T[]): Promise<void> {
    this.items.push(...items);
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.items.length >= this.opts.maxItems) this.flushNow();
    else if (!this.timer) this.timer = setTimeout(() => this.flushNow(), this.opts.maxDelayMs);
    return p;
  }

  /** Writes whatever is pending and waits for all writes in flight. */
  async flush(): Promise<void> {
    if (this.items.length) this.flushNow();
    await this.flushing;
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const items = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    // Batches are written one after another so rows commit in the order they were added.
    this.flushing = this.flushing.then(async () => {
      try {
        await this.write(items);
        for (const w of waiters) w.resolve();
      } catch (e) {
        for (const w of waiters) w.reject(e);
      }
    });
  }
}
