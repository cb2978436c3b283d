/**
 * OCPP 2.0.1/2.1 tariff and cost information for drivers: the driver's tariff as personalMessage
 * (I01), fallback tariff and cost messages set on the station (I04/I05), and a tariff change during
 * a running transaction (I06): new tariff from the change on, CostUpdated, updatedPersonalMessage
 * and a final cost made of both parts. Strict ocpp-rpc chargers of both 2.x versions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases, type Db } from '@voltlane/db';
import { eventually, startTestServer, type TestServer } from './helpers.js';
import { rpcCharger } from './rpc-peer.js';

const MIN = 60_000;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** € 0.50 per session (20% VAT) + € 0.25 per kWh (10% VAT), with texts in English and German. */
const STANDARD = {
  id: 'I-STD', currency: 'EUR',
  tariff_alt_text: [{ language: 'en', text: '0.28 EUR/kWh + 0.60 EUR start' }, { language: 'de', text: '0,28 EUR/kWh + 0,60 EUR Start' }],
  elements: [{ price_components: [{ type: 'FLAT', price: 0.5, vat: 20, step_size: 1 }, { type: 'ENERGY', price: 0.25, vat: 10, step_size: 1 }] }],
};
/** Fleet drivers: € 0.10 per kWh + € 2 per hour parking, 21% VAT; no text: a summary is generated. */
const FLEET = {
  id: 'I-FLEET', currency: 'EUR',
  elements: [{ price_components: [{ type: 'ENERGY', price: '0.10', vat: 21, step_size: 1 }, { type: 'PARKING_TIME', price: 2, vat: 21, step_size: 60 }] }],
};
/** € 0.40 per kWh, no VAT: the tariff a running session is switched to. */
const NEW = { id: 'I-NEW', currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 0.4, step_size: 1 }] }] };
const USD = { id: 'I-USD', currency: 'USD', elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }] }] };

function energy(at: number, wh: number): Json {
  return { timestamp: new Date(at).toISOString(), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] };
}

/** NotifyReport reportData for TariffCostCtrlr / DisplayMessageCtrlr variables. */
function variable(component: string, name: string, value: string, instance?: string): Json {
  return {
    component: { name: component },
    variable: { name, ...(instance ? { instance } : {}) },
    variableAttribute: [{ type: 'Actual', value, mutability: 'ReadWrite' }],
  };
}

