import type { Queryable } from '@voltlane/db';
import type { Cdr, VatShare } from '@voltlane/billing';
import { iso, num } from '../../rows.js';

/** A stored CDR: the OCPI object and the columns kept beside it for queries. */
export interface StoredCdr {
  id: string;
  transactionId: number;
  stationId: string;
  idToken: string | null;
  userId: number | null;
  idTokenGroup: string | null;
  currency: string;
  totalExclVat: string;
  totalInclVat: string;
  energyWh: number;
  startedAt: string;
  endedAt: string;
  credit: boolean;
  creditReferenceId: string | null;
  vat: VatShare[];
  cdr: Cdr;
  createdAt: string;
}

/** What a new CDR row holds. */
export type NewCdr = Omit<StoredCdr, 'createdAt' | 'startedAt' | 'endedAt'> & { startedAt: Date; endedAt: Date; createdAt: Date };

const toCdr = (r: Record<string, unknown>): StoredCdr => ({
  id: r.id as string,
  transactionId: num(r.transaction_id)!,
  stationId: r.station_id as string,
  idToken: (r.id_token as string) ?? null,
  userId: num(r.user_id),
  idTokenGroup: (r.id_token_group as string) ?? null,
  currency: r.currency as string,
  totalExclVat: String(r.total_excl_vat),
  totalInclVat: String(r.total_incl_vat),
  energyWh: num(r.energy_wh)!,
  startedAt: iso(r.started_at)!,
  endedAt: iso(r.ended_at)!,
  credit: r.credit === true,
  creditReferenceId: (r.credit_reference_id as string) ?? null,
  vat: r.vat as VatShare[],
  cdr: r.cdr as Cdr,
  createdAt: iso(r.created_at)!,
});

/** Stores a CDR unless its transaction (or, for a credit CDR, its original) already has one; true when stored. */
export async function insertCdr(db: Queryable, c: NewCdr): Promise<boolean> {
  const r = await db.query(
    `insert into cdrs (id, transaction_id, station_id, id_token, user_id, id_token_group, currency, total_excl_vat, total_incl_vat,
       energy_wh, started_at, ended_at, credit, credit_reference_id, vat, cdr, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) on conflict do nothing`,
    [c.id, c.transactionId, c.stationId, c.idToken, c.userId, c.idTokenGroup, c.currency, c.totalExclVat, c.totalInclVat,
      c.energyWh, c.startedAt, c.endedAt, c.credit, c.creditReferenceId, JSON.stringify(c.vat), JSON.stringify(c.cdr), c.createdAt],
  );
  return r.rowCount === 1;
}

export async function findCdr(db: Queryable, id: string): Promise<StoredCdr | undefined> {
  const r = await db.query('select * from cdrs where id = $1', [id]);
  return r.rows[0] ? toCdr(r.rows[0]) : undefined;
}

/** The (non-credit) CDR of a transaction. */
export async function findByTransaction(db: Queryable, transactionId: number): Promise<StoredCdr | undefined> {
  const r = await db.query('select * from cdrs where transaction_id = $1 and not credit', [transactionId]);
  return r.rows[0] ? toCdr(r.rows[0]) : undefined;
}

/** The credit CDR of a CDR, if it was credited. */
export async function findCredit(db: Queryable, id: string): Promise<StoredCdr | undefined> {
  const r = await db.query('select * from cdrs where credit_reference_id = $1 and credit', [id]);
  return r.rows[0] ? toCdr(r.rows[0]) : undefined;
}

/** CDR filters: session end in [from, to), station, id token (any case), owning user. */
export interface CdrFilter {
  from?: Date | undefined;
  to?: Date | undefined;
  stationId?: string | undefined;
  idToken?: string | undefined;
  userId?: number | undefined;
  limit: number;
  offset: number;
}

/** CDRs, newest session end first. */
export async function listCdrs(db: Queryable, f: CdrFilter): Promise<{ items: StoredCdr[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.from) where.push(`ended_at >= $${params.push(f.from)}`);
  if (f.to) where.push(`ended_at < $${params.push(f.to)}`);
  if (f.stationId) where.push(`station_id = $${params.push(f.stationId)}`);
  if (f.idToken) where.push(`lower(id_token) = lower($${params.push(f.idToken)})`);
  if (f.userId !== undefined) where.push(`user_id = $${params.push(f.userId)}`);
  const w = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: number }>(`select count(*)::int as n from cdrs ${w}`, params);
  const rows = await db.query(`select * from cdrs ${w} order by ended_at desc, id desc limit $${params.length + 1} offset $${params.length + 2}`, [
    ...params, f.limit, f.offset,
  ]);
  return { items: rows.rows.map(toCdr), total: total.rows[0]!.n };
}

/** The registered id token a transaction used: its type, owner and group. */
export async function tokenFacts(db: Queryable, idToken: string | null): Promise<{ type: string | null; userId: number | null; group: string | null }> {
  if (!idToken) return { type: null, userId: null, group: null };
  const r = await db.query<{ type: string | null; user_id: unknown; parent_id_token: string | null }>(
    'select type, user_id, parent_id_token from id_tokens where lower(id_token) = lower($1) limit 1', [idToken],
  );
  const row = r.rows[0];
  return { type: row?.type ?? null, userId: num(row?.user_id), group: row?.parent_id_token ?? null };
}

/** The station row (every column it has). */
export async function stationRow(db: Queryable, stationId: string): Promise<Record<string, unknown> | undefined> {
  return (await db.query('select * from stations where id = $1', [stationId])).rows[0];
}

/** The connector row of a session (1.6 stores connector n as EVSE n, connector 1). */
export async function connectorRow(db: Queryable, stationId: string, evseId: number, connectorId: number): Promise<Record<string, unknown> | undefined> {
  const r = await db.query('select * from connectors where station_id = $1 and evse_id = $2 order by (connector_id = $3) desc, connector_id limit 1', [stationId, evseId, connectorId]);
  return r.rows[0];
}
