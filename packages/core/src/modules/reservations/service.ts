import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';
import { iso, num, page } from '../../rows.js';
import { reserveNowRequest, type ReserveInput } from './reserve-now.js';

export interface Reservation {
  id: number;
  stationId: string;
  /** 1.6: the connector; 2.x: the EVSE. 0: any. */
  connectorId: number;
  idToken: string;
  /** 2.x id token type (ISO14443, eMAID, ...); null for 1.6. */
  idTokenType: string | null;
  /** 1.6 parentIdTag, 2.x groupIdToken. */
  parentIdToken: string | null;
  /** 2.x: the connector type asked for, if any. */
  connectorType: string | null;
  expiresAt: string;
  status: string;
  transactionId: number | null;
}

/** A reservation a station accepted, in version-neutral terms. */
interface NewReservation {
  id: number;
  evseId: number;
  idToken: string;
  idTokenType?: string | undefined;
  parentIdToken?: string | undefined;
  connectorType?: string | undefined;
  expiresAt: string;
}

function toReservation(r: Record<string, unknown>): Reservation {
  return {
    id: r.id as number,
    stationId: r.station_id as string,
    connectorId: r.connector_id as number,
    idToken: r.id_token as string,
    idTokenType: (r.id_token_type as string) ?? null,
    parentIdToken: (r.parent_id_token as string) ?? null,
    connectorType: (r.connector_type as string) ?? null,
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

  /** OCPP 2.0.1/2.1 (H01-H04): ReserveNow of an EVSE (or any), CancelReservation, ReservationStatusUpdate. */
  register201(reg: HandlerRegistry): void {
    reg.effect201('ReserveNow', async (stationId, req, res) => {
      if (res.status !== 'Accepted') return;
      await this.store(stationId, {
        id: req.id, evseId: req.evseId ?? 0, idToken: req.idToken.idToken, idTokenType: req.idToken.type,
        parentIdToken: req.groupIdToken?.idToken, connectorType: req.connectorType, expiresAt: req.expiryDateTime,
      });
    });
    reg.effect201('CancelReservation', async (stationId, req, res) => {
      if (res.status === 'Accepted') await this.setStatus(stationId, req.reservationId, 'Cancelled');
    });
    // The station ended a reservation itself: Expired, or Removed (e.g. its EVSE became unavailable).
    reg.on201('ReservationStatusUpdate', async (call, req) => {
      await this.setStatus(call.stationId, req.reservationId, req.reservationUpdateStatus);
      return {};
    });
  }

  register16(reg: HandlerRegistry): void {
    reg.effect16('ReserveNow', async (stationId, req, res) => {
      if (res.status !== 'Accepted') return;
      await this.store(stationId, {
        id: req.reservationId, evseId: req.connectorId, idToken: req.idTag, parentIdToken: req.parentIdTag, expiresAt: req.expiryDate,
      });
    });
    reg.effect16('CancelReservation', async (stationId, req, res) => {
      if (res.status === 'Accepted') await this.setStatus(stationId, req.reservationId, 'Cancelled');
    });
  }

  /** Stores a reservation the station accepted (connector_id holds the 1.6 connector or the 2.x EVSE, 0 = any). */
  private async store(stationId: string, r: NewReservation): Promise<void> {
    await this.ctx.db.query(
      `insert into reservations (id, station_id, connector_id, id_token, id_token_type, parent_id_token, connector_type, expires_at, status)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'Active')
       on conflict (id) do update set station_id = excluded.station_id, connector_id = excluded.connector_id,
         id_token = excluded.id_token, id_token_type = excluded.id_token_type, parent_id_token = excluded.parent_id_token,
         connector_type = excluded.connector_type, expires_at = excluded.expires_at,
         status = 'Active', transaction_id = null, updated_at = now()`,
      [r.id, stationId, r.evseId, r.idToken, r.idTokenType ?? null, r.parentIdToken ?? null, r.connectorType ?? null, r.expiresAt],
    );
    // An id chosen by hand (raw ReserveNow command) is never handed out again by nextId().
    await this.ctx.db.query(`select setval('reservation_ids', greatest($1::bigint, (select last_value from reservation_ids)))`, [r.id]);
  }

  /** Ends an active reservation (Cancelled by the CSMS; Expired or Removed by the station). */
  private async setStatus(stationId: string, id: number, status: 'Cancelled' | 'Expired' | 'Removed'): Promise<void> {
    await this.ctx.db.query(
      `update reservations set status = $3, updated_at = now() where id = $1 and station_id = $2 and status = 'Active'`,
      [id, stationId, status],
    );
  }

  /** The ReserveNow payload for a station's OCPP version (see {@link reserveNowRequest}). */
  reserveNowRequest(version: string | null, reservationId: number, input: ReserveInput): Record<string, unknown> {
    return reserveNowRequest(version, reservationId, input);
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
