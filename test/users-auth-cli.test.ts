/** `voltlane users create-admin | set-password | list`: the first admin from the command line, then a login with it. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { testDatabases, type Db } from '@voltlane/db';
import { runUsersCli } from '@voltlane/cli';
import { startTestServer, type TestServer } from './helpers.js';
import { Client } from './users-auth-client.js';

for (const tdb of testDatabases()) {
  describe(`voltlane users (${tdb.name})`, () => {
    let db: Db;
    let cleanup: () => Promise<void>;
    let s: TestServer;
    const log = pino({ level: 'silent' });
    const run = async (argv: string[], password = 'cli password 1') => {
      const lines: string[] = [];
      const code = await runUsersCli(argv, db, log, { out: (l) => lines.push(l), password: async () => password });
      return { code, text: lines.join('\n') };
    };

    before(async () => {
      ({ db, cleanup } = await tdb.open());
      s = await startTestServer(db);
    });
    after(async () => {
      await s.stop();
      await cleanup();
    });

    it('create-admin makes an admin who can log in; the first-run screen is then closed', async () => {
      assert.match((await run(['list'])).text, /No users yet: create the first admin with `voltlane users create-admin/);
      assert.deepEqual((await new Client(s.v.url).get('/api/v1/setup')).body, { needsAdmin: true });
      const created = await run(['create-admin', '--email', 'ops@example.com', '--name', 'Ops']);
      assert.equal(created.code, 0, created.text);
      assert.match(created.text, /Admin ops@example.com created/);
      assert.deepEqual((await new Client(s.v.url).get('/api/v1/setup')).body, { needsAdmin: false });
      const c = await new Client(s.v.url).login('ops@example.com', 'cli password 1');
      assert.equal((await c.get('/api/v1/me')).body.role, 'admin');
      assert.match((await run(['list'])).text, /1 {2}admin {5}ops@example.com \(Ops\)/);
    });

    it('refuses a short password, a duplicate email and a missing --email with a message', async () => {
      assert.deepEqual(await run(['create-admin', '--email', 'x@example.com'], 'short'), { code: 1, text: 'The password must have 10 to 200 characters' });
      const dup = await run(['create-admin', '--email', 'OPS@example.com']);
      assert.equal(dup.code, 1);
      assert.match(dup.text, /already exists/);
      assert.equal((await run(['create-admin'])).code, 2);
      assert.equal((await run(['create-admin', '--mail', 'a@b.c'])).code, 2);
      assert.equal((await run(['frobnicate'])).code, 2);
    });

    it('set-password changes the password and ends the user\'s sessions', async () => {
      const c = await new Client(s.v.url).login('ops@example.com', 'cli password 1');
      const r = await run(['set-password', '--email', 'ops@example.com'], 'another password');
      assert.equal(r.code, 0, r.text);
      assert.equal((await c.get('/api/v1/me')).status, 401);
      await new Client(s.v.url).login('ops@example.com', 'another password');
      assert.equal((await run(['set-password', '--email', 'nobody@example.com'])).code, 1);
    });
  });
}
