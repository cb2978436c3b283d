import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { Batcher } from '../../batcher.js';
import { page } from '../../rows.js';
import type { AuthorizationService, IdTokenInfo } from '../authorization/service.js';
import type { ReservationService } from '../reservations/service.js';
import * as repo from './repository.js';
import { toMeterRows, type MeterValueIn } from './samples.js';

/** A batch entry: samples of one message plus the register reading they carry. */
interface MeterBatchItem {
  rows: repo.MeterValueRow[];
  register?: { transactionId: number; stationId: string; wh: number };
}

/**
 * Transactions and metering, version-neutral: started, meter values, stopped. Meter values are
 * group-committed; every caller is answered only once its rows are durably stored.
 */
export class TransactionService {
  private readonly meterWriter: Batcher<MeterBatchItem>;

  constructor(
    private readonly ctx: CoreContext,
    private readonly auth: AuthorizationService,
    private readonly reservations: ReservationService,
  ) {
    this.meterWriter = new Batcher((items) => this.writeMeterBatch(items), {
      maxItems: 2000,
      // Two writers keep PostgreSQL busy while the next batch forms; PGlite has one connection.
      maxConcurrent: ctx.db.kind === 'postgres' ? 2 : 1,
    });
  }

  /** Transaction started. Retried starts (same station, EVSE, time, token) return the same id. */
  async start(s: {
    stationId: string; evseId: number; connectorId: number; idToken: string; meterStartWh: number | null;
    startedAt: Date; reservationId?: number | undefined;
  }): Promise<{ transactionId: number; idTokenInfo: IdTokenInfo }> {
    let info = await this.auth.authorize(s.idToken);
    const reservation = await this.reservations.forStart(s.stationId, s.evseId, s.idToken, info.parentIdToken, s.reservationId);
    if (reservation.blocked) {
      this.ctx.log.warn({ stationId: s.stationId, evseId: s.evseId, idToken: s.idToken }, 'connector is reserved for another id token');
      info = { ...info, status: 'Invalid' };
    }
    const { id, duplicate } = await repo.insertTransaction(this.ctx.db, {
      stationId: s.stationId, evseId: s.evseId, connectorId: s.connectorId, idToken: s.idToken, startedAt: s.startedAt,
      meterStartWh: s.meterStartWh, reservationId: reservation.reservationId ?? null,
    });
    if (info.status === 'Accepted') {
      info = await this.auth.authorize(s.idToken, { concurrent: true, exceptTransactionId: id });
    }
    if (!duplicate) {
      if (reservation.reservationId !== undefined) await this.reservations.markUsed(reservation.reservationId, id);
      this.ctx.events.emit('transaction.started', { stationId: s.stationId, transactionId: id, evseId: s.evseId, idToken: s.idToken });
    }
    return { transactionId: id, idTokenInfo: info };
  }

  /** Meter values of a station (with or without a transaction). */
  async meterValues(stationId: string, evseId: number, transactionId: number | null, meterValues: MeterValueIn[]): Promise<void> {
    const rows = toMeterRows(meterValues).map((r) => ({ ...r, stationId, evseId, transactionId }));
    // The newest reading of the message (meter values of one message may span several timestamps).
    const latest = rows.reduce<(typeof rows)[number] | undefined>((a, r) => (!a || r.ts >= a.ts ? r : a), undefined);
    // The register only grows, so the highest reading is the latest.
    const readings = rows.flatMap((r) => (r.energyWh === undefined ? [] : [r.energyWh]));
    const wh = readings.length ? Math.max(...readings) : undefined;
    await this.meterWriter.add({
      rows,
      ...(transactionId !== null && wh !== undefined ? { register: { transactionId, stationId, wh } } : {}),
    });
    this.ctx.events.emit('meter.values', {
      stationId, evseId, transactionId,
      ...(wh !== undefined ? { energyWh: wh } : {}),
      ...(latest?.powerW !== undefined ? { powerW: latest.powerW } : {}),
    });
  }

  /**
   * Transaction stopped. Energy is meter stop - meter start; without a usable meter stop, the last
   * register reading is used. A stop received twice completes (and bills) the transaction once.
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
    if (tx.status === 'completed') return { ...result, known: true };
    const fresh = (await repo.findTransaction(this.ctx.db, tx.id))!;
    const start = fresh.meterStartWh;
    let energyWh: number | null = null;
    if (start !== null && s.meterStopWh !== null && s.meterStopWh >= start) energyWh = s.meterStopWh - start;
    else if (start !== null && fresh.energyWh !== null) energyWh = fresh.energyWh;
    if (s.meterStopWh !== null && start !== null && s.meterStopWh < start) {
      this.ctx.log.warn({ stationId: s.stationId, transactionId: tx.id, start, stop: s.meterStopWh }, 'meter stop below meter start; using sampled values');
    }
    const completed = await repo.completeTransaction(this.ctx.db, tx.id, {
      stoppedAt: s.stoppedAt, meterStopWh: s.meterStopWh, energyWh, stopReason: s.reason, stopIdToken: s.idToken ?? null,
    });
    if (completed) {
      this.ctx.events.emit('transaction.stopped', { stationId: s.stationId, transactionId: tx.id, energyWh, stopReason: s.reason });
    }
    return { ...result, known: true };
  }

  async get(id: number): Promise<repo.Transaction & { meterValues: repo.StoredSample[] }> {
    const tx = await repo.findTransaction(this.ctx.db, id);
    if (!tx) throw new AppError('TRANSACTION_NOT_FOUND', `Transaction ${id} does not exist`);
    return { ...tx, meterValues: await repo.listSamples(this.ctx.db, id) };
  }

  list(q: { limit?: number; offset?: number; stationId?: string; status?: string; idToken?: string }) {
    return repo.listTransactions(this.ctx.db, { ...q, ...page(q) });
  }

  /** Waits until every queued meter value is stored. */
  flush(): Promise<void> {
    return this.meterWriter.flush();
  }

  private async writeMeterBatch(items: MeterBatchItem[]): Promise<void> {
    const rows = items.flatMap((i) => i.rows);
    const registers = new Map<number, { stationId: string; wh: number }>();
    for (const { register: r } of items) {
      if (!r) continue;
      const prev = registers.get(r.transactionId);
      if (!prev || prev.wh < r.wh) registers.set(r.transactionId, { stationId: r.stationId, wh: r.wh });
    }
    await this.ctx.db.transaction((tx) => repo.insertMeterValues(tx, rows, registers));
  }
}
