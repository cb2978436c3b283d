/** One accepted ReserveNow. */
export interface Reservation {
  reservationId: number;
  connectorId: number;
  idTag: string;
  parentIdTag?: string;
  expiryDate: string;
}

/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_DELAY = 2_147_483_647;

/**
 * Reservations of one station, each ending at its expiryDate. A timer exists only while a
 * reservation does, so idle stations carry none.
 * @example
 * const r = new Reservations((res) => console.log('expired', res.reservationId));
 * r.add({ reservationId: 1, connectorId: 1, idTag: 'A', expiryDate: new Date(Date.now() + 60_000).toISOString() });
 */
export class Reservations {
  private readonly byId = new Map<number, { r: Reservation; timer: NodeJS.Timeout }>();

  constructor(private readonly onExpire: (r: Reservation) => void) {}

  get size(): number {
    return this.byId.size;
  }

  /** Adds a reservation, replacing one with the same id (1.6 section 5.13). */
  add(r: Reservation): void {
    this.remove(r.reservationId);
    this.byId.set(r.reservationId, { r, timer: this.arm(r) });
  }

  forConnector(connectorId: number): Reservation | undefined {
    for (const { r } of this.byId.values()) if (r.connectorId === connectorId) return r;
    return undefined;
  }

  /** Removes a reservation; returns it, or undefined if there was none with that id. */
  remove(reservationId: number): Reservation | undefined {
    const e = this.byId.get(reservationId);
    if (!e) return undefined;
    clearTimeout(e.timer);
    this.byId.delete(reservationId);
    return e.r;
  }

  all(): Reservation[] {
    return [...this.byId.values()].map((e) => e.r);
  }

  /** Stops every expiry timer (the reservations stay). */
  pause(): void {
    for (const e of this.byId.values()) clearTimeout(e.timer);
  }

  /** Re-arms the expiry timers after {@link pause}. */
  resume(): void {
    for (const e of this.byId.values()) {
      clearTimeout(e.timer);
      e.timer = this.arm(e.r);
    }
  }

  private arm(r: Reservation): NodeJS.Timeout {
    const left = Date.parse(r.expiryDate) - Date.now();
    return setTimeout(() => {
      if (Date.parse(r.expiryDate) > Date.now()) {
        // Woken early because of the setTimeout limit: wait again.
        const e = this.byId.get(r.reservationId);
        if (e) e.timer = this.arm(r);
        return;
      }
      if (this.byId.get(r.reservationId)?.r !== r) return;
      this.byId.delete(r.reservationId);
      this.onExpire(r);
    }, Math.min(Math.max(left, 0), MAX_DELAY));
  }
}
