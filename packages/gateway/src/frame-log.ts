/** One raw frame seen on a station's connection. */
export interface FrameEntry {
  at: string;
  direction: 'in' | 'out';
  /** The frame text, cut to {@link FrameLog.maxChars} characters. */
  text: string;
  truncated: boolean;
}

/**
 * Recent raw frames per station, for the connection inspector. Bounded per station (ring buffer)
 * and per frame (long frames are cut), so memory stays bounded however chatty a charger is.
 * @example log.add('CP1', 'in', '[2,"1","Heartbeat",{}]'); log.list('CP1', 50);
 */
export class FrameLog {
  static readonly maxChars = 2048;
  private readonly rings = new Map<string, { items: FrameEntry[]; next: number }>();

  constructor(private readonly perStation: number) {}

  add(stationId: string, direction: 'in' | 'out', text: string): void {
    if (this.perStation <= 0) return;
    let ring = this.rings.get(stationId);
    if (!ring) this.rings.set(stationId, (ring = { items: [], next: 0 }));
    const truncated = text.length > FrameLog.maxChars;
    const entry: FrameEntry = {
      at: new Date().toISOString(),
      direction,
      text: truncated ? text.slice(0, FrameLog.maxChars) : text,
      truncated,
    };
    if (ring.items.length < this.perStation) ring.items.push(entry);
    else ring.items[ring.next] = entry;
    ring.next = (ring.next + 1) % this.perStation;
  }

  /** Newest first. */
  list(stationId: string, limit = 100, direction?: 'in' | 'out'): FrameEntry[] {
    const ring = this.rings.get(stationId);
    if (!ring) return [];
    const n = ring.items.length;
    const out: FrameEntry[] = [];
    for (let i = 1; i <= n && out.length < limit; i++) {
      const e = ring.items[(ring.next - i + n) % n]!;
      if (!direction || e.direction === direction) out.push(e);
    }
    return out;
  }

  forget(stationId: string): void {
    this.rings.delete(stationId);
  }
}
