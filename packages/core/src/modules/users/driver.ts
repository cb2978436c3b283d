import { randomInt } from 'node:crypto';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { iso, num, page } from '../../rows.js';
import type { AuthorizationService } from '../authorization/service.js';
import { toIdToken, type IdToken } from '../authorization/repository.js';
import type { CommandService } from '../commands/service.js';
import type { TariffService } from '../tariffs/service.js';
import { findTransaction, toTransaction, type Transaction } from '../transactions/repository.js';

/** A driver's charging session as the driver API shows it. */
export interface DriverSession {
  id: number;
  stationId: string;
  /** EVSE id; for OCPP 1.6 the connector number (connector n is EVSE n). */
  evseId: number;
  /** Connector within the EVSE; always 1 for OCPP 1.6, 0 while a 2.x station has not named it. */
  connectorId: number;
  idToken: string | null;
  status: 'active' | 'completed';
  startedAt: string;
  stoppedAt: string | null;
  energyWh: number | null;
  /** Latest active power, for active sessions only. */
  powerW: number | null;
  durationS: number;
  /** Decimal string, incl. VAT: fixed at stop, or so far while active; null without a tariff. */
  costInclVat: string | null;
  currency: string | null;
}

/** One month of a driver's sessions (UTC months). */
export interface MonthlyStat {
  month: string;
  sessions: number;
  energyWh: number;
  /** Sum of the completed sessions' costs; null when none has a cost or they are in several currencies. */
  costInclVat: string | null;
  currency: string | null;
}

/** How long a remote start waits for the station to report the transaction, to return its id. */
const START_WAIT_MS = 5000;

/** SQL: the transaction `t` was started with an id token owned by user $1 (tokens are case insensitive). */
const OWNED = 'lower(t.id_token) in (select lower(i.id_token) from id_tokens i where i.user_id = $1)';

/**
 * What a driver (or member) sees and does: their id tokens, their sessions (the transactions
 * started with a token they own), monthly totals, CSV export, remote start and stop. Every query
 * is scoped to the user; someone else's session is "not found", never "forbidden".
 * @example const { items } = await driver.sessions(userId, { status: 'active' });
 */
export class DriverService {
  constructor(
    private readonly ctx: CoreContext,
    private readonly deps: { authorization: AuthorizationService; commands: CommandService; tariffs: TariffService },
  ) {}

  async idTokens(userId: number): Promise<IdToken[]> {
    const r = await this.ctx.db.query('select * from id_tokens where user_id = $1 order by id_token', [userId]);
    return r.rows.map(toIdToken);
  }

  /** Whether the transaction was started with an id token the user owns. */
  async owns(userId: number, transactionId: number): Promise<boolean> {
    const r = await this.ctx.db.query(`select 1 from transactions t where t.id = $2 and ${OWNED}`, [userId, transactionId]);
    return r.rows.length > 0;
  }

  /** Whether the user owns this id token (case insensitive). */
  async ownsIdToken(userId: number, idToken: string): Promise<boolean> {
    const r = await this.ctx.db.query('select 1 from id_tokens where user_id = $1 and lower(id_token) = lower($2)', [userId, idToken]);
    return r.rows.length > 0;
  }

  /** The user's sessions, newest first, filtered by start time (from inclusive, to exclusive) and status. */
  async sessions(userId: number, q: { limit?: number | undefined; offset?: number | undefined; from?: string | undefined; to?: string | undefined; status?: string | undefined }) {
    const { limit, offset } = page(q);
    const params: unknown[] = [userId];
    const where = [OWNED];
    if (q.from) where.push(`t.started_at >= $${params.push(date(q.from, 'from'))}`);
    if (q.to) where.push(`t.started_at < $${params.push(date(q.to, 'to'))}`);
    if (q.status) where.push(`t.status = $${params.push(q.status)}`);
    const w = where.join(' and ');
    const total = await this.ctx.db.query<{ n: number }>(`select count(*)::int as n from transactions t where ${w}`, params);
    const rows = await this.ctx.db.query(
      `select t.*, ${POWER} from transactions t where ${w} order by t.started_at desc, t.id desc limit $${params.length + 1} offset $${params.length + 2}`,
      [...params, limit, offset],
    );
    const items: DriverSession[] = [];
    for (const r of rows.rows) items.push(await this.toSession(r));
    return { items, total: total.rows[0]!.n };
  }

