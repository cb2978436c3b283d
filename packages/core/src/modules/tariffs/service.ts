import { isDeepStrictEqual } from 'node:util';
import { Decimal } from 'decimal.js';
import { costOf, formatMoney, isCurrency, isTimeZone, toMainUnitNumber, validateTariff, type Tariff } from '@voltlane/billing';
import type { OcppVersion } from '@voltlane/ocpp';
import type { Queryable } from '@voltlane/db';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { page } from '../../rows.js';
import type { PersonalMessage } from '../authorization/id-token-info.js';
import type { CommandService } from '../commands/service.js';
import { findTransaction, type Transaction } from '../transactions/repository.js';
import * as repo from './repository.js';
import { toSession } from './session.js';
import { tariffCostSettings } from './station-settings.js';
import { tariffText } from './tariff-text.js';

/** The cost of a transaction as the API shows it: decimal strings in the tariff's currency. */
export interface TransactionCost {
  currency: string;
  exclVat: string;
  inclVat: string;
}

/** The tariff a transaction is priced with from some moment on (null: none, free). */
type Snapshot = { tariffId: string; tariff: Tariff; timeZone: string } | null;

/** What the driver sees on a 2.x station for a token (I01): the tariff text and the driver's language. */
export interface DriverTariffInfo {
  personalMessage?: PersonalMessage;
  language1?: string;
}

/** Body of the fallback message settings (I04/I05); absent values are derived where possible. */
export interface FallbackSettings {
  tariffFallbackMessage?: string | undefined;
  totalCostFallbackMessage?: string | undefined;
  currency?: string | undefined;
}

/** Default TotalCostFallbackMessage: shown when the station cannot get the final cost (I05). */
export const DEFAULT_TOTAL_COST_FALLBACK = 'The cost of this session could not be shown here; you will find it on your invoice.';

