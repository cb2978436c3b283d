import type { Queryable } from '@voltlane/db';
import type { InvoiceLine, VatLine, VatShare } from '@voltlane/billing';
import { iso, num } from '../../rows.js';

/** Who an invoice is for: a user (driver) or a partner (an id token group). */
export type Customer = { kind: 'user'; userId: number } | { kind: 'group'; idTokenGroup: string };

/** Party details printed on an invoice. */
export interface Party {
  name: string;
  email?: string;
  address?: string;
  vatId?: string;
  iban?: string;
  bic?: string;
}

export type InvoiceStatus = 'open' | 'partially_paid' | 'paid';

/** A stored invoice (money as decimal strings rounded to the currency's minor unit). */
export interface Invoice {
  id: number;
  number: string;
  customer: Customer;
  buyer: Party;
  seller: Party;
  periodStart: string;
  periodEnd: string;
  currency: string;
  lines: InvoiceLine[];
  vatLines: VatLine[];
  totalExclVat: string;
  totalVat: string;
  totalInclVat: string;
  amountPaid: string;
  status: InvoiceStatus;
  issuedAt: string;
  dueAt: string;
  paidAt: string | null;
}

/** A CDR that can go on an invoice. */
export interface BillableCdr {
  id: string;
  stationId: string;
  idToken: string | null;
  currency: string;
  energyWh: number;
  startedAt: Date;
  endedAt: Date;
  credit: boolean;
  createdAt: Date;
  vat: VatShare[];
}

const money = (v: unknown) => String(v);

export function toInvoice(r: Record<string, unknown>): Invoice {
  const customer: Customer = r.customer_kind === 'user' ? { kind: 'user', userId: num(r.user_id)! } : { kind: 'group', idTokenGroup: r.id_token_group as string };
  return {
    id: num(r.id)!, number: r.number as string, customer, buyer: r.buyer as Party, seller: r.seller as Party,
    periodStart: iso(r.period_start)!, periodEnd: iso(r.period_end)!, currency: r.currency as string,
    lines: r.lines as InvoiceLine[], vatLines: r.vat_lines as VatLine[],
    totalExclVat: money(r.total_excl_vat), totalVat: money(r.total_vat), totalInclVat: money(r.total_incl_vat), amountPaid: money(r.amount_paid),
    status: r.status as InvoiceStatus, issuedAt: iso(r.issued_at)!, dueAt: iso(r.due_at)!, paidAt: iso(r.paid_at),
  };
}

/** SQL condition and parameters selecting a customer's rows (columns user_id / id_token_group). */
function customerWhere(c: Customer, params: unknown[]): string {
  return c.kind === 'user' ? `user_id = $${params.push(c.userId)}` : `id_token_group = $${params.push(c.idTokenGroup)}`;
}

/**
 * CDRs of a customer in [start, end) not on any invoice yet. A CDR counts at its session end; a
 * credit CDR when it was issued (so a correction of an invoiced session lands on the next invoice).
 */
export async function billableCdrs(db: Queryable, c: Customer, start: Date, end: Date, currency?: string): Promise<BillableCdr[]> {
  const params: unknown[] = [start, end];
  const cur = currency ? `and currency = $${params.push(currency)}` : '';
  const r = await db.query(
    `select id, station_id, id_token, currency, energy_wh, started_at, ended_at, credit, created_at, vat from cdrs
     where ${customerWhere(c, params)} ${cur}
       and (case when credit then created_at else ended_at end) >= $1 and (case when credit then created_at else ended_at end) < $2
       and not exists (select 1 from invoice_cdrs i where i.cdr_id = cdrs.id)
     order by ended_at, id`,
    params,
  );
  return r.rows.map((x) => ({
    id: x.id as string, stationId: x.station_id as string, idToken: (x.id_token as string) ?? null, currency: x.currency as string,
    energyWh: num(x.energy_wh)!, startedAt: new Date(x.started_at as Date), endedAt: new Date(x.ended_at as Date),
    credit: x.credit === true, createdAt: new Date(x.created_at as Date), vat: x.vat as VatShare[],
  }));
}

