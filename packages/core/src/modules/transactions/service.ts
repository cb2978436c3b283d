import type { Queryable } from '@voltlane/db';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { page } from '../../rows.js';
import type { AuthorizationService, IdTokenInfo, PresentedIdToken } from '../authorization/service.js';
import type { ReservationService } from '../reservations/service.js';
import type { TariffService, TransactionCost } from '../tariffs/service.js';
import * as repo from './repository.js';
import { listSamples, type MeterValueRow, type StoredSample } from './meter-repository.js';
import { listEvents, type StoredTransactionEvent, type TransactionEventRecord } from './event-repository.js';
import { MeterWriter } from './meter-writer.js';
import { toMeterRows, type MeterRow, type MeterValueIn } from './samples.js';

/**
 * Stop reason Voltlane records for a transaction it completed because the station started a
 * newer one on the same EVSE (1.6: connector) without stopping it (see docs/adr/0013).
 */
export const SUPERSEDED = 'Superseded';

/** A write run inside the database transaction that completes a transaction. */
export type CompletionWrite = (q: Queryable) => Promise<unknown>;

/** Work of completing a transaction: reads now, returns the write to commit with the completion (or nothing to do). */
export type CompletionStep = (tx: repo.Transaction) => Promise<CompletionWrite | undefined>;

/** A 2.0.1/2.1 TransactionEvent, as the service needs it. */
export interface TransactionEventIn {
  stationId: string;
  eventType: 'Started' | 'Updated' | 'Ended';
  /** The station's transaction id. */
  ocppTransactionId: string;
  seqNo: number;
  timestamp: Date;
  triggerReason: string;
  offline: boolean;
  evseId?: number | undefined;
  connectorId?: number | undefined;
  idToken?: PresentedIdToken | undefined;
  chargingState?: string | undefined;
  stoppedReason?: string | undefined;
  remoteStartId?: number | undefined;
  reservationId?: number | undefined;
  timeSpentChargingSec?: number | undefined;
  meterValues?: MeterValueIn[] | undefined;
}

/**
 * Transactions and metering for every OCPP version: 1.6 StartTransaction/StopTransaction and
 * 2.x TransactionEvent share authorization, reservations, meter values, energy and completion.
 * Meter values (and 2.x events) are group-committed; every caller is answered only once its rows
 * are durably stored.
 * @example const { transactionId } = await txs.start({ stationId: 'CP1', evseId: 1, connectorId: 1, idToken: 'TAG', meterStartWh: 0, startedAt: new Date() });
 */
export class TransactionService {
  private readonly writer: MeterWriter;
  private readonly completedHooks: CompletionStep[] = [];

  constructor(
    private readonly ctx: CoreContext,
    private readonly auth: AuthorizationService,
    private readonly reservations: ReservationService,
    private readonly tariffs?: TariffService,
  ) {
    this.writer = new MeterWriter(ctx.db);
  }

  /** 1.6 transaction started. Retried starts (same station, EVSE, time, token) return the same id. */
  async start(s: {
    stationId: string; evseId: number; connectorId: number; idToken: string; meterStartWh: number | null;
    startedAt: Date; reservationId?: number | undefined;
  }): Promise<{ transactionId: number; idTokenInfo: IdTokenInfo }> {
    const token = { idToken: s.idToken };
    const admitted = await this.admit(s.stationId, s.evseId, token, s.reservationId);
    const { id, duplicate } = await repo.insertTransaction(this.ctx.db, {
      stationId: s.stationId, evseId: s.evseId, connectorId: s.connectorId, idToken: s.idToken, startedAt: s.startedAt,
      meterStartWh: s.meterStartWh, reservationId: admitted.reservationId ?? null,
    });
    // Before the ConcurrentTx check: the superseded transaction may hold the same token.
    if (!duplicate) await this.closeSuperseded(s.stationId, s.evseId, id, s.startedAt);
    const info = await this.notConcurrent(admitted.info, token, id);
    if (!duplicate) {
      if (admitted.reservationId !== undefined) await this.reservations.markUsed(admitted.reservationId, id);
      this.ctx.events.emit('transaction.started', { stationId: s.stationId, transactionId: id, evseId: s.evseId, idToken: s.idToken });
    }
    return { transactionId: id, idTokenInfo: info };
  }

  /** Meter values of a station (with or without a transaction), any version. */
  async meterValues(stationId: string, evseId: number, transactionId: number | null, meterValues: MeterValueIn[]): Promise<void> {
    await this.write(stationId, evseId, transactionId, toMeterRows(meterValues));
  }

