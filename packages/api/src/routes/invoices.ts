import type { FastifyReply } from 'fastify';
import { AppError, type Invoice } from '@voltlane/core';
import type { ApiOptions, App } from '../server.js';
import { currentUser } from '../auth.js';
import { List, Nullable, Paging, Type } from '../schemas.js';

const tags = ['invoices'];
const err = { $ref: 'Error#' };
const operator = { access: 'operator' as const };
const user = { access: 'user' as const };
const Money = (description: string) => Type.String({ description: `${description}; decimal string` });

const InvoiceLine = Type.Object({
  cdrId: Type.String(),
  date: Type.String({ format: 'date-time', description: 'session end (credit CDR: when it was issued)' }),
  stationId: Type.String(),
  idToken: Nullable(Type.String()),
  energyKwh: Type.Number(),
  durationHours: Type.Number(),
  vatRate: Nullable(Type.String({ description: 'VAT percentage; null: no VAT applies' })),
  net: Money('net amount, rounded to the minor unit'),
  credit: Type.Boolean(),
});

const VatLine = Type.Object({ rate: Nullable(Type.String()), base: Money('sum of the nets at this rate'), vat: Money('VAT on the base'), gross: Money('base + VAT') });
const Party = Type.Object({
  name: Type.String(), email: Type.Optional(Type.String()), address: Type.Optional(Type.String()), vatId: Type.Optional(Type.String()),
  iban: Type.Optional(Type.String()), bic: Type.Optional(Type.String()),
});

