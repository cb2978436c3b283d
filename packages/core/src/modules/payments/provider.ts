import type { Invoice } from '../invoices/repository.js';

/** Where a payment stands. */
export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

/** A provider's view of one payment (amounts: decimal strings in the invoice currency's main unit). */
export interface ProviderPayment {
  /** The provider's id of the payment (Stripe PaymentIntent id); null for manual payments. */
  providerRef: string | null;
  status: PaymentStatus;
  amountReceived: string;
  /** What the payer's browser needs to complete it (Stripe client_secret), if anything. */
  clientSecret?: string | null;
}

/** A verified webhook event about one payment. */
export interface WebhookUpdate extends ProviderPayment {
  providerRef: string;
  /** The provider's event id: an event delivered twice is applied once. */
  eventId: string;
  type: string;
}

/**
 * A way to get an invoice paid. `createPayment` starts (or, for a manual provider, records) a
 * payment of `amount` for an invoice; `getStatus` asks the provider where it stands; `handleWebhook`
 * verifies a provider callback and says which payment it is about (null: an event type that
 * concerns no payment).
 * @example const p = await provider.createPayment(invoice, '12.10', { paymentId: 7 });
 */
export interface PaymentProvider {
  readonly name: string;
  createPayment(invoice: Invoice, amount: string, opts: { paymentId: number; reference?: string | undefined }): Promise<ProviderPayment>;
  getStatus?(providerRef: string): Promise<ProviderPayment>;
  handleWebhook?(rawBody: Buffer, signature: string | undefined): Promise<WebhookUpdate | null>;
}

/**
 * Bank transfer: the customer pays to the IBAN on the invoice, and an operator records what
 * arrived (POST /api/v1/invoices/{id}/payments); a recorded payment has succeeded.
 */
export class ManualProvider implements PaymentProvider {
  readonly name = 'manual';

  async createPayment(_invoice: Invoice, amount: string): Promise<ProviderPayment> {
    return { providerRef: null, status: 'succeeded', amountReceived: amount };
  }
}
