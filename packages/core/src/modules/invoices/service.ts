import { invoiceTotals, lineNets, minorUnits, Money, type InvoiceLine } from '@voltlane/billing';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { page } from '../../rows.js';
import { renderInvoicePdf } from './pdf.js';
import * as repo from './repository.js';

/** What POST /invoices asks for: one customer (a user or an id token group) and a period. */
export interface InvoiceRequest {
  userId?: number | undefined;
  idTokenGroup?: string | undefined;
  periodStart: Date;
  /** Exclusive. */
  periodEnd: Date;
  /** Needed only when the customer's CDRs of the period are in several currencies. */
  currency?: string | undefined;
}

/** A unique violation (PostgreSQL 23505) of the named constraint or index. */
function uniqueViolation(err: unknown, name: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return e.code === '23505' && (e.constraint === name || (e.message ?? '').includes(name));
}

/**
 * Invoices per customer and period from the customer's CDRs: one line per CDR and VAT rate, VAT
 * per rate on the sum of the nets, numbered gaplessly per series and year (SERIES-YEAR-NNNNNN,
 * the number is taken in the same database transaction that stores the invoice), and rendered
 * as PDF. Creating the invoice of a customer and period again returns the one already issued;
 * a CDR is only ever on one invoice.
 * @example const { invoice } = await invoices.create({ userId: 7, periodStart, periodEnd });
 */
export class InvoiceService {
  constructor(private readonly ctx: CoreContext) {}