  /**
   * 1.6 transaction stopped. Energy is meter stop - meter start; without a usable meter stop, the
   * last register reading is used. A stop received twice completes (and bills) the transaction once.
   */
  async stop(s: {
    stationId: string; transactionId: number; meterStopWh: number | null; stoppedAt: Date; reason: string;
    idToken?: string | undefined; meterValues?: MeterValueIn[] | undefined;
  }): Promise<{ idTokenInfo?: IdTokenInfo; known: boolean }> {
    const tx = await repo.findTransaction(this.ctx.db, s.transactionId, s.stationId);
    const idTokenInfo = s.idToken ? await this.auth.authorize(s.idToken) : undefined;
    const result = { ...(idTokenInfo ? { idTokenInfo } : {}) };
    if (!tx) {
      this.ctx.log.warn({ stationId: s.stationId, transactionId: s.transactionId }, 'StopTransaction for an unknown transaction');
      return { ...result, known: false };
    }
    if (s.meterValues?.length) await this.meterValues(s.stationId, tx.evseId, tx.id, s.meterValues);
    await this.finish(tx.id, s.stationId, { stoppedAt: s.stoppedAt, meterStopWh: s.meterStopWh, reason: s.reason, idToken: s.idToken ?? null });
    return { ...result, known: true };
  }

  /**
   * 2.x TransactionEvent (Started, Updated, Ended). The station's transaction id identifies the
   * transaction; an event for one never seen (its Started was lost) creates it. A retried event
   * (same seqNo) changes nothing twice; Ended completes the transaction once. Energy is the last
   * energy register reading minus the first. An id token in any event is authorized and its
   * idTokenInfo returned; the first one becomes the transaction's token, a later one at
   * StopAuthorized or Ended its stop token.
   */
  async event(e: TransactionEventIn): Promise<{ idTokenInfo?: IdTokenInfo; cost?: TransactionCost }> {
    const rows = toMeterRows(e.meterValues ?? []);
    const readings = rows.flatMap((r) => (r.energyWh === undefined ? [] : [r.energyWh]));
    const firstWh = readings.length ? Math.min(...readings) : undefined;
    let tx = await repo.findByOcppId(this.ctx.db, e.stationId, e.ocppTransactionId);
    if (!tx) {
      if (e.eventType !== 'Started') {
        this.ctx.log.warn({ stationId: e.stationId, ocppTransactionId: e.ocppTransactionId, seqNo: e.seqNo }, `TransactionEvent ${e.eventType} for an unknown transaction: recording it from here`);
      }
      const { id, created } = await repo.insertTransaction2x(this.ctx.db, {
        stationId: e.stationId, ocppTransactionId: e.ocppTransactionId, evseId: e.evseId ?? 0, connectorId: e.connectorId ?? 0,
        startedAt: e.timestamp, meterStartWh: firstWh ?? null, remoteStartId: e.remoteStartId ?? null,
      });
      tx = (await repo.findTransaction(this.ctx.db, id))!;
      if (created) {
        const idToken = e.idToken && e.idToken.type !== 'NoAuthorization' ? e.idToken.idToken : null;
        this.ctx.events.emit('transaction.started', { stationId: e.stationId, transactionId: id, evseId: tx.evseId, idToken });
        await this.closeSuperseded(e.stationId, tx.evseId, tx.id, new Date(tx.startedAt));
      }
    } else {
      const evseBefore = tx.evseId;
      tx = await this.revise(tx, e, firstWh);
      if (evseBefore === 0) await this.closeSuperseded(e.stationId, tx.evseId, tx.id, new Date(tx.startedAt));
    }

    let idTokenInfo: IdTokenInfo | undefined;
    let stopIdToken: string | null = null;
    const stopping = e.triggerReason === 'StopAuthorized' || e.eventType === 'Ended';
    const master = e.idToken ? await this.auth.masterPass(e.stationId, e.idToken) : undefined;
    if (e.idToken && master) {
      // C16: a master pass stops (its token is the stop token, never the transaction's); it must
      // not start one: presented as the first token, it is refused (the station ends the transaction).
      idTokenInfo = master;
      if (stopping) stopIdToken = e.idToken.idToken;
      else if (tx.idToken === null && tx.idTokenType === null) {
        this.ctx.log.warn({ stationId: e.stationId, transactionId: tx.id, idToken: e.idToken.idToken }, 'a master pass cannot start a transaction: answered Invalid');
        idTokenInfo = { ...master, status: 'Invalid' };
      }
    } else if (e.idToken && tx.idToken === null && tx.idTokenType === null) {
      idTokenInfo = await this.startToken(tx, e, e.idToken);
    } else if (e.idToken) {
      idTokenInfo = await this.auth.authorize(e.idToken);
      if (stopping) stopIdToken = e.idToken.idToken;
    }

    await this.write(e.stationId, tx.evseId, tx.id, rows, {
      transactionId: tx.id, seqNo: e.seqNo, eventType: e.eventType, triggerReason: e.triggerReason, timestamp: e.timestamp,
      offline: e.offline, chargingState: e.chargingState ?? null, idToken: e.idToken?.idToken ?? null,
      timeSpentChargingSec: e.timeSpentChargingSec ?? null,
    });
    if (e.eventType === 'Ended') {
      const meterStopWh = readings.length ? Math.max(...readings) : null;
      // stoppedReason may only be omitted when it is Local.
      await this.finish(tx.id, e.stationId, { stoppedAt: e.timestamp, meterStopWh, reason: e.stoppedReason ?? 'Local', idToken: stopIdToken });
    } else if (stopIdToken) {
      await repo.setStopIdToken(this.ctx.db, tx.id, stopIdToken);
    }
    // Running (Updated) or final (Ended) cost under the transaction's tariff (I02, I03).
    const cost = e.eventType === 'Started' ? null : await this.costOf((await repo.findTransaction(this.ctx.db, tx.id))!, e.timestamp);
    return { ...(idTokenInfo ? { idTokenInfo } : {}), ...(cost ? { cost } : {}) };
  }

