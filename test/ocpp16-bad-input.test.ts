/**
 * Bad input from a charger, sent by hand over a raw WebSocket: every malformed frame gets the
 * CALLERROR OCPP-J 1.6 asks for, shows up in the connection inspector, and leaves the connection
 * (and the process) serving. Also: frame size limits, subprotocol negotiation, unknown stations,
 * a second connection for the same station, and the online flag after a close.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { testDatabases } from '@voltlane/db';
import { startTestServer, eventually, type TestServer } from './helpers.js';
import { RawCharger } from './raw-charger.js';

const MAX_FRAME = 4096;

interface Attempt {
  outcome: string;
  reason: string;
  subprotocol: string | null;
  detail: string | null;
}

interface UpgradeOutcome {
  status: number;
  protocol: string | undefined;
  /** Close code of the first frame the server sent after the handshake (a close frame). */
  closeCode?: number;
}

/**
 * A WebSocket upgrade done by hand, so that a handshake without an agreed subprotocol can be
 * observed (the `ws` client gives up on such a handshake before reading the server's close frame).
 */
function rawUpgrade(wsBase: string, stationId: string, protocol?: string): Promise<UpgradeOutcome> {
  const url = new URL(`${wsBase.replace('ws', 'http')}/${encodeURIComponent(stationId)}`);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from('voltlane-test-01').toString('base64'),
        ...(protocol ? { 'sec-websocket-protocol': protocol } : {}),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, protocol: undefined });
    });
    req.on('upgrade', (res, socket, head) => {
      let buf = head;
      const read = (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length < 4) return;
        socket.destroy();
        assert.equal(buf[0], 0x88, 'first server frame is a close frame');
        resolve({ status: res.statusCode ?? 0, protocol: res.headers['sec-websocket-protocol'], closeCode: buf.readUInt16BE(2) });
      };
      socket.on('data', read);
      socket.on('error', reject);
      if (head.length) read(Buffer.alloc(0));
    });
    req.end();
  });
}

