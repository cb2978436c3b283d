import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeCsms } from './fake-csms.js';
import { SimStation } from './station.js';
import type { SimStationOptions } from './types.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: Partial<SimStationOptions> = {}, csms?: FakeCsms) {
  const server = csms ?? (await FakeCsms.start());
  if (!csms) cleanups.push(() => server.close());
  const logs: string[] = [];
  const st = new SimStation({
    url: server.url,
    id: 'CP1',
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
    rebootDelayMs: 50,
    callTimeoutMs: 2000,
    log: (m) => logs.push(m),
    ...opts,
  });
  cleanups.push(() => st.stop());
  return { csms: server, st, logs };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds (the station acts on answers asynchronously). */
async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('SimStation: registration', () => {
  it('boots, is accepted and reports every connector', async () => {
    const { csms, st } = await setup({ connectors: 2, vendor: 'ACME', model: 'Fast', firmwareVersion: '9.9' });
    await st.start();
    assert.equal(st.registrationStatus, 'Accepted');
    assert.equal(st.connected, true);
    const boot = await csms.waitFor('BootNotification');
    assert.equal(boot.station, 'CP1');
    assert.deepEqual([boot.payload.chargePointVendor, boot.payload.chargePointModel, boot.payload.firmwareVersion], ['ACME', 'Fast', '9.9']);
    for (const id of [0, 1, 2]) await csms.waitFor('StatusNotification', (p) => p.connectorId === id && p.status === 'Available');
    assert.equal(st.snapshot().configuration.HeartbeatInterval, '300');
  });

  it('retries after the interval on Pending and resolves start() on Accepted', async () => {
    const csms = await FakeCsms.start();
    cleanups.push(() => csms.close());
    let boots = 0;
    csms.responders.BootNotification = () => ({ status: ++boots === 1 ? 'Pending' : 'Accepted', currentTime: new Date().toISOString(), interval: 1 });
    const { st } = await setup({}, csms);
    const t0 = Date.now();
    await st.start();
    assert.equal(boots, 2);
    assert.ok(Date.now() - t0 >= 900, 'waited the Pending interval');
    assert.equal(st.snapshot().configuration.HeartbeatInterval, '1');
  });

  it('sends heartbeats at the interval from the boot response', async () => {
    const csms = await FakeCsms.start();
    cleanups.push(() => csms.close());
    csms.responders.BootNotification = () => ({ status: 'Accepted', currentTime: new Date().toISOString(), interval: 1 });
    const { st } = await setup({}, csms);
    await st.start();
    await csms.waitFor('Heartbeat', undefined, { timeoutMs: 2500 });
  });

  it('sends HTTP Basic credentials with the station id as user', async () => {
    const { csms, st } = await setup({ password: 's3cret-password!' });
    await st.start();
    assert.equal(csms.authorization.get('CP1'), `Basic ${Buffer.from('CP1:s3cret-password!').toString('base64')}`);
    assert.equal(st.snapshot().configuration.SecurityProfile, '1');
  });

  it('rejects start() when stopped before it was accepted', async () => {
    const { st } = await setup({ url: 'ws://127.0.0.1:1/ocpp' });
    const started = st.start();
    await st.stop();
    await assert.rejects(started, /stopped/);
  });
});