for (const tdb of testDatabases()) {
  for (const version of ['ocpp2.0.1', 'ocpp2.1'] as const) {
    describe(`2.x tariff and cost information, ${version} (${tdb.name})`, () => {
      let s: TestServer;
      let db: Db;
      let cleanup: () => Promise<void>;
      const clients: Json[] = [];
      const v = version === 'ocpp2.1' ? '21' : '201';

      before(async () => {
        const opened = await tdb.open();
        cleanup = opened.cleanup;
        db = opened.db;
        s = await startTestServer(opened.db);
        for (const t of [STANDARD, FLEET, NEW, USD]) assert.equal((await s.api('POST', '/api/v1/tariffs', t)).status, 201);
        for (const t of [
          { idToken: 'DRIVER', status: 'Accepted' }, { idToken: 'FLEET', status: 'Accepted' },
          { idToken: 'FLEET-CARD', status: 'Accepted', parentIdToken: 'FLEET' },
          { idToken: 'VIP', status: 'Accepted', personalMessage: { format: 'UTF8', language: 'en', content: 'Welcome back!' } },
          { idToken: 'BLOCKED', status: 'Blocked' },
        ]) {
          assert.equal((await s.api('POST', '/api/v1/id-tokens', t)).status, 201);
        }
      });
      after(async () => {
        for (const c of clients) await c.close({ force: true }).catch(() => undefined);
        await s.stop();
        await cleanup();
      });

      async function charger(id: string, report: Json[] = []): Promise<Json> {
        assert.equal((await s.api('POST', '/api/v1/stations', { id })).status, 201);
        const cp = rpcCharger({ endpoint: s.ws, identity: id, protocols: [version] });
        clients.push(cp);
        cp.costUpdates = [] as Json[];
        cp.handle('CostUpdated', ({ params }: Json) => {
          cp.costUpdates.push(params);
          return {};
        });
        await cp.connect();
        assert.equal((await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'ocpp-rpc', model: 'strict' } })).status, 'Accepted');
        if (report.length) await cp.call('NotifyReport', { requestId: 1, generatedAt: new Date().toISOString(), seqNo: 0, reportData: report });
        return cp;
      }

      const authorize = async (cp: Json, idToken: string) => (await cp.call('Authorize', { idToken: { idToken, type: 'ISO14443' } })).idTokenInfo;

      it('I01: an accepted token gets its tariff as personalMessage, in the station\'s language, per group and EVSE', async () => {
        const cp = await charger(`I01-${v}`, [variable('DisplayMessageCtrlr', 'Language', 'de')]);
        assert.deepEqual(await authorize(cp, 'DRIVER'), { status: 'Accepted' }, 'no tariff assigned: nothing to show');
        await s.api('PUT', `/api/v1/stations/I01-${v}/tariff`, { tariffId: 'I-STD' });
        await s.api('PUT', `/api/v1/stations/I01-${v}/tariff`, { tariffId: 'I-FLEET', idTokenGroup: 'FLEET' });
        await s.api('PUT', `/api/v1/stations/I01-${v}/tariff`, { tariffId: 'I-NEW', evseId: 2 });

        assert.deepEqual((await authorize(cp, 'DRIVER')).personalMessage, { format: 'UTF8', language: 'de', content: '0,28 EUR/kWh + 0,60 EUR Start' });
        const fleet = await authorize(cp, 'FLEET-CARD');
        assert.deepEqual(fleet.personalMessage, { format: 'UTF8', language: 'en', content: '0.121 EUR/kWh, 2.42 EUR/h parking, incl. VAT' });
        assert.deepEqual(fleet.groupIdToken, { idToken: 'FLEET', type: 'Central' });
        assert.deepEqual((await authorize(cp, 'VIP')).personalMessage, { format: 'UTF8', language: 'en', content: 'Welcome back!' }, 'the token\'s own message wins');
        assert.deepEqual(await authorize(cp, 'BLOCKED'), { status: 'Blocked' }, 'no tariff for a refused token');

        // TransactionEvent: the tariff of the EVSE the transaction runs on.
        const t0 = Date.now();
        const started = await cp.call('TransactionEvent', {
          eventType: 'Started', seqNo: 0, timestamp: new Date(t0).toISOString(), triggerReason: 'Authorized',
          transactionInfo: { transactionId: 'I01-TX' }, evse: { id: 2, connectorId: 1 }, idToken: { idToken: 'DRIVER', type: 'ISO14443' },
        });
        assert.deepEqual(started.idTokenInfo, { status: 'Accepted', personalMessage: { format: 'UTF8', language: 'en', content: '0.40 EUR/kWh' } });
        await cp.call('TransactionEvent', {
          eventType: 'Ended', seqNo: 1, timestamp: new Date(t0 + MIN).toISOString(), triggerReason: 'EVDeparted',
          transactionInfo: { transactionId: 'I01-TX', stoppedReason: 'EVDisconnected' },
        });
      });

      it('I01: the driver\'s own language (the token owner\'s locale) comes first and is sent as language1', async () => {
        const cp = await charger(`I01L-${v}`, [variable('DisplayMessageCtrlr', 'Language', 'en')]);
        await s.api('PUT', `/api/v1/stations/I01L-${v}/tariff`, { tariffId: 'I-STD' });
        const email = `driver-${v}@example.org`;
        const user = await db.query<{ id: number }>(`insert into users (email, role, locale) values ($1, 'driver', 'de-DE') returning id`, [email]);
        assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken: `OWNED-${v}`, status: 'Accepted' })).status, 201);
        await db.query('update id_tokens set user_id = $1 where id_token = $2', [user.rows[0]!.id, `OWNED-${v}`]);
        assert.deepEqual(await authorize(cp, `OWNED-${v}`), {
          status: 'Accepted', language1: 'de-DE', personalMessage: { format: 'UTF8', language: 'de', content: '0,28 EUR/kWh + 0,60 EUR Start' },
        });
      });

      it('I01: a station that turned tariff display off (TariffCostCtrlr.Enabled[Tariff] false) gets no tariff text; the text fits PersonalMessageSize', async () => {
        const off = await charger(`I01OFF-${v}`, [variable('TariffCostCtrlr', 'Enabled', 'false', 'Tariff')]);
        await s.api('PUT', `/api/v1/stations/I01OFF-${v}/tariff`, { tariffId: 'I-STD' });
        assert.deepEqual(await authorize(off, 'DRIVER'), { status: 'Accepted' });

        const small = await charger(`I01SZ-${v}`, [variable('TariffCostCtrlr', 'Enabled', 'true', 'Tariff'), variable('DisplayMessageCtrlr', 'PersonalMessageSize', '12')]);
        await s.api('PUT', `/api/v1/stations/I01SZ-${v}/tariff`, { tariffId: 'I-FLEET' });
        assert.deepEqual((await authorize(small, 'DRIVER')).personalMessage, { format: 'UTF8', language: 'en', content: '0.121 EUR/k…' });
      });

      it('I06: a tariff change during a transaction prices the rest with the new tariff; CostUpdated, updatedPersonalMessage, final cost of both parts', async () => {
        const cp = await charger(`I06-${v}`);
        await s.api('PUT', `/api/v1/stations/I06-${v}/tariff`, { tariffId: 'I-STD' });
        const now = Date.now();
        const ev = (eventType: string, seqNo: number, at: number, wh: number, more: Json = {}) => cp.call('TransactionEvent', {
          eventType, seqNo, timestamp: new Date(at).toISOString(),
          triggerReason: eventType === 'Started' ? 'Authorized' : eventType === 'Ended' ? 'EVDeparted' : 'MeterValuePeriodic',
          transactionInfo: { transactionId: 'I06-TX', ...(eventType === 'Ended' ? { stoppedReason: 'EVDisconnected' } : {}) },
          meterValue: [energy(at, wh)], ...more,
        });
        await ev('Started', 0, now - 20 * MIN, 1000, { evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'DRIVER', type: 'ISO14443' } });
        const u1 = await ev('Updated', 1, now - 10 * MIN, 11_000);
        assert.equal(u1.updatedPersonalMessage, undefined);
        await eventually(async () => cp.costUpdates.length === 1, 5000, 'first CostUpdated');
        assert.deepEqual(cp.costUpdates[0], { totalCost: 3.35, transactionId: 'I06-TX' }); // 0.60 + 10 kWh * 0.275

        // A tariff in another currency cannot continue this session's cost: it keeps its tariff.
        await s.api('PUT', `/api/v1/stations/I06-${v}/tariff`, { tariffId: 'I-USD' });
        // The operator switches the station to the new tariff: from now on 0.40 per kWh.
        assert.equal((await s.api('PUT', `/api/v1/stations/I06-${v}/tariff`, { tariffId: 'I-NEW' })).status, 200);
        await eventually(async () => cp.costUpdates.length === 2, 5000, 'CostUpdated after the change');
        assert.deepEqual(cp.costUpdates[1], { totalCost: 3.35, transactionId: 'I06-TX' }, 'nothing consumed under the new tariff yet');

        // The car draws nothing until 10 minutes after the change, then 10 kWh.
        const u2 = await ev('Updated', 2, now + 10 * MIN, 11_000);
        assert.deepEqual(u2.updatedPersonalMessage, { format: 'UTF8', language: 'en', content: '0.40 EUR/kWh' });
        assert.equal((await ev('Updated', 3, now + 15 * MIN, 16_000)).updatedPersonalMessage, undefined, 'told once');
        await eventually(async () => cp.costUpdates.length === 4, 5000, 'CostUpdated after the next events');
        assert.deepEqual(cp.costUpdates[3], { totalCost: 5.35, transactionId: 'I06-TX' }); // 3.35 + 5 kWh * 0.40
        const ended = await ev('Ended', 4, now + 20 * MIN, 21_000);
        assert.equal(ended.totalCost, 7.35); // 3.35 + 10 kWh * 0.40

        const list = await s.api('GET', `/api/v1/transactions?stationId=I06-${v}&ocppTransactionId=I06-TX`);
        assert.deepEqual(list.body.items[0].cost, { currency: 'EUR', exclVat: '7.00', inclVat: '7.35' });
        // Changing the tariff after the end changes nothing.
        await s.api('PUT', `/api/v1/stations/I06-${v}/tariff`, { tariffId: 'I-STD' });
        assert.deepEqual((await s.api('GET', `/api/v1/transactions/${list.body.items[0].id}`)).body.cost, list.body.items[0].cost);
      });

      it('I06: editing the tariff itself counts as a change; a station with cost display off gets no CostUpdated', async () => {
        const cp = await charger(`I06E-${v}`, [variable('TariffCostCtrlr', 'Enabled', 'false', 'Cost')]);
        const own = { id: `I-EDIT-${v}`, currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 0.2, step_size: 1 }] }] };
        assert.equal((await s.api('POST', '/api/v1/tariffs', own)).status, 201);
        await s.api('PUT', `/api/v1/stations/I06E-${v}/tariff`, { tariffId: own.id });
        const now = Date.now();
        const ev = (eventType: string, seqNo: number, at: number, wh: number) => cp.call('TransactionEvent', {
          eventType, seqNo, timestamp: new Date(at).toISOString(), triggerReason: eventType === 'Ended' ? 'EVDeparted' : 'MeterValuePeriodic',
          transactionInfo: { transactionId: 'I06E-TX' }, ...(eventType === 'Started' ? { evse: { id: 1, connectorId: 1 } } : {}), meterValue: [energy(at, wh)],
        });
        await ev('Started', 0, now - 10 * MIN, 0);
        await ev('Updated', 1, now - 5 * MIN, 10_000);
        assert.equal((await s.api('PUT', `/api/v1/tariffs/${own.id}`, { ...own, elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }] }] })).status, 200);
        await ev('Updated', 2, now + 5 * MIN, 10_000);
        const ended = await ev('Ended', 3, now + 10 * MIN, 20_000);
        assert.equal(ended.totalCost, 5); // 10 kWh * 0.20 + 10 kWh * 0.30
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(cp.costUpdates, [], 'Enabled[Cost] false: no CostUpdated');
      });

      it('I04/I05: fallback tariff and cost messages and the currency go to the station with SetVariables', async () => {
        const cp = await charger(`I04-${v}`, [variable('DisplayMessageCtrlr', 'Language', 'de')]);
        const received: Json[] = [];
        cp.handle('SetVariables', ({ params }: Json) => {
          received.push(params);
          return {
            setVariableResult: params.setVariableData.map((d: Json) => ({
              component: d.component, variable: d.variable,
              attributeStatus: d.variable.name === 'Currency' ? 'Rejected' : 'Accepted',
              ...(d.variable.name === 'Currency' ? { attributeStatusInfo: { reasonCode: 'ReadOnly' } } : {}),
            })),
          };
        });
        const none = await s.api('PUT', `/api/v1/stations/I04-${v}/tariff-fallback`, {});
        assert.equal(none.status, 400, 'no station-wide tariff to describe and nothing given');
        assert.equal(none.body.error.details.field, 'body.tariffFallbackMessage');
        assert.equal((await s.api('PUT', `/api/v1/stations/I04-${v}/tariff-fallback`, { currency: 'EURO' })).status, 400);

        await s.api('PUT', `/api/v1/stations/I04-${v}/tariff`, { tariffId: 'I-STD' });
        const r = await s.api('PUT', `/api/v1/stations/I04-${v}/tariff-fallback`, { totalCostFallbackMessage: 'Kosten siehe App' });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.deepEqual(received[0].setVariableData, [
          { component: { name: 'TariffCostCtrlr' }, variable: { name: 'TariffFallbackMessage' }, attributeValue: '0,28 EUR/kWh + 0,60 EUR Start' },
          { component: { name: 'TariffCostCtrlr' }, variable: { name: 'TotalCostFallbackMessage' }, attributeValue: 'Kosten siehe App' },
          { component: { name: 'TariffCostCtrlr' }, variable: { name: 'Currency' }, attributeValue: 'EUR' },
        ]);
        assert.deepEqual(r.body.items.map((i: Json) => [i.variable, i.status]), [
          ['TariffCostCtrlr.TariffFallbackMessage', 'Accepted'], ['TariffCostCtrlr.TotalCostFallbackMessage', 'Accepted'], ['TariffCostCtrlr.Currency', 'Rejected'],
        ]);
        assert.deepEqual(r.body.items[2].statusInfo, { reasonCode: 'ReadOnly' });
        const dm = await s.api('GET', `/api/v1/stations/I04-${v}/device-model?component=TariffCostCtrlr`);
        const values = Object.fromEntries(dm.body.items.map((x: Json) => [x.variable.name, x.attributes[0].value]));
        assert.deepEqual(values, { TariffFallbackMessage: '0,28 EUR/kWh + 0,60 EUR Start', TotalCostFallbackMessage: 'Kosten siehe App' });
      });
    });
  }

  describe(`2.x tariff fallback messages refused for 1.6 (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db);
    });
    after(async () => {
      await s.stop();
      await cleanup();
    });

    it('answers 400 for a 1.6 station and 404 for an unknown one', async () => {
      await s.api('POST', '/api/v1/stations', { id: 'OLD16' });
      const cp = rpcCharger({ endpoint: s.ws, identity: 'OLD16', protocols: ['ocpp1.6'] });
      await cp.connect();
      await cp.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
      const r = await s.api('PUT', '/api/v1/stations/OLD16/tariff-fallback', { tariffFallbackMessage: 'x' });
      assert.equal(r.status, 400);
      assert.match(r.body.error.message, /OCPP 2\.x TariffCostCtrlr/);
      assert.equal((await s.api('PUT', '/api/v1/stations/NOPE/tariff-fallback', { tariffFallbackMessage: 'x' })).status, 404);
      await cp.close({ force: true });
    });
  });
}
