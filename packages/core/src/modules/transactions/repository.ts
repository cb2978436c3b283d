import type { Queryable } from '@voltlane/db';
import { iso, num } from '../../rows.js';

/**
 * A charging transaction of any OCPP version. 1.6 transactions are known by `id` (Voltlane
 * assigns it), 2.x ones by the station's `ocppTransactionId` (and get an `id` too).
 */
export interface Transaction {
  id: number;
  stationId: string;
  /** 2.x transactionId chosen by the station; null for 1.6. */
  ocppTransactionId: string | null;
  /** 1.6: the connector id; 2.x: the EVSE id (0 until the station names it). */
  evseId: number;
  /** 1.6: the connector id; 2.x: the connector id within the EVSE (0 until the station names it). */
  connectorId: number;
  idToken: string | null;
  /** 2.x IdTokenEnumType of `idToken`; null for 1.6. */
  idTokenType: string | null;
  status: 'active' | 'completed';
  startedAt: string;
  stoppedAt: string | null;
  /** 1.6 meterStart; 2.x the first energy register reading. */
  meterStartWh: number | null;
  /** 1.6 meterStop; 2.x the register reading in the Ended event. */
  meterStopWh: number | null;
  /** Final energy for completed transactions; energy so far (last register reading) for active ones. */
  energyWh: number | null;
  /** 1.6 reason, 2.x stoppedReason (absent means Local in both). */
  stopReason: string | null;
  stopIdToken: string | null;
  reservationId: number | null;
  /** 2.x: highest seqNo received, the trigger of that event, the last charging state. */
  seqNo: number | null;
  triggerReason: string | null;
  chargingState: string | null;
  remoteStartId: number | null;
  timeSpentChargingSec: number | null;
  /** 2.x: some event of it happened while the station was offline. */
  offline: boolean;
}

/** A `transactions` row as the API shows it. */
export function toTransaction(r: Record<string, unknown>): Transaction {
  const start = num(r.meter_start_wh);
  const last = num(r.last_meter_wh);
  const live = r.status === 'active' && start !== null && last !== null ? Math.max(last - start, 0) : null;
  const v2 = r.ocpp_transaction_id !== null && r.ocpp_transaction_id !== undefined;
  return {
    id: num(r.id)!,
    stationId: r.station_id as string,
    ocppTransactionId: v2 ? (r.ocpp_transaction_id as string) : null,
    evseId: r.evse_id as number,
    // 1.6 numbering: EVSE n = connector n (connector_id holds 1 there).
    connectorId: v2 ? (r.connector_id as number) : (r.evse_id as number),
    idToken: (r.id_token as string) ?? null,
    idTokenType: (r.id_token_type as string) ?? null,
    status: r.status as Transaction['status'],
    startedAt: iso(r.started_at)!,
    stoppedAt: iso(r.stopped_at),
    meterStartWh: start,
    meterStopWh: num(r.meter_stop_wh),
    energyWh: r.status === 'completed' ? num(r.energy_wh) : live,
    stopReason: (r.stop_reason as string) ?? null,
    stopIdToken: (r.stop_id_token as string) ?? null,
    reservationId: (r.reservation_id as number) ?? null,
    seqNo: (r.seq_no as number) ?? null,
    triggerReason: (r.trigger_reason as string) ?? null,
    chargingState: (r.charging_state as string) ?? null,
    remoteStartId: (r.remote_start_id as number) ?? null,
    timeSpentChargingSec: (r.time_spent_charging as number) ?? null,
    offline: r.offline === true,
  };
}

