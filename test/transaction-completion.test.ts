/**
 * Completion is atomic: a transaction becomes `completed` in the same database transaction that
 * fixes its final cost and stores its CDR, so no reader ever sees a completed session with
 * costInclVat null or without its CDR (1.6 StopTransaction, 2.0.1 TransactionEvent Ended, and a
 * retried stop). The database is watched after every committed write.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases, type Db } from '@voltlane/db';
import { startTestServer, tariffedStation, type TestServer } from './helpers.js';
import { RawCharger } from './raw-charger.js';

const MIN = 60_000;
/** € 0.50 per kWh incl. a 20 % VAT share: 10 kWh cost 5.00 excl. VAT, 6.00 incl. */
const TARIFF = { id: 'T-ATOMIC', currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 0.5, vat: 20, step_size: 1 }] }] };

/** What a committed state may not show: a completed transaction without its cost or its CDR. */
interface Violation { id: number; costInclVat: string | null; cdrs: number; after: string }

/**
 * The database, with a check of every completed transaction after each write outside a
 * transaction and after each committed transaction (what any other reader could see then).
 */
function watched(db: Db, seen: Violation[]): Db {
  const check = async (sqlText: string) => {
    const r = await db.query<{ id: string | number; cost_incl_vat: string | null; n: number }>(
      `select t.id, t.cost_incl_vat::text as cost_incl_vat,
         (select count(*)::int from cdrs c where c.transaction_id = t.id and not c.credit) as n
       from transactions t where t.status = 'completed' and t.station_id like 'ATOM-%'`,
    );
    for (const row of r.rows) {
      if (row.cost_incl_vat === null || row.n !== 1) seen.push({ id: Number(row.id), costInclVat: row.cost_incl_vat, cdrs: row.n, after: sqlText.slice(0, 60) });
    }
  };
  return Object.assign(Object.create(db) as Db, {
    query: async (sqlText: string, params?: unknown[]) => {
      const res = await db.query(sqlText, params);
      if (/^\s*(update|insert|delete)/i.test(sqlText)) await check(sqlText);
      return res;
    },
    transaction: async <T>(fn: Parameters<Db['transaction']>[0]) => {
      const res = await db.transaction(fn);
      await check('(transaction)');
      return res as T;
    },
  });
}

for (const tdb of testDatabases()) {
  describe(`Transaction completion is one database transaction (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    const seen: Violation[] = [];
    const chargers: RawCharger[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(watched(opened.db, seen));
      assert.equal((await s.api('POST', '/api/v1/tariffs', TARIFF)).status, 201);
      assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken: 'ATOM-TAG', status: 'Accepted' })).status, 201);
    });
    after(async () => {
      for (const c of chargers) await c.close();
      await s.stop();
      await cleanup();
    });

    const station = (id: string, version: 'ocpp1.6' | 'ocpp2.0.1') => tariffedStation(s, id, version, TARIFF.id, chargers);

    it('1.6 StopTransaction: cost and CDR commit with the completion, also for a retried stop', async () => {
      const cp = await station('ATOM-16', 'ocpp1.6');
      const t0 = Date.now() - 30 * MIN;
      const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: 'ATOM-TAG', meterStart: 1000, timestamp: new Date(t0).toISOString() });
      const stop = { transactionId, idTag: 'ATOM-TAG', meterStop: 11_000, timestamp: new Date(t0 + 20 * MIN).toISOString(), reason: 'Local' };
      await cp.call('StopTransaction', stop);
      await cp.call('StopTransaction', stop);
      const tx = (await s.api('GET', `/api/v1/transactions/${transactionId}`)).body;
      assert.equal(tx.status, 'completed');
      assert.deepEqual(tx.cost, { currency: 'EUR', exclVat: '5.00', inclVat: '6.00' });
      const cdrs = (await s.api('GET', '/api/v1/cdrs?stationId=ATOM-16')).body;
      assert.equal(cdrs.total, 1);
      assert.equal(cdrs.items[0].total_cost.incl_vat, 6);
      assert.deepEqual(seen, []);
    });

    it('2.0.1 TransactionEvent Ended: final totalCost, stored cost and CDR in one commit', async () => {
      const cp = await station('ATOM-201', 'ocpp2.0.1');
      const t0 = Date.now() - 30 * MIN;
      const energy = (at: number, wh: number) => [{ timestamp: new Date(at).toISOString(), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register' }] }];
      const ev = (eventType: string, seqNo: number, at: number, wh: number, more: object = {}) => cp.call('TransactionEvent', {
        eventType, seqNo, timestamp: new Date(at).toISOString(), triggerReason: eventType === 'Ended' ? 'EVDeparted' : 'Authorized',
        transactionInfo: { transactionId: 'atom-1', ...(eventType === 'Ended' ? { stoppedReason: 'EVDisconnected' } : {}) },
        meterValue: energy(at, wh), ...more,
      });
      await ev('Started', 0, t0, 0, { evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'ATOM-TAG', type: 'ISO14443' } });
      const ended = await ev('Ended', 1, t0 + 20 * MIN, 10_000);
      assert.equal(ended.totalCost, 6);
      const again = await ev('Ended', 1, t0 + 20 * MIN, 10_000);
      assert.equal(again.totalCost, 6);
      const list = (await s.api('GET', '/api/v1/transactions?stationId=ATOM-201')).body;
      assert.equal(list.items[0].cost.inclVat, '6.00');
      assert.equal((await s.api('GET', '/api/v1/cdrs?stationId=ATOM-201')).body.total, 1);
      assert.deepEqual(seen, []);
    });
  });
}
