/**
 * Exports (issue 6) through the API on both databases: CSV byte for byte (BOM, header, RFC 4180
 * quoting, ISO times, decimal points), every filter, an impossible filter giving only the header,
 * 400 naming a bad field, XLSX read back with exceljs across sheet rollovers, jobs listed and
 * deleted, and drivers refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { testDatabases, type Db } from '@voltlane/db';
import { ADMIN_TOKEN, eventually, startTestServer, type TestServer } from './helpers.js';
import { Client } from './users-auth-client.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const BOM = '\uFEFF';
const SESSION_HEADER =
  'id,station_id,evse_id,connector_id,ocpp_transaction_id,id_token,user_id,partner,status,started_at,stopped_at,duration_s,' +
  'energy_wh,meter_start_wh,meter_stop_wh,stop_reason,currency,cost_excl_vat,cost_incl_vat';

/** Stations, a driver owning TAG-A in group FLEET, three sessions (one active, odd characters), meter values, CDRs. */
async function fixture(db: Db): Promise<{ userId: number }> {
  await db.exec(`insert into stations (id, registration_status) values ('CP-1', 'Accepted'), ('CP-2', 'Accepted'), ('CP-X', 'Accepted')`);
  const { rows } = await db.query<{ id: number }>(`insert into users (email, name, role) values ('ann@example.com', 'Ann', 'driver') returning id`);
  const userId = rows[0]!.id;
  await db.query(`insert into id_tokens (id_token, status, parent_id_token, user_id) values ('TAG-A', 'Accepted', 'FLEET', $1), ('FLEET', 'Accepted', null, null)`, [userId]);
  await db.exec(`
    insert into transactions (id, station_id, evse_id, connector_id, id_token, status, started_at, stopped_at, meter_start_wh, meter_stop_wh,
        last_meter_wh, energy_wh, stop_reason, ocpp_transaction_id, cost_currency, cost_excl_vat, cost_incl_vat) values
      (1, 'CP-1', 1, 1, 'tag-a', 'completed', '2026-01-01T10:00:00Z', '2026-01-01T11:30:00Z', 1000, 13500.5, 13500.5, 12500.5, 'Local', null, 'EUR', 3.125, 3.75),
      (2, 'CP-1', 2, 1, 'B,"x"', 'active', '2026-01-15T08:00:00.25Z', null, 500, null, 2000, null, null, 'uuid-1', null, null, null),
      (3, 'CP-2', 1, 1, 'TAG-É', 'completed', '2026-02-01T00:00:00Z', '2026-02-01T00:00:01Z', 0, 0, 0, 0, 'EV
Disconnected', null, null, null, null);
    insert into transactions (id, station_id, evse_id, connector_id, id_token, status, started_at, stopped_at, energy_wh)
      select 100 + g, 'CP-X', 1, 1, null, 'completed', timestamptz '2026-03-01' + g * interval '1 hour', timestamptz '2026-03-01' + g * interval '1 hour' + interval '30 minutes', g * 1000
      from generate_series(1, 22) g;
    insert into meter_values (id, transaction_id, station_id, evse_id, ts, energy_wh, power_w, sampled_values) values
      (1, 1, 'CP-1', 1, '2026-01-01T10:00:00Z', 1000, null, '[{"value": 1000, "measurand": "Energy.Active.Import.Register"}]'),
      (2, 1, 'CP-1', 1, '2026-01-01T11:00:00Z', 7250.25, 7400, '[{"value": 7250.25}, {"value": 7400, "measurand": "Power.Active.Import"}]'),
      (3, 3, 'CP-2', 1, '2026-02-01T00:00:00Z', 0, null, '[]');
    insert into cdrs (id, transaction_id, station_id, id_token, user_id, id_token_group, currency, total_excl_vat, total_incl_vat, energy_wh,
        started_at, ended_at, cdr)
      values ('CDR-1', 1, 'CP-1', 'tag-a', ${userId}, 'FLEET', 'EUR', 3.125, 3.75, 12500.5, '2026-01-01T10:00:00Z', '2026-01-01T11:30:00Z', '{}'),
             ('CDR-3', 3, 'CP-2', 'TAG-É', null, null, 'EUR', 0, 0, 0, '2026-02-01T00:00:00Z', '2026-02-01T00:00:01Z', '{}');`);
  return { userId };
}