  /** A transaction with its cost, meter values and (2.x) the events received. */
  async get(id: number): Promise<repo.Transaction & { cost: TransactionCost | null; meterValues: StoredSample[]; events: StoredTransactionEvent[] }> {
    const tx = await repo.findTransaction(this.ctx.db, id);
    if (!tx) throw new AppError('TRANSACTION_NOT_FOUND', `Transaction ${id} does not exist`);
    return { ...tx, cost: await this.costOf(tx), meterValues: await listSamples(this.ctx.db, id), events: await listEvents(this.ctx.db, id) };
  }

  /** Transactions with their cost (fixed at stop, or so far). */
  async list(q: { limit?: number; offset?: number; stationId?: string; status?: string; idToken?: string; ocppTransactionId?: string; from?: Date; to?: Date }) {
    const r = await repo.listTransactions(this.ctx.db, { ...q, ...page(q) });
    const items = [];
    for (const tx of r.items) items.push({ ...tx, cost: await this.costOf(tx) });
    return { items, total: r.total };
  }

  /** The cost of a transaction (null without a tariff); an active one is priced up to `at` (default now). */
  private costOf(tx: repo.Transaction, at?: Date): Promise<TransactionCost | null> {
    return this.tariffs ? this.tariffs.costOf(tx, at) : Promise.resolve(null);
  }

  /**
   * Adds a step to completing a transaction (e.g. its CDR): `step` gets the transaction as it will
   * be stored and may return a write, which runs in the database transaction that completes it,
   * before the station is answered (an error rolls the completion back and the station retries).
   * Steps run again for a retried stop, so they must return nothing when their work is done.
   */
  onCompleted(step: CompletionStep): void {
    this.completedHooks.push(step);
  }

  /** Waits until every queued meter value is stored. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /**
   * Authorizes the token a transaction starts with and honours reservations: a connector
   * reserved for another token refuses it (Invalid). 2.x stations may start before naming the
   * EVSE (evseId 0); no reservation can be checked then.
   */
  private async admit(
    stationId: string, evseId: number, token: PresentedIdToken, reservationId: number | undefined,
  ): Promise<{ info: IdTokenInfo; reservationId?: number }> {
    let info = await this.auth.authorize(token);
    if (evseId === 0 && reservationId === undefined) return { info };
    const reservation = await this.reservations.forStart(stationId, evseId, token.idToken, info.parentIdToken, reservationId);
    if (reservation.blocked) {
      this.ctx.log.warn({ stationId, evseId, idToken: token.idToken }, 'connector is reserved for another id token');
      info = { ...info, status: 'Invalid' };
    }
    return { info, ...(reservation.reservationId !== undefined ? { reservationId: reservation.reservationId } : {}) };
  }

  /** An Accepted start token already charging in another transaction becomes ConcurrentTx. */
  private async notConcurrent(info: IdTokenInfo, token: PresentedIdToken, transactionId: number): Promise<IdTokenInfo> {
    if (info.status !== 'Accepted') return info;
    return this.auth.authorize(token, { concurrent: true, exceptTransactionId: transactionId });
  }

