/**
 * CDRs, invoices and payments end to end: an OCPP 1.6 and a 2.0.1 session (ocpp-rpc strict
 * chargers) each yield exactly one OCPI 2.2.1 CDR with the tariff's totals, also when the stop is
 * retried; CDRs are immutable and can be credited; invoices are numbered without gaps under
 * concurrent requests, idempotent per customer and period, and render as a PDF that parses;
 * bank transfers and Stripe (against a local stand-in, Stripe being unreachable here) pay them;
 * drivers see only their own invoices.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { Decimal } from 'decimal.js';
import { testDatabases, type Db } from '@voltlane/db';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './helpers.js';
import { rpcCharger } from './rpc-peer.js';
import { Client, type Json } from './users-auth-client.js';
import { startStripeStandIn, type StripeStandIn } from './invoices-stripe-stand-in.js';

const MIN = 60_000;
const PW = 'driver password 1';
/** € 0.50 start (20% VAT) + € 0.25 per kWh (10% VAT): 20 kWh cost 5.50 excl., 6.10 incl. VAT. */
const TARIFF = {
  id: 'T-CDR', currency: 'EUR',
  elements: [{ price_components: [{ type: 'FLAT', price: 0.5, vat: 20, step_size: 1 }, { type: 'ENERGY', price: 0.25, vat: 10, step_size: 1 }] }],
};
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const YEAR = new Date().getUTCFullYear();

/** The text drawn in a PDF: each stream taken by its /Length, inflated when FlateDecode, the hex strings of TJ arrays decoded (WinAnsi ~ Latin-1). */
function pdfText(pdf: Buffer): string {
  const s = pdf.toString('latin1');
  const out: string[] = [];
  for (const m of s.matchAll(/<<((?:(?!>>)[\s\S])*)>>\s*stream\r?\n/g)) {
    const length = Number(/\/Length (\d+)/.exec(m[1]!)?.[1]);
    assert.ok(Number.isInteger(length), `stream without a direct /Length: ${m[1]}`);
    const raw = pdf.subarray(m.index! + m[0].length, m.index! + m[0].length + length);
    const content = (/\/FlateDecode/.test(m[1]!) ? inflateSync(raw) : raw).toString('latin1');
    for (const tj of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ/g)) {
      out.push([...tj[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''));
    }
  }
  return out.join('\n');
}