/** Inserts a 1.6 transaction, or returns the id of the identical one already stored (retried StartTransaction). */
export async function insertTransaction(
  db: Queryable,
  t: { stationId: string; evseId: number; connectorId: number; idToken: string | null; startedAt: Date; meterStartWh: number | null; reservationId: number | null },
): Promise<{ id: number; duplicate: boolean }> {
  const ins = await db.query<{ id: number }>(
    `insert into transactions (station_id, evse_id, connector_id, id_token, status, started_at, meter_start_wh, last_meter_wh, reservation_id)
     values ($1, $2, $3, $4, 'active', $5, $6, $6, $7)
     on conflict (station_id, evse_id, started_at, coalesce(id_token, '')) where ocpp_transaction_id is null do nothing returning id`,
    [t.stationId, t.evseId, t.connectorId, t.idToken, t.startedAt, t.meterStartWh, t.reservationId],
  );
  if (ins.rows[0]) return { id: num(ins.rows[0].id)!, duplicate: false };
  const existing = await db.query<{ id: number }>(
    `select id from transactions where station_id = $1 and evse_id = $2 and started_at = $3 and coalesce(id_token, '') = coalesce($4, '')
       and ocpp_transaction_id is null`,
    [t.stationId, t.evseId, t.startedAt, t.idToken],
  );
  return { id: num(existing.rows[0]!.id)!, duplicate: true };
}

/** What a 2.x transaction is created with (from its Started event, or the first event that arrived). */
export interface NewTransaction2x {
  stationId: string;
  ocppTransactionId: string;
  evseId: number;
  connectorId: number;
  startedAt: Date;
  meterStartWh: number | null;
  remoteStartId: number | null;
}

/** Creates a 2.x transaction unless the station's transaction id is already known; returns its id. */
export async function insertTransaction2x(db: Queryable, t: NewTransaction2x): Promise<{ id: number; created: boolean }> {
  const ins = await db.query<{ id: number }>(
    `insert into transactions (station_id, ocpp_transaction_id, evse_id, connector_id, status, started_at, meter_start_wh, last_meter_wh, remote_start_id)
     values ($1, $2, $3, $4, 'active', $5, $6, $6, $7)
     on conflict (station_id, ocpp_transaction_id) do nothing returning id`,
    [t.stationId, t.ocppTransactionId, t.evseId, t.connectorId, t.startedAt, t.meterStartWh, t.remoteStartId],
  );
  if (ins.rows[0]) return { id: num(ins.rows[0].id)!, created: true };
  return { id: (await findByOcppId(db, t.stationId, t.ocppTransactionId))!.id, created: false };
}

/** A 2.x transaction by the station's transaction id. */
export async function findByOcppId(db: Queryable, stationId: string, ocppTransactionId: string): Promise<Transaction | undefined> {
  const r = await db.query('select * from transactions where station_id = $1 and ocpp_transaction_id = $2', [stationId, ocppTransactionId]);
  return r.rows[0] ? toTransaction(r.rows[0]) : undefined;
}

/**
 * Fills in what a later 2.x event tells about a transaction: a Started event that arrives after
 * the transaction was created from a later one moves the start earlier and the meter start
 * lower; the EVSE, connector, start token, reservation and remote start id are set once known
 * (a value already set is kept).
 */
export async function reviseTransaction2x(
  db: Queryable,
  id: number,
  p: {
    startedAt?: Date | undefined; meterStartWh?: number | undefined; evseId?: number | undefined; connectorId?: number | undefined;
    idToken?: { idToken: string | null; type: string } | undefined; reservationId?: number | undefined; remoteStartId?: number | undefined;
  },
): Promise<void> {
  await db.query(
    `update transactions set
       started_at = least(started_at, coalesce($2, started_at)),
       meter_start_wh = case when $3::numeric is null then meter_start_wh else least(coalesce(meter_start_wh, $3), $3) end,
       evse_id = case when evse_id = 0 and $4::int is not null then $4 else evse_id end,
       connector_id = case when connector_id = 0 and $5::int is not null then $5 else connector_id end,
       id_token = case when id_token is null and id_token_type is null then $6 else id_token end,
       id_token_type = coalesce(id_token_type, $7),
       reservation_id = coalesce(reservation_id, $8),
       remote_start_id = coalesce(remote_start_id, $9),
       updated_at = now()
     where id = $1`,
    [id, p.startedAt ?? null, p.meterStartWh ?? null, p.evseId ?? null, p.connectorId ?? null, p.idToken?.idToken ?? null,
      p.idToken?.type ?? null, p.reservationId ?? null, p.remoteStartId ?? null],
  );
}

