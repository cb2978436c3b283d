import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeCsms } from './fake-csms.js';
import { SimStation } from './station.js';

let csms: FakeCsms;
let http: Server;
let base: string;
const uploads = new Map<string, string>();
const stations: SimStation[] = [];

before(async () => {
  csms = await FakeCsms.start();
  http = createServer((req, res) => {
    const url = req.url ?? '';
    if (req.method === 'GET' && url.startsWith('/fw/') && !url.includes('missing')) {
      res.end(Buffer.alloc(4096, 1));
    } else if (req.method === 'PUT' && url.startsWith('/upload/')) {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        uploads.set(url, body);
        res.end();
      });
    } else {
      res.statusCode = req.method === 'PUT' ? 500 : 404;
      res.end();
    }
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

after(async () => {
  await Promise.all(stations.map((s) => s.stop()));
  await csms.close();
  await new Promise((r) => http.close(r));
});

let n = 0;
async function station() {
  const id = `F${++n}`;
  const st = new SimStation({ url: csms.url, id, rebootDelayMs: 50, meterValueIntervalSec: 0 });
  stations.push(st);
  await st.start();
  return { st, id, since: csms.received.length };
}

/** Statuses of one notification kind from one station, waiting until `last` arrives. */
async function statuses(id: string, action: string, last: string, since: number): Promise<unknown[]> {
  await csms.waitFor(action, (p) => p.status === last, { since, station: id, timeoutMs: 5000 });
  return csms.received.slice(since).filter((r) => r.station === id && r.action === action).map((r) => r.payload.status);
}

describe('Firmware Management', () => {
  it('UpdateFirmware downloads, installs, runs the new version and reboots', async () => {
    const { st, id, since } = await station();
    const res = await csms.call(id, 'UpdateFirmware', { location: `${base}/fw/voltlane-2.0.bin`, retrieveDate: new Date().toISOString() });
    assert.deepEqual(res, {});
    assert.deepEqual(await statuses(id, 'FirmwareStatusNotification', 'Installed', since), ['Downloading', 'Downloaded', 'Installing', 'Installed']);
    const boot = await csms.waitFor('BootNotification', undefined, { since, station: id });
    assert.equal(boot.payload.firmwareVersion, 'voltlane-2.0.bin');
    assert.equal(st.firmwareVersion, 'voltlane-2.0.bin');
  });

  it('reports DownloadFailed when the GET fails', async () => {
    const { st, id, since } = await station();
    await csms.call(id, 'UpdateFirmware', { location: `${base}/fw/missing.bin`, retrieveDate: new Date().toISOString() });
    assert.deepEqual(await statuses(id, 'FirmwareStatusNotification', 'DownloadFailed', since), ['Downloading', 'DownloadFailed']);
    assert.equal(st.firmwareVersion, '1.0.0');
  });

  it('GetDiagnostics names the file and PUTs it below the location', async () => {
    const { id, since } = await station();
    const res = (await csms.call(id, 'GetDiagnostics', { location: `${base}/upload` })) as { fileName: string };
    assert.match(res.fileName, new RegExp(`^diagnostics-${id}-\\d{8}T\\d{6}Z\\.log$`));
    assert.deepEqual(await statuses(id, 'DiagnosticsStatusNotification', 'Uploaded', since), ['Uploading', 'Uploaded']);
    assert.match(uploads.get(`/upload/${res.fileName}`) ?? '', new RegExp(`diagnostics for ${id}`));
  });

  it('GetDiagnostics reports UploadFailed when the PUT fails', async () => {
    const { id, since } = await station();
    await csms.call(id, 'GetDiagnostics', { location: `${base}/broken/` });
    assert.deepEqual(await statuses(id, 'DiagnosticsStatusNotification', 'UploadFailed', since), ['Uploading', 'UploadFailed']);
  });
});

describe('Security whitepaper: logs and signed firmware', () => {
  it('GetLog uploads and reports with the request id', async () => {
    const { id, since } = await station();
    const res = (await csms.call(id, 'GetLog', { logType: 'SecurityLog', requestId: 42, log: { remoteLocation: `${base}/upload/` } })) as { status: string; filename: string };
    assert.equal(res.status, 'Accepted');
    assert.match(res.filename, /^security-/);
    assert.deepEqual(await statuses(id, 'LogStatusNotification', 'Uploaded', since), ['Uploading', 'Uploaded']);
    assert.equal(csms.all('LogStatusNotification').at(-1)!.payload.requestId, 42);
  });

  it('SignedUpdateFirmware verifies, installs and reports with the request id', async () => {
    const { id, since } = await station();
    const cert = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
    const firmware = { location: `${base}/fw/signed-3.0.bin`, retrieveDateTime: new Date().toISOString(), signingCertificate: cert, signature: 'c2ln' };
    assert.deepEqual(await csms.call(id, 'SignedUpdateFirmware', { requestId: 7, firmware }), { status: 'Accepted' });
    assert.deepEqual(await statuses(id, 'SignedFirmwareStatusNotification', 'Installed', since), ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'Installed']);
    await csms.waitFor('BootNotification', undefined, { since, station: id });
    assert.deepEqual(await csms.call(id, 'SignedUpdateFirmware', { requestId: 8, firmware: { ...firmware, signingCertificate: 'x' } }), { status: 'InvalidCertificate' });
  });
});