/** The longest MessageContentType.content each 2.x version allows. */
const MESSAGE_MAX: Record<string, number> = { 'ocpp2.0.1': 512, 'ocpp2.1': 1024 };

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
  private commands: CommandService | undefined;

  constructor(private readonly ctx: CoreContext) {}

  /** Lets the service send CostUpdated and SetVariables to stations. */
  useCommands(commands: CommandService): void {
    this.commands = commands;
  }

  async create(body: unknown): Promise<repo.StoredTariff> {
    const t = checked(body);
    if (!(await repo.insertTariff(this.ctx.db, t))) throw new AppError('ALREADY_EXISTS', `Tariff ${t.id} exists: change it with PUT /api/v1/tariffs/${t.id}`);
    return (await repo.findTariff(this.ctx.db, t.id))!;
  }

  async update(id: string, body: unknown): Promise<repo.StoredTariff> {
    const t = checked(body);
    if (t.id !== id) throw new AppError('VALIDATION_FAILED', `tariff.id ${t.id} differs from the id in the path (${id})`, { field: 'tariff.id' });
    await this.repricing({ tariffId: id }, async () => {
      if (!(await repo.updateTariff(this.ctx.db, t))) throw this.notFound(id);
    });
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
    await this.repricing({ tariffId: id }, async () => {
      if (!(await repo.deleteTariff(this.ctx.db, id))) throw this.notFound(id);
    });
  }

  /** Assigns a tariff to a station (or one EVSE of it, for one id token group), replacing the assignment of that scope. */
  async assign(stationId: string, a: { tariffId: string; evseId?: number | undefined; idTokenGroup?: string | undefined; timeZone?: string | undefined }): Promise<repo.TariffAssignment[]> {
    const timeZone = a.timeZone ?? 'UTC';
    if (!isTimeZone(timeZone)) throw new AppError('VALIDATION_FAILED', `timeZone ${timeZone} is not an IANA time zone (e.g. Europe/Amsterdam)`, { field: 'body.timeZone' });
    if (!(await repo.findTariff(this.ctx.db, a.tariffId))) throw this.notFound(a.tariffId);
    const station = await this.ctx.db.query('select 1 from stations where id = $1', [stationId]);
    if (!station.rows.length) throw new AppError('STATION_NOT_FOUND', `Station ${stationId} does not exist: create it with POST /api/v1/stations`);
    await this.repricing({ stationId }, () =>
      repo.upsertAssignment(this.ctx.db, { stationId, evseId: a.evseId ?? null, idTokenGroup: a.idTokenGroup ?? null, tariffId: a.tariffId, timeZone }),
    );
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

  /**
   * The final cost of a transaction being completed (`tx` as it will be stored: completed, with its
   * stop), as a write for the database transaction that completes it, so that no reader sees it
   * completed without its cost. Only reads here; undefined when no tariff applies or the cost is
   * already fixed (a retried stop keeps the first).
   */
  async finalCostWrite(tx: Transaction): Promise<((q: Queryable) => Promise<void>) | undefined> {
    if (await repo.storedCost(this.ctx.db, tx.id)) return undefined;
    const computed = await this.compute(tx);
    if (!computed) return undefined;
    return (q) => repo.saveCost(q, tx.id, { tariffId: computed.tariffId, ...computed.cost });
  }

  /**
   * The cost of a transaction up to `at` (default: its stop, or now). Without tariff periods the
   * tariff assigned now prices all of it. With periods (the tariff changed while it ran, I06),
   * each period's tariff prices what happened in it: the difference of that tariff's cost of the
   * whole session up to the period's end and up to its start, so that restrictions on duration or
   * energy still count from the session's start and a FLAT fee is charged once, by the first tariff.
   */
  private async compute(tx: Transaction, at?: Date): Promise<{ tariffId: string; cost: TransactionCost } | undefined> {
    const end = tx.stoppedAt ? new Date(tx.stoppedAt) : new Date(Math.max((at ?? new Date()).getTime(), Date.parse(tx.startedAt)));
    const periods = await repo.tariffPeriods(this.ctx.db, tx.id);
    if (!periods.length) {
      const found = await this.assigned(tx);
      if (!found) return undefined;
      periods.push({ seq: 0, startsAt: new Date(tx.startedAt), ...found, announced: true });
    }
    const points = await repo.meterPoints(this.ctx.db, tx.id);
    const states = await repo.chargingStates(this.ctx.db, tx.id);
    const priced = (tariff: Tariff, timeZone: string, cut: Date) => {
      const isEnd = cut.getTime() === end.getTime();
      const session = toSession(
        { startedAt: new Date(tx.startedAt), end: cut, meterStartWh: tx.meterStartWh, meterStopWh: isEnd ? tx.meterStopWh : null, cut: !isEnd },
        points, states, timeZone,
      );
      const c = costOf(tariff, session);
      return { excl: new Decimal(c.exclVat), incl: new Decimal(c.inclVat) };
    };
    let excl = new Decimal(0);
    let incl = new Decimal(0);
    let last: { tariffId: string; currency: string } | undefined;
    for (const [i, p] of periods.entries()) {
      if (i > 0 && p.startsAt >= end) break;
      const next = periods[i + 1]?.startsAt;
      const to = next && next < end ? next : end;
      if (!p.tariff || !p.tariffId) continue;
      const upTo = priced(p.tariff, p.timeZone, to);
      const from = i === 0 ? { excl: new Decimal(0), incl: new Decimal(0) } : priced(p.tariff, p.timeZone, p.startsAt);
      excl = excl.plus(upTo.excl).minus(from.excl);
      incl = incl.plus(upTo.incl).minus(from.incl);
      last = { tariffId: p.tariffId, currency: p.tariff.currency };
    }
    if (!last) return undefined;
    return { tariffId: last.tariffId, cost: { currency: last.currency, exclVat: formatMoney(excl, last.currency), inclVat: formatMoney(incl, last.currency) } };
  }

  /** The tariff assigned now for the transaction's station, EVSE and the group of its token. */
  private async assigned(tx: { stationId: string; evseId: number; idToken: string | null }): Promise<Exclude<Snapshot, null> | undefined> {
    const group = await repo.tokenGroup(this.ctx.db, tx.idToken);
    const found = await repo.findApplicable(this.ctx.db, tx.stationId, tx.evseId, group);
    return found && { tariffId: found.tariff.id, tariff: found.tariff, timeZone: found.assignment.timeZone };
  }

  /** The tariff a running transaction is priced with now: its last period's, else the assigned one. */
  private async current(tx: Transaction): Promise<Snapshot> {
    const periods = await repo.tariffPeriods(this.ctx.db, tx.id);
    const p = periods.at(-1);
    if (p) return p.tariff && p.tariffId ? { tariffId: p.tariffId, tariff: p.tariff, timeZone: p.timeZone } : null;
    return (await this.assigned(tx)) ?? null;
  }

  /**
   * Runs a change of tariffs or assignments and applies it to running transactions (I06): a
   * transaction whose tariff changes gets a new tariff period from now on (what it used before
   * stays priced with the old tariff), its running cost goes to the station as CostUpdated, and
   * its next TransactionEventResponse shows the new tariff (updatedPersonalMessage). A tariff in
   * another currency cannot continue a running transaction's cost: it applies from the next one.
   */
  private async repricing(scope: { stationId?: string; tariffId?: string }, change: () => Promise<void>): Promise<void> {
    const before = new Map<number, Snapshot>();
    for (const id of await repo.activeTransactionIds(this.ctx.db, scope)) {
      const tx = await findTransaction(this.ctx.db, id);
      if (tx) before.set(id, await this.current(tx));
    }
    await change();
    const now = new Date();
    for (const [id, old] of before) {
      const tx = await findTransaction(this.ctx.db, id);
      if (!tx || tx.status !== 'active') continue;
      const next = (await this.assigned(tx)) ?? null;
      if (isDeepStrictEqual(old, next)) continue;
      // Pins what priced the transaction so far (the assignment it came from has just changed).
      const periods = await repo.tariffPeriods(this.ctx.db, id);
      if (!periods.length) await repo.addTariffPeriod(this.ctx.db, id, { startsAt: new Date(tx.startedAt), ...snapshotColumns(old), announced: true });
      if (old && next && old.tariff.currency !== next.tariff.currency) {
        this.ctx.log.warn({ transactionId: id, from: old.tariffId, to: next.tariffId }, 'tariff in another currency: the running transaction keeps its tariff');
        continue;
      }
      await repo.addTariffPeriod(this.ctx.db, id, { startsAt: now, ...snapshotColumns(next), announced: next === null });
      this.ctx.log.info({ stationId: tx.stationId, transactionId: id, from: old?.tariffId ?? null, to: next?.tariffId ?? null }, 'tariff of a running transaction changed');
      const cost = await this.compute(tx, now);
      if (cost && tx.ocppTransactionId) this.sendRunningCost(tx.stationId, tx.ocppTransactionId, toMainUnitNumber(cost.cost.inclVat, cost.cost.currency));
    }
  }

  /**
   * Sends a running cost to a 2.x station (CostUpdated, I02/I06) after the current exchange,
   * unless the station turned cost display off (TariffCostCtrlr.Enabled[Cost]).
   */
  sendRunningCost(stationId: string, ocppTransactionId: string, totalCost: number): void {
    const commands = this.commands;
    if (!commands) return;
    setImmediate(() => {
      void (async () => {
        if (!(await tariffCostSettings(this.ctx.db, stationId)).cost) return;
        await commands.send(stationId, 'CostUpdated', { totalCost, transactionId: ocppTransactionId });
      })().catch((err: unknown) =>
        this.ctx.log.warn({ stationId, transactionId: ocppTransactionId, err: (err as Error).message }, 'CostUpdated not delivered'),
      );
    });
  }

  /**
   * I01: the driver's tariff at a station as a personal message (UTF8, in the driver's language:
   * the token owner's locale, else the station's display language), and language1 when the
   * driver's language is known. Empty when no tariff applies or the station turned tariff
   * display off. `evseId` 0: the station-wide assignments (Authorize names no EVSE).
   */
  async driverInfo(stationId: string, idToken: string, evseId: number, version: OcppVersion): Promise<DriverTariffInfo> {
    const settings = await tariffCostSettings(this.ctx.db, stationId);
    const owner = idToken ? await repo.ownerLanguage(this.ctx.db, idToken) : undefined;
    const language1 = owner && owner.length <= 8 ? owner : undefined;
    const info: DriverTariffInfo = language1 ? { language1 } : {};
    if (!settings.tariff) return info;
    const found = await this.assigned({ stationId, evseId, idToken: idToken || null });
    if (!found) return info;
    const max = Math.min(MESSAGE_MAX[version] ?? 512, settings.personalMessageSize ?? Infinity);
    const text = tariffText(found.tariff, [owner, settings.language].filter((l): l is string => !!l), max);
    return { ...info, personalMessage: message(text.content, text.language) };
  }

  /** I01 in a TransactionEventResponse: {@link driverInfo} for the transaction's EVSE. */
  async driverInfoForTransaction(stationId: string, ocppTransactionId: string, idToken: string, version: OcppVersion): Promise<DriverTariffInfo> {
    const tx = await repo.findByOcppId(this.ctx.db, stationId, ocppTransactionId);
    return this.driverInfo(stationId, idToken, tx?.evseId ?? 0, version);
  }

  /**
   * I06: the new tariff's text once after the tariff of a running transaction changed, for
   * TransactionEventResponse.updatedPersonalMessage; undefined when there is nothing new.
   */
  async tariffChangeMessage(stationId: string, ocppTransactionId: string, version: OcppVersion): Promise<PersonalMessage | undefined> {
    const tx = await repo.findByOcppId(this.ctx.db, stationId, ocppTransactionId);
    if (!tx) return undefined;
    const periods = await repo.tariffPeriods(this.ctx.db, tx.id);
    const latest = periods.at(-1);
    if (!latest || latest.announced || !latest.tariff) return undefined;
    if (!(await repo.markAnnounced(this.ctx.db, tx.id))) return undefined; // told already (concurrent event)
    const settings = await tariffCostSettings(this.ctx.db, stationId);
    if (!settings.tariff) return undefined;
    const owner = tx.idToken ? await repo.ownerLanguage(this.ctx.db, tx.idToken) : undefined;
    const max = Math.min(MESSAGE_MAX[version] ?? 512, settings.personalMessageSize ?? Infinity);
    const text = tariffText(latest.tariff, [owner, settings.language].filter((l): l is string => !!l), max);
    return message(text.content, text.language);
  }

  /**
   * I04/I05: sets TariffCostCtrlr.TariffFallbackMessage, TotalCostFallbackMessage and Currency on a
   * 2.x station with SetVariables and returns the station's answer per variable. Absent values
   * are derived: the fallback tariff text from the station-wide tariff (in the station's display
   * language if the tariff has a text in it), the currency from that tariff, and a default total
   * cost message.
   */
  async setFallbackMessages(stationId: string, body: FallbackSettings): Promise<{ variable: string; value: string; status: string; statusInfo?: unknown }[]> {
    const commands = this.commands;
    if (!commands) throw new AppError('INTERNAL_ERROR', 'commands are not available in this process');
    const station = await this.ctx.db.query<{ ocpp_version: string | null }>('select ocpp_version from stations where id = $1', [stationId]);
    if (!station.rows[0]) throw new AppError('STATION_NOT_FOUND', `Station ${stationId} does not exist: create it with POST /api/v1/stations`);
    const version = station.rows[0].ocpp_version;
    if (version !== 'ocpp2.0.1' && version !== 'ocpp2.1') {
      throw new AppError('UNKNOWN_ACTION', `Station ${stationId} speaks ${version ?? 'no OCPP version yet'}: fallback tariff and cost messages are OCPP 2.x TariffCostCtrlr variables`);
    }
    if (body.currency !== undefined && !isCurrency(body.currency)) {
      throw new AppError('VALIDATION_FAILED', `body.currency ${body.currency} is not an ISO 4217 currency code (e.g. EUR)`, { field: 'body.currency' });
    }
    const fallback = await repo.stationDefault(this.ctx.db, stationId);
    const settings = await tariffCostSettings(this.ctx.db, stationId);
    const tariffMessage = body.tariffFallbackMessage ?? (fallback && tariffText(fallback, settings.language ? [settings.language] : [], 512).content);
    if (tariffMessage === undefined && body.currency === undefined && body.totalCostFallbackMessage === undefined) {
      throw new AppError('VALIDATION_FAILED', `Station ${stationId} has no station-wide tariff to describe: assign one (PUT /api/v1/stations/${stationId}/tariff) or send tariffFallbackMessage`, { field: 'body.tariffFallbackMessage' });
    }
    const values: [string, string | undefined][] = [
      ['TariffFallbackMessage', tariffMessage],
      ['TotalCostFallbackMessage', body.totalCostFallbackMessage ?? DEFAULT_TOTAL_COST_FALLBACK],
      ['Currency', body.currency ?? fallback?.currency],
    ];
    const set = values.filter((v): v is [string, string] => v[1] !== undefined);
    const reply = await commands.send(stationId, 'SetVariables', {
      setVariableData: set.map(([name, value]) => ({ component: { name: 'TariffCostCtrlr' }, variable: { name }, attributeValue: value })),
    });
    const results = (reply.setVariableResult ?? []) as { variable: { name: string }; attributeStatus: string; attributeStatusInfo?: unknown }[];
    return set.map(([name, value]) => {
      const r = results.find((x) => x.variable.name === name);
      return { variable: `TariffCostCtrlr.${name}`, value, status: r?.attributeStatus ?? 'NoAnswer', ...(r?.attributeStatusInfo ? { statusInfo: r.attributeStatusInfo } : {}) };
    });
  }

  private notFound(id: string): AppError {
    return new AppError('NOT_FOUND', `Tariff ${id} does not exist: create it with POST /api/v1/tariffs`);
  }
}

function snapshotColumns(s: Snapshot): { tariffId: string | null; tariff: Tariff | null; timeZone: string } {
  return s ? { tariffId: s.tariffId, tariff: s.tariff, timeZone: s.timeZone } : { tariffId: null, tariff: null, timeZone: 'UTC' };
}

function message(content: string, language: string): PersonalMessage {
  return { format: 'UTF8', ...(language.length <= 8 ? { language } : {}), content };
}
