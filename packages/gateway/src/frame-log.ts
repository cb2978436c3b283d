/** One raw frame seen on a station's connection. */
export interface FrameEntry {
  at: string;
  direction: 'in' | 'out';
  /** The frame text, cut to {@link FrameLog.maxChars} characters. */
  text: string;
  truncated: boolean;
}

interface Stored extends FrameEntry {
  seq: number;
}

/**
 * Recent raw frames per station, for the connection inspector. Bounded three ways: frames per
 * station (oldest dropped first), characters per frame (long frames are cut), and characters in
 * all (the oldest frames of the whole gateway go first), so memory stays bounded however many
 * stations there are and however chatty they are.
 * @example const log = new FrameLog(100, 32 * 1024 * 1024); log.add('CP1', 'in', '[2,"1","Heartbeat",{}]');
 */
export class FrameLog {
  static readonly maxChars = 2048;
  private readonly rings = new Map<string, Stored[]>();
  /** Every stored frame in arrival order, for dropping the gateway-wide oldest. */
  private readonly order: { stationId: string; seq: number }[] = [];
  private orderHead = 0;
  private seq = 0;
  private chars = 0;
  private live = 0;

  constructor(
    private readonly perStation: number,
    private readonly maxTotalChars = 32 * 1024 * 1024,
  ) {}

  add(stationId: string, direction: 'in' | 'out', text: string): void {
    if (this.perStation <= 0) return;
    let ring = this.rings.get(stationId);
    if (!ring) this.rings.set(stationId, (ring = []));
    const truncated = text.length > FrameLog.maxChars;
    const entry: Stored = {
      at: new Date().toISOString(),
      direction,
      text: truncated ? text.slice(0, FrameLog.maxChars) : text,
      truncated,
      seq: ++this.seq,
    };
    ring.push(entry);
    this.order.push({ stationId, seq: entry.seq });
    this.chars += entry.text.length;
    this.live++;
    if (ring.length > this.perStation) this.drop(ring.shift()!);
    while (this.chars > this.maxTotalChars) this.dropOldest();
    this.compact();
  }

  /** Newest first. */
  list(stationId: string, limit = 100, direction?: 'in' | 'out'): FrameEntry[] {
    const ring = this.rings.get(stationId) ?? [];
    const out: FrameEntry[] = [];
    for (let i = ring.length - 1; i >= 0 && out.length < limit; i--) {
      const { seq: _seq, ...e } = ring[i]!;
      if (!direction || e.direction === direction) out.push(e);
    }
    return out;
  }

  forget(stationId: string): void {
    for (const e of this.rings.get(stationId) ?? []) this.drop(e);
    this.rings.delete(stationId);
  }

  /** Characters held, for tests and metrics. */
  get size(): { frames: number; chars: number } {
    return { frames: this.live, chars: this.chars };
  }

  private drop(e: Stored): void {
    this.chars -= e.text.length;
    this.live--;
  }

  private dropOldest(): void {
    while (this.orderHead < this.order.length) {
      const { stationId, seq } = this.order[this.orderHead++]!;
      const ring = this.rings.get(stationId);
      // Entries already dropped by the per-station bound are skipped.
      if (ring && ring[0]?.seq === seq) {
        this.drop(ring.shift()!);
        if (ring.length === 0) this.rings.delete(stationId);
        return;
      }
    }
  }

  /** Keeps the arrival-order index proportional to the frames actually held. */
  private compact(): void {
    const pending = this.order.length - this.orderHead;
    if (pending < 1024 || pending < this.live * 2) return;
    const held = new Set<number>();
    for (const ring of this.rings.values()) for (const e of ring) held.add(e.seq);
    const kept = this.order.slice(this.orderHead).filter((o) => held.has(o.seq));
    this.order.length = 0;
    this.order.push(...kept);
    this.orderHead = 0;
  }
}
