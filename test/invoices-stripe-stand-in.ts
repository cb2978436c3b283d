/**
 * A local stand-in for the few Stripe API endpoints Voltlane uses (Stripe itself is not reachable
 * from the test machine): POST /v1/payment_intents, GET /v1/payment_intents/{id}. It checks what
 * the official client sends (secret key, form encoding, idempotency key, amount in minor units)
 * and answers like Stripe; an idempotency key seen before returns the same PaymentIntent. Tests
 * settle an intent with `succeed()` and get the event Stripe would post to the webhook, signed
 * with `stripe.webhooks.generateTestHeaderString` as Stripe signs it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

export interface StandInIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  client_secret: string;
  description: string | null;
  metadata: Record<string, string>;
  livemode: false;
}

export interface StandInRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  form: URLSearchParams;
}

export interface StripeStandIn {
  url: string;
  secretKey: string;
  webhookSecret: string;
  requests: StandInRequest[];
  intents: Map<string, StandInIntent>;
  /** Marks an intent paid and returns the signed webhook request Stripe would send. */
  succeed(id: string): { body: string; signature: string };
  /** The webhook request for an arbitrary event about an intent, signed (or signed with another secret). */
  event(type: string, id: string, opts?: { secret?: string }): { body: string; signature: string };
  close(): Promise<void>;
}

const read = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let s = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (s += c));
  req.on('end', () => resolve(s));
});

/** Starts the stand-in on a random loopback port. */
export async function startStripeStandIn(): Promise<StripeStandIn> {
  const secretKey = `sk_test_${randomBytes(8).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const requests: StandInRequest[] = [];
  const intents = new Map<string, StandInIntent>();
  const byKey = new Map<string, string>();
  const signer = new Stripe(secretKey);

  const server: Server = createServer(async (req, res) => {
    const form = new URLSearchParams(await read(req));
    const path = (req.url ?? '').split('?')[0]!;
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, idempotencyKey, form });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(6).toString('hex')}` });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, type: string, message: string) => send(status, { error: { type, message } });
    if (req.headers.authorization !== `Bearer ${secretKey}`) return fail(401, 'invalid_request_error', 'Invalid API Key provided');
    if (req.method === 'POST' && path === '/v1/payment_intents') {
      if (!idempotencyKey) return fail(400, 'invalid_request_error', 'this stand-in requires an Idempotency-Key');
      const known = byKey.get(idempotencyKey);
      if (known) return send(200, intents.get(known));
      const amount = Number(form.get('amount'));
      const currency = form.get('currency') ?? '';
      if (!Number.isInteger(amount) || amount < 1) return fail(400, 'invalid_request_error', 'amount must be a positive integer in the smallest currency unit');
      if (!/^[a-z]{3}$/.test(currency)) return fail(400, 'invalid_request_error', 'currency must be a lower-case ISO code');
      const metadata: Record<string, string> = {};
      for (const [k, v] of form) {
        const m = /^metadata\[(.+)\]$/.exec(k);
        if (m) metadata[m[1]!] = v;
      }
      const id = `pi_${randomBytes(8).toString('hex')}`;
      const pi: StandInIntent = {
        id, object: 'payment_intent', amount, amount_received: 0, currency, status: 'requires_payment_method',
        client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`, description: form.get('description'), metadata, livemode: false,
      };
      intents.set(id, pi);
      byKey.set(idempotencyKey, id);
      return send(200, pi);
    }
    const m = /^\/v1\/payment_intents\/(pi_[0-9a-f]+)$/.exec(path);
    if (req.method === 'GET' && m) {
      const pi = intents.get(m[1]!);
      return pi ? send(200, pi) : fail(404, 'invalid_request_error', `No such payment_intent: '${m[1]}'`);
    }
    return fail(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${path}) in the stand-in`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;

  const event = (type: string, id: string, opts: { secret?: string } = {}) => {
    const pi = intents.get(id);
    if (!pi) throw new Error(`unknown intent ${id}`);
    const body = JSON.stringify({
      id: `evt_${randomBytes(8).toString('hex')}`, object: 'event', type, api_version: '2024-06-20', created: Math.floor(Date.now() / 1000),
      livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object: pi },
    });
    return { body, signature: signer.webhooks.generateTestHeaderString({ payload: body, secret: opts.secret ?? webhookSecret }) };
  };

  return {
    url: `http://127.0.0.1:${port}`, secretKey, webhookSecret, requests, intents, event,
    succeed(id) {
      const pi = intents.get(id)!;
      pi.status = 'succeeded';
      pi.amount_received = pi.amount;
      return event('payment_intent.succeeded', id);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