/** A transaction by Voltlane's id (of that station, when given). */
export async function findTransaction(db: Queryable, id: number, stationId?: string): Promise<Transaction | undefined> {
  const r = stationId
    ? await db.query('select * from transactions where id = $1 and station_id = $2', [id, stationId])
    : await db.query('select * from transactions where id = $1', [id]);
  return r.rows[0] ? toTransaction(r.rows[0]) : undefined;
}

/** Completes an active transaction; returns false if it was already completed (a retried stop bills once). */
export async function completeTransaction(
  db: Queryable,
  id: number,
  s: { stoppedAt: Date; meterStopWh: number | null; energyWh: number | null; stopReason: string; stopIdToken: string | null },
): Promise<boolean> {
  const r = await db.query(
    `update transactions set status = 'completed', stopped_at = $2, meter_stop_wh = $3, energy_wh = $4, stop_reason = $5,
       stop_id_token = coalesce($6, stop_id_token), updated_at = now() where id = $1 and status = 'active'`,
    [id, s.stoppedAt, s.meterStopWh, s.energyWh, s.stopReason, s.stopIdToken],
  );
  return r.rowCount === 1;
}

/**
 * Active transactions of a station's EVSE (1.6: connector) that started before `before`, other
 * than `exceptId`: an EVSE charges one EV at a time, so a newer start there means they ended.
 */
export async function activeBefore(db: Queryable, stationId: string, evseId: number, exceptId: number, before: Date): Promise<Transaction[]> {
  const r = await db.query(
    `select * from transactions where station_id = $1 and evse_id = $2 and status = 'active' and id <> $3 and started_at < $4 order by id`,
    [stationId, evseId, exceptId, before],
  );
  return r.rows.map(toTransaction);
}

/** When a transaction was last heard of: its newest meter value or (2.x) event, else its start. */
export async function lastActivity(db: Queryable, id: number): Promise<Date> {
  const r = await db.query<{ at: Date | string }>(
    `select greatest(t.started_at, (select max(ts) from meter_values where transaction_id = t.id),
       (select max(ts) from transaction_events where transaction_id = t.id)) as at
     from transactions t where t.id = $1`,
    [id],
  );
  return new Date(r.rows[0]!.at);
}

/** Records the token that ended authorization of a transaction (2.x StopAuthorized before Ended). */
export async function setStopIdToken(db: Queryable, id: number, idToken: string): Promise<void> {
  await db.query('update transactions set stop_id_token = $2, updated_at = now() where id = $1', [id, idToken]);
}

/** Transactions, newest first, filtered (start time: `from` inclusive, `to` exclusive) and paged. */
export async function listTransactions(
  db: Queryable,
  f: { limit: number; offset: number; stationId?: string; status?: string; idToken?: string; ocppTransactionId?: string; from?: Date; to?: Date },
): Promise<{ items: Transaction[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.stationId) where.push(`station_id = $${params.push(f.stationId)}`);
  if (f.status) where.push(`status = $${params.push(f.status)}`);
  if (f.idToken) where.push(`id_token = $${params.push(f.idToken)}`);
  if (f.ocppTransactionId) where.push(`ocpp_transaction_id = $${params.push(f.ocppTransactionId)}`);
  if (f.from) where.push(`started_at >= $${params.push(f.from)}`);
  if (f.to) where.push(`started_at < $${params.push(f.to)}`);
  const w = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: number }>(`select count(*)::int as n from transactions ${w}`, params);
  const rows = await db.query(`select * from transactions ${w} order by id desc limit $${params.length + 1} offset $${params.length + 2}`, [
    ...params, f.limit, f.offset,
  ]);
  return { items: rows.rows.map(toTransaction), total: total.rows[0]!.n };
}

export type { StoredSample } from './meter-repository.js';