  /** 2.x: the first id token of a transaction (at Started, or when the driver authorized later). */
  private async startToken(tx: repo.Transaction, e: TransactionEventIn, token: PresentedIdToken): Promise<IdTokenInfo> {
    const admitted = await this.admit(e.stationId, tx.evseId, token, e.reservationId);
    await repo.reviseTransaction2x(this.ctx.db, tx.id, {
      // A NoAuthorization token is empty: the transaction has a type but no token.
      idToken: { idToken: token.type === 'NoAuthorization' ? null : token.idToken, type: token.type ?? 'ISO14443' },
      reservationId: admitted.reservationId,
    });
    if (admitted.reservationId !== undefined) await this.reservations.markUsed(admitted.reservationId, tx.id);
    // What happened offline, or is over, cannot collide with what runs now.
    return e.offline || e.eventType === 'Ended' ? admitted.info : this.notConcurrent(admitted.info, token, tx.id);
  }

  /**
   * 2.x: what a later event tells about a known transaction: its Started arriving late (earlier
   * start, lower meter start), or the EVSE, connector and remote start id once named.
   */
  private async revise(tx: repo.Transaction, e: TransactionEventIn, firstWh: number | undefined): Promise<repo.Transaction> {
    const started = e.eventType === 'Started';
    const patch = {
      startedAt: started && e.timestamp.getTime() < Date.parse(tx.startedAt) ? e.timestamp : undefined,
      meterStartWh: started && firstWh !== undefined && (tx.meterStartWh === null || firstWh < tx.meterStartWh) ? firstWh : undefined,
      evseId: tx.evseId === 0 ? e.evseId : undefined,
      connectorId: tx.connectorId === 0 ? e.connectorId : undefined,
      remoteStartId: tx.remoteStartId === null ? e.remoteStartId : undefined,
    };
    if (Object.values(patch).every((v) => v === undefined)) return tx;
    await repo.reviseTransaction2x(this.ctx.db, tx.id, patch);
    return (await repo.findTransaction(this.ctx.db, tx.id))!;
  }

  /** Stores meter values (and a 2.x event) in the next group commit and tells live listeners. */
  private async write(stationId: string, evseId: number, transactionId: number | null, meterRows: MeterRow[], event?: TransactionEventRecord): Promise<void> {
    if (meterRows.length === 0 && !event) return;
    const rows: MeterValueRow[] = meterRows.map((r) => ({ ...r, stationId, evseId, transactionId }));
    // The register only grows, so the highest reading is the latest and the lowest the first.
    const readings = rows.flatMap((r) => (r.energyWh === undefined ? [] : [r.energyWh]));
    const wh = readings.length ? Math.max(...readings) : undefined;
    await this.writer.add({
      rows,
      ...(transactionId !== null && wh !== undefined ? { register: { transactionId, stationId, wh, firstWh: Math.min(...readings) } } : {}),
      ...(event ? { event } : {}),
    });
    if (rows.length === 0) return;
    // The newest reading of the message (meter values of one message may span several timestamps).
    const latest = rows.reduce<MeterValueRow | undefined>((a, r) => (!a || r.ts >= a.ts ? r : a), undefined);
    this.ctx.events.emit('meter.values', {
      stationId, evseId, transactionId,
      ...(wh !== undefined ? { energyWh: wh } : {}),
      ...(latest?.powerW !== undefined ? { powerW: latest.powerW } : {}),
    });
  }

