import { cdrChargesOverTime, creditCdr, Money, negateShares, type Cdr, type TariffSegment } from '@voltlane/billing';
import type { Queryable } from '@voltlane/db';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { page } from '../../rows.js';
import type { Transaction } from '../transactions/repository.js';
import { chargingStates, findApplicable, meterPoints, tariffPeriods } from '../tariffs/repository.js';
import { toSession } from '../tariffs/session.js';
import { buildCdr } from './builder.js';
import * as repo from './repository.js';

/** The id of the CDR of a transaction (its credit CDR appends `-C`, as OCPI suggests). */
export const cdrIdOf = (transactionId: number) => `CDR-${transactionId}`;

const dec4 = (v: string) => new Money(v).toDecimalPlaces(4).toString();

/**
 * Charge Detail Records (OCPI 2.2.1): exactly one sealed CDR per completed transaction, made by
 * the code path that completes it, whatever the OCPP version, offline replay or retry (the
 * transaction id is a unique key, so a retried or redelivered stop finds the CDR already there).
 * The tariff that applied is priced by @voltlane/billing from the stored meter values; a session
 * no tariff applies to gets a CDR with cost 0 in VOLTLANE_DEFAULT_CURRENCY. CDRs are never
 * changed: a correction is a credit CDR.
 * @example transactions.onCompleted((tx) => cdrs.completionWrite(tx));
 */
export class CdrService {
  constructor(private readonly ctx: CoreContext) {}

  /**
   * The CDR of a transaction being completed (`tx` as it will be stored), as a write for the
   * database transaction that completes it: a completed session is never seen without its CDR.
   * Pricing and building are done here, outside that transaction (only reads); undefined when
   * the transaction has its CDR already (a retried stop).
   */
  async completionWrite(tx: Transaction): Promise<((q: Queryable) => Promise<void>) | undefined> {
    const db = this.ctx.db;
    if (await repo.findByTransaction(db, tx.id)) return undefined;
    const token = await repo.tokenFacts(db, tx.idToken);
    const end = new Date(tx.stoppedAt ?? tx.startedAt);
    // The tariffs the transaction was priced with: its tariff periods (the tariff changed while it
    // ran, I06), else the one assigned now, as its fixed cost was computed.
    const periods = await tariffPeriods(db, tx.id);
    let segments: TariffSegment[] = periods.map((p) => ({ from: p.startsAt, tariff: p.tariff ?? undefined, timeZone: p.timeZone }));
    if (!segments.length) {
      const found = await findApplicable(db, tx.stationId, tx.evseId, token.group);
      segments = [{ from: new Date(tx.startedAt), tariff: found?.tariff, timeZone: found?.assignment.timeZone ?? 'UTC' }];
    }
    const points = await meterPoints(db, tx.id);
    const states = await chargingStates(db, tx.id);
    const upTo = (cut: Date | undefined, timeZone: string) => toSession(
      { startedAt: new Date(tx.startedAt), end: cut ?? end, meterStartWh: tx.meterStartWh, meterStopWh: cut ? null : tx.meterStopWh, cut: cut !== undefined },
      points, states, timeZone,
    );
    const { charges, cost, tariffs } = cdrChargesOverTime(segments, upTo, this.ctx.config.billing.defaultCurrency);
    const createdAt = new Date();
    const { ocpiCountryCode: countryCode, ocpiPartyId: partyId } = this.ctx.config.billing;
    const cdr = buildCdr(tx, cdrIdOf(tx.id), { idToken: tx.idToken, type: tx.idTokenType ?? token.type }, {
      countryCode, partyId, station: await repo.stationRow(db, tx.stationId), connector: await repo.connectorRow(db, tx.stationId, tx.evseId, tx.connectorId), tariffs, charges, createdAt,
    });
    const row: repo.NewCdr = {
      id: cdr.id, transactionId: tx.id, stationId: tx.stationId, idToken: tx.idToken, userId: token.userId, idTokenGroup: token.group,
      currency: cdr.currency, totalExclVat: dec4(cost.exclVat), totalInclVat: dec4(cost.inclVat),
      energyWh: new Money(charges.total_energy).mul(1000).toNumber(), startedAt: new Date(tx.startedAt), endedAt: end,
      credit: false, creditReferenceId: null, vat: cost.vat, cdr, createdAt,
    };
    return async (q) => {
      if (await repo.insertCdr(q, row)) {
        this.ctx.log.info({ stationId: tx.stationId, transactionId: tx.id, cdrId: cdr.id, currency: cdr.currency, totalInclVat: cost.inclVat }, 'CDR created');
      }
    };
  }

  /** A CDR by id (OCPI object and query columns). */
  async get(id: string): Promise<repo.StoredCdr> {
    const c = await repo.findCdr(this.ctx.db, id);
    if (!c) throw notFound(id);
    return c;
  }

  /** CDRs filtered by session end in [from, to), station, id token, owning user; newest first. */
  list(q: Omit<repo.CdrFilter, 'limit' | 'offset'> & { limit?: number; offset?: number }) {
    if (q.from && q.to && q.from >= q.to) {
      throw new AppError('VALIDATION_FAILED', 'querystring.to must be after querystring.from', { field: 'querystring.to' });
    }
    return repo.listCdrs(this.ctx.db, { ...q, ...page(q) });
  }

  /**
   * Credits a CDR (OCPI "Credit CDRs"): a new CDR `<id>-C` with the same data, total_cost negated,
   * credit true and credit_reference_id = the original. A CDR is credited once.
   */
  async credit(id: string, remark?: string): Promise<repo.StoredCdr> {
    const original = await this.get(id);
    if (original.credit) throw new AppError('VALIDATION_FAILED', `CDR ${id} is itself a credit CDR: credit the original (${original.creditReferenceId})`);
    const creditId = `${id}-C`;
    const createdAt = new Date();
    const cdr: Cdr = creditCdr(original.cdr, creditId, createdAt, remark);
    const neg = (v: string) => new Money(v).neg().toString();
    const stored = await repo.insertCdr(this.ctx.db, {
      ...original, id: creditId, totalExclVat: neg(original.totalExclVat), totalInclVat: neg(original.totalInclVat),
      startedAt: new Date(original.startedAt), endedAt: new Date(original.endedAt), credit: true, creditReferenceId: id,
      vat: negateShares(original.vat), cdr, createdAt,
    });
    if (!stored) throw new AppError('ALREADY_EXISTS', `CDR ${id} was already credited (${creditId})`);
    this.ctx.log.info({ cdrId: id, creditId }, 'CDR credited');
    return this.get(creditId);
  }
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `CDR ${id} does not exist; list CDRs with GET /api/v1/cdrs`);
}