describe('SimStation: transactions', () => {
  it('remote start charges with growing meter values; remote stop ends it', async () => {
    const { csms, st } = await setup({ meterValueIntervalSec: 1, powerW: 22_000 });
    await st.start();
    const since = csms.received.length;
    assert.deepEqual(await csms.call('CP1', 'RemoteStartTransaction', { idTag: 'TAG1' }), { status: 'Accepted' });
    const start = await csms.waitFor('StartTransaction', undefined, { since });
    assert.equal(start.payload.idTag, 'TAG1');
    assert.equal(start.payload.connectorId, 1);
    const preparing = csms.all('StatusNotification', (p) => p.status === 'Preparing' && p.connectorId === 1).at(-1);
    assert.ok(preparing && csms.received.indexOf(preparing) < csms.received.indexOf(start), 'Preparing before StartTransaction');
    await csms.waitFor('StatusNotification', (p) => p.status === 'Charging' && p.connectorId === 1, { since });
    const txId = csms.lastTransactionId;
    const mv1 = await csms.waitFor('MeterValues', (p) => p.transactionId === txId, { since, timeoutMs: 2500 });
    const mv2 = await csms.waitFor('MeterValues', (p) => p.transactionId === txId, { since: csms.received.indexOf(mv1) + 1, timeoutMs: 2500 });
    const energy = (r: typeof mv1) => {
      const values = (r.payload.meterValue as { sampledValue: { measurand?: string; value: string; context?: string }[] }[])[0]!.sampledValue;
      const e = values.find((v) => v.measurand === 'Energy.Active.Import.Register')!;
      assert.equal(e.context, 'Sample.Periodic');
      assert.ok(values.some((v) => v.measurand === 'SoC'));
      assert.equal(values.filter((v) => v.measurand === 'Current.Import').length, 3);
      return Number(e.value);
    };
    assert.ok(energy(mv2) > energy(mv1), `${energy(mv2)} > ${energy(mv1)}`);
    assert.equal(st.snapshot().connectors[0]!.transactionId, txId);

    assert.deepEqual(await csms.call('CP1', 'RemoteStopTransaction', { transactionId: txId }), { status: 'Accepted' });
    const stop = await csms.waitFor('StopTransaction', undefined, { since });
    assert.equal(stop.payload.transactionId, txId);
    assert.equal(stop.payload.reason, 'Remote');
    assert.ok((stop.payload.meterStop as number) > (start.payload.meterStart as number));
    const data = stop.payload.transactionData as { sampledValue: { context: string }[] }[];
    assert.deepEqual(data.map((d) => d.sampledValue[0]!.context), ['Transaction.Begin', 'Transaction.End']);
    await csms.waitFor('StatusNotification', (p) => p.status === 'Finishing' && p.connectorId === 1, { since });
    assert.deepEqual(await csms.call('CP1', 'RemoteStopTransaction', { transactionId: txId }), { status: 'Rejected' });
  });

  it('startTransaction authorizes, refuses a rejected tag and starts on an accepted one', async () => {
    const { csms, st } = await setup();
    csms.responders.Authorize = (p) => ({ idTagInfo: { status: p.idTag === 'BAD' ? 'Blocked' : 'Accepted' } });
    await st.start();
    assert.deepEqual(await st.startTransaction(1, 'BAD'), { status: 'Blocked' });
    assert.equal(csms.all('StartTransaction').length, 0);
    const ok = await st.startTransaction(1, 'GOOD');
    assert.equal(ok.status, 'Accepted');
    assert.equal(ok.transactionId, csms.lastTransactionId);
    assert.equal(csms.all('Authorize').length, 2);
    assert.deepEqual(await st.startTransaction(1, 'GOOD'), { status: 'Occupied' });
    // The cache now knows GOOD: a second session needs no Authorize.
    await st.startTransaction(2, 'GOOD');
    assert.equal(csms.all('Authorize').length, 2);
    await st.stopTransaction(1);
    const stop = csms.all('StopTransaction')[0]!;
    assert.equal(stop.payload.reason, 'Local');
    assert.equal(stop.payload.idTag, 'GOOD');
  });

  it('stops a transaction the CSMS refuses in the StartTransaction answer', async () => {
    const { csms, st } = await setup();
    csms.responders.StartTransaction = () => ({ transactionId: 77, idTagInfo: { status: 'Invalid' } });
    await st.start();
    const r = await st.startTransaction(1, 'TAG');
    assert.deepEqual(r, { transactionId: 77, status: 'Invalid' });
    const stop = await csms.waitFor('StopTransaction');
    assert.equal(stop.payload.reason, 'DeAuthorized');
    assert.equal(stop.payload.transactionId, 77);
  });

  it('unplugging stops the transaction with EVDisconnected', async () => {
    const { csms, st } = await setup();
    await st.start();
    await st.plugIn(1);
    await csms.waitFor('StatusNotification', (p) => p.connectorId === 1 && p.status === 'Preparing');
    await st.startTransaction(1, 'TAG');
    await st.unplug(1);
    const stop = await csms.waitFor('StopTransaction');
    assert.equal(stop.payload.reason, 'EVDisconnected');
    await csms.waitFor('StatusNotification', (p) => p.connectorId === 1 && p.status === 'Available', { since: csms.received.indexOf(stop) });
    assert.equal(st.snapshot().connectors[0]!.status, 'Available');
  });

  it('sendMeterValues sends the register now, with the transaction id while charging', async () => {
    const { csms, st } = await setup({ meterValueIntervalSec: 0 });
    await st.start();
    await st.sendMeterValues(2);
    const idle = await csms.waitFor('MeterValues');
    assert.equal(idle.payload.transactionId, undefined);
    const { transactionId } = await st.startTransaction(2, 'TAG');
    await st.sendMeterValues(2);
    assert.equal(csms.all('MeterValues').at(-1)!.payload.transactionId, transactionId);
  });
});

