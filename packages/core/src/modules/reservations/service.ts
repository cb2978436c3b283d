import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';
import { iso, num, page } from '../../rows.js';

export interface Reservation {
  id: number;
  stationId: string;
  connectorId: number;
  idToken: string;
  parentIdToken: string | null;
  expiresAt: string;
  status: string;
  transactionId: number | null;
}

function toReservation(r: Record<string, unknown>): Reservation {
  return {
    id: r.id as number,
    stationId: r.station_id as string,
    connectorId: r.connector_id as number,
    idToken: r.id_token as string,
    parentIdToken: (r.parent_id_token as string) ?? null,
    expiresAt: iso(r.expires_at)!,
    status: r.status as string,
    transactionId: num(r.transaction_id),
  };
}

/**
 * Reservations: kept in step with ReserveNow/CancelReservation replies, expired on time, and
 * honoured when a transaction starts (the reserved connector only starts for its id token).
 */
export class ReservationService {
  private sweeper?: NodeJS.Timeout;
  constructor(private readonly ctx: CoreContext) {}

  /** OCPP 2.0.1/2.1 messages of this block. */
  register201(_reg: HandlerRegistry): void {}

  register16(reg: HandlerRegistry): void {
    reg.effect16('ReserveNow', async (stationId, req, res) => {
      if (res.status !== 'Accepted') return;
      await this.ctx.db.query(
        `insert into reservations (id, station_id, connector_id, id_token, parent_id_token, expires_at, status)
         values ($1, $2, $3, $4, $5, $6, 'Active')
         on conflict (id) do update set station_id = excluded.station_id, connector_id = excluded.connector_id,
           id_token = excluded.id_token, parent_id_token = excluded.parent_id_token, expires_at = excluded.expires_at,
           status = 'Active', transaction_id = null, updated_at = now()`,
        [req.reservationId, stationId, req.connectorId, req.idTag, req.parentIdTag ?? null, req.expiryDate],
      );
      // An id chosen by hand (raw ReserveNow command) is never handed out again by nextId().
      await this.ctx.db.query(`select setval('reservation_ids', greatest($1::bigint, (select last_value from reservation_ids)))`, [
        req.reservationId,
      ]);
    });
    reg.effect16('CancelReservation', async (stationId, req, res) => {
      if (res.status !== 'Accepted') return;
      await this.ctx.db.query(
        `update reservations set status = 'Cancelled', updated_at = now() where id = $1 and station_id = $2 and status = 'Active'`,
        [req.reservationId, stationId],
      );
    });
  }

  /** A fresh reservation id for ReserveNow. */
  async nextId(): Promise<number> {
    const r = await this.ctx.db.query<{ id: number }>(`select nextval('reservation_ids')::int as id`);
    return r.rows[0]!.id;
  }

  /**
   * Which reservation a starting transaction uses, and whether the connector is reserved for
   * someone else (then the start is refused).
   */
  async forStart(
    stationId: string, evseId: number, idToken: string, parentIdToken: string | undefined, reservationId: number | undefined,
  ): Promise<{ reservationId?: number; blocked: boolean }> {
    const r = await this.ctx.db.query(
      `select * from reservations where station_id = $1 and status = 'Active' and expires_at > now() and connector_id in (0, $2)
       order by connector_id desc`,
      [stationId, evseId],
    );
    const active = r.rows.map(toReservation);
    const mine = (x: Reservation) => x.idToken === idToken || (x.parentIdToken !== null && x.parentIdToken === parentIdToken);
    const byId = active.find((x) => x.id === reservationId && mine(x));
    if (byId) return { reservationId: byId.id, blocked: false };
    const own = active.find(mine);
    if (own) return { reservationId: own.id, blocked: false };
    const onConnector = active.find((x) => x.connectorId === evseId);
    return { blocked: onConnector !== undefined };
  }

  async markUsed(id: number, transactionId: number): Promise<void> {
    await this.ctx.db.query(`update reservations set status = 'Used', transaction_id = $2, updated_at = now() where id = $1`, [id, transactionId]);
  }

  /** Marks reservations past their expiry as Expired. */
  async expire(): Promise<number> {
    const r = await this.ctx.db.query(`update reservations set status = 'Expired', updated_at = now() where status = 'Active' and expires_at <= now()`);
    return r.rowCount;
  }

  startSweeper(everyMs = 15_000): void {
    this.sweeper = setInterval(() => {
      this.expire().catch((err: unknown) => this.ctx.log.error({ err }, 'reservation expiry failed'));
    }, everyMs);
    this.sweeper.unref();
  }

  stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  async list(q: { stationId?: string; status?: string; limit?: number; offset?: number }) {
    const { limit, offset } = page(q);
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.stationId) where.push(`station_id = $${params.push(q.stationId)}`);
    if (q.status) where.push(`status = $${params.push(q.status)}`);
    const w = where.length ? `where ${where.join(' and ')}` : '';
    const total = await this.ctx.db.query<{ n: number }>(`select count(*)::int as n from reservations ${w}`, params);
    const rows = await this.ctx.db.query(`select * from reservations ${w} order by id desc limit $${params.length + 1} offset $${params.length + 2}`, [
      ...params, limit, offset,
    ]);
    return { items: rows.rows.map(toReservation), total: total.rows[0]!.n };
  }
}
