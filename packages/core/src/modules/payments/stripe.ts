import type Stripe from 'stripe';
import { minorUnits, Money } from '@voltlane/billing';
import { AppError } from '../../errors.js';
import type { Invoice } from '../invoices/repository.js';
import type { PaymentProvider, PaymentStatus, ProviderPayment, WebhookUpdate } from './provider.js';

/** PaymentIntent events that change a payment; other event types are acknowledged and ignored. */
const EVENTS = new Set(['payment_intent.succeeded', 'payment_intent.payment_failed', 'payment_intent.canceled', 'payment_intent.processing']);

/** Stripe's minor-unit integer for a decimal amount (EUR 12.10 -> 1210, JPY 500 -> 500). */
export function toStripeAmount(amount: string, currency: string): number {
  return new Money(amount).mul(new Money(10).pow(minorUnits(currency))).toNumber();
}

function fromStripeAmount(amount: number, currency: string): string {
  const d = minorUnits(currency);
  return new Money(amount).div(new Money(10).pow(d)).toFixed(d);
}

function statusOf(pi: Stripe.PaymentIntent, eventType?: string): PaymentStatus {
  if (pi.status === 'succeeded') return 'succeeded';
  if (pi.status === 'canceled') return 'canceled';
  // A failed attempt leaves the intent open for another card; until then the payment failed.
  if (eventType === 'payment_intent.payment_failed') return 'failed';
  return 'pending';
}

const view = (pi: Stripe.PaymentIntent, eventType?: string): ProviderPayment => ({
  providerRef: pi.id, status: statusOf(pi, eventType), amountReceived: fromStripeAmount(pi.amount_received ?? 0, pi.currency.toUpperCase()),
  clientSecret: pi.client_secret,
});

/**
 * Card payments with Stripe PaymentIntents (the official `stripe` package). A payment is a
 * PaymentIntent for the amount due, created with an idempotency key per Voltlane payment (a retry
 * never charges twice); the payer completes it in the browser with its client_secret; Stripe's
 * webhook (signature checked with the endpoint secret, `stripe.webhooks.constructEvent`) tells
 * the outcome. `apiBase` points the client elsewhere (a test stand-in or a proxy).
 * @example new StripeProvider({ secretKey: 'sk_test_...', webhookSecret: 'whsec_...' })
 */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe';
  #client: Promise<Stripe> | undefined;

  constructor(private readonly opts: { secretKey: string; webhookSecret?: string | undefined; apiBase?: string | undefined }) {}

  /** The Stripe client, loaded on first use (the package costs ~30 MB of memory in every process otherwise). */
  private get stripe(): Promise<Stripe> {
    this.#client ??= import('stripe').then(({ default: StripeClient }) => {
      const base = this.opts.apiBase ? new URL(this.opts.apiBase) : undefined;
      return new StripeClient(this.opts.secretKey, {
        maxNetworkRetries: 1,
        telemetry: false,
        timeout: 20_000,
        ...(base ? { host: base.hostname, port: base.port || (base.protocol === 'http:' ? 80 : 443), protocol: base.protocol === 'http:' ? 'http' : 'https' } : {}),
      });
    });
    return this.#client;
  }

  async createPayment(invoice: Invoice, amount: string, opts: { paymentId: number }): Promise<ProviderPayment> {
    const pi = await this.call(async () => (await this.stripe).paymentIntents.create({
      amount: toStripeAmount(amount, invoice.currency),
      currency: invoice.currency.toLowerCase(),
      description: `Invoice ${invoice.number}`,
      metadata: { invoice_id: String(invoice.id), invoice_number: invoice.number, payment_id: String(opts.paymentId) },
      automatic_payment_methods: { enabled: true },
    }, { idempotencyKey: `voltlane-payment-${opts.paymentId}` }));
    return view(pi);
  }

  async getStatus(providerRef: string): Promise<ProviderPayment> {
    return view(await this.call(async () => (await this.stripe).paymentIntents.retrieve(providerRef)));
  }

  async handleWebhook(rawBody: Buffer, signature: string | undefined): Promise<WebhookUpdate | null> {
    if (!this.opts.webhookSecret) {
      throw new AppError('PAYMENT_PROVIDER_NOT_CONFIGURED', 'Set VOLTLANE_STRIPE_WEBHOOK_SECRET (the whsec_... signing secret of the webhook endpoint) to accept Stripe webhooks');
    }
    const stripe = await this.stripe;
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(rawBody, signature ?? '', this.opts.webhookSecret);
    } catch (err) {
      throw new AppError('WEBHOOK_SIGNATURE_INVALID', `Stripe-Signature does not verify: ${(err as Error).message}`);
    }
    if (!EVENTS.has(event.type)) return null;
    const pi = event.data.object as Stripe.PaymentIntent;
    return { ...view(pi, event.type), providerRef: pi.id, eventId: event.id, type: event.type };
  }

  /** A Stripe call; its failures become 502 PAYMENT_PROVIDER_ERROR with Stripe's message. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = err as { type?: string; message?: string; statusCode?: number };
      throw new AppError('PAYMENT_PROVIDER_ERROR', `Stripe refused or could not be reached (${e.type ?? 'error'}${e.statusCode ? ` ${e.statusCode}` : ''}): ${e.message ?? String(err)}`);
    }
  }
}