/** The invoice of a customer for exactly this period (and currency, when given). */
export async function findForPeriod(db: Queryable, c: Customer, start: Date, end: Date, currency?: string): Promise<Invoice[]> {
  const params: unknown[] = [start, end];
  const cur = currency ? `and currency = $${params.push(currency)}` : '';
  const r = await db.query(
    `select * from invoices where customer_kind = '${c.kind}' and ${customerWhere(c, params)} and period_start = $1 and period_end = $2 ${cur} order by id`,
    params,
  );
  return r.rows.map(toInvoice);
}

/** Takes the next number of a series and year; the counter row stays locked until the transaction ends (gapless). */
export async function nextNumber(tx: Queryable, series: string, year: number): Promise<number> {
  const r = await tx.query<{ last_number: number }>(
    `insert into invoice_counters (series, year, last_number) values ($1, $2, 1)
     on conflict (series, year) do update set last_number = invoice_counters.last_number + 1 returning last_number`,
    [series, year],
  );
  return r.rows[0]!.last_number;
}

/** What a new invoice row holds. */
export interface NewInvoice {
  number: string;
  series: string;
  year: number;
  seq: number;
  customer: Customer;
  buyer: Party;
  seller: Party;
  periodStart: Date;
  periodEnd: Date;
  currency: string;
  lines: InvoiceLine[];
  vatLines: VatLine[];
  totalExclVat: string;
  totalVat: string;
  totalInclVat: string;
  issuedAt: Date;
  dueAt: Date;
}

/** Stores an invoice and claims its CDRs (a CDR already on another invoice fails the transaction). */
export async function insertInvoice(tx: Queryable, i: NewInvoice, cdrIds: string[]): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `insert into invoices (number, series, year, seq, customer_kind, user_id, id_token_group, buyer, seller, period_start, period_end,
       currency, lines, vat_lines, total_excl_vat, total_vat, total_incl_vat, issued_at, due_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) returning id`,
    [i.number, i.series, i.year, i.seq, i.customer.kind, i.customer.kind === 'user' ? i.customer.userId : null,
      i.customer.kind === 'group' ? i.customer.idTokenGroup : null, JSON.stringify(i.buyer), JSON.stringify(i.seller),
      i.periodStart, i.periodEnd, i.currency, JSON.stringify(i.lines), JSON.stringify(i.vatLines), i.totalExclVat, i.totalVat,
      i.totalInclVat, i.issuedAt, i.dueAt],
  );
  const id = num(r.rows[0]!.id)!;
  await tx.query('insert into invoice_cdrs (cdr_id, invoice_id) select unnest($1::text[]), $2', [cdrIds, id]);
  return id;
}

export async function findInvoice(db: Queryable, id: number): Promise<Invoice | undefined> {
  const r = await db.query('select * from invoices where id = $1', [id]);
  return r.rows[0] ? toInvoice(r.rows[0]) : undefined;
}

/** Invoices, newest first: of one user, one partner group, or one status. */
export async function listInvoices(
  db: Queryable, f: { userId?: number | undefined; idTokenGroup?: string | undefined; status?: string | undefined; limit: number; offset: number },
): Promise<{ items: Invoice[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.userId !== undefined) where.push(`user_id = $${params.push(f.userId)}`);
  if (f.idTokenGroup !== undefined) where.push(`id_token_group = $${params.push(f.idTokenGroup)}`);
  if (f.status) where.push(`status = $${params.push(f.status)}`);
  const w = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: number }>(`select count(*)::int as n from invoices ${w}`, params);
  const rows = await db.query(`select * from invoices ${w} order by issued_at desc, id desc limit $${params.length + 1} offset $${params.length + 2}`, [
    ...params, f.limit, f.offset,
  ]);
  return { items: rows.rows.map(toInvoice), total: total.rows[0]!.n };
}

/** Name and e-mail of a user, if the user exists. */
export async function userParty(db: Queryable, userId: number): Promise<Party | undefined> {
  const r = await db.query<{ name: string | null; email: string }>('select name, email from users where id = $1', [userId]);
  const u = r.rows[0];
  return u ? { name: u.name || u.email, email: u.email } : undefined;
}
