/**
 * Search (issue 6) through the API on both databases: stations found by a typo, a partial id and
 * a word of their name, ranked exact > prefix > substring > typo; sessions by id, 2.x transaction
 * id prefix, token and station; id tokens, users and CDRs; type filter; bad input; drivers refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases, type Db } from '@voltlane/db';
import { startTestServer, type TestServer } from './helpers.js';
import { Client } from './users-auth-client.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function fixture(db: Db): Promise<void> {
  await db.exec(`
    insert into stations (id, registration_status, vendor, model, serial_number, name, address, city) values
      ('CP-000123', 'Accepted', 'Wallbox', 'Pulsar Plus', 'WB-SN-778899', 'Hauptbahnhof Nord', 'Bahnhofstraße 1', 'München'),
      ('CP-000124', 'Accepted', 'ABB', 'Terra AC', 'ABB-1', 'Marktplatz', null, 'Augsburg'),
      ('DE*ABC*E1234', 'Accepted', 'Alpitronic', 'Hypercharger', null, 'Parkhaus Süd', null, null);
    insert into stations (id, registration_status, vendor, model) select 'ST-' || g, 'Accepted', 'Generic', 'Model ' || g from generate_series(1, 300) g;
    insert into users (id, email, name, role) values (7, 'ann.example@fleet.test', 'Ann Smith', 'driver'), (8, 'bob@fleet.test', 'Bob Jones', 'operator');
    insert into id_tokens (id_token, status, parent_id_token, user_id) values ('TAG-A', 'Accepted', 'FLEET-1', 7), ('04A1B2C3D4', 'Accepted', null, null);
    insert into transactions (id, station_id, evse_id, connector_id, id_token, status, started_at, ocpp_transaction_id) values
      (42, 'CP-000123', 1, 1, 'tag-a', 'completed', '2026-01-01T10:00:00Z', null),
      (43, 'CP-000123', 1, 1, 'TAG-A', 'active', '2026-01-02T10:00:00Z', 'a1b2c3d4-0000-4000-8000-000000000001'),
      (44, 'CP-000124', 1, 1, 'OTHER', 'completed', '2026-01-03T10:00:00Z', null);
    insert into cdrs (id, transaction_id, station_id, id_token, currency, total_excl_vat, total_incl_vat, energy_wh, started_at, ended_at, cdr)
      values ('CDR-42', 42, 'CP-000123', 'tag-a', 'EUR', 1, 1.2, 1000, '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z', '{}');`);
}

for (const tdb of testDatabases()) {
  describe(`Search (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      await fixture(opened.db);
      s = await startTestServer(opened.db);
    });
    after(async () => {
      await s.stop();
      await cleanup();
    });

    async function search(q: string, extra = ''): Promise<Json[]> {
      const r = await s.api('GET', `/api/v1/search?q=${encodeURIComponent(q)}${extra}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      for (let i = 1; i < r.body.items.length; i++) assert.ok(r.body.items[i - 1].score >= r.body.items[i].score, 'best first');
      return r.body.items;
    }
    const key = (h: Json) => `${h.type}:${h.id}`;

    it('finds a station by a typo in its vendor or name', async () => {
      const vendor = await search('Walbox', '&types=stations');
      assert.equal(key(vendor[0]), 'stations:CP-000123');
      assert.equal(vendor[0].title, 'Hauptbahnhof Nord');
      assert.match(vendor[0].subtitle, /CP-000123 · Wallbox Pulsar Plus · Bahnhofstraße 1 · München/);
      const name = await search('Hauptbanhof');
      assert.equal(key(name[0]), 'stations:CP-000123');
      assert.ok(name[0].score < 0.7, 'a typo ranks below substring matches');
      // Swapped letters: word similarity 0.53, under pg_trgm's default threshold of 0.6.
      assert.equal(key((await search('Hautpbahnhof', '&types=stations'))[0]), 'stations:CP-000123');
    });

    it('finds a station by a partial id, and ranks exact > prefix > substring', async () => {
      const partial = await search('000123', '&types=stations');
      assert.equal(key(partial[0]), 'stations:CP-000123');
      const exact = await search('cp-000124', '&types=stations');
      assert.equal(key(exact[0]), 'stations:CP-000124');
      assert.equal(exact[0].score, 1);
      const prefix = await search('CP-00012', '&types=stations');
      assert.deepEqual(prefix.slice(0, 2).map(key).sort(), ['stations:CP-000123', 'stations:CP-000124']);
      assert.ok(prefix[0].score >= 0.85 && prefix[1].score >= 0.85);
      assert.ok(prefix.slice(2).every((h) => h.score < 0.85), 'others rank below the prefix matches');
      const inner = await search('ABC*E12', '&types=stations');
      assert.equal(key(inner[0]), 'stations:DE*ABC*E1234');
      assert.ok(inner[0].score >= 0.7 && inner[0].score < 0.85);
    });

    it('finds stations by a word of their name or city (full text, prefix)', async () => {
      assert.equal(key((await search('markt'))[0]), 'stations:CP-000124');
      assert.equal(key((await search('augsb'))[0]), 'stations:CP-000124');
      assert.equal(key((await search('parkhaus süd'))[0]), 'stations:DE*ABC*E1234');
    });

    it('finds sessions by id, 2.x transaction id prefix, token and station', async () => {
      const byId = await search('42', '&types=sessions');
      assert.deepEqual([key(byId[0]), byId[0].score], ['sessions:42', 1]);
      assert.match(byId[0].subtitle, /^CP-000123 · tag-a · completed · 2026-01-01T10:00:00.000Z$/);
      assert.equal(key((await search('A1B2C3D4', '&types=sessions'))[0]), 'sessions:43');
      assert.deepEqual((await search('tag-a', '&types=sessions')).map(key), ['sessions:43', 'sessions:42']);
      assert.deepEqual((await search('cp-000124', '&types=sessions')).map(key), ['sessions:44']);
    });

    it('finds id tokens, users and CDRs, mixed and ranked', async () => {
      const tag = await search('TAG-A');
      assert.deepEqual([key(tag[0]), tag[0].score], ['idTokens:TAG-A', 1]);
      assert.match(tag[0].subtitle, /Accepted · group FLEET-1 · ann.example@fleet.test/);
      assert.ok(tag.some((h) => key(h) === 'sessions:43'));
      assert.equal(key((await search('04a1b2'))[0]), 'idTokens:04A1B2C3D4');
      assert.equal(key((await search('ann.example'))[0]), 'users:7');
      assert.equal(key((await search('Jonnes', '&types=users'))[0]), 'users:8', 'typo in a name');
      const bob = await search('bob jones', '&types=users');
      assert.deepEqual([key(bob[0]), bob[0].title, bob[0].subtitle], ['users:8', 'Bob Jones', 'bob@fleet.test · operator']);
      const cdr = await search('CDR-42', '&types=cdrs');
      assert.deepEqual([key(cdr[0]), cdr[0].score], ['cdrs:CDR-42', 1]);
      assert.match(cdr[0].subtitle, /CP-000123 · tag-a · 1.2 EUR/);
    });

    it('keeps to the requested types and limit', async () => {
      const only = await search('CP-000123', '&types=stations,cdrs&limit=3');
      assert.ok(only.length <= 3 && only.length > 0);
      assert.ok(only.every((h) => h.type === 'stations' || h.type === 'cdrs'));
      assert.deepEqual(await search('zzzz-nothing-like-this'), []);
    });

    it('refuses bad input with a 400 naming the field', async () => {
      const cases: [string, string][] = [
        ['', 'querystring.q'],
        ['?q=%20%20', 'querystring.q'],
        ['?q=x&types=stations,planets', 'querystring.types'],
        ['?q=x&limit=0', 'querystring.limit'],
        ['?q=x&limit=abc', 'querystring.limit'],
        [`?q=${'x'.repeat(201)}`, 'querystring.q'],
      ];
      for (const [qs, field] of cases) {
        const r = await s.api('GET', `/api/v1/search${qs}`);
        assert.equal(r.status, 400, qs);
        assert.ok(r.body.error.message.includes(field), `${r.body.error.message} names ${field}`);
      }
      // LIKE wildcards are taken literally.
      assert.deepEqual(await search('%', '&types=stations'), []);
      assert.deepEqual(await search('___', '&types=stations'), []);
    });

    it('is for operators: a driver gets 403', async () => {
      assert.equal((await s.api('POST', '/api/v1/users', { email: 'dan@example.com', name: 'Dan', role: 'driver', password: 'correct horse battery' })).status, 201);
      const driver = new Client(s.v.url);
      assert.equal((await driver.post('/api/v1/auth/login', { email: 'dan@example.com', password: 'correct horse battery' })).status, 200);
      assert.equal((await driver.get('/api/v1/search?q=CP')).status, 403);
    });
  });
}