for (const tdb of testDatabases()) {
  describe(`OCPP 1.6J bad input over a raw socket (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    const chargers: RawCharger[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db, {
        VOLTLANE_MAX_FRAME_BYTES: String(MAX_FRAME),
        VOLTLANE_UNKNOWN_STATIONS: 'reject',
        VOLTLANE_COMMAND_TIMEOUT_SEC: '2',
      });
      for (const id of ['BAD1', 'BIG1', 'PROTO1', 'TWICE1', 'GONE1']) {
        assert.equal((await s.api('POST', '/api/v1/stations', { id })).status, 201);
      }
    });
    after(async () => {
      for (const c of chargers) await c.close();
      await s.stop();
      await cleanup();
    });

    async function connect(stationId: string): Promise<RawCharger> {
      const cp = await RawCharger.connect(`${s.ws}/${stationId}`);
      chargers.push(cp);
      return cp;
    }

    async function attempts(stationId: string): Promise<Attempt[]> {
      const r = await s.api('GET', `/api/v1/stations/${stationId}/connection-attempts`);
      assert.equal(r.status, 200);
      return r.body.items;
    }

    async function frames(stationId: string): Promise<{ direction: string; text: string }[]> {
      const r = await s.api('GET', `/api/v1/stations/${stationId}/frames?limit=1000`);
      assert.equal(r.status, 200);
      return r.body.items;
    }

    it('answers each malformed frame with the CALLERROR OCPP-J 1.6 asks for, and keeps serving', async () => {
      const cp = await connect('BAD1');
      assert.equal(cp.ws.protocol, 'ocpp1.6');
      assert.equal((await cp.call('BootNotification', { chargePointVendor: 'raw', chargePointModel: 'by-hand' })).status, 'Accepted');

      const big = JSON.stringify([2, 'big-1', 'DataTransfer', { vendorId: 'com.example', data: 'x'.repeat(MAX_FRAME + 1000) }]);
      assert.ok(big.length > MAX_FRAME && big.length < 2 * MAX_FRAME);
      const cases: { name: string; text: string; id: string; code: string; description?: RegExp }[] = [
        { name: 'invalid JSON', text: '[2,"j-1","Heartbeat",{', id: '-1', code: 'FormationViolation', description: /JSON/ },
        { name: 'numeric message id', text: '[2,123,"Heartbeat",{}]', id: '123', code: 'FormationViolation', description: /MessageId/ },
        {
          name: 'wrong type',
          text: JSON.stringify([2, 't-1', 'StatusNotification', { connectorId: '1', errorCode: 'NoError', status: 'Available' }]),
          id: 't-1', code: 'TypeConstraintViolation', description: /connectorId/,
        },
        {
          name: 'missing required field',
          text: JSON.stringify([2, 'r-1', 'StatusNotification', { connectorId: 1, status: 'Available' }]),
          id: 'r-1', code: 'OccurenceConstraintViolation', description: /errorCode/,
        },
        {
          name: 'bad enum value',
          text: JSON.stringify([2, 'e-1', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Sideways' }]),
          id: 'e-1', code: 'PropertyConstraintViolation', description: /status/,
        },
        { name: 'unknown action', text: '[2,"u-1","FlyToTheMoon",{}]', id: 'u-1', code: 'NotImplemented', description: /FlyToTheMoon/ },
        { name: 'CSMS-only action', text: '[2,"c-1","Reset",{"type":"Soft"}]', id: 'c-1', code: 'NotSupported', description: /Reset/ },
        { name: 'missing payload', text: '[2,"x","Heartbeat"]', id: 'x', code: 'FormationViolation', description: /payload/ },
        { name: 'frame over the size limit', text: big, id: 'big-1', code: 'FormationViolation', description: new RegExp(`${MAX_FRAME}`) },
      ];
      for (const c of cases) {
        const reply = await cp.sendAndWait(c.text, c.id);
        assert.equal(reply[0], 4, `${c.name}: a CALLERROR`);
        assert.equal(reply[1], c.id, `${c.name}: message id`);
        assert.equal(reply[2], c.code, `${c.name}: error code`);
        if (c.description) assert.match(String(reply[3]), c.description, `${c.name}: description`);
        assert.equal(typeof reply[4], 'object', `${c.name}: error details object`);
        const hb = await cp.call('Heartbeat', {});
        assert.ok(Date.parse(hb.currentTime), `${c.name}: Heartbeat still answered`);
      }

      const seen = await frames('BAD1');
      const inbound = seen.filter((f) => f.direction === 'in').map((f) => f.text);
      const outbound = seen.filter((f) => f.direction === 'out').map((f) => f.text);
      for (const c of cases) {
        if (c.text === big) assert.ok(inbound.some((t) => t.startsWith('[2,"big-1"') && t.includes(`(${Buffer.byteLength(big)} bytes)`)));
        else assert.ok(inbound.includes(c.text), `${c.name}: inbound frame in the inspector`);
        assert.ok(
          outbound.some((t) => t.startsWith(JSON.stringify([4, c.id, c.code]).slice(0, -1))),
          `${c.name}: CALLERROR in the inspector`,
        );
      }
      assert.equal((await s.api('GET', '/api/v1/stations/BAD1')).body.online, true);
    });

    it('closes a socket with 1009 for a frame above the hard cap, and serves everyone else', async () => {
      const bystander = await connect('BAD1');
      const cp = await connect('BIG1');
      // The gateway's hard cap is max(2 x limit, limit + 64 KiB): 69,632 bytes here.
      cp.send(JSON.stringify([2, 'huge-1', 'DataTransfer', { vendorId: 'com.example', data: 'y'.repeat(200_000) }]));
      const closed = await cp.closed;
      assert.equal(closed.code, 1009);
      assert.ok((await bystander.call('Heartbeat', {})).currentTime);
      const again = await connect('BIG1');
      assert.ok((await again.call('Heartbeat', {})).currentTime);
      const log = await attempts('BIG1');
      assert.ok(log.some((a) => a.outcome === 'closed' && a.reason.startsWith('closed 1009')), JSON.stringify(log));
      assert.equal((await s.api('GET', '/health')).body.status, 'ok');
    });

    it('completes the handshake without a subprotocol and closes with 1002 when none or an unknown one is offered', async () => {
      const none = await rawUpgrade(s.ws, 'PROTO1');
      assert.deepEqual(none, { status: 101, protocol: undefined, closeCode: 1002 });
      const unknown = await rawUpgrade(s.ws, 'PROTO1', 'ocpp9.9');
      assert.deepEqual(unknown, { status: 101, protocol: undefined, closeCode: 1002 });
      // A real client sees the same: connected, then closed with 1002.
      const cp = await RawCharger.connect(`${s.ws}/PROTO1`, []);
      assert.equal(cp.ws.protocol, '');
      assert.equal((await cp.closed).code, 1002);

      const log = await attempts('PROTO1');
      const bad = log.filter((a) => a.reason === 'bad subprotocol');
      assert.equal(bad.length, 3);
      assert.ok(bad.every((a) => a.outcome === 'refused'));
      assert.ok(bad.some((a) => a.subprotocol === 'ocpp9.9' && a.detail?.includes('ocpp9.9')));
      assert.ok(bad.some((a) => a.detail === 'no subprotocol'));
      assert.ok(!log.some((a) => a.outcome === 'accepted'));
      assert.equal((await s.api('GET', '/api/v1/stations/PROTO1')).body.online, false);
    });

    it('refuses an unknown station with HTTP 404 when the policy is reject, and logs why', async () => {
      const r = await rawUpgrade(s.ws, 'NOBODY-9', 'ocpp1.6');
      assert.equal(r.status, 404);
      await assert.rejects(RawCharger.connect(`${s.ws}/NOBODY-9`), /HTTP 404/);
      const log = await attempts('NOBODY-9');
      assert.equal(log.length, 2);
      assert.ok(log.every((a) => a.outcome === 'refused' && a.reason === 'unknown station'));
      assert.equal((await s.api('GET', '/api/v1/stations/NOBODY-9')).status, 404);
    });

    it('lets a second connection for a station replace the first', async () => {
      const first = await connect('TWICE1');
      first.handle('Reset', () => ({ status: 'Rejected' }));
      const second = await connect('TWICE1');
      second.handle('Reset', () => ({ status: 'Accepted' }));
      const closed = await first.closed;
      assert.equal(closed.code, 1000);
      assert.ok((await second.call('Heartbeat', {})).currentTime);

      const reset = await s.api('POST', '/api/v1/stations/TWICE1/commands/Reset', { type: 'Soft' });
      assert.deepEqual([reset.status, reset.body], [200, { response: { status: 'Accepted' } }]);
      assert.ok(second.received.some((f) => Array.isArray(f) && f[0] === 2 && f[2] === 'Reset'));
      assert.ok(!first.received.some((f) => Array.isArray(f) && f[0] === 2));
      // The first socket's close does not take the station offline.
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await s.api('GET', '/api/v1/stations/TWICE1')).body.online, true);
      const log = await attempts('TWICE1');
      assert.equal(log.filter((a) => a.outcome === 'accepted').length, 2);
      assert.ok(log.some((a) => a.outcome === 'closed' && /Replaced by a new connection/.test(a.reason)));
    });

    it('shows the station offline once its socket closes', async () => {
      const cp = await connect('GONE1');
      assert.ok((await cp.call('Heartbeat', {})).currentTime);
      assert.equal((await s.api('GET', '/api/v1/stations/GONE1')).body.online, true);
      await cp.close();
      await eventually(async () => (await s.api('GET', '/api/v1/stations/GONE1')).body.online === false, 5000, 'GONE1 offline');
      const station = (await s.api('GET', '/api/v1/stations/GONE1')).body;
      assert.ok(station.disconnectedAt);
      const log = await attempts('GONE1');
      assert.equal(log[0]!.outcome, 'closed');
      assert.match(log[0]!.reason, /^closed 1000/);
      const offline = await s.api('POST', '/api/v1/stations/GONE1/commands/Reset', { type: 'Soft' });
      assert.equal(offline.status, 409);
    });
  });
}