for (const tdb of testDatabases()) {
  describe(`Exports (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    let dir: string;
    let userId: number;
    let db: Db;
    const env = () => ({ VOLTLANE_EXPORT_DIR: dir, VOLTLANE_EXPORT_ROWS_PER_SHEET: '10' });

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      db = opened.db;
      ({ userId } = await fixture(db));
      dir = await mkdtemp(join(tmpdir(), 'voltlane-exports-'));
      s = await startTestServer(db, env());
    });
    after(async () => {
      await s.stop();
      await cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    /** Starts an export, waits until it is done, and returns the job and the downloaded file. */
    async function exportFile(kind: string, format: string, filter?: Json): Promise<{ job: Json; body: Buffer; res: Response }> {
      const created = await s.api('POST', '/api/v1/exports', { kind, format, ...(filter ? { filter } : {}) });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      assert.ok(['queued', 'running', 'done'].includes(created.body.status));
      const job = await eventually(async () => {
        const r = await s.api('GET', `/api/v1/exports/${created.body.id}`);
        assert.notEqual(r.body.status, 'failed', r.body.error);
        return r.body.status === 'done' ? r.body : null;
      }, 10_000, `export ${created.body.id}`);
      const res = await fetch(`${s.v.url}/api/v1/exports/${job.id}/download`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(res.status, 200);
      return { job, body: Buffer.from(await res.arrayBuffer()), res };
    }

    const csvText = (b: Buffer) => {
      const text = b.toString('utf8');
      assert.ok(text.startsWith(BOM), 'starts with the UTF-8 byte order mark');
      assert.deepEqual([...b.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      return text.slice(1);
    };

    it('exports sessions as CSV ready for Excel, exactly', async () => {
      const { job, body, res } = await exportFile('sessions', 'csv', { to: '2026-03-01' });
      assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(res.headers.get('content-disposition')!, new RegExp(`^attachment; filename="voltlane-sessions-\\d{4}-\\d{2}-\\d{2}-${job.id}\\.csv"$`));
      assert.equal(Number(res.headers.get('content-length')), body.length);
      assert.equal(csvText(body), [
        SESSION_HEADER,
        `1,CP-1,1,1,,tag-a,${userId},FLEET,completed,2026-01-01T10:00:00.000Z,2026-01-01T11:30:00.000Z,5400,12500.5,1000,13500.5,Local,EUR,3.125,3.75`,
        '2,CP-1,2,1,uuid-1,"B,""x""",,,active,2026-01-15T08:00:00.250Z,,,1500,500,,,,,',
        '3,CP-2,1,1,,TAG-É,,,completed,2026-02-01T00:00:00.000Z,2026-02-01T00:00:01.000Z,1,0,0,0,"EV\nDisconnected",,,',
        '',
      ].join('\n'));
      assert.equal(job.rows, 3);
      assert.equal(job.totalRows, 3);
      assert.equal(job.progress, 1);
      assert.equal(job.sizeBytes, body.length);
      assert.deepEqual(job.filter, { to: '2026-03-01T00:00:00.000Z' });
    });

    it('filters by station, customer, partner and period (from inclusive, to exclusive)', async () => {
      const ids = async (filter: Json) => csvText((await exportFile('sessions', 'csv', filter)).body)
        .split('\n').slice(1).filter((l) => /^\d+,/.test(l)).map((l) => Number(l.split(',')[0])); // row 3 spans two lines
      assert.deepEqual(await ids({ stationId: 'CP-1' }), [1, 2]);
      assert.deepEqual(await ids({ userId }), [1]);
      assert.deepEqual(await ids({ partner: 'fleet' }), [1]);
      assert.deepEqual(await ids({ from: '2026-01-01T10:00:00Z', to: '2026-02-01T00:00:00Z' }), [1, 2]);
      assert.deepEqual(await ids({ from: '2026-01-10', to: '2026-02-01T00:00:00.001+00:00', stationId: 'CP-2' }), [3]);
    });

    it('gives a file with only the header for an impossible filter, not an error', async () => {
      for (const filter of [{ from: '2026-02-01', to: '2026-01-01' }, { stationId: 'NO-SUCH-STATION' }, { userId: 999_999 }]) {
        const { job, body } = await exportFile('sessions', 'csv', filter);
        assert.equal(csvText(body), `${SESSION_HEADER}\n`);
        assert.equal(job.rows, 0);
        assert.equal(job.progress, 1);
      }
      const { body } = await exportFile('sessions', 'xlsx', { stationId: 'NO-SUCH-STATION' });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(body as never);
      assert.equal(wb.worksheets.length, 1);
      assert.equal(wb.worksheets[0]!.rowCount, 1);
    });

    it('refuses malformed input with a 400 naming the field', async () => {
      const cases: [Json, string][] = [
        [{ kind: 'sessions', format: 'csv', filter: { from: '2026-13-01' } }, 'body.filter.from'],
        [{ kind: 'sessions', format: 'csv', filter: { to: '2026-02-30' } }, 'body.filter.to'],
        [{ kind: 'sessions', format: 'csv', filter: { from: 'yesterday' } }, 'body.filter.from'],
        [{ kind: 'sessions', format: 'csv', filter: { userId: 'ann' } }, 'body.filter.userId'],
        [{ kind: 'sessions', format: 'csv', filter: { station: 'CP-1' } }, 'body.filter.station'],
        [{ kind: 'invoices', format: 'csv' }, 'body.kind'],
        [{ kind: 'sessions', format: 'pdf' }, 'body.format'],
        [{ format: 'csv' }, 'body.kind'],
      ];
      for (const [body, field] of cases) {
        const r = await s.api('POST', '/api/v1/exports', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.error.code, 'VALIDATION_FAILED');
        assert.ok(r.body.error.message.includes(field), `${r.body.error.message} names ${field}`);
      }
    });

    it('writes XLSX with typed cells and a new sheet when one is full (header on each)', async () => {
      const { job, body, res } = await exportFile('sessions', 'xlsx', { stationId: 'CP-X' });
      assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      assert.match(res.headers.get('content-disposition')!, /filename="voltlane-sessions-.*\.xlsx"$/);
      assert.equal(job.rows, 22);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(body as never);
      // 10 rows per sheet including the header: 9 + 9 + 4 sessions.
      assert.deepEqual(wb.worksheets.map((w) => [w.name, w.rowCount]), [['sessions', 10], ['sessions 2', 10], ['sessions 3', 5]]);
      const ids: number[] = [];
      for (const sheet of wb.worksheets) {
        assert.equal((sheet.getRow(1).values as Json[]).slice(1).join(','), SESSION_HEADER);
        sheet.eachRow((row, n) => {
          if (n > 1) ids.push(row.getCell(1).value as number);
        });
      }
      assert.deepEqual(ids, Array.from({ length: 22 }, (_, i) => 101 + i));
      const first = wb.worksheets[0]!.getRow(2);
      assert.equal(first.getCell(2).value, 'CP-X');
      assert.equal(first.getCell(10).value, '2026-03-01T01:00:00.000Z', 'times stay ISO 8601 text');
      assert.equal(first.getCell(12).value, 1800, 'duration is a number');
      assert.equal(first.getCell(13).value, 1000, 'energy is a number');
      assert.equal(first.getCell(5).value, null, 'NULL stays an empty cell');
    });

    it('exports meter values with their samples as JSON, and CDRs by partner', async () => {
      const mv = csvText((await exportFile('meter-values', 'csv', { userId })).body);
      assert.equal(mv, [
        'id,transaction_id,station_id,evse_id,ts,energy_wh,power_w,sampled_values',
        '1,1,CP-1,1,2026-01-01T10:00:00.000Z,1000,,"[{""value"": 1000, ""measurand"": ""Energy.Active.Import.Register""}]"',
        '2,1,CP-1,1,2026-01-01T11:00:00.000Z,7250.25,7400,"[{""value"": 7250.25}, {""value"": 7400, ""measurand"": ""Power.Active.Import""}]"',
        '',
      ].join('\n'));
      const all = csvText((await exportFile('meter-values', 'csv')).body);
      assert.equal(all.trim().split('\n').length, 4);

      const cdrs = csvText((await exportFile('cdrs', 'csv', { partner: 'FLEET', from: '2026-01-01', to: '2026-01-02' })).body);
      const [head, row, ...rest] = cdrs.split('\n');
      assert.equal(head, 'id,transaction_id,station_id,id_token,user_id,partner,started_at,ended_at,energy_wh,currency,total_excl_vat,total_incl_vat,credit,credit_reference_id,created_at');
      assert.match(row!, new RegExp(`^CDR-1,1,CP-1,tag-a,${userId},FLEET,2026-01-01T10:00:00.000Z,2026-01-01T11:30:00.000Z,12500.5,EUR,3.125,3.75,f,,\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$`));
      assert.deepEqual(rest, ['']);
    });

    it('lists jobs, refuses downloads of unknown ones, and deletes a job with its file', async () => {
      const { job } = await exportFile('sessions', 'csv', { stationId: 'CP-2' });
      const list = await s.api('GET', '/api/v1/exports?limit=2');
      assert.equal(list.status, 200);
      assert.equal(list.body.items[0].id, job.id);
      assert.ok(list.body.total >= 10);
      assert.ok((await readdir(dir)).includes(`${job.id}.csv`));
      assert.equal((await s.api('DELETE', `/api/v1/exports/${job.id}`)).status, 204);
      assert.ok(!(await readdir(dir)).includes(`${job.id}.csv`));
      assert.equal((await s.api('GET', `/api/v1/exports/${job.id}`)).body.error.code, 'EXPORT_NOT_FOUND');
      assert.equal((await s.api('GET', `/api/v1/exports/${job.id}/download`)).status, 404);
      assert.equal((await s.api('DELETE', `/api/v1/exports/${job.id}`)).status, 404);
    });

    it('fails jobs of a server that died, and runs jobs left in the queue', async () => {
      const db = s.v.db;
      const dead = await db.query<{ id: number }>(`insert into exports (kind, format, status, started_at, heartbeat_at)
        values ('sessions', 'csv', 'running', now() - interval '10 minutes', now() - interval '3 minutes') returning id`);
      const left = await db.query<{ id: number }>(`insert into exports (kind, format, filter) values ('sessions', 'csv', '{"stationId": "CP-2"}') returning id`);
      const r = await s.api('GET', `/api/v1/exports/${dead.rows[0]!.id}`);
      assert.equal(r.body.status, 'failed');
      assert.match(r.body.error, /Interrupted: the server running it stopped\. Start the export again/);
      const done = await eventually(async () => {
        const j = (await s.api('GET', `/api/v1/exports/${left.rows[0]!.id}`)).body;
        return j.status === 'done' ? j : null;
      }, 10_000, 'the queued job');
      assert.equal(done.rows, 1);
    });

    it('puts a running export back in the queue when the server stops, and finishes it after the restart', async () => {
      await db.exec(`insert into transactions (id, station_id, evse_id, connector_id, status, started_at)
        select 1000 + g, 'CP-2', 1, 1, 'completed', timestamptz '2025-01-01' + g * interval '1 minute' from generate_series(1, 100000) g`);
      const created = await s.api('POST', '/api/v1/exports', { kind: 'sessions', format: 'xlsx', filter: { stationId: 'CP-2' } });
      await eventually(async () => {
        const j = (await s.api('GET', `/api/v1/exports/${created.body.id}`)).body;
        return j.status === 'running' && j.rows > 0;
      }, 20_000, 'the export to be running');
      await s.stop();
      const row = (await db.query<{ status: string }>('select status from exports where id = $1', [created.body.id])).rows[0]!;
      assert.equal(row.status, 'queued');
      assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.part')), [], 'no half-written file is left');
      s = await startTestServer(db, env());
      const done = await eventually(async () => {
        const j = (await s.api('GET', `/api/v1/exports/${created.body.id}`)).body;
        return j.status === 'done' ? j : null;
      }, 60_000, 'the export to finish after the restart');
      assert.equal(done.rows, 100_001);
      assert.equal(done.progress, 1);
    });

    it('is for operators: a driver gets 403', async () => {
      const created = await s.api('POST', '/api/v1/users', { email: 'dan@example.com', name: 'Dan', role: 'driver', password: 'correct horse battery' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const driver = new Client(s.v.url);
      assert.equal((await driver.post('/api/v1/auth/login', { email: 'dan@example.com', password: 'correct horse battery' })).status, 200);
      assert.equal((await driver.get('/api/v1/exports')).status, 403);
      assert.equal((await driver.post('/api/v1/exports', { kind: 'sessions', format: 'csv' })).status, 403);
    });

    it('keeps the customer and partner a session had: completed ones stay, a running one follows its token', async () => {
      const ids = async (filter: Json) => csvText((await exportFile('sessions', 'csv', filter)).body)
        .split('\n').slice(1).filter((l) => /^\d+,/.test(l)).map((l) => Number(l.split(',')[0]));
      const { rows } = await db.query<{ id: number }>(`insert into users (email, name, role) values ('bo@example.com', 'Bo', 'driver') returning id`);
      const bo = Number(rows[0]!.id);
      // TAG-A changes hands after its (completed) session 1: the session keeps Ann and FLEET.
      await db.query(`update id_tokens set user_id = $1, parent_id_token = 'OTHER' where id_token = 'TAG-A'`, [bo]);
      assert.deepEqual(await ids({ userId }), [1]);
      assert.deepEqual(await ids({ partner: 'FLEET' }), [1]);
      assert.deepEqual(await ids({ userId: bo }), []);
      // The token of the running session 2 is registered now: the session follows (case-insensitively).
      await db.query(`insert into id_tokens (id_token, status, parent_id_token, user_id) values ('b,"X"', 'Accepted', 'other', $1)`, [bo]);
      assert.deepEqual(await ids({ userId: bo }), [2]);
      assert.deepEqual(await ids({ partner: 'Other' }), [2]);
      // A new session takes its token's owner when it starts, and a 2.x token named later too.
      await db.exec(`insert into transactions (id, station_id, evse_id, connector_id, id_token, status, started_at) values
        (200, 'CP-2', 2, 1, 'TAG-A', 'active', '2026-04-01T00:00:00Z'), (201, 'CP-2', 3, 1, null, 'active', '2026-04-01T00:00:00Z')`);
      await db.exec(`update transactions set id_token = 'tag-a' where id = 201`);
      assert.deepEqual(await ids({ userId: bo, from: '2026-04-01' }), [200, 201]);
      await db.exec('delete from transactions where id in (200, 201)');
    });
  });
}