  /** One of the user's sessions with its meter values (energy since the start, power) for charts. */
  async session(userId: number, id: number): Promise<DriverSession & { meterValues: { at: string; energyWh: number | null; powerW: number | null }[] }> {
    const row = await this.ownedRow(userId, id);
    const session = await this.toSession(row);
    const start = num(row.meter_start_wh);
    const mv = await this.ctx.db.query<{ ts: Date; energy_wh: number | null; power_w: number | null }>(
      `select ts, energy_wh, power_w from meter_values where transaction_id = $1 and (energy_wh is not null or power_w is not null)
       order by ts, id limit 10000`,
      [id],
    );
    return {
      ...session,
      meterValues: mv.rows.map((m) => ({
        at: iso(m.ts)!,
        energyWh: m.energy_wh === null || start === null ? null : Math.max(m.energy_wh - start, 0),
        powerW: m.power_w,
      })),
    };
  }

  /** Sessions, energy and cost per month for the last `months` months (this one included), oldest first, empty months as zeros. */
  async monthly(userId: number, months: number): Promise<MonthlyStat[]> {
    const now = new Date();
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months + 1, 1));
    const r = await this.ctx.db.query<{ month: string; sessions: number; energy_wh: string | null; cost: string | null; currencies: number; currency: string | null }>(
      `select to_char(t.started_at at time zone 'UTC', 'YYYY-MM') as month, count(*)::int as sessions,
         sum(case when t.status = 'completed' then t.energy_wh else greatest(t.last_meter_wh - t.meter_start_wh, 0) end) as energy_wh,
         sum(t.cost_incl_vat)::text as cost, count(distinct t.cost_currency)::int as currencies, min(t.cost_currency) as currency
       from transactions t where ${OWNED} and t.started_at >= $2 group by 1`,
      [userId, first],
    );
    const byMonth = new Map(r.rows.map((x) => [x.month, x]));
    const out: MonthlyStat[] = [];
    for (let i = 0; i < months; i++) {
      const d = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + i, 1));
      const month = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
      const x = byMonth.get(month);
      const oneCurrency = x !== undefined && x.currencies === 1;
      out.push({
        month,
        sessions: x?.sessions ?? 0,
        energyWh: x ? (num(x.energy_wh) ?? 0) : 0,
        costInclVat: oneCurrency ? x.cost : null,
        currency: oneCurrency ? x.currency : null,
      });
    }
    return out;
  }

  /** The user's sessions as CSV lines (header first), newest first, read page by page. */
  async *csv(userId: number): AsyncGenerator<string> {
    yield 'id,stationId,evseId,connectorId,idToken,status,startedAt,stoppedAt,durationS,energyWh,costInclVat,currency\r\n';
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = await this.ctx.db.query(`select t.*, null as power_w from transactions t where ${OWNED} and t.id < $2 order by t.id desc limit 500`, [userId, before]);
      if (!rows.rows.length) return;
      let chunk = '';
      for (const r of rows.rows) {
        const s = await this.toSession(r);
        chunk += [s.id, s.stationId, s.evseId, s.connectorId, s.idToken, s.status, s.startedAt, s.stoppedAt, s.durationS, s.energyWh, s.costInclVat, s.currency]
          .map(csvField).join(',') + '\r\n';
        before = s.id;
      }
      yield chunk;
    }
  }

  /**
   * Remote start for a driver with their first valid id token: RemoteStartTransaction (1.6) or
   * RequestStartTransaction (2.x). When the station accepts, waits briefly for it to report the
   * transaction so its id can be returned.
   */
  async start(userId: number, stationId: string, evseId?: number): Promise<{ status: string; reply: Record<string, unknown>; transactionId?: number }> {
    const station = await this.ctx.db.query<{ ocpp_version: string | null }>('select ocpp_version from stations where id = $1', [stationId]);
    if (!station.rows[0]) throw new AppError('STATION_NOT_FOUND', `Station ${stationId} does not exist: check the id on the charger's label`);
    const token = await this.validToken(userId);
    const v16 = (station.rows[0].ocpp_version ?? 'ocpp1.6') === 'ocpp1.6';
    const remoteStartId = randomInt(1, 2 ** 31 - 1);
    const before = await this.ctx.db.query<{ id: number | null }>('select max(id) as id from transactions');
    const after = num(before.rows[0]?.id) ?? 0;
    const reply = v16
      ? await this.deps.commands.send(stationId, 'RemoteStartTransaction', { idTag: token.idToken, ...(evseId !== undefined ? { connectorId: evseId } : {}) })
      : await this.deps.commands.send(stationId, 'RequestStartTransaction', {
        idToken: { idToken: token.idToken, type: token.type ?? 'Central' }, remoteStartId, ...(evseId !== undefined ? { evseId } : {}),
      });
    const status = String(reply.status);
    if (status !== 'Accepted') return { status, reply };
    const transactionId = await this.waitForStart(stationId, after, v16 ? { idToken: token.idToken } : { remoteStartId, idToken: token.idToken });
    return { status, reply, ...(transactionId !== undefined ? { transactionId } : {}) };
  }

  /** Remote stop of one of the user's active sessions: RemoteStopTransaction (1.6) or RequestStopTransaction (2.x). */
  async stop(userId: number, id: number): Promise<{ status: string; reply: Record<string, unknown> }> {
    await this.ownedRow(userId, id);
    const tx = (await findTransaction(this.ctx.db, id))!;
    if (tx.status !== 'active') throw new AppError('SESSION_NOT_ACTIVE', `Session ${id} has already ended`);
    const reply = tx.ocppTransactionId === null
      ? await this.deps.commands.send(tx.stationId, 'RemoteStopTransaction', { transactionId: tx.id })
      : await this.deps.commands.send(tx.stationId, 'RequestStopTransaction', { transactionId: tx.ocppTransactionId });
    return { status: String(reply.status), reply };
  }

  /** The user's first id token that would be Accepted now (expired or blocked ones are skipped). */
  private async validToken(userId: number): Promise<IdToken> {
    for (const t of await this.idTokens(userId)) {
      const info = await this.deps.authorization.authorize(t.idToken);
      if (info.status === 'Accepted') return t;
    }
    throw new AppError('NO_ID_TOKEN', 'You have no valid id token (charging card or app token): ask your operator to assign one to your account');
  }

  private async waitForStart(stationId: string, afterId: number, m: { idToken: string; remoteStartId?: number }): Promise<number | undefined> {
    const end = Date.now() + START_WAIT_MS;
    for (;;) {
      const r = await this.ctx.db.query<{ id: number }>(
        `select id from transactions where station_id = $1 and id > $2 and status = 'active'
           and (lower(id_token) = lower($3) or remote_start_id = $4) order by id limit 1`,
        [stationId, afterId, m.idToken, m.remoteStartId ?? null],
      );
      if (r.rows[0]) return num(r.rows[0].id)!;
      if (Date.now() >= end) return undefined;
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  private async ownedRow(userId: number, id: number): Promise<Record<string, unknown>> {
    const r = await this.ctx.db.query(`select t.*, ${POWER} from transactions t where t.id = $2 and ${OWNED}`, [userId, id]);
    // Someone else's session is as absent as a missing one: no existence leak.
    if (!r.rows[0]) throw new AppError('TRANSACTION_NOT_FOUND', `You have no session ${id}`);
    return r.rows[0];
  }

  private async toSession(r: Record<string, unknown>): Promise<DriverSession> {
    const tx: Transaction = toTransaction(r);
    const end = tx.stoppedAt ? Date.parse(tx.stoppedAt) : Date.now();
    // Completed: the cost fixed at the stop (already in the row); active: so far.
    const cost: { inclVat: string; currency: string } | null = tx.status === 'completed'
      ? (r.cost_incl_vat === null || r.cost_incl_vat === undefined ? null : { inclVat: String(r.cost_incl_vat), currency: r.cost_currency as string })
      : await this.deps.tariffs.costOf(tx);
    return {
      id: tx.id,
      stationId: tx.stationId,
      // The stored numbering (1.6 connector n = EVSE n, connector 1), as the station and location APIs show it.
      evseId: num(r.evse_id)!,
      connectorId: num(r.connector_id)!,
      idToken: tx.idToken,
      status: tx.status,
      startedAt: tx.startedAt,
      stoppedAt: tx.stoppedAt,
      energyWh: tx.energyWh,
      powerW: tx.status === 'active' ? num(r.power_w) : null,
      durationS: Math.max(Math.round((end - Date.parse(tx.startedAt)) / 1000), 0),
      costInclVat: cost?.inclVat ?? null,
      currency: cost?.currency ?? null,
    };
  }
}

/** SQL: latest active power of the transaction `t`. */
const POWER = `case when t.status = 'active' then
  (select m.power_w from meter_values m where m.transaction_id = t.id and m.power_w is not null order by m.ts desc limit 1) end as power_w`;

function date(v: string, field: string): Date {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new AppError('VALIDATION_FAILED', `${field} must be an ISO-8601 date or date-time, e.g. 2026-01-01`, { field: `querystring.${field}` });
  return d;
}

/** A CSV field (RFC 4180 quoting); text starting like a formula is prefixed with ' so spreadsheets show it as text. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