  /**
   * Completes a transaction once (1.6 stop, 2.x Ended): energy is meter stop - meter start, or,
   * without a usable meter stop, the last register reading - meter start.
   */
  private async finish(id: number, stationId: string, s: { stoppedAt: Date; meterStopWh: number | null; reason: string; idToken: string | null }): Promise<void> {
    const fresh = (await repo.findTransaction(this.ctx.db, id))!;
    if (fresh.status === 'completed' && fresh.stopReason === SUPERSEDED && s.reason !== SUPERSEDED) {
      await this.lateStop(fresh, s);
    }
    if (fresh.status === 'completed') {
      // A retried stop: completed before completion was atomic (or by an older version)? Repair.
      const writes = await this.completionWrites(fresh);
      if (writes.length) await this.ctx.db.transaction(async (q) => { for (const w of writes) await w(q); });
      return;
    }
    const start = fresh.meterStartWh;
    let energyWh: number | null = null;
    let meterStopWh = s.meterStopWh;
    if (start !== null && meterStopWh !== null && meterStopWh >= start) energyWh = meterStopWh - start;
    else if (start !== null && fresh.energyWh !== null) energyWh = fresh.energyWh;
    if (meterStopWh !== null && start !== null && meterStopWh < start) {
      this.ctx.log.warn({ stationId, transactionId: id, start, stop: meterStopWh }, 'meter stop below meter start; using sampled values');
    }
    // 2.x Ended without a reading: the stop is the last reading received.
    if (meterStopWh === null && start !== null && energyWh !== null) meterStopWh = start + energyWh;
    const stop = { stoppedAt: s.stoppedAt, meterStopWh, energyWh, stopReason: s.reason, stopIdToken: s.idToken };
    // Cost and CDR are priced from the transaction as it will be stored, outside the database
    // transaction (reads only, so a PGlite write lock is not held while pricing); the completion,
    // the cost and the CDR then commit together: nobody sees a completed session without them.
    const done: repo.Transaction = {
      ...fresh, status: 'completed', stoppedAt: s.stoppedAt.toISOString(), meterStopWh, energyWh, stopReason: s.reason,
      stopIdToken: s.idToken ?? fresh.stopIdToken,
    };
    const writes = await this.completionWrites(done);
    const completed = await this.ctx.db.transaction(async (q) => {
      if (!(await repo.completeTransaction(q, id, stop))) return false; // a concurrent stop won
      for (const w of writes) await w(q);
      return true;
    });
    if (completed) this.ctx.events.emit('transaction.stopped', { stationId, transactionId: id, energyWh, stopReason: s.reason });
  }

  /**
   * Ends the active transactions of an EVSE that a newer transaction there supersedes: the
   * station started a new one without a StopTransaction / TransactionEvent Ended for the old one
   * (it lost it in a power cut or reset, or gave up sending it). An EVSE charges one EV at a time,
   * so the old one is over: it is completed with stop reason `Superseded` at its last meter value
   * or event (never later: only what was measured is billed), with its cost and CDR. A newer
   * transaction already active there (an older one arriving late from an offline queue) is left alone.
   */
  private async closeSuperseded(stationId: string, evseId: number, newId: number, startedAt: Date): Promise<void> {
    if (evseId <= 0) return;
    for (const old of await repo.activeBefore(this.ctx.db, stationId, evseId, newId, startedAt)) {
      const stoppedAt = await repo.lastActivity(this.ctx.db, old.id);
      this.ctx.log.warn(
        { stationId, evseId, transactionId: old.id, newTransactionId: newId, stoppedAt },
        'a new transaction started on this EVSE without a stop for the previous one: completing it (stop reason Superseded)',
      );
      await this.finish(old.id, stationId, { stoppedAt, meterStopWh: null, reason: SUPERSEDED, idToken: null });
    }
  }

  /**
   * The station's own stop for a transaction Voltlane already closed as superseded (sent late,
   * e.g. replayed after a reboot). Its cost and CDR were sealed at the close; a 1.6 meterStop is
   * kept as a Transaction.End meter value (the stop's other readings, and a 2.x Ended event's,
   * are stored already), so nothing the station reported is lost.
   */
  private async lateStop(tx: repo.Transaction, s: { stoppedAt: Date; meterStopWh: number | null; reason: string }): Promise<void> {
    this.ctx.log.warn(
      { stationId: tx.stationId, transactionId: tx.id, stoppedAt: s.stoppedAt, meterStopWh: s.meterStopWh, reason: s.reason, closedAt: tx.stoppedAt },
      'stop received for a transaction closed as superseded: its reading is stored, its cost and CDR stay as sealed',
    );
    if (s.meterStopWh === null || tx.ocppTransactionId !== null) return;
    const reading: MeterValueIn = {
      timestamp: s.stoppedAt.toISOString(),
      sampledValue: [{ value: s.meterStopWh, context: 'Transaction.End', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
    };
    await this.meterValues(tx.stationId, tx.evseId, tx.id, [reading]);
  }

  /** The final cost and every completion step's write for a transaction as completed. */
  private async completionWrites(done: repo.Transaction): Promise<CompletionWrite[]> {
    const writes: CompletionWrite[] = [];
    const cost = await this.tariffs?.finalCostWrite(done);
    if (cost) writes.push(cost);
    for (const step of this.completedHooks) {
      const w = await step(done);
      if (w) writes.push(w);
    }
    return writes;
  }
}