  /** Issues the invoice of a customer for a period, or returns the one already issued (`created: false`). */
  async create(req: InvoiceRequest): Promise<{ invoice: repo.Invoice; created: boolean }> {
    const customer = this.customer(req);
    const { periodStart: start, periodEnd: end } = req;
    if (!(start < end)) throw new AppError('VALIDATION_FAILED', 'body.periodEnd must be after body.periodStart', { field: 'body.periodEnd' });
    const buyer = await this.buyer(customer);
    const existing = await repo.findForPeriod(this.ctx.db, customer, start, end, req.currency);
    if (existing.length === 1 || (existing.length > 1 && req.currency)) return { invoice: existing[0]!, created: false };
    if (existing.length > 1) {
      throw new AppError('VALIDATION_FAILED', `body.currency is required: this customer has invoices for this period in ${existing.map((i) => i.currency).join(' and ')}`, { field: 'body.currency' });
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return { invoice: await this.issue(customer, buyer, start, end, req.currency), created: true };
      } catch (err) {
        // Issued concurrently for the same customer and period (it took the CDRs, or the key): that one is the answer.
        if (uniqueViolation(err, 'invoices_customer_period') || (err instanceof AppError && err.code === 'NOTHING_TO_INVOICE')) {
          const again = await repo.findForPeriod(this.ctx.db, customer, start, end, req.currency);
          if (again[0]) return { invoice: again[0], created: false };
        }
        // A CDR was claimed by another invoice meanwhile (e.g. the partner's): try once more without it.
        if (uniqueViolation(err, 'invoice_cdrs_pkey') && attempt === 0) continue;
        throw err;
      }
    }
  }

  private async issue(customer: repo.Customer, buyer: repo.Party, start: Date, end: Date, currency: string | undefined): Promise<repo.Invoice> {
    const cfg = this.ctx.config.billing;
    const id = await this.ctx.db.transaction(async (tx) => {
      const cdrs = await repo.billableCdrs(tx, customer, start, end, currency);
      const currencies = [...new Set(cdrs.map((c) => c.currency))];
      if (!cdrs.length) {
        throw new AppError('NOTHING_TO_INVOICE', `No CDRs to invoice for this customer from ${start.toISOString()} to ${end.toISOString()}${currency ? ` in ${currency}` : ''} (CDRs already on an invoice are not invoiced again)`);
      }
      if (currencies.length > 1) {
        throw new AppError('VALIDATION_FAILED', `body.currency is required: this customer's CDRs of the period are in ${currencies.join(' and ')}; issue one invoice per currency`, { field: 'body.currency' });
      }
      const cur = currencies[0]!;
      const lines: InvoiceLine[] = cdrs.flatMap((c) => {
        const base = {
          cdrId: c.id, date: (c.credit ? c.createdAt : c.endedAt).toISOString(), stationId: c.stationId, idToken: c.idToken,
          energyKwh: c.energyWh / 1000, durationHours: (c.endedAt.getTime() - c.startedAt.getTime()) / 3_600_000, credit: c.credit,
        };
        const nets = lineNets(c.vat, cur);
        // An unpriced session still appears (at 0, no VAT): the customer sees every session.
        return (nets.length ? nets : [{ rate: null, net: new Money(0).toFixed(minorUnits(cur)) }])
          .map((n) => ({ ...base, vatRate: n.rate, net: n.net }));
      });
      const totals = invoiceTotals(lines, cur);
      const issuedAt = new Date();
      const year = issuedAt.getUTCFullYear();
      const seq = await repo.nextNumber(tx, cfg.invoiceSeries, year);
      const seller: repo.Party = { name: cfg.seller.name };
      for (const k of ['address', 'email', 'vatId', 'iban', 'bic'] as const) if (cfg.seller[k]) seller[k] = cfg.seller[k];
      return repo.insertInvoice(tx, {
        number: `${cfg.invoiceSeries}-${year}-${String(seq).padStart(6, '0')}`, series: cfg.invoiceSeries, year, seq, customer, buyer, seller,
        periodStart: start, periodEnd: end, currency: cur, lines, vatLines: totals.vatLines, totalExclVat: totals.totalExclVat,
        totalVat: totals.totalVat, totalInclVat: totals.totalInclVat, issuedAt, dueAt: new Date(issuedAt.getTime() + cfg.invoicePaymentDays * 86_400_000),
      }, cdrs.map((c) => c.id));
    });
    const invoice = (await repo.findInvoice(this.ctx.db, id))!;
    this.ctx.log.info({ invoice: invoice.number, customer, lines: invoice.lines.length, total: invoice.totalInclVat, currency: invoice.currency }, 'invoice issued');
    return invoice;
  }

  /** An invoice; with `userId`, only that user's (others are 404, so their existence does not leak). */
  async get(id: number, userId?: number): Promise<repo.Invoice> {
    const inv = await repo.findInvoice(this.ctx.db, id);
    if (!inv || (userId !== undefined && !(inv.customer.kind === 'user' && inv.customer.userId === userId))) {
      throw new AppError('NOT_FOUND', `Invoice ${id} does not exist; list invoices with GET /api/v1/invoices`);
    }
    return inv;
  }

  list(q: { userId?: number | undefined; idTokenGroup?: string | undefined; status?: string | undefined; limit?: number; offset?: number }) {
    return repo.listInvoices(this.ctx.db, { ...q, ...page(q) });
  }

  /** The invoice as PDF (with `userId`, only that user's). */
  async pdf(id: number, userId?: number): Promise<{ invoice: repo.Invoice; pdf: Buffer }> {
    const invoice = await this.get(id, userId);
    return { invoice, pdf: await renderInvoicePdf(invoice) };
  }

  private customer(req: InvoiceRequest): repo.Customer {
    if ((req.userId === undefined) === (req.idTokenGroup === undefined)) {
      throw new AppError('VALIDATION_FAILED', 'body.userId or body.idTokenGroup is required (exactly one): invoice a user or a partner id token group', { field: 'body.userId' });
    }
    return req.userId !== undefined ? { kind: 'user', userId: req.userId } : { kind: 'group', idTokenGroup: req.idTokenGroup! };
  }

  private async buyer(c: repo.Customer): Promise<repo.Party> {
    if (c.kind === 'group') {
      const r = await this.ctx.db.query('select 1 from id_tokens where lower(id_token) = lower($1) or lower(parent_id_token) = lower($1) limit 1', [c.idTokenGroup]);
      if (!r.rows.length) throw new AppError('NOT_FOUND', `Id token group ${c.idTokenGroup} does not exist: it is the parentIdToken of the partner's id tokens`);
      return { name: `Partner ${c.idTokenGroup}` };
    }
    const p = await repo.userParty(this.ctx.db, c.userId);
    if (!p) throw new AppError('NOT_FOUND', `User ${c.userId} does not exist; list users with GET /api/v1/users`);
    return p;
  }
}
