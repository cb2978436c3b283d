import { minorUnits, Money } from '@voltlane/billing';
import type { Queryable } from '@voltlane/db';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { iso, num } from '../../rows.js';
import type { InvoiceService } from '../invoices/service.js';
import type { Invoice } from '../invoices/repository.js';
import { ManualProvider, type PaymentProvider, type PaymentStatus, type ProviderPayment } from './provider.js';
import { StripeProvider } from './stripe.js';

/** A payment of an invoice, as the API shows it. */
export interface Payment {
  id: number;
  invoiceId: number;
  provider: string;
  providerRef: string | null;
  status: PaymentStatus;
  amount: string;
  amountReceived: string;
  currency: string;
  reference: string | null;
  createdAt: string;
  updatedAt: string;
}

const toPayment = (r: Record<string, unknown>): Payment => ({
  id: num(r.id)!, invoiceId: num(r.invoice_id)!, provider: r.provider as string, providerRef: (r.provider_ref as string) ?? null,
  status: r.status as PaymentStatus, amount: String(r.amount), amountReceived: String(r.amount_received), currency: r.currency as string,
  reference: (r.reference as string) ?? null, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
});

/** Sets an invoice's amount paid (succeeded payments) and status: open, partially_paid, paid. */
async function settle(db: Queryable, invoiceId: number): Promise<void> {
  await db.query(
    `with p as (select coalesce(sum(amount_received), 0) as paid from payments where invoice_id = $1 and status = 'succeeded')
     update invoices set amount_paid = p.paid,
       status = case when p.paid >= total_incl_vat then 'paid' when p.paid > 0 then 'partially_paid' else 'open' end,
       paid_at = case when p.paid >= total_incl_vat then coalesce(paid_at, now()) else null end
     from p where invoices.id = $1`,
    [invoiceId],
  );
}

/** Applies a provider's state to a payment (a succeeded payment stays succeeded) and settles its invoice. */
async function applyState(tx: Queryable, paymentId: number, s: ProviderPayment): Promise<void> {
  const r = await tx.query<{ invoice_id: number }>(
    `update payments set status = $2, amount_received = $3, updated_at = now() where id = $1 and status <> 'succeeded' returning invoice_id`,
    [paymentId, s.status, s.amountReceived],
  );
  if (r.rows[0]) await settle(tx, num(r.rows[0].invoice_id)!);
}

/**
 * Payments of invoices through payment providers: `manual` (bank transfer recorded by an
 * operator) always, `stripe` when VOLTLANE_STRIPE_SECRET_KEY is set. An invoice is paid once the
 * payments that succeeded add up to its total incl. VAT.
 * @example await payments.recordManual(invoiceId, { amount: '12.10', reference: 'bank 2026-03-02' });
 */
export class PaymentService {
  private readonly providers = new Map<string, PaymentProvider>();

  constructor(private readonly ctx: CoreContext, private readonly invoices: InvoiceService) {
    this.use(new ManualProvider());
    const b = ctx.config.billing;
    if (b.stripeSecretKey) this.use(new StripeProvider({ secretKey: b.stripeSecretKey, webhookSecret: b.stripeWebhookSecret, apiBase: b.stripeApiBase }));
  }

  /** Adds (or replaces) a payment provider. */
  use(provider: PaymentProvider): void {
    this.providers.set(provider.name, provider);
  }

  /** Payments of an invoice, oldest first. */
  async list(invoiceId: number, userId?: number): Promise<Payment[]> {
    await this.invoices.get(invoiceId, userId);
    const r = await this.ctx.db.query('select * from payments where invoice_id = $1 order by id', [invoiceId]);
    return r.rows.map(toPayment);
  }

  /** Records a bank transfer that arrived: at most the amount still due, in the invoice currency. */
  async recordManual(invoiceId: number, body: { amount: string | number; reference: string; currency?: string | undefined }): Promise<Payment> {
    const invoice = await this.invoices.get(invoiceId);
    if (body.currency && body.currency !== invoice.currency) {
      throw new AppError('VALIDATION_FAILED', `body.currency ${body.currency} differs from the invoice currency ${invoice.currency}`, { field: 'body.currency' });
    }
    const amount = this.amount(body.amount, invoice);
    const due = this.due(invoice);
    if (amount.gt(due)) {
      throw new AppError('VALIDATION_FAILED', `body.amount ${amount.toString()} is more than the ${invoice.currency} ${due.toFixed(minorUnits(invoice.currency))} still due on ${invoice.number}`, { field: 'body.amount' });
    }
    const d = minorUnits(invoice.currency);
    const result = await this.providers.get('manual')!.createPayment(invoice, amount.toFixed(d), { paymentId: 0, reference: body.reference });
    const id = await this.ctx.db.transaction(async (tx) => {
      const r = await tx.query<{ id: number }>(
        `insert into payments (invoice_id, provider, status, amount, amount_received, currency, reference) values ($1, 'manual', $2, $3, $4, $5, $6) returning id`,
        [invoice.id, result.status, amount.toFixed(d), result.amountReceived, invoice.currency, body.reference],
      );
      await settle(tx, invoice.id);
      return num(r.rows[0]!.id)!;
    });
    this.ctx.log.info({ invoice: invoice.number, amount: amount.toFixed(d), reference: body.reference }, 'manual payment recorded');
    return this.get(id);
  }

