/**
 * GET /api/v1/transactions filtered by start time: `from` inclusive, `to` exclusive, combined with
 * the other filters and paging; a malformed bound is a 400 naming the field.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { startTestServer, type TestServer } from './helpers.js';
import { rpcCharger } from './rpc-peer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Start times of the sessions the charger reports (UTC), in the order they are started. */
const STARTS = ['2026-01-10T08:00:00.000Z', '2026-01-31T23:59:59.000Z', '2026-02-01T00:00:00.000Z', '2026-02-15T12:30:00.000Z'];

for (const tdb of testDatabases()) {
  describe(`transactions list by period (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let cp: Json;
    /** Voltlane's transaction id of each start in STARTS. */
    const ids: number[] = [];

    const list = async (query: string) => {
      const r = await s.api('GET', `/api/v1/transactions?${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as { items: Json[]; total: number };
    };

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db);
      for (const id of ['TXL-1', 'TXL-2']) assert.equal((await s.api('POST', '/api/v1/stations', { id, registrationStatus: 'Accepted' })).status, 201);
      assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken: 'TXL-TAG', status: 'Accepted' })).status, 201);
      cp = rpcCharger({ endpoint: s.ws, identity: 'TXL-1', protocols: ['ocpp1.6'] });
      await cp.connect();
      await cp.call('BootNotification', { chargePointVendor: 'test', chargePointModel: 'list' });
      for (const at of STARTS) {
        const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: 'TXL-TAG', meterStart: 0, timestamp: at });
        ids.push(transactionId);
        await cp.call('StopTransaction', { transactionId, meterStop: 1000, timestamp: new Date(Date.parse(at) + 60_000).toISOString() });
      }
    });
    after(async () => {
      await cp?.close({ force: true }).catch(() => undefined);
      await s?.stop();
      await cleanup?.();
    });

    it('from is inclusive, to exclusive, on the start time; newest first', async () => {
      const feb = await list('from=2026-02-01T00:00:00Z&to=2026-03-01T00:00:00Z');
      assert.equal(feb.total, 2);
      assert.deepEqual(feb.items.map((x) => x.id), [ids[3], ids[2]]);
      const jan = await list('from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z');
      assert.deepEqual(jan.items.map((x) => x.id), [ids[1], ids[0]], 'a session starting exactly at `to` is left out');
      assert.deepEqual((await list('from=2026-01-31T23:59:59Z')).items.map((x) => x.id), [ids[3], ids[2], ids[1]]);
      assert.deepEqual((await list('to=2026-01-31T23:59:59Z')).items.map((x) => x.id), [ids[0]]);
    });

    it('a zone offset is honoured', async () => {
      // 01:00+01:00 is midnight UTC: the Feb 1st session starts at it.
      assert.deepEqual((await list('from=2026-02-01T01:00:00%2B01:00&to=2026-02-02T00:00:00Z')).items.map((x) => x.id), [ids[2]]);
    });

    it('combines with the station, status and id token filters and paging', async () => {
      const page = await list('from=2026-01-01T00:00:00Z&stationId=TXL-1&status=completed&idToken=TXL-TAG&limit=1&offset=1');
      assert.equal(page.total, 4);
      assert.deepEqual(page.items.map((x) => x.id), [ids[2]]);
      assert.equal((await list('from=2026-01-01T00:00:00Z&stationId=TXL-2')).total, 0);
      assert.equal((await list('from=2027-01-01T00:00:00Z&to=2026-01-01T00:00:00Z')).total, 0, 'from after to: nothing, not an error');
    });

    it('a malformed bound is a 400 naming the field', async () => {
      for (const [query, field] of [['from=yesterday', 'querystring.from'], ['to=2026-13-01T00:00:00Z', 'querystring.to'], ['from=2026-02-01', 'querystring.from']] as const) {
        const r = await s.api('GET', `/api/v1/transactions?${query}`);
        assert.equal(r.status, 400, query);
        assert.equal(r.body.error.code, 'VALIDATION_FAILED');
        assert.equal(r.body.error.details.field, field);
        assert.match(r.body.error.message, new RegExp(`^${field.replace('.', '\\.')} `));
      }
    });
  });
}
