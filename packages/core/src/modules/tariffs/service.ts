import { costOf, isTimeZone, validateTariff, type Tariff } from '@voltlane/billing';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { page } from '../../rows.js';
import type { Transaction } from '../transactions/repository.js';
import * as repo from './repository.js';
import { toSession } from './session.js';

/** The cost of a transaction as the API shows it: decimal strings in the tariff's currency. */
export interface TransactionCost {
  currency: string;
  exclVat: string;
  inclVat: string;
}

/** A checked tariff, or a 400 naming the first field at fault (all problems in details). */
function checked(body: unknown): Tariff {
  const problems = validateTariff(body);
  if (problems.length) {
    const first = problems[0]!;
    throw new AppError('VALIDATION_FAILED', `tariff.${first.field} ${first.message}`, { field: `tariff.${first.field}`, problems });
  }
  return body as Tariff;
}

/**
 * Tariffs (OCPI 2.2.1 Tariff objects), where they apply, and what transactions cost under them.
 * The cost of an active transaction is computed when asked, from its meter values; a completed
 * transaction's cost is computed once at its stop and kept.
 * @example await tariffs.create(tariff); await tariffs.assign('CP1', { tariffId: tariff.id });
 */
export class TariffService {
  constructor(private readonly ctx: CoreContext) {}

  async create(body: unknown): Promise<repo.StoredTariff> {
    const t = checked(body);
    if (!(await repo.insertTariff(this.ctx.db, t))) throw new AppError('ALREADY_EXISTS', `Tariff ${t.id} exists: change it with PUT /api/v1/tariffs/${t.id}`);
    return (await repo.findTariff(this.ctx.db, t.id))!;
  }

  async update(id: string, body: unknown): Promise<repo.StoredTariff> {
    const t = checked(body);
    if (t.id !== id) throw new AppError('VALIDATION_FAILED', `tariff.id ${t.id} differs from the id in the path (${id})`, { field: 'tariff.id' });
    if (!(await repo.updateTariff(this.ctx.db, t))) throw this.notFound(id);
    return (await repo.findTariff(this.ctx.db, id))!;
  }

  async get(id: string): Promise<repo.StoredTariff> {
    const t = await repo.findTariff(this.ctx.db, id);
    if (!t) throw this.notFound(id);
    return t;
  }

  list(q: { limit?: number; offset?: number }) {
    return repo.listTariffs(this.ctx.db, page(q));
  }

  /** Deletes a tariff and its assignments (costs already fixed on transactions stay). */
  async remove(id: string): Promise<void> {
    if (!(await repo.deleteTariff(this.ctx.db, id))) throw this.notFound(id);
  }

  /** Assigns a tariff to a station (or one EVSE of it, for one id token group), replacing the assignment of that scope. */
  async assign(stationId: string, a: { tariffId: string; evseId?: number | undefined; idTokenGroup?: string | undefined; timeZone?: string | undefined }): Promise<repo.TariffAssignment[]> {
    const timeZone = a.timeZone ?? 'UTC';
    if (!isTimeZone(timeZone)) throw new AppError('VALIDATION_FAILED', `timeZone ${timeZone} is not an IANA time zone (e.g. Europe/Amsterdam)`, { field: 'body.timeZone' });
    if (!(await repo.findTariff(this.ctx.db, a.tariffId))) throw this.notFound(a.tariffId);
    const station = await this.ctx.db.query('select 1 from stations where id = $1', [stationId]);
    if (!station.rows.length) throw new AppError('STATION_NOT_FOUND', `Station ${stationId} does not exist: create it with POST /api/v1/stations`);
    await repo.upsertAssignment(this.ctx.db, { stationId, evseId: a.evseId ?? null, idTokenGroup: a.idTokenGroup ?? null, tariffId: a.tariffId, timeZone });
    return repo.listAssignments(this.ctx.db, stationId);
  }

  assignments(stationId: string): Promise<repo.TariffAssignment[]> {
    return repo.listAssignments(this.ctx.db, stationId);
  }

  /**
   * What a transaction costs: the cost fixed at its stop, or (active) the cost up to `at` (default
   * now) under the tariff that applies to it; null when no tariff applies.
   */
  async costOf(tx: Transaction, at?: Date): Promise<TransactionCost | null> {
    const stored = await repo.storedCost(this.ctx.db, tx.id);
    if (stored) return { currency: stored.currency, exclVat: stored.exclVat, inclVat: stored.inclVat };
    if (tx.status === 'completed') return null;
    const computed = await this.compute(tx, at);
    return computed ? computed.cost : null;
  }

  /** Fixes the cost of a completed transaction (a retried stop keeps the first); returns it. */
  async finalize(tx: Transaction): Promise<TransactionCost | null> {
    const computed = await this.compute(tx);
    if (!computed) return null;
    await repo.saveCost(this.ctx.db, tx.id, { tariffId: computed.tariffId, ...computed.cost });
    return this.costOf(tx);
  }

  private async compute(tx: Transaction, at?: Date): Promise<{ tariffId: string; cost: TransactionCost } | undefined> {
    const group = await repo.tokenGroup(this.ctx.db, tx.idToken);
    const found = await repo.findApplicable(this.ctx.db, tx.stationId, tx.evseId, group);
    if (!found) return undefined;
    const end = tx.stoppedAt ? new Date(tx.stoppedAt) : new Date(Math.max((at ?? new Date()).getTime(), Date.parse(tx.startedAt)));
    const session = toSession(
      { startedAt: new Date(tx.startedAt), end, meterStartWh: tx.meterStartWh, meterStopWh: tx.meterStopWh },
      await repo.meterPoints(this.ctx.db, tx.id),
      await repo.chargingStates(this.ctx.db, tx.id),
      found.assignment.timeZone,
    );
    const c = costOf(found.tariff, session);
    return { tariffId: found.tariff.id, cost: { currency: c.currency, exclVat: c.exclVat, inclVat: c.inclVat } };
  }

  private notFound(id: string): AppError {
    return new AppError('NOT_FOUND', `Tariff ${id} does not exist: create it with POST /api/v1/tariffs`);
  }
}