  /**
   * Starts a card payment of what is due on an invoice with a provider (Stripe): returns the
   * payment and the provider's client secret. A pending payment of the same amount is reused.
   */
  async start(invoiceId: number, providerName: string, userId?: number): Promise<{ payment: Payment; clientSecret: string | null }> {
    const invoice = await this.invoices.get(invoiceId, userId);
    const provider = this.providers.get(providerName);
    if (!provider || providerName === 'manual') {
      throw new AppError('PAYMENT_PROVIDER_NOT_CONFIGURED', providerName === 'stripe'
        ? 'Stripe is not configured: set VOLTLANE_STRIPE_SECRET_KEY (and VOLTLANE_STRIPE_WEBHOOK_SECRET for its webhook)'
        : `Unknown payment provider ${providerName}: use stripe, or record a bank transfer with POST /api/v1/invoices/${invoiceId}/payments`);
    }
    const due = this.due(invoice);
    if (due.lte(0)) throw new AppError('INVOICE_PAID', `Invoice ${invoice.number} is paid; nothing is due`);
    const amount = due.toFixed(minorUnits(invoice.currency));
    const pending = await this.ctx.db.query(
      `select * from payments where invoice_id = $1 and provider = $2 and status = 'pending' and amount = $3 and provider_ref is not null order by id desc limit 1`,
      [invoice.id, provider.name, amount],
    );
    if (pending.rows[0] && provider.getStatus) {
      const p = toPayment(pending.rows[0]);
      const state = await provider.getStatus(p.providerRef!);
      if (state.status === 'pending') return { payment: p, clientSecret: state.clientSecret ?? null };
      await this.apply(p.id, state);
    }
    const r = await this.ctx.db.query<{ id: number }>(
      `insert into payments (invoice_id, provider, status, amount, currency) values ($1, $2, 'pending', $3, $4) returning id`,
      [invoice.id, provider.name, amount, invoice.currency],
    );
    const id = num(r.rows[0]!.id)!;
    let state: ProviderPayment;
    try {
      state = await provider.createPayment(invoice, amount, { paymentId: id });
    } catch (err) {
      await this.ctx.db.query(`update payments set status = 'failed', updated_at = now() where id = $1`, [id]);
      throw err;
    }
    await this.ctx.db.query('update payments set provider_ref = $2, updated_at = now() where id = $1', [id, state.providerRef]);
    await this.apply(id, state);
    this.ctx.log.info({ invoice: invoice.number, provider: provider.name, providerRef: state.providerRef, amount }, 'payment started');
    return { payment: await this.get(id), clientSecret: state.clientSecret ?? null };
  }

  /** Asks the provider where a payment stands and applies it (when a webhook was missed). */
  async refresh(paymentId: number): Promise<Payment> {
    const p = await this.get(paymentId);
    const provider = this.providers.get(p.provider);
    if (!provider?.getStatus || !p.providerRef) return p;
    await this.apply(p.id, await provider.getStatus(p.providerRef));
    return this.get(p.id);
  }

  /**
   * A provider's webhook: verified by the provider (signature), applied once per event id.
   * Returns what happened, for the log and the HTTP answer.
   */
  async webhook(providerName: string, rawBody: Buffer, signature: string | undefined): Promise<{ received: true; applied: boolean; paymentId?: number }> {
    const provider = this.providers.get(providerName);
    if (!provider?.handleWebhook) {
      throw new AppError('PAYMENT_PROVIDER_NOT_CONFIGURED', `No ${providerName} webhook here: ${providerName === 'stripe' ? 'set VOLTLANE_STRIPE_SECRET_KEY and VOLTLANE_STRIPE_WEBHOOK_SECRET' : 'unknown provider'}`);
    }
    const update = await provider.handleWebhook(rawBody, signature);
    if (!update) return { received: true, applied: false };
    // The event is marked seen in the same transaction that applies it: a redelivery after a crash applies it then.
    const outcome = await this.ctx.db.transaction(async (tx) => {
      const fresh = await tx.query('insert into payment_events (provider, event_id) values ($1, $2) on conflict do nothing', [provider.name, update.eventId]);
      if (fresh.rowCount === 0) return { applied: false as const };
      const r = await tx.query<{ id: number }>('select id from payments where provider = $1 and provider_ref = $2', [provider.name, update.providerRef]);
      const id = num(r.rows[0]?.id);
      if (id === null) return { applied: false as const, unknown: true };
      await applyState(tx, id, update);
      return { applied: true as const, paymentId: id };
    });
    if ('unknown' in outcome) this.ctx.log.warn({ provider: provider.name, providerRef: update.providerRef, event: update.type }, 'webhook for a payment Voltlane did not start: ignored');
    if (outcome.applied) this.ctx.log.info({ provider: provider.name, paymentId: outcome.paymentId, event: update.type, status: update.status }, 'payment webhook applied');
    return { received: true, applied: outcome.applied, ...(outcome.applied ? { paymentId: outcome.paymentId } : {}) };
  }

  async get(id: number): Promise<Payment> {
    const r = await this.ctx.db.query('select * from payments where id = $1', [id]);
    if (!r.rows[0]) throw new AppError('NOT_FOUND', `Payment ${id} does not exist`);
    return toPayment(r.rows[0]);
  }

  /** Applies a provider's state to a payment and settles its invoice. */
  private async apply(paymentId: number, s: ProviderPayment): Promise<void> {
    await this.ctx.db.transaction((tx) => applyState(tx, paymentId, s));
  }

  private due(invoice: Invoice): Money {
    return new Money(invoice.totalInclVat).minus(invoice.amountPaid);
  }

  /** A positive amount with at most the currency's minor digits. */
  private amount(v: string | number, invoice: Invoice): Money {
    const s = String(v).trim();
    const d = minorUnits(invoice.currency);
    if (!/^\d+(\.\d+)?$/.test(s) || new Money(s).lte(0) || new Money(s).decimalPlaces() > d) {
      throw new AppError('VALIDATION_FAILED', `body.amount must be a positive amount in ${invoice.currency} with at most ${d} decimals, e.g. "12.10"`, { field: 'body.amount' });
    }
    return new Money(s);
  }
}