describe('SimStation: connection loss', () => {
  it('queues transaction messages offline and replays them in order with the real id', async () => {
    const csms = await FakeCsms.start();
    const port = csms.port;
    const { st } = await setup({ meterValueIntervalSec: 0 }, csms);
    await st.start();
    await csms.call('CP1', 'SendLocalList', { listVersion: 1, updateType: 'Full', localAuthorizationList: [{ idTag: 'LOCAL', idTagInfo: { status: 'Accepted' } }] });
    await csms.close();
    await sleep(50);
    assert.equal(st.connected, false);

    const started = await st.startTransaction(1, 'LOCAL');
    assert.equal(started.status, 'Accepted');
    assert.ok(started.transactionId! < 0, 'placeholder id while offline');
    assert.equal(await st.startTransaction(2, 'STRANGER').then((r) => r.status), 'Invalid');
    await sleep(20);
    await st.sendMeterValues(1);
    await st.stopTransaction(1, 'Local');
    assert.equal(st.queuedMessages, 3);
    const offlineAt = Date.now();

    const back = await FakeCsms.start(port);
    cleanups.push(() => back.close());
    const stop = await back.waitFor('StopTransaction', undefined, { timeoutMs: 5000 });
    const actions = back.received.filter((r) => ['StartTransaction', 'MeterValues', 'StopTransaction'].includes(r.action));
    assert.deepEqual(actions.map((r) => r.action), ['StartTransaction', 'MeterValues', 'StopTransaction']);
    assert.ok(back.received.findIndex((r) => r.action === 'BootNotification') < back.received.indexOf(actions[0]!), 'boot first');
    assert.equal(stop.payload.transactionId, back.lastTransactionId);
    assert.equal(actions[1]!.payload.transactionId, back.lastTransactionId);
    assert.ok(Date.parse(actions[0]!.payload.timestamp as string) < offlineAt, 'original timestamp');
    await until(() => st.queuedMessages === 0);
    assert.equal(back.all('Authorize').length, 0);
  });

  it('comes back after disconnect() and re-boots', async () => {
    const { csms, st } = await setup();
    await st.start();
    st.disconnect();
    await sleep(20);
    await csms.waitFor('BootNotification', undefined, { since: 1 });
    assert.equal(csms.connections, 2);
    assert.equal(st.connected, true);
  });

  it('Reset stops transactions, reconnects, boots again and keeps its configuration', async () => {
    const { csms, st } = await setup();
    await st.start();
    await csms.call('CP1', 'ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '15' });
    const { transactionId } = await st.startTransaction(1, 'TAG');
    const since = csms.received.length;
    assert.deepEqual(await csms.call('CP1', 'Reset', { type: 'Soft' }), { status: 'Accepted' });
    const stop = await csms.waitFor('StopTransaction', undefined, { since });
    assert.equal(stop.payload.reason, 'SoftReset');
    assert.equal(stop.payload.transactionId, transactionId);
    await csms.waitFor('BootNotification', undefined, { since });
    assert.equal(csms.connections, 2);
    await csms.waitFor('StatusNotification', (p) => p.connectorId === 1, { since: csms.received.findIndex((r, i) => i >= since && r.action === 'BootNotification') });
    const cfg = await csms.call('CP1', 'GetConfiguration', { key: ['MeterValueSampleInterval'] });
    assert.deepEqual(cfg.configurationKey, [{ key: 'MeterValueSampleInterval', readonly: false, value: '15' }]);
  });

  it('Hard reset sends the StopTransaction after the reboot', async () => {
    const { csms, st } = await setup();
    await st.start();
    await st.startTransaction(1, 'TAG');
    const since = csms.received.length;
    await csms.call('CP1', 'Reset', { type: 'Hard' });
    const stop = await csms.waitFor('StopTransaction', undefined, { since });
    assert.equal(stop.payload.reason, 'HardReset');
    const boot = csms.received.findIndex((r, i) => i >= since && r.action === 'BootNotification');
    assert.ok(boot >= 0 && boot < csms.received.indexOf(stop));
  });
});