export const PaymentSchema = Type.Object({
  id: Type.Integer(),
  invoiceId: Type.Integer(),
  provider: Type.String({ description: 'manual (bank transfer) or stripe' }),
  providerRef: Nullable(Type.String({ description: 'Stripe PaymentIntent id' })),
  status: Type.String({ enum: ['pending', 'succeeded', 'failed', 'canceled'] }),
  amount: Money('amount asked (Stripe) or recorded (manual)'),
  amountReceived: Money('amount received'),
  currency: Type.String(),
  reference: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const InvoiceSchema = Type.Object({
  id: Type.Integer(),
  number: Type.String({ description: 'SERIES-YEAR-NNNNNN, gapless per series and year' }),
  customer: Type.Object({ kind: Type.String({ enum: ['user', 'group'] }), userId: Type.Optional(Type.Integer()), idTokenGroup: Type.Optional(Type.String()) }),
  buyer: Party,
  seller: Party,
  periodStart: Type.String({ format: 'date-time' }),
  periodEnd: Type.String({ format: 'date-time', description: 'exclusive' }),
  currency: Type.String(),
  lines: Type.Array(InvoiceLine),
  vatLines: Type.Array(VatLine),
  totalExclVat: Money('total excl. VAT'),
  totalVat: Money('VAT'),
  totalInclVat: Money('total incl. VAT'),
  amountPaid: Money('sum of succeeded payments'),
  status: Type.String({ enum: ['open', 'partially_paid', 'paid'] }),
  issuedAt: Type.String({ format: 'date-time' }),
  dueAt: Type.String({ format: 'date-time' }),
  paidAt: Nullable(Type.String({ format: 'date-time' })),
  payments: Type.Optional(Type.Array(PaymentSchema)),
});

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$', description: 'YYYY-MM-DD (midnight UTC) or an ISO 8601 date-time' });
const Intent = Type.Object({ payment: PaymentSchema, clientSecret: Nullable(Type.String({ description: 'Stripe client_secret: give it to Stripe.js to let the payer pay' })) });
const IntentBody = Type.Object({ provider: Type.Optional(Type.String({ enum: ['stripe'], default: 'stripe' })) }, { additionalProperties: false });

/** A date or date-time of the request as a Date, or a 400 naming the field. */
function instant(v: string, field: string): Date {
  const d = new Date(v.length === 10 ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime())) throw new AppError('VALIDATION_FAILED', `${field} ${v} is not a valid date`, { field });
  return d;
}

async function sendPdf(reply: FastifyReply, r: { invoice: Invoice; pdf: Buffer }) {
  return reply.type('application/pdf').header('content-disposition', `attachment; filename="${r.invoice.number}.pdf"`).send(r.pdf);
}

/**
 * Invoices per customer (a user, or a partner id token group) and period, their PDF, and
 * payments: bank transfers recorded by an operator, card payments with Stripe (PaymentIntent +
 * webhook). Drivers see, download and pay only their own invoices under /me.
 */
export function invoiceRoutes(app: App, { core }: ApiOptions): void {
  const withPayments = async (inv: Invoice) => ({ ...inv, payments: await core.payments.list(inv.id) });

  app.post('/invoices', {
    config: operator,
    schema: {
      tags, summary: 'Issue the invoice of a customer for a period',
      description: 'Invoices the customer\'s CDRs whose session ended in [periodStart, periodEnd) and that are on no invoice yet (a credit CDR counts when it was issued). ' +
        'Idempotent: the same customer and period returns the invoice already issued (200) instead of a new one (201). 409 NOTHING_TO_INVOICE when there is nothing to bill. ' +
        'Give `currency` only when the customer\'s CDRs of the period are in several currencies.',
      body: Type.Object({
        userId: Type.Optional(Type.Integer({ minimum: 1, description: 'a user (driver) customer' })),
        idTokenGroup: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'or a partner: the parent id token of its cards' })),
        periodStart: Day,
        periodEnd: Day,
        currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
      }, { additionalProperties: false }),
      response: { 200: InvoiceSchema, 201: InvoiceSchema, 400: err, 404: err, 409: err },
    },
  }, async (req, reply) => {
    const b = req.body;
    const { invoice, created } = await core.invoices.create({
      userId: b.userId, idTokenGroup: b.idTokenGroup, currency: b.currency,
      periodStart: instant(b.periodStart, 'body.periodStart'), periodEnd: instant(b.periodEnd, 'body.periodEnd'),
    });
    return reply.code(created ? 201 : 200).send(await withPayments(invoice));
  });

  app.get('/invoices', {
    config: operator,
    schema: {
      tags, summary: 'List invoices, newest first',
      querystring: Type.Object({
        ...Paging,
        userId: Type.Optional(Type.Integer({ minimum: 1 })),
        idTokenGroup: Type.Optional(Type.String({ minLength: 1 })),
        status: Type.Optional(Type.String({ enum: ['open', 'partially_paid', 'paid'] })),
      }),
      response: { 200: List(InvoiceSchema) },
    },
  }, async (req) => core.invoices.list(req.query));

  app.get('/invoices/:id', {
    config: operator,
    schema: { tags, summary: 'An invoice with its payments', params: Id, response: { 200: InvoiceSchema, 404: err } },
  }, async (req) => withPayments(await core.invoices.get(req.params.id)));

  app.get('/invoices/:id/pdf', {
    config: operator,
    schema: { tags, summary: 'The invoice as PDF', params: Id, produces: ['application/pdf'], response: { 404: err } },
  }, async (req, reply) => sendPdf(reply, await core.invoices.pdf(req.params.id)));

  app.get('/invoices/:id/payments', {
    config: operator,
    schema: { tags, summary: 'Payments of an invoice', params: Id, response: { 200: Type.Object({ items: Type.Array(PaymentSchema) }), 404: err } },
  }, async (req) => ({ items: await core.payments.list(req.params.id) }));

  app.post('/invoices/:id/payments', {
    config: operator,
    schema: {
      tags, summary: 'Record a bank transfer that arrived',
      description: 'Manual payment provider: the amount (decimal string, in the invoice currency, at most what is still due) counts as paid. The invoice becomes partially_paid, then paid once payments reach its total incl. VAT.',
      params: Id,
      body: Type.Object({
        amount: Type.Union([Type.String({ minLength: 1, maxLength: 32 }), Type.Number()], { description: 'e.g. "12.10"' }),
        reference: Type.String({ minLength: 1, maxLength: 255, description: 'the bank transfer reference, for the books' }),
        currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
      }, { additionalProperties: false }),
      response: { 201: PaymentSchema, 400: err, 404: err },
    },
  }, async (req, reply) => reply.code(201).send(await core.payments.recordManual(req.params.id, req.body)));

  app.post('/invoices/:id/payment-intents', {
    config: operator,
    schema: {
      tags, summary: 'Start a card payment (Stripe PaymentIntent) of what is due',
      description: 'Returns the payment and the PaymentIntent client_secret for Stripe.js. A pending PaymentIntent of the same amount is reused. Its outcome arrives by webhook (POST /api/v1/payments/stripe/webhook).',
      params: Id, body: IntentBody, response: { 201: Intent, 404: err, 409: err, 502: err },
    },
  }, async (req, reply) => reply.code(201).send(await core.payments.start(req.params.id, req.body.provider ?? 'stripe')));

  app.post('/payments/:id/refresh', {
    config: operator,
    schema: { tags, summary: 'Ask the provider where a payment stands (when a webhook was missed)', params: Id, response: { 200: PaymentSchema, 404: err, 502: err } },
  }, async (req) => core.payments.refresh(req.params.id));

  // Stripe signs the exact bytes it sends: this route keeps the body raw.
  app.register(async (raw) => {
    raw.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    raw.post('/payments/stripe/webhook', {
      config: { access: 'public' },
      schema: {
        tags, summary: 'Stripe webhook (PaymentIntent events)',
        description: 'Configure this URL as a Stripe webhook endpoint for payment_intent.succeeded, payment_intent.payment_failed, payment_intent.canceled and payment_intent.processing; ' +
          'set its signing secret as VOLTLANE_STRIPE_WEBHOOK_SECRET. Events failing the Stripe-Signature check get 400; an event delivered twice is applied once.',
        response: { 200: Type.Object({ received: Type.Boolean(), applied: Type.Boolean(), paymentId: Type.Optional(Type.Integer()) }), 400: err, 409: err },
      },
    }, async (req) => {
      const sig = req.headers['stripe-signature'];
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? ''));
      return core.payments.webhook('stripe', body, Array.isArray(sig) ? sig[0] : sig);
    });
  });

  // The logged-in user's own invoices (another user's are 404).
  app.get('/me/invoices', {
    config: user,
    schema: { tags: ['me'], summary: 'My invoices, newest first', querystring: Type.Object({ ...Paging }), response: { 200: List(InvoiceSchema) } },
  }, async (req) => core.invoices.list({ ...req.query, userId: currentUser(req).userId }));

  app.get('/me/invoices/:id', {
    config: user,
    schema: { tags: ['me'], summary: 'One of my invoices, with its payments', params: Id, response: { 200: InvoiceSchema, 404: err } },
  }, async (req) => withPayments(await core.invoices.get(req.params.id, currentUser(req).userId)));

  app.get('/me/invoices/:id/pdf', {
    config: user,
    schema: { tags: ['me'], summary: 'One of my invoices as PDF', params: Id, produces: ['application/pdf'], response: { 404: err } },
  }, async (req, reply) => sendPdf(reply, await core.invoices.pdf(req.params.id, currentUser(req).userId)));

  app.post('/me/invoices/:id/payment-intents', {
    config: user,
    schema: { tags: ['me'], summary: 'Pay one of my invoices by card (Stripe)', params: Id, body: IntentBody, response: { 201: Intent, 404: err, 409: err, 502: err } },
  }, async (req, reply) => reply.code(201).send(await core.payments.start(req.params.id, req.body.provider ?? 'stripe', currentUser(req).userId)));
}