for (const tdb of testDatabases()) {
  describe(`CDRs, invoices and payments (${tdb.name})`, () => {
    let s: TestServer;
    let db: Db;
    let cleanup: () => Promise<void>;
    let stripe: StripeStandIn;
    let admin: Client;
    const chargers: Json[] = [];
    const users: Record<string, number> = {};
    let cdr16: Json;
    let cdr201: Json;

    before(async () => {
      const opened = await tdb.open();
      db = opened.db;
      cleanup = opened.cleanup;
      stripe = await startStripeStandIn();
      s = await startTestServer(db, {
        VOLTLANE_STRIPE_SECRET_KEY: stripe.secretKey, VOLTLANE_STRIPE_WEBHOOK_SECRET: stripe.webhookSecret, VOLTLANE_STRIPE_API_BASE: stripe.url,
        VOLTLANE_INVOICE_SELLER_NAME: 'Voltlane Test Operator BV', VOLTLANE_INVOICE_SELLER_ADDRESS: 'Laadpaalstraat 1\n1011 AB Amsterdam',
        VOLTLANE_INVOICE_SELLER_VAT_ID: 'NL000099998B57', VOLTLANE_INVOICE_IBAN: 'NL91ABNA0417164300', VOLTLANE_INVOICE_BIC: 'ABNANL2A',
        VOLTLANE_OCPI_COUNTRY_CODE: 'NL', VOLTLANE_OCPI_PARTY_ID: 'VLT', VOLTLANE_DEFAULT_CURRENCY: 'EUR',
      });
      admin = new Client(s.v.url, { bearer: ADMIN_TOKEN });
      for (const name of ['ana', 'ben']) {
        const r = await admin.post('/api/v1/users', { email: `${name}@example.com`, role: 'driver', password: PW, name: `${name} driver` });
        assert.equal(r.status, 201, r.text);
        users[name] = r.body.id;
      }
      for (const t of [
        { idToken: 'ANA-1', status: 'Accepted', owner: 'ana' }, { idToken: 'BEN-1', status: 'Accepted', owner: 'ben' },
        { idToken: 'FLEET-G', status: 'Accepted' }, { idToken: 'CARD-G', status: 'Accepted', parentIdToken: 'FLEET-G' },
      ]) {
        const { owner, ...body } = t;
        assert.equal((await admin.post('/api/v1/id-tokens', body)).status, 201);
        if (owner) assert.equal((await admin.patch(`/api/v1/id-tokens/${t.idToken}`, { userId: users[owner] })).status, 200);
      }
      assert.equal((await admin.post('/api/v1/tariffs', TARIFF)).status, 201);
    });
    after(async () => {
      for (const c of chargers) await c.close({ force: true }).catch(() => undefined);
      await s.stop();
      await stripe.close();
      await cleanup();
    });

    async function charger(id: string, version: 'ocpp1.6' | 'ocpp2.0.1', tariff = true): Promise<Json> {
      assert.equal((await admin.post('/api/v1/stations', { id })).status, 201);
      if (tariff) assert.equal((await s.api('PUT', `/api/v1/stations/${id}/tariff`, { tariffId: 'T-CDR', timeZone: 'Europe/Amsterdam' })).status, 200);
      const cp = rpcCharger({ endpoint: s.ws, identity: id, protocols: [version] });
      chargers.push(cp);
      cp.handle('CostUpdated', () => ({}));
      await cp.connect();
      const boot = version === 'ocpp1.6'
        ? await cp.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'strict-16', meterSerialNumber: 'MTR-0001' })
        : await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'ocpp-rpc', model: 'strict-2x' } });
      assert.equal(boot.status, 'Accepted');
      return cp;
    }

    const energy = (at: number, wh: number, powerW?: number) => ({
      timestamp: new Date(at).toISOString(),
      sampledValue: [
        { value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
        ...(powerW !== undefined ? [{ value: powerW, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } }] : []),
      ],
    });
    function txEvent(cp: Json, eventType: string, tx: string, seqNo: number, at: number, more: Json = {}): Promise<Json> {
      return cp.call('TransactionEvent', {
        eventType, seqNo, timestamp: new Date(at).toISOString(),
        triggerReason: eventType === 'Started' ? 'Authorized' : eventType === 'Ended' ? 'EVDeparted' : 'MeterValuePeriodic',
        transactionInfo: { transactionId: tx, ...(eventType === 'Ended' ? { stoppedReason: 'EVDisconnected' } : {}) },
        ...more,
      });
    }
    /** A 2.0.1 session of 20 kWh in 20 minutes; the Ended event is sent twice (a retry). */
    async function session201(cp: Json, tx: string, idToken: string, t0: number): Promise<void> {
      await txEvent(cp, 'Started', tx, 0, t0, { evse: { id: 1, connectorId: 1 }, idToken: { idToken, type: 'ISO14443' }, meterValue: [energy(t0, 1000, 11000)] });
      await txEvent(cp, 'Updated', tx, 1, t0 + 10 * MIN, { meterValue: [energy(t0 + 10 * MIN, 11_000, 7000)] });
      for (let i = 0; i < 2; i++) await txEvent(cp, 'Ended', tx, 2, t0 + 20 * MIN, { meterValue: [energy(t0 + 20 * MIN, 21_000)] });
    }
    const cdrsOf = async (q: string) => (await admin.get(`/api/v1/cdrs?${q}`)).body;

    it('1.6: one CDR for a stopped transaction, with the tariff, periods and totals; a retried stop adds none', async () => {
      const cp = await charger('CDR-16', 'ocpp1.6');
      const t0 = Date.now() - 90 * MIN;
      const start = await cp.call('StartTransaction', { connectorId: 1, idTag: 'ANA-1', meterStart: 1000, timestamp: new Date(t0).toISOString() });
      await cp.call('MeterValues', {
        connectorId: 1, transactionId: start.transactionId,
        meterValue: [{ timestamp: new Date(t0 + 10 * MIN).toISOString(), sampledValue: [
          { value: '11000', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }, { value: '16', measurand: 'Current.Import', unit: 'A', phase: 'L1' },
        ] }],
      });
      const stop = { transactionId: start.transactionId, meterStop: 21_000, timestamp: new Date(t0 + 20 * MIN).toISOString(), reason: 'Local' };
      await cp.call('StopTransaction', stop);
      await cp.call('StopTransaction', stop); // the charger did not get our answer and retries
      const list = await cdrsOf('stationId=CDR-16');
      assert.equal(list.total, 1);
      cdr16 = list.items[0];
      assert.equal(cdr16.id, `CDR-${start.transactionId}`);
      assert.equal(cdr16.session_id, String(start.transactionId));
      assert.deepEqual([cdr16.country_code, cdr16.party_id, cdr16.currency, cdr16.auth_method], ['NL', 'VLT', 'EUR', 'WHITELIST']);
      assert.deepEqual(cdr16.cdr_token, { country_code: 'NL', party_id: 'VLT', uid: 'ANA-1', type: 'OTHER', contract_id: 'ANA-1' });
      assert.equal(cdr16.start_date_time, new Date(t0).toISOString());
      assert.equal(cdr16.end_date_time, new Date(t0 + 20 * MIN).toISOString());
      assert.deepEqual(cdr16.total_cost, { excl_vat: 5.5, incl_vat: 6.1 });
      assert.deepEqual(cdr16.total_fixed_cost, { excl_vat: 0.5, incl_vat: 0.6 });
      assert.deepEqual(cdr16.total_energy_cost, { excl_vat: 5, incl_vat: 5.5 });
      assert.equal(cdr16.total_energy, 20);
      assert.equal(cdr16.total_time, 0.3333);
      assert.equal(cdr16.meter_id, 'MTR-0001');
      assert.equal(cdr16.remark, 'Stopped: Local');
      assert.deepEqual(cdr16.tariffs.map((t: Json) => t.id), ['T-CDR']);
      // One period (one price component throughout); current known from the second sample on.
      assert.deepEqual(cdr16.charging_periods, [{
        start_date_time: new Date(t0).toISOString(), tariff_id: 'T-CDR',
        dimensions: [{ type: 'ENERGY', volume: 20 }, { type: 'TIME', volume: 0.3333 }, { type: 'MAX_CURRENT', volume: 16 }, { type: 'MIN_CURRENT', volume: 16 }],
      }]);
      const loc = cdr16.cdr_location;
      assert.deepEqual([loc.id, loc.evse_uid, loc.evse_id, loc.connector_id], ['CDR-16', 'CDR-16-1', 'NL*VLT*ECDR16*1', '1']);
      // The same totals as the transaction's fixed cost.
      const tx = await s.api('GET', `/api/v1/transactions/${start.transactionId}`);
      assert.deepEqual(tx.body.cost, { currency: 'EUR', exclVat: '5.50', inclVat: '6.10' });
      assert.deepEqual((await admin.get(`/api/v1/cdrs/${cdr16.id}`)).body, cdr16);
      const openapi = (await admin.get('/openapi.json')).body;
      for (const path of ['/api/v1/cdrs', '/api/v1/invoices/{id}/pdf', '/api/v1/payments/stripe/webhook']) assert.ok(openapi.paths[path], path);
    });

    it('2.0.1: one CDR for an Ended transaction (Ended retried), periods with power', async () => {
      const cp = await charger('CDR-201', 'ocpp2.0.1');
      const t0 = Date.now() - 80 * MIN;
      await session201(cp, 'TX-A', 'ANA-1', t0);
      const list = await cdrsOf('stationId=CDR-201');
      assert.equal(list.total, 1);
      cdr201 = list.items[0];
      assert.deepEqual(cdr201.total_cost, { excl_vat: 5.5, incl_vat: 6.1 });
      assert.equal(cdr201.total_energy, 20);
      assert.deepEqual(cdr201.cdr_token.type, 'RFID');
      assert.deepEqual(cdr201.charging_periods[0].dimensions.filter((d: Json) => d.type.endsWith('_POWER')), [{ type: 'MAX_POWER', volume: 11 }, { type: 'MIN_POWER', volume: 7 }]);
      assert.equal(cdr201.remark, 'Stopped: EVDisconnected');
    });

    it('a session without tariff gets a CDR of 0 in the default currency; partner sessions carry the group', async () => {
      const cp = await charger('CDR-FREE', 'ocpp2.0.1', false);
      await session201(cp, 'TX-F', 'BEN-1', Date.now() - 70 * MIN);
      const free = (await cdrsOf('stationId=CDR-FREE')).items[0];
      assert.deepEqual([free.currency, free.total_cost, free.tariffs], ['EUR', { excl_vat: 0, incl_vat: 0 }, []]);
      assert.equal(free.charging_periods[0].tariff_id, undefined);
      const fleet = await charger('CDR-FLEET', 'ocpp2.0.1');
      await session201(fleet, 'TX-G', 'CARD-G', Date.now() - 60 * MIN);
      assert.equal((await cdrsOf('idToken=card-g')).total, 1);
    });

    it('lists CDRs by user, id token and period; 404 for an unknown CDR; 400 for an empty period', async () => {
      const ana = await cdrsOf(`userId=${users.ana}`);
      assert.deepEqual(ana.items.map((c: Json) => c.id).sort(), [cdr16.id, cdr201.id].sort());
      assert.equal((await cdrsOf('idToken=ana-1&limit=1')).items.length, 1);
      assert.equal((await cdrsOf(`from=${encodeURIComponent(new Date(Date.now() + MIN).toISOString())}`)).total, 0);
      assert.equal((await cdrsOf(`to=${encodeURIComponent(new Date(Date.now() + MIN).toISOString())}`)).total, 4);
      assert.equal((await admin.get('/api/v1/cdrs/CDR-999999')).status, 404);
      const bad = await admin.get(`/api/v1/cdrs?from=${day(1)}T00:00:00Z&to=${day(0)}T00:00:00Z`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.details.field, 'querystring.to');
    });

    it('CDRs are immutable: the database refuses updates and deletes', async () => {
      await assert.rejects(db.query(`update cdrs set total_incl_vat = 0 where id = $1`, [cdr16.id]), /immutable/);
      await assert.rejects(db.query(`delete from cdrs where id = $1`, [cdr16.id]), /immutable/);
      assert.equal((await cdrsOf(`idToken=ANA-1`)).total, 2);
    });

    let anaInvoice: Json;
    it('issues an invoice per customer and period: VAT per rate, totals, idempotent; nothing to bill is 409', async () => {
      const body = { userId: users.ana, periodStart: day(-2), periodEnd: day(1) };
      const r = await admin.post('/api/v1/invoices', body);
      assert.equal(r.status, 201, r.text);
      anaInvoice = r.body;
      assert.match(anaInvoice.number, new RegExp(`^VL-${YEAR}-\\d{6}$`));
      assert.deepEqual(anaInvoice.customer, { kind: 'user', userId: users.ana });
      assert.deepEqual(anaInvoice.buyer, { name: 'ana driver', email: 'ana@example.com' });
      assert.equal(anaInvoice.seller.iban, 'NL91ABNA0417164300');
      assert.equal(anaInvoice.lines.length, 4); // 2 CDRs x 2 VAT rates
      assert.deepEqual(anaInvoice.vatLines, [
        { rate: '10', base: '10.00', vat: '1.00', gross: '11.00' },
        { rate: '20', base: '1.00', vat: '0.20', gross: '1.20' },
      ]);
      assert.deepEqual([anaInvoice.totalExclVat, anaInvoice.totalVat, anaInvoice.totalInclVat, anaInvoice.status, anaInvoice.amountPaid], ['11.00', '1.20', '12.20', 'open', '0']);
      const again = await admin.post('/api/v1/invoices', body);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, anaInvoice.id);
      // Another period covering the same CDRs: they are already invoiced.
      const other = await admin.post('/api/v1/invoices', { userId: users.ana, periodStart: day(-3), periodEnd: day(2) });
      assert.equal(other.status, 409);
      assert.equal(other.body.error.code, 'NOTHING_TO_INVOICE');
      const bad = await admin.post('/api/v1/invoices', { userId: users.ana, periodStart: day(1), periodEnd: day(-2) });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.details.field, 'body.periodEnd');
      assert.equal((await admin.post('/api/v1/invoices', { periodStart: day(-2), periodEnd: day(1) })).body.error.details.field, 'body.userId');
      assert.equal((await admin.post('/api/v1/invoices', { userId: 999999, periodStart: day(-2), periodEnd: day(1) })).status, 404);
    });

    it('the invoice PDF parses and shows the number, parties, VAT and total', async () => {
      const res = await fetch(`${s.v.url}/api/v1/invoices/${anaInvoice.id}/pdf`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      assert.match(res.headers.get('content-disposition') ?? '', new RegExp(`${anaInvoice.number}\\.pdf`));
      const pdf = Buffer.from(await res.arrayBuffer());
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.match(pdf.subarray(-8).toString('latin1'), /%%EOF/);
      const text = pdfText(pdf);
      for (const expected of [anaInvoice.number, 'Voltlane Test Operator BV', 'VAT ID NL000099998B57', 'ana driver', cdr16.id, cdr201.id, 'EUR 12.20', 'NL91ABNA0417164300']) {
        assert.ok(text.includes(expected), `PDF text lacks ${expected}:\n${text}`);
      }
    });

    it('invoice numbers stay gapless under concurrent requests (failed and duplicate requests use no number)', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await admin.post('/api/v1/users', { email: `c${i}@example.com`, role: 'driver', password: PW, name: `customer ${i}` });
        ids.push(r.body.id);
        await db.query(
          `insert into cdrs (id, transaction_id, station_id, id_token, user_id, currency, total_excl_vat, total_incl_vat, energy_wh, started_at, ended_at, vat, cdr)
           values ($1, $2, 'CDR-16', $3, $4, 'EUR', 1, 1.21, 4000, now() - interval '2 hours', now() - interval '1 hour', $5, '{}')`,
          [`CDR-TEST-${i}`, 900_000 + i, `C${i}`, r.body.id, JSON.stringify([{ rate: '21', exclVat: '1.00', inclVat: '1.21' }])],
        );
      }
      const nobody = (await admin.post('/api/v1/users', { email: 'nobody@example.com', role: 'driver', password: PW })).body.id;
      const requests = [...ids, ...ids, nobody, nobody].map((userId) => admin.post('/api/v1/invoices', { userId, periodStart: day(-1), periodEnd: day(1) }));
      const replies = await Promise.all(requests);
      assert.deepEqual(replies.map((r) => r.status).sort(), [...Array(6).fill(200), ...Array(6).fill(201), 409, 409].sort());
      const byUser = new Map<number, Set<string>>();
      for (const r of replies.filter((x) => x.status < 300)) byUser.set(r.body.customer.userId, (byUser.get(r.body.customer.userId) ?? new Set()).add(r.body.number));
      assert.ok([...byUser.values()].every((numbers) => numbers.size === 1), 'a duplicate request returned another invoice');
      for (const r of replies.filter((x) => x.status < 300)) assert.deepEqual([r.body.totalExclVat, r.body.totalVat, r.body.totalInclVat], ['1.00', '0.21', '1.21']);
      const all = (await admin.get('/api/v1/invoices?limit=100')).body.items as Json[];
      const seqs = all.map((i) => Number(i.number.split('-')[2])).sort((a, b) => a - b);
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
      assert.equal(seqs.length, 7);
    });

    it('bank transfer: partial, then the rest; more than due is refused', async () => {
      const pay = (amount: Json, reference = 'bank ref 1') => admin.post(`/api/v1/invoices/${anaInvoice.id}/payments`, { amount, reference });
      const part = await pay('5.00');
      assert.equal(part.status, 201, part.text);
      assert.deepEqual([part.body.provider, part.body.status, part.body.amountReceived], ['manual', 'succeeded', '5.00']);
      assert.deepEqual(await admin.get(`/api/v1/invoices/${anaInvoice.id}`).then((r) => [r.body.status, r.body.amountPaid]), ['partially_paid', '5.00']);
      for (const [amount, field] of [['7.21', 'body.amount'], ['-1', 'body.amount'], ['1.001', 'body.amount'], ['abc', 'body.amount']]) {
        const r = await pay(amount!);
        assert.equal(r.status, 400, `${amount}: ${r.text}`);
        assert.equal(r.body.error.details.field, field);
      }
      assert.equal((await admin.post(`/api/v1/invoices/${anaInvoice.id}/payments`, { amount: '1', reference: 'x', currency: 'USD' })).body.error.details.field, 'body.currency');
      assert.equal((await pay(7.2, 'bank ref 2')).status, 201);
      const paid = (await admin.get(`/api/v1/invoices/${anaInvoice.id}`)).body;
      assert.deepEqual([paid.status, paid.amountPaid, paid.payments.length], ['paid', '12.20', 2]);
      assert.ok(paid.paidAt);
      assert.equal((await admin.post(`/api/v1/invoices/${anaInvoice.id}/payment-intents`, {})).body.error.code, 'INVOICE_PAID');
    });

    it('Stripe: PaymentIntent for what is due, webhook signature checked, event applied once', async () => {
      const inv = await admin.post('/api/v1/invoices', { idTokenGroup: 'FLEET-G', periodStart: day(-2), periodEnd: day(1) });
      assert.equal(inv.status, 201, inv.text);
      assert.deepEqual([inv.body.customer, inv.body.totalInclVat, inv.body.buyer.name], [{ kind: 'group', idTokenGroup: 'FLEET-G' }, '6.10', 'Partner FLEET-G']);
      const started = await admin.post(`/api/v1/invoices/${inv.body.id}/payment-intents`, {});
      assert.equal(started.status, 201, started.text);
      const { payment, clientSecret } = started.body;
      assert.equal(payment.provider, 'stripe');
      assert.equal(payment.status, 'pending');
      assert.match(clientSecret, /^pi_[0-9a-f]+_secret_/);
      const created = stripe.requests.find((r) => r.method === 'POST')!;
      assert.equal(created.form.get('amount'), '610');
      assert.equal(created.form.get('currency'), 'eur');
      assert.equal(created.form.get('metadata[invoice_number]'), inv.body.number);
      assert.equal(created.idempotencyKey, `voltlane-payment-${payment.id}`);
      // Asked again: the pending intent is reused.
      const again = await admin.post(`/api/v1/invoices/${inv.body.id}/payment-intents`, {});
      assert.equal(again.body.payment.id, payment.id);
      assert.equal(stripe.requests.filter((r) => r.method === 'POST').length, 1);

      const hook = (e: { body: string; signature: string }) => fetch(`${s.v.url}/api/v1/payments/stripe/webhook`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': e.signature }, body: e.body,
      }).then(async (r) => ({ status: r.status, body: await r.json() as Json }));
      const forged = await hook(stripe.event('payment_intent.succeeded', payment.providerRef, { secret: 'whsec_wrong' }));
      assert.equal(forged.status, 400);
      assert.equal(forged.body.error.code, 'WEBHOOK_SIGNATURE_INVALID');
      const tampered = stripe.succeed(payment.providerRef);
      assert.equal((await hook({ body: tampered.body.replace('"amount_received":610', '"amount_received":1'), signature: tampered.signature })).status, 400);
      assert.equal((await admin.get(`/api/v1/invoices/${inv.body.id}`)).body.status, 'open');
      const ok = await hook(tampered);
      assert.deepEqual(ok, { status: 200, body: { received: true, applied: true, paymentId: payment.id } });
      assert.deepEqual((await hook(tampered)).body, { received: true, applied: false }); // redelivered
      const paid = (await admin.get(`/api/v1/invoices/${inv.body.id}`)).body;
      assert.deepEqual([paid.status, paid.amountPaid, paid.payments[0].status, paid.payments[0].amountReceived], ['paid', '6.10', 'succeeded', '6.10']);
      const refreshed = await admin.post(`/api/v1/payments/${payment.id}/refresh`, {});
      assert.equal(refreshed.body.status, 'succeeded');
      assert.ok(stripe.requests.some((r) => r.method === 'GET' && r.path === `/v1/payment_intents/${payment.providerRef}`));
      assert.ok(stripe.requests.every((r) => r.authorization === `Bearer ${stripe.secretKey}`));
    });

    it('drivers list, read, download and pay only their own invoices', async () => {
      const ben = await admin.post('/api/v1/invoices', { userId: users.ben, periodStart: day(-2), periodEnd: day(1) });
      assert.equal(ben.status, 201, ben.text);
      assert.equal(ben.body.totalInclVat, '0.00'); // an unpriced session still appears on the invoice
      const ana = await new Client(s.v.url).login('ana@example.com', PW);
      const mine = await ana.get('/api/v1/me/invoices');
      assert.equal(mine.status, 200);
      assert.deepEqual(mine.body.items.map((i: Json) => i.id), [anaInvoice.id]);
      assert.equal((await ana.get(`/api/v1/me/invoices/${anaInvoice.id}`)).body.number, anaInvoice.number);
      const pdf = await ana.get(`/api/v1/me/invoices/${anaInvoice.id}/pdf`);
      assert.equal(pdf.status, 200);
      assert.ok(pdf.text.startsWith('%PDF-'));
      for (const path of [`/api/v1/me/invoices/${ben.body.id}`, `/api/v1/me/invoices/${ben.body.id}/pdf`]) assert.equal((await ana.get(path)).status, 404);
      assert.equal((await ana.post(`/api/v1/me/invoices/${ben.body.id}/payment-intents`, {})).status, 404);
      for (const path of ['/api/v1/invoices', `/api/v1/invoices/${anaInvoice.id}`, '/api/v1/cdrs']) assert.equal((await ana.get(path)).status, 403);
      assert.equal((await new Client(s.v.url).get('/api/v1/me/invoices')).status, 401);
    });

    it('a CDR is credited once, with total_cost negated; the credit goes on the next invoice', async () => {
      const credit = await admin.post(`/api/v1/cdrs/${cdr201.id}/credit`, { remark: 'charger fault' });
      assert.equal(credit.status, 201, credit.text);
      assert.deepEqual([credit.body.id, credit.body.credit, credit.body.credit_reference_id, credit.body.total_cost, credit.body.remark],
        [`${cdr201.id}-C`, true, cdr201.id, { excl_vat: -5.5, incl_vat: -6.1 }, 'charger fault']);
      assert.deepEqual(credit.body.total_energy_cost, cdr201.total_energy_cost);
      assert.equal((await admin.post(`/api/v1/cdrs/${cdr201.id}/credit`, {})).status, 409);
      assert.equal((await admin.post(`/api/v1/cdrs/${cdr201.id}-C/credit`, {})).status, 400);
      const next = await admin.post('/api/v1/invoices', { userId: users.ana, periodStart: day(0), periodEnd: day(1) });
      assert.equal(next.status, 201, next.text);
      assert.deepEqual([next.body.totalExclVat, next.body.totalInclVat, next.body.lines.every((l: Json) => l.credit)], ['-5.50', '-6.10', true]);
    });

    it('a tariff changed during a session (I06): the CDR lists both tariffs and totals what the transaction costs', async () => {
      const cp = await charger('CDR-I06', 'ocpp2.0.1');
      const tariff = { ...TARIFF, id: 'T-I06' };
      assert.equal((await admin.post('/api/v1/tariffs', tariff)).status, 201);
      assert.equal((await s.api('PUT', '/api/v1/stations/CDR-I06/tariff', { tariffId: 'T-I06' })).status, 200);
      const now = Date.now();
      await txEvent(cp, 'Started', 'TX-I06', 0, now - 10 * MIN, { evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'BEN-1', type: 'ISO14443' }, meterValue: [energy(now - 10 * MIN, 0)] });
      await txEvent(cp, 'Updated', 'TX-I06', 1, now - MIN, { meterValue: [energy(now - MIN, 9000)] });
      const pricier = { ...tariff, elements: [{ price_components: [{ type: 'FLAT', price: 0.5, vat: 20, step_size: 1 }, { type: 'ENERGY', price: 0.5, vat: 10, step_size: 1 }] }] };
      assert.equal((await admin.req('PUT', '/api/v1/tariffs/T-I06', pricier)).status, 200);
      await txEvent(cp, 'Ended', 'TX-I06', 2, now + 5 * MIN, { meterValue: [energy(now + 5 * MIN, 15_000)] });
      const cdr = (await cdrsOf('stationId=CDR-I06')).items[0];
      const tx = (await s.api('GET', '/api/v1/transactions?stationId=CDR-I06')).body.items[0];
      // The same amounts, the CDR's rounded to OCPI's 4 decimals.
      const dec4 = (v: string) => new Decimal(v).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toNumber();
      assert.deepEqual([cdr.total_cost.excl_vat, cdr.total_cost.incl_vat], [dec4(tx.cost.exclVat), dec4(tx.cost.inclVat)]);
      assert.equal(cdr.tariffs.length, 2);
      assert.ok(cdr.total_cost.excl_vat > 0.5 + 15 * 0.25 && cdr.total_cost.excl_vat < 0.5 + 15 * 0.5, JSON.stringify(cdr.total_cost));
      assert.ok(cdr.charging_periods.length >= 2);
      assert.equal(cdr.total_energy, 15);
    });
  });
}
