/**
 * Users, roles and authentication through the API: first-run setup, login/logout with the
 * session cookie, the CSRF header rule, login rate limiting, password change, per-user API
 * tokens, user management, and the access level of every registered route.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases, type Db } from '@voltlane/db';
import { ACCESS_LEVELS, routeAccessTable } from '@voltlane/api';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './helpers.js';
import { Client } from './users-auth-client.js';

const PW = 'correct horse battery';

for (const tdb of testDatabases()) {
  describe(`Users and authentication (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let base: string;
    const admin = () => new Client(base, { bearer: ADMIN_TOKEN });

    let db: Db;

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      db = opened.db;
      s = await startTestServer(opened.db);
      base = s.v.url;
    });
    after(async () => {
      await s.stop();
      await cleanup();
    });

    async function createUser(email: string, role: string, password = PW): Promise<number> {
      const r = await admin().post('/api/v1/users', { email, name: email.split('@')[0], role, password });
      assert.equal(r.status, 201, r.text);
      return r.body.id;
    }

    it('first-run setup: only while no admin exists, only with the setup (admin) token; logs the admin in', async () => {
      const anon = new Client(base);
      assert.deepEqual((await anon.get('/api/v1/setup')).body, { needsAdmin: true });
      const wrong = await anon.post('/api/v1/setup', { setupToken: 'guess', email: 'root@example.com', password: PW, name: 'Root' });
      assert.equal(wrong.status, 403);
      assert.match(wrong.body.error.message, /admin token/);
      const short = await anon.post('/api/v1/setup', { setupToken: ADMIN_TOKEN, email: 'root@example.com', password: 'short', name: 'Root' });
      assert.equal(short.status, 400);
      assert.equal((await anon.get('/api/v1/setup')).body.needsAdmin, true);

      const ok = await anon.post('/api/v1/setup', { setupToken: ADMIN_TOKEN, email: 'root@example.com', password: PW, name: 'Root' });
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.body.user.role, 'admin');
      assert.ok(anon.cookie, 'the new admin is logged in');
      assert.deepEqual((await anon.get('/api/v1/me')).body, { id: ok.body.user.id, email: 'root@example.com', name: 'Root', role: 'admin', locale: 'en' });

      const again = await new Client(base).post('/api/v1/setup', { setupToken: ADMIN_TOKEN, email: 'second@example.com', password: PW });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'SETUP_DONE');
      assert.deepEqual((await anon.get('/api/v1/setup')).body, { needsAdmin: false });
    });

    it('login sets a secure session cookie; /me; logout ends the session', async () => {
      await createUser('ana@example.com', 'driver');
      const c = new Client(base);
      assert.equal((await c.get('/api/v1/me')).status, 401);
      const r = await c.post('/api/v1/auth/login', { email: 'ANA@example.com', password: PW });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.user.email, 'ana@example.com');
      assert.equal(r.body.user.role, 'driver');
      assert.equal(r.body.user.passwordHash, undefined);
      const cookie = c.lastSetCookie!;
      assert.match(cookie, /^voltlane_session=[A-Za-z0-9_-]{43};/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.match(cookie, /Path=\//);
      assert.match(cookie, /Max-Age=1209600/);
      assert.doesNotMatch(cookie, /Secure/, 'plain http: no Secure flag (browsers would drop the cookie)');
      assert.equal((await c.get('/api/v1/me')).body.email, 'ana@example.com');

      const noCsrf = new Client(base, { csrf: false });
      noCsrf.cookie = c.cookie;
      assert.equal((await noCsrf.post('/api/v1/auth/logout')).status, 403, 'logout needs the CSRF header too');
      const stolen = c.cookie;
      assert.equal((await c.post('/api/v1/auth/logout')).status, 204);
      assert.equal(c.cookie, undefined, 'cookie cleared');
      const replay = new Client(base);
      replay.cookie = stolen;
      assert.equal((await replay.get('/api/v1/me')).status, 401, 'the old cookie no longer works');
    });

    it('sessions expire after 14 days without use, and each use (at most once a minute) moves the expiry forward', async () => {
      const c = await new Client(base).login('ana@example.com', PW);
      const db = s.v.db;
      const hash = (await db.query<{ id_hash: string }>(`select id_hash from user_sessions order by created_at desc limit 1`)).rows[0]!.id_hash;
      // Last used 10 minutes ago, 1 hour left.
      await db.query(`update user_sessions set last_seen_at = now() - interval '10 minutes', expires_at = now() + interval '1 hour' where id_hash = $1`, [hash]);
      c.lastSetCookie = undefined;
      assert.equal((await c.get('/api/v1/me')).status, 200);
      const row = (await db.query<{ expires_at: Date }>('select expires_at from user_sessions where id_hash = $1', [hash])).rows[0]!;
      assert.ok(row.expires_at.getTime() > Date.now() + 13.9 * 24 * 3600_000, 'expiry moved to 14 days from now');
      assert.match(c.lastSetCookie ?? '', /Max-Age=1209600/, 'the cookie is renewed too');
      c.lastSetCookie = undefined;
      assert.equal((await c.get('/api/v1/me')).status, 200);
      assert.equal(c.lastSetCookie, undefined, 'not renewed again within the minute');
      await db.query(`update user_sessions set expires_at = now() - interval '1 second' where id_hash = $1`, [hash]);
      assert.equal((await c.get('/api/v1/me')).status, 401, 'an expired session is refused');
      assert.equal(c.cookie, undefined, 'and its cookie cleared');
    });

    it('a wrong password and an unknown email get the same 401 INVALID_CREDENTIALS', async () => {
      const c = new Client(base);
      const bad = await c.post('/api/v1/auth/login', { email: 'ana@example.com', password: 'not the password' });
      const unknown = await c.post('/api/v1/auth/login', { email: 'nobody@example.com', password: 'not the password' });
      for (const r of [bad, unknown]) {
        assert.equal(r.status, 401);
        assert.equal(r.body.error.code, 'INVALID_CREDENTIALS');
        assert.equal(r.body.error.message, 'Wrong email or password');
      }
      assert.equal(c.cookie, undefined);
      assert.equal((await c.post('/api/v1/auth/login', { email: 'ana@example.com' })).status, 400);
    });

    it('rate limits failed logins per address and email with a clear 429', async () => {
      await createUser('bruno@example.com', 'driver');
      const c = new Client(base);
      for (let i = 0; i < 10; i++) assert.equal((await c.post('/api/v1/auth/login', { email: 'bruno@example.com', password: `wrong-${i}` })).status, 401);
      const blocked = await c.post('/api/v1/auth/login', { email: 'Bruno@Example.com', password: PW });
      assert.equal(blocked.status, 429, 'even the right password is refused while blocked (and the email is case insensitive)');
      assert.equal(blocked.body.error.code, 'TOO_MANY_ATTEMPTS');
      assert.match(blocked.body.error.message, /Too many failed logins.*try again in \d+ minutes?/);
      assert.ok(Number(blocked.headers.get('retry-after')) > 0);
      // Another email from the same address is not affected; successful logins do not count.
      for (let i = 0; i < 12; i++) await new Client(base).login('ana@example.com', PW);
      // A second API node on the same database refuses too: the count is shared, not per process.
      const other = await startTestServer(db);
      try {
        assert.equal((await new Client(other.v.url).post('/api/v1/auth/login', { email: 'bruno@example.com', password: PW })).status, 429);
      } finally {
        await other.stop();
      }
      // Once the window has passed, the right password works again.
      await db.query(`update login_failures set window_start = now() - interval '16 minutes'`);
      await new Client(base).login('bruno@example.com', PW);
    });

    it('cookie requests that change data need the x-voltlane-csrf header; bearer requests do not', async () => {
      const c = await new Client(base).login('ana@example.com', PW);
      c.csrf = false;
      const refused = await c.patch('/api/v1/me', { name: 'Ana' });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'CSRF_HEADER_MISSING');
      assert.equal((await c.get('/api/v1/me')).status, 200, 'reads need no header');
      c.csrf = true;
      const ok = await c.patch('/api/v1/me', { name: 'Ana', locale: 'fr' });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.locale, 'fr');
      assert.equal((await c.patch('/api/v1/me', { role: 'admin' })).status, 400, 'one cannot change one\'s own role');
      const bearer = new Client(base, { bearer: ADMIN_TOKEN, csrf: false });
      assert.equal((await bearer.post('/api/v1/stations', { id: 'CSRF-1' })).status, 201);
    });

    it('a password change ends every other session; the old password stops working', async () => {
      await createUser('carla@example.com', 'operator');
      const a = await new Client(base).login('carla@example.com', PW);
      const b = await new Client(base).login('carla@example.com', PW);
      const wrong = await a.post('/api/v1/me/password', { currentPassword: 'not it at all', newPassword: 'a brand new secret' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body.error.message, /currentPassword/);
      assert.equal((await a.post('/api/v1/me/password', { currentPassword: PW, newPassword: 'short' })).status, 400, 'at least 10 characters');
      assert.equal((await a.post('/api/v1/me/password', { currentPassword: PW, newPassword: 'a brand new secret' })).status, 204);
      assert.equal((await a.get('/api/v1/me')).status, 200, 'the session that changed it stays');
      assert.equal((await b.get('/api/v1/me')).status, 401, 'the other session is revoked');
      assert.equal((await new Client(base).post('/api/v1/auth/login', { email: 'carla@example.com', password: PW })).status, 401);
      await new Client(base).login('carla@example.com', 'a brand new secret');
    });

    it('per-user API tokens: shown once, act with the user\'s role, listed without the secret, revocable', async () => {
      const dan = await createUser('dan@example.com', 'driver');
      const d = await new Client(base).login('dan@example.com', PW);
      const created = await d.post('/api/v1/me/api-tokens', { name: 'home automation' });
      assert.equal(created.status, 201);
      assert.match(created.body.token, /^vlu_[A-Za-z0-9_-]{43}$/);
      assert.ok(created.body.token.startsWith(created.body.prefix));
      const list = await d.get('/api/v1/me/api-tokens');
      assert.equal(list.body.items.length, 1);
      assert.equal(list.body.items[0].name, 'home automation');
      assert.equal(list.body.items[0].token, undefined);
      assert.ok(!JSON.stringify(list.body).includes(created.body.token));

      const api = new Client(base, { bearer: created.body.token, csrf: false });
      assert.deepEqual((await api.get('/api/v1/me')).body, { id: dan, email: 'dan@example.com', name: 'dan', role: 'driver', locale: 'en' });
      assert.equal((await api.get('/api/v1/stations')).status, 403, 'a driver\'s token has a driver\'s rights');
      assert.equal((await api.get('/api/v1/me/sessions')).status, 200);
      assert.ok((await d.get('/api/v1/me/api-tokens')).body.items[0].lastUsedAt, 'last use is recorded');

      // Someone else cannot revoke it; its owner can.
      const e = await new Client(base).login('carla@example.com', 'a brand new secret');
      assert.equal((await e.delete(`/api/v1/me/api-tokens/${created.body.id}`)).status, 404);
      assert.equal((await d.delete(`/api/v1/me/api-tokens/${created.body.id}`)).status, 204);
      const revoked = await api.get('/api/v1/me');
      assert.equal(revoked.status, 401);
      assert.match(revoked.body.error.message, /Unknown or revoked token/);

      // An operator's token can manage stations.
      const op = await e.post('/api/v1/me/api-tokens', { name: 'scripts' });
      assert.equal((await new Client(base, { bearer: op.body.token }).get('/api/v1/stations')).status, 200);
      // The admin token keeps full rights, and belongs to no user.
      assert.deepEqual((await admin().get('/api/v1/me')).body, { id: null, email: null, name: null, role: 'admin', locale: 'en' });
      assert.equal((await admin().get('/api/v1/me/api-tokens')).status, 403);
    });

    it('admins manage users; operators and drivers cannot; disabling ends sessions; the last admin stays', async () => {
      const root = await new Client(base).login('root@example.com', PW);
      const dup = await root.post('/api/v1/users', { email: 'ANA@example.com', name: 'x', role: 'driver', password: PW });
      assert.equal(dup.status, 409);
      assert.equal((await root.post('/api/v1/users', { email: 'not-an-email', role: 'driver', password: PW })).status, 400);
      assert.equal((await root.post('/api/v1/users', { email: 'x@example.com', role: 'superuser', password: PW })).status, 400);

      const drivers = await root.get('/api/v1/users?role=driver&limit=2');
      assert.equal(drivers.status, 200);
      assert.equal(drivers.body.items.length, 2);
      assert.ok(drivers.body.total >= 3);
      assert.ok(drivers.body.items.every((u: { role: string; passwordHash?: string }) => u.role === 'driver' && u.passwordHash === undefined));
      const found = await root.get('/api/v1/users?q=carla');
      assert.deepEqual(found.body.items.map((u: { email: string }) => u.email), ['carla@example.com']);

      const op = await new Client(base).login('carla@example.com', 'a brand new secret');
      assert.equal((await op.get('/api/v1/users')).status, 403);
      assert.equal((await op.get('/api/v1/stations')).status, 200);

      const eva = await createUser('eva@example.com', 'driver');
      const e = await new Client(base).login('eva@example.com', PW);
      assert.equal((await root.patch(`/api/v1/users/${eva}`, { role: 'operator' })).body.role, 'operator');
      assert.equal((await e.get('/api/v1/stations')).status, 200, 'the new role applies at once');
      assert.equal((await root.patch(`/api/v1/users/${eva}`, { disabled: true })).status, 200);
      assert.equal((await e.get('/api/v1/me')).status, 401, 'a disabled user is logged out');
      const disabledLogin = await new Client(base).post('/api/v1/auth/login', { email: 'eva@example.com', password: PW });
      assert.equal(disabledLogin.status, 403);
      assert.match(disabledLogin.body.error.message, /disabled/);
      assert.equal((await root.patch(`/api/v1/users/${eva}`, { disabled: false, password: 'reset by admin!' })).status, 200);
      await new Client(base).login('eva@example.com', 'reset by admin!');
      assert.equal((await root.delete(`/api/v1/users/${eva}`)).status, 204);
      assert.equal((await root.get(`/api/v1/users/${eva}`)).status, 404);

      const me = (await root.get('/api/v1/me')).body;
      const demote = await root.patch(`/api/v1/users/${me.id}`, { role: 'operator' });
      assert.equal(demote.status, 403);
      assert.match(demote.body.error.message, /last active admin/);
      assert.equal((await root.delete(`/api/v1/users/${me.id}`)).status, 403);
    });

    it('PATCH /id-tokens/:idToken sets and clears the owner', async () => {
      const ana = (await admin().get('/api/v1/users?q=ana@')).body.items[0].id;
      assert.equal((await admin().post('/api/v1/id-tokens', { idToken: 'ANA-CARD', status: 'Accepted' })).status, 201);
      assert.equal((await admin().patch('/api/v1/id-tokens/ANA-CARD', { userId: 999999 })).status, 404);
      const set = await admin().patch('/api/v1/id-tokens/ANA-CARD', { userId: ana });
      assert.equal(set.status, 200);
      assert.equal(set.body.userId, ana);
      const c = await new Client(base).login('ana@example.com', PW);
      assert.deepEqual((await c.get('/api/v1/me/id-tokens')).body.items.map((t: { idToken: string }) => t.idToken), ['ANA-CARD']);
      assert.equal((await admin().patch('/api/v1/id-tokens/ANA-CARD', { userId: null })).body.userId, null);
      assert.deepEqual((await c.get('/api/v1/me/id-tokens')).body.items, []);
    });

    it('every route declares its access; drivers get 403 on operator routes, operators on admin routes, strangers 401', async () => {
      const table = routeAccessTable(s.v.api);
      assert.ok(table.length > 60, `routes found: ${table.length}`);
      const undeclared = table.filter((r) => !r.access || !ACCESS_LEVELS.includes(r.access));
      assert.deepEqual(undeclared, [], 'every route has an explicit access level');
      const levels = new Map(table.map((r) => [`${r.method} ${r.url}`, r.access]));
      for (const [route, access] of [
        ['GET /health', 'public'], ['POST /api/v1/auth/login', 'public'], ['GET /api/v1/setup', 'public'], ['POST /api/v1/setup', 'public'],
        ['GET /api/v1/public/stations/:id/connectors', 'public'], ['GET /files/firmware/:name', 'public'], ['GET /openapi.json', 'public'],
        ['GET /api/v1/me', 'user'], ['GET /api/v1/events', 'user'], ['GET /api/v1/stations', 'operator'], ['GET /api/v1/files', 'operator'],
        ['GET /api/v1/users', 'admin'], ['POST /api/v1/stations/:id/password-rotation', 'admin'],
      ] as const) assert.equal(levels.get(route), access, route);

      const driver = await new Client(base).login('ana@example.com', PW);
      const operator = await new Client(base).login('carla@example.com', 'a brand new secret');
      const stranger = new Client(base);
      let checked = 0;
      for (const r of table) {
        if (r.method === 'HEAD' || r.method === 'OPTIONS' || r.access === 'public' || r.access === 'user') continue;
        const path = r.url.replace(/:[A-Za-z]+/g, 'X1').replace('*', 'x');
        const body = ['POST', 'PUT', 'PATCH'].includes(r.method) ? {} : undefined;
        const asDriver = await driver.req(r.method, path, body);
        assert.equal(asDriver.status, 403, `driver ${r.method} ${r.url}: ${asDriver.text}`);
        assert.equal(asDriver.body.error.code, 'FORBIDDEN');
        if (r.access === 'admin') assert.equal((await operator.req(r.method, path, body)).status, 403, `operator ${r.method} ${r.url}`);
        assert.equal((await stranger.req(r.method, path, body)).status, 401, `stranger ${r.method} ${r.url}`);
        checked++;
      }
      assert.ok(checked > 50, `operator/admin routes checked: ${checked}`);
      for (const r of table.filter((x) => x.access === 'user' && x.method !== 'HEAD')) {
        const path = r.url.replace(/:[A-Za-z]+/g, '1');
        assert.equal((await stranger.req(r.method, path, r.method === 'GET' ? undefined : {})).status, 401, `stranger ${r.method} ${r.url}`);
      }
    });

    it('the new endpoints are in the OpenAPI document', async () => {
      const doc = (await new Client(base).get('/openapi.json')).body;
      for (const p of ['/api/v1/auth/login', '/api/v1/setup', '/api/v1/me', '/api/v1/me/sessions', '/api/v1/me/sessions/{id}', '/api/v1/me/stats/monthly',
        '/api/v1/users/{id}', '/api/v1/me/api-tokens', '/api/v1/public/stations/{id}/connectors']) assert.ok(doc.paths[p], p);
      assert.ok(doc.paths['/api/v1/id-tokens/{idToken}'].patch.requestBody.content['application/json'].schema.properties.userId);
    });
  });
}
