import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V201 } from '@voltlane/ocpp';
import { FakeCsms, type FakeCsmsOptions, type Received } from '../fake-csms.js';
import { SimStation } from '../station.js';
import type { SimStationOptions } from '../types.js';
import { REPORT_PART } from './handlers/provisioning.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function csmsFor(opts: FakeCsmsOptions = {}, port = 0): Promise<FakeCsms> {
  const csms = await FakeCsms.start(port, { version: 'ocpp2.0.1', ...opts });
  cleanups.push(() => csms.close());
  return csms;
}

async function setup(opts: Partial<SimStationOptions> = {}, csms?: FakeCsms) {
  const server = csms ?? (await csmsFor({ version: opts.ocppVersion ?? 'ocpp2.0.1' }));
  const logs: string[] = [];
  const st = new SimStation({
    url: server.url,
    id: 'CS1',
    ocppVersion: 'ocpp2.0.1',
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

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

type Event = V201.TransactionEventRequest;
const ev = (r: Received) => r.payload as unknown as Event;
const energyOf = (e: Event) => e.meterValue?.flatMap((m) => m.sampledValue).find((v) => v.measurand === 'Energy.Active.Import.Register' && v.context !== 'Transaction.Begin')?.value;

describe('SimStation 2.0.1: registration and device model', () => {
  it('boots with chargingStation and reason, reports every EVSE and the startup', async () => {
    const { csms, st } = await setup({ connectors: 2, vendor: 'ACME', model: 'Fast', firmwareVersion: '9.9' });
    await st.start();
    assert.equal(st.registrationStatus, 'Accepted');
    const boot = await csms.waitFor('BootNotification');
    assert.deepEqual(boot.payload, { chargingStation: { model: 'Fast', vendorName: 'ACME', serialNumber: 'CS1', firmwareVersion: '9.9' }, reason: 'PowerUp' });
    for (const evseId of [1, 2]) {
      const s = await csms.waitFor('StatusNotification', (p) => p.evseId === evseId);
      assert.equal(s.payload.connectorStatus, 'Available');
      assert.equal(s.payload.connectorId, 1);
    }
    assert.equal(csms.all('StatusNotification').length, 2, 'no status for the station as a whole');
    const security = await csms.waitFor('SecurityEventNotification');
    assert.equal(security.payload.type, 'StartupOfTheDevice');
    assert.equal(st.snapshot().configuration['OCPPCommCtrlr.HeartbeatInterval'], '300');
    assert.equal(st.snapshot().ocppVersion, 'ocpp2.0.1');
  });

  it('answers GetBaseReport with NotifyReport in parts (seqNo, tbc)', async () => {
    const { csms, st } = await setup({ connectors: 2 });
    await st.start();
    assert.deepEqual(await csms.call('CS1', 'GetBaseReport', { requestId: 7, reportBase: 'FullInventory' }), { status: 'Accepted' });
    const last = await csms.waitFor('NotifyReport', (p) => p.requestId === 7 && !p.tbc);
    const parts = csms.all('NotifyReport', (p) => p.requestId === 7).map((r) => r.payload as unknown as V201.NotifyReportRequest);
    assert.ok(parts.length > 2, `${parts.length} parts`);
    assert.deepEqual(parts.map((p) => p.seqNo), parts.map((_, i) => i));
    assert.ok(parts.slice(0, -1).every((p) => p.tbc === true) && last.payload.tbc === false);
    assert.ok(parts.every((p) => (p.reportData?.length ?? 0) <= REPORT_PART));
    const data = parts.flatMap((p) => p.reportData ?? []);
    const find = (c: string, v: string, evse?: number) => data.find((d) => d.component.name === c && d.variable.name === v && d.component.evse?.id === evse);
    assert.deepEqual(find('OCPPCommCtrlr', 'HeartbeatInterval')?.variableAttribute, [{ type: 'Actual', mutability: 'ReadWrite', persistent: true, constant: false, value: '300' }]);
    assert.equal(find('SecurityCtrlr', 'BasicAuthPassword')?.variableAttribute[0].value, undefined, 'write-only: no value');
    assert.equal(find('SecurityCtrlr', 'BasicAuthPassword')?.variableAttribute[0].mutability, 'WriteOnly');
    assert.equal(find('EVSE', 'AvailabilityState', 2)?.variableAttribute[0].value, 'Available');
    assert.deepEqual(data.find((d) => d.component.name === 'Connector' && d.component.evse?.id === 1 && d.variable.name === 'ConnectorType')?.component, { name: 'Connector', evse: { id: 1, connectorId: 1 } });
    assert.ok(find('SampledDataCtrlr', 'TxUpdatedInterval') && find('AuthCtrlr', 'Enabled') && find('TxCtrlr', 'TxStartPoint') && find('AlignedDataCtrlr', 'Interval'));

    const since = csms.received.length;
    assert.deepEqual(await csms.call('CS1', 'GetBaseReport', { requestId: 8, reportBase: 'ConfigurationInventory' }), { status: 'Accepted' });
    await csms.waitFor('NotifyReport', (p) => p.requestId === 8 && !p.tbc, { since });
    const config = csms.all('NotifyReport', (p) => p.requestId === 8).flatMap((r) => (r.payload as unknown as V201.NotifyReportRequest).reportData ?? []);
    assert.ok(config.length > 10 && config.every((d) => d.variableAttribute[0].mutability !== 'ReadOnly'));
  });

  it('answers GetReport for components, variables and criteria', async () => {
    const { csms, st } = await setup({ connectors: 2 });
    await st.start();
    const req = { requestId: 3, componentVariable: [{ component: { name: 'EVSE', evse: { id: 2 } } }, { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] };
    assert.deepEqual(await csms.call('CS1', 'GetReport', req), { status: 'Accepted' });
    const r = await csms.waitFor('NotifyReport', (p) => p.requestId === 3);
    const names = (r.payload as unknown as V201.NotifyReportRequest).reportData!.map((d) => `${d.component.name}${d.component.evse ? `#${d.component.evse.id}` : ''}.${d.variable.name}`);
    assert.deepEqual(names, ['EVSE#2.AvailabilityState', 'EVSE#2.Available', 'EVSE#2.Power', 'EVSE#2.SupplyPhases', 'OCPPCommCtrlr.HeartbeatInterval']);
    assert.deepEqual(await csms.call('CS1', 'GetReport', { requestId: 4, componentVariable: [{ component: { name: 'NoSuchCtrlr' } }] }), { status: 'EmptyResultSet' });
    assert.deepEqual(await csms.call('CS1', 'GetReport', { requestId: 5, componentCriteria: ['Problem'] }), { status: 'EmptyResultSet' });
    assert.deepEqual(await csms.call('CS1', 'GetReport', { requestId: 6, componentCriteria: ['Enabled'] }), { status: 'Accepted' });
    const enabled = await csms.waitFor('NotifyReport', (p) => p.requestId === 6 && !p.tbc);
    assert.ok(enabled);
  });

  it('GetVariables and SetVariables: statuses, and what takes effect at once', async () => {
    const { csms, st } = await setup({ connectors: 1 });
    await st.start();
    const get = (component: object, variable: object) => ({ component, variable });
    const res = (await csms.call('CS1', 'GetVariables', {
      getVariableData: [
        get({ name: 'OCPPCommCtrlr' }, { name: 'HeartbeatInterval' }),
        get({ name: 'NoSuchCtrlr' }, { name: 'X' }),
        get({ name: 'OCPPCommCtrlr' }, { name: 'NoSuchVariable' }),
        get({ name: 'SecurityCtrlr' }, { name: 'BasicAuthPassword' }),
        get({ name: 'EVSE', evse: { id: 1 } }, { name: 'AvailabilityState' }),
        get({ name: 'EVSE', evse: { id: 9 } }, { name: 'AvailabilityState' }),
        { ...get({ name: 'OCPPCommCtrlr' }, { name: 'HeartbeatInterval' }), attributeType: 'Target' },
        get({ name: 'OCPPCommCtrlr' }, { name: 'MessageAttempts', instance: 'TransactionEvent' }),
      ],
    })) as unknown as V201.GetVariablesResponse;
    assert.deepEqual(
      res.getVariableResult.map((r) => [r.attributeStatus, r.attributeValue]),
      [['Accepted', '300'], ['UnknownComponent', undefined], ['UnknownVariable', undefined], ['Rejected', undefined], ['Accepted', 'Available'], ['UnknownComponent', undefined], ['NotSupportedAttributeType', undefined], ['Accepted', '3']],
    );

    const set = (component: object, variable: object, attributeValue: string) => ({ component, variable, attributeValue });
    const sres = (await csms.call('CS1', 'SetVariables', {
      setVariableData: [
        set({ name: 'OCPPCommCtrlr' }, { name: 'HeartbeatInterval' }, '1'),
        set({ name: 'SecurityCtrlr' }, { name: 'Identity' }, 'OTHER'),
        set({ name: 'NoSuchCtrlr' }, { name: 'X' }, '1'),
        set({ name: 'TxCtrlr' }, { name: 'NoSuch' }, '1'),
        set({ name: 'SampledDataCtrlr' }, { name: 'TxUpdatedInterval' }, 'soon'),
        set({ name: 'SampledDataCtrlr' }, { name: 'TxUpdatedMeasurands' }, 'Energy.Active.Import.Register, Power.Active.Import'),
        set({ name: 'SampledDataCtrlr' }, { name: 'TxUpdatedMeasurands' }, 'Bogus'),
      ],
    })) as unknown as V201.SetVariablesResponse;
    assert.deepEqual(sres.setVariableResult.map((r) => r.attributeStatus), ['Accepted', 'Rejected', 'UnknownComponent', 'UnknownVariable', 'Rejected', 'Accepted', 'Rejected']);
    assert.equal(st.snapshot().configuration['SampledDataCtrlr.TxUpdatedMeasurands'], 'Energy.Active.Import.Register,Power.Active.Import');
    const since = csms.received.length;
    await csms.waitFor('Heartbeat', undefined, { since, timeoutMs: 2500 });
  });

  it('refuses GetVariables with more items than ItemsPerMessage', async () => {
    const { csms, st } = await setup();
    await st.start();
    const item = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } };
    await assert.rejects(csms.call('CS1', 'GetVariables', { getVariableData: Array.from({ length: 51 }, () => item) }), { code: 'OccurrenceConstraintViolation' });
  });
});

describe('SimStation 2.0.1: transactions', () => {
  it('RequestStartTransaction -> Started, Updated with rising energy, RequestStopTransaction -> Ended', async () => {
    const { csms, st } = await setup({ meterValueIntervalSec: 1, powerW: 22_000 });
    await st.start();
    const since = csms.received.length;
    const reply = await csms.call('CS1', 'RequestStartTransaction', { idToken: { idToken: 'TAG1', type: 'ISO14443' }, remoteStartId: 42 });
    assert.deepEqual(reply, { status: 'Accepted' });
    const started = ev(await csms.waitFor('TransactionEvent', (p) => p.eventType === 'Started', { since }));
    assert.equal(started.triggerReason, 'RemoteStart');
    assert.deepEqual(started.idToken, { idToken: 'TAG1', type: 'ISO14443' });
    assert.deepEqual(started.evse, { id: 1, connectorId: 1 });
    assert.equal(started.seqNo, 0);
    assert.equal(started.transactionInfo.remoteStartId, 42);
    assert.match(started.transactionInfo.transactionId, /^[0-9a-f-]{36}$/);
    assert.equal(started.offline, undefined);
    const begin = started.meterValue![0].sampledValue[0];
    assert.equal(begin.context, 'Transaction.Begin');
    assert.equal(typeof begin.value, 'number');
    assert.deepEqual(begin.unitOfMeasure, { unit: 'Wh' });
    const occupied = csms.all('StatusNotification', (p) => p.evseId === 1 && p.connectorStatus === 'Occupied')[0];
    assert.ok(occupied && csms.received.indexOf(occupied) < csms.received.findIndex((r) => r.action === 'TransactionEvent'), 'Occupied first');
    const uuid = started.transactionInfo.transactionId;

    const charging = ev(await csms.waitFor('TransactionEvent', (p) => p.triggerReason === 'ChargingStateChanged', { since }));
    assert.equal(charging.transactionInfo.chargingState, 'Charging');
    const mv1 = await csms.waitFor('TransactionEvent', (p) => p.triggerReason === 'MeterValuePeriodic', { since, timeoutMs: 2500 });
    const mv2 = await csms.waitFor('TransactionEvent', (p) => p.triggerReason === 'MeterValuePeriodic', { since: csms.received.indexOf(mv1) + 1, timeoutMs: 2500 });
    assert.equal(ev(mv1).eventType, 'Updated');
    assert.ok(energyOf(ev(mv2))! > energyOf(ev(mv1))!, `${energyOf(ev(mv2))} > ${energyOf(ev(mv1))}`);
    const values = ev(mv2).meterValue![0].sampledValue;
    assert.equal(values.filter((v) => v.measurand === 'Current.Import').length, 3);
    assert.ok(values.some((v) => v.measurand === 'SoC' && v.unitOfMeasure?.unit === 'Percent'));
    assert.equal(st.snapshot().connectors[0]!.transactionUuid, uuid);

    assert.deepEqual(await csms.call('CS1', 'GetTransactionStatus', { transactionId: uuid }), { ongoingIndicator: true, messagesInQueue: false });
    assert.deepEqual(await csms.call('CS1', 'RequestStopTransaction', { transactionId: uuid }), { status: 'Accepted' });
    const ended = ev(await csms.waitFor('TransactionEvent', (p) => p.eventType === 'Ended', { since }));
    assert.equal(ended.triggerReason, 'RemoteStop');
    assert.equal(ended.transactionInfo.stoppedReason, 'Remote');
    assert.ok(energyOf(ended)! >= energyOf(ev(mv2))!);
    assert.deepEqual(ended.meterValue!.map((m) => m.sampledValue[0].context), ['Transaction.Begin', 'Transaction.End']);
    const seqNos = csms.all('TransactionEvent', (p) => (p.transactionInfo as V201.TransactionType).transactionId === uuid).map((r) => ev(r).seqNo);
    assert.deepEqual(seqNos, seqNos.map((_, i) => i), 'seqNo counts up from 0');
    assert.deepEqual(await csms.call('CS1', 'RequestStopTransaction', { transactionId: uuid }), { status: 'Rejected' });
    assert.deepEqual(await csms.call('CS1', 'GetTransactionStatus', { transactionId: uuid }), { ongoingIndicator: false, messagesInQueue: false });
  });

  it('plugging in starts the transaction (CablePluggedIn); a card authorizes it; unplugging ends it', async () => {
    const { csms, st } = await setup({ meterValueIntervalSec: 0 });
    await st.start();
    const events: string[] = [];
    st.on('transactionStarted', (i) => events.push(`started ${i.transactionUuid}`));
    await st.plugIn(1);
    const started = ev(await csms.waitFor('TransactionEvent', (p) => p.eventType === 'Started'));
    assert.equal(started.triggerReason, 'CablePluggedIn');
    assert.equal(started.idToken, undefined);
    assert.equal(started.transactionInfo.chargingState, 'EVConnected');
    assert.equal(st.snapshot().connectors[0]!.powerW, 0, 'no power before authorization');
    assert.deepEqual(events, [`started ${started.transactionInfo.transactionId}`]);

    const r = await st.startTransaction(1, 'CARD');
    assert.equal(r.status, 'Accepted');
    assert.equal(r.transactionUuid, started.transactionInfo.transactionId);
    assert.deepEqual((await csms.waitFor('Authorize')).payload, { idToken: { idToken: 'CARD', type: 'ISO14443' } });
    const authorized = ev(await csms.waitFor('TransactionEvent', (p) => p.triggerReason === 'Authorized'));
    assert.equal(authorized.eventType, 'Updated');
    assert.deepEqual(authorized.idToken, { idToken: 'CARD', type: 'ISO14443' });
    await csms.waitFor('TransactionEvent', (p) => p.triggerReason === 'ChargingStateChanged' && (p.transactionInfo as V201.TransactionType).chargingState === 'Charging');
    assert.ok(st.snapshot().connectors[0]!.powerW > 0);
    assert.deepEqual(await st.startTransaction(1, 'CARD'), { status: 'Occupied' });

    const since = csms.received.length;
    await st.unplug(1);
    const ended = ev(await csms.waitFor('TransactionEvent', (p) => p.eventType === 'Ended'));
    assert.equal(ended.triggerReason, 'EVCommunicationLost');
    assert.equal(ended.transactionInfo.stoppedReason, 'EVDisconnected');
    await csms.waitFor('StatusNotification', (p) => p.connectorStatus === 'Available', { since });
  });

  it('a local stop ends with StopAuthorized and the idToken; a refused idToken ends the transaction', async () => {
    const { csms, st } = await setup({ meterValueIntervalSec: 0 });
    csms.responders.TransactionEvent = (p) => (p.idToken ? { idTokenInfo: { status: (p.idToken as V201.IdTokenType).idToken === 'BAD' ? 'Blocked' : 'Accepted' } } : {});
    await st.start();
    await st.startTransaction(1, 'GOOD');
    await st.stopTransaction(1);
    const ended = ev(await csms.waitFor('TransactionEvent', (p) => p.eventType === 'Ended'));
    assert.equal(ended.triggerReason, 'StopAuthorized');
    assert.equal(ended.transactionInfo.stoppedReason, 'Local');
    assert.deepEqual(ended.idToken, { idToken: 'GOOD', type: 'ISO14443' });

    const since = csms.received.length;
    const r = await st.startTransaction(2, 'BAD');
    assert.equal(r.status, 'Blocked');
    const deauth = ev(await csms.waitFor('TransactionEvent', (p) => p.eventType === 'Ended', { since }));
    assert.equal(deauth.triggerReason, 'Deauthorized');
    assert.equal(deauth.transactionInfo.stoppedReason, 'DeAuthorized');
  });
});

describe('SimStation 2.0.1: connection loss, reset and security', () => {
  it('queues TransactionEvents offline and replays them in order with offline: true', async () => {
    const csms = await csmsFor();
    const port = csms.port;
    const { st } = await setup({ meterValueIntervalSec: 0 }, csms);
    await st.start();
    await csms.call('CS1', 'SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [{ idToken: { idToken: 'LOCAL', type: 'ISO14443' }, idTokenInfo: { status: 'Accepted' } }] });
    const { transactionUuid } = await st.startTransaction(1, 'LOCAL');
    await csms.waitFor('TransactionEvent', (p) => p.triggerReason === 'ChargingStateChanged');
    await until(() => st.queuedMessages === 0);
    await csms.close();
    await until(() => !st.connected);

    assert.equal((await st.startTransaction(2, 'STRANGER')).status, 'Unknown');
    await sleep(20);
    await st.sendMeterValues(1);
    await st.stopTransaction(1, 'Local');
    const offline = await st.startTransaction(2, 'LOCAL');
    assert.equal(offline.status, 'Accepted');
    await st.stopTransaction(2, 'Local');
    const offlineAt = Date.now();
    assert.ok(st.queuedMessages >= 4, `${st.queuedMessages} queued`);

    const back = await csmsFor({}, port);
    await back.waitFor('TransactionEvent', (p) => p.eventType === 'Ended' && (p.evse as V201.EVSEType | undefined) === undefined && (p.transactionInfo as V201.TransactionType).transactionId === offline.transactionUuid, { timeoutMs: 5000 });
    await until(() => st.queuedMessages === 0);
    const events = back.all('TransactionEvent').map(ev);
    assert.ok(back.received.findIndex((r) => r.action === 'BootNotification') < back.received.findIndex((r) => r.action === 'TransactionEvent'), 'boot first');
    assert.ok(events.every((e) => e.offline === true), 'every replayed event is marked offline');
    assert.ok(events.every((e) => Date.parse(e.timestamp) <= offlineAt), 'original timestamps');
    const first = events.filter((e) => e.transactionInfo.transactionId === transactionUuid);
    assert.deepEqual(first.map((e) => [e.eventType, e.triggerReason]), [['Updated', 'MeterValuePeriodic'], ['Ended', 'StopAuthorized']]);
    const second = events.filter((e) => e.transactionInfo.transactionId === offline.transactionUuid);
    assert.equal(second[0]!.eventType, 'Started');
    assert.equal(second.at(-1)!.eventType, 'Ended');
    assert.deepEqual(second.map((e) => e.seqNo), second.map((_, i) => i));
    const stamps = events.map((e) => Date.parse(e.timestamp));
    assert.deepEqual(stamps, [...stamps].sort((a, b) => a - b), 'in order');
    assert.equal(back.all('Authorize').length, 0);
  });

  it('Reset Immediate ends transactions, reconnects and boots with RemoteReset', async () => {
    const { csms, st } = await setup();
    await st.start();
    await csms.call('CS1', 'SetVariables', { setVariableData: [{ component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' }, attributeValue: '15' }] });
    const { transactionUuid } = await st.startTransaction(1, 'TAG');
    const since = csms.received.length;
    assert.deepEqual(await csms.call('CS1', 'Reset', { type: 'Immediate' }), { status: 'Accepted' });
    const ended = ev(await csms.waitFor('TransactionEvent', (p) => p.eventType === 'Ended', { since }));
    assert.equal(ended.transactionInfo.transactionId, transactionUuid);
    assert.equal(ended.transactionInfo.stoppedReason, 'ImmediateReset');
    assert.equal(ended.triggerReason, 'ResetCommand');
    const boot = await csms.waitFor('BootNotification', undefined, { since });
    assert.equal(boot.payload.reason, 'RemoteReset');
    assert.equal(csms.connections, 2);
    const security = await csms.waitFor('SecurityEventNotification', (p) => p.type === 'ResetOrReboot', { since });
    assert.ok(csms.received.indexOf(security) > csms.received.indexOf(boot));
    const res = (await csms.call('CS1', 'GetVariables', { getVariableData: [{ component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' } }] })) as unknown as V201.GetVariablesResponse;
    assert.equal(res.getVariableResult[0].attributeValue, '15', 'the device model survives');
  });

  it('Reset OnIdle waits for the last transaction', async () => {
    const { csms, st } = await setup();
    await st.start();
    await st.startTransaction(1, 'TAG');
    const since = csms.received.length;
    assert.deepEqual(await csms.call('CS1', 'Reset', { type: 'OnIdle' }), { status: 'Scheduled' });
    await sleep(100);
    assert.equal(csms.connections, 1);
    await st.stopTransaction(1);
    const boot = await csms.waitFor('BootNotification', undefined, { since });
    assert.equal(boot.payload.reason, 'RemoteReset');
  });

  it('SetVariables BasicAuthPassword: the next connection uses it', async () => {
    const { csms, st } = await setup({ password: 'initial-password-16' });
    await st.start();
    const basic = (pw: string) => `Basic ${Buffer.from(`CS1:${pw}`).toString('base64')}`;
    assert.equal(csms.authorization.get('CS1'), basic('initial-password-16'));
    const set = (value: string) =>
      csms.call('CS1', 'SetVariables', { setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: value }] });
    assert.equal(((await set('short')) as unknown as V201.SetVariablesResponse).setVariableResult[0].attributeStatus, 'Rejected');
    assert.equal(((await set('a-new-password-of-24-chr')) as unknown as V201.SetVariablesResponse).setVariableResult[0].attributeStatus, 'Accepted');
    await csms.waitFor('SecurityEventNotification', (p) => p.type === 'ReconfigurationOfSecurityParameters');
    assert.equal(csms.authorization.get('CS1'), basic('initial-password-16'), 'this connection stays');
    st.disconnect();
    await csms.waitFor('BootNotification', undefined, { since: 1 });
    assert.equal(csms.authorization.get('CS1'), basic('a-new-password-of-24-chr'));
    assert.equal(st.snapshot().configuration['SecurityCtrlr.BasicAuthPassword'], undefined, 'write-only');
    assert.equal(st.snapshot().configuration['SecurityCtrlr.SecurityProfile'], '1');
  });
});

/** A self-signed certificate for 127.0.0.1 made with the openssl command, or undefined without one. */
function selfSigned(cn: string): { cert: string; key: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'voltlane-sim-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Node cannot create X.509 certificates and no certificate library is installed: the openssl command makes them.
const server = selfSigned('127.0.0.1');
const client = server && selfSigned('CS1');

describe('SimStation 2.0.1: TLS (security profiles 2 and 3)', { skip: server ? false : 'the openssl command is not available to make a test certificate' }, () => {
  it('connects over wss:// trusting the CSMS certificate through tls.ca (profile 2)', async () => {
    const csms = await csmsFor({ tls: server! });
    assert.match(csms.url, /^wss:/);
    const { st } = await setup({ tls: { ca: server!.cert }, password: 'profile-2-password' }, csms);
    await st.start();
    assert.equal(st.registrationStatus, 'Accepted');
    assert.ok(csms.authorization.get('CS1')?.startsWith('Basic '));
    assert.equal(st.snapshot().configuration['SecurityCtrlr.SecurityProfile'], '2');
  });

  it('refuses an untrusted CSMS certificate unless rejectUnauthorized is false', async () => {
    const csms = await csmsFor({ tls: server! });
    const { st, logs } = await setup({ reconnect: false }, csms);
    await assert.rejects(st.start());
    assert.ok(logs.some((l) => /self[- ]signed|certificate/i.test(l)), logs.join('\n'));
    const { st: lax } = await setup({ id: 'CS2', tls: { rejectUnauthorized: false } }, csms);
    await lax.start();
    assert.equal(lax.registrationStatus, 'Accepted');
  });

  it('presents a client certificate (profile 3)', async () => {
    const csms = await csmsFor({ tls: { ...server!, ca: client!.cert } });
    const { st } = await setup({ tls: { ca: server!.cert, cert: client!.cert, key: client!.key } }, csms);
    await st.start();
    assert.equal(csms.clientCertificate.get('CS1'), 'CS1');
    assert.equal(st.snapshot().configuration['SecurityCtrlr.SecurityProfile'], '3');
  });
});

describe('SimStation 2.1', () => {
  it('speaks ocpp2.1 with the 2.0.1 behaviour: boot, report, remote start, periodic update, stop', async () => {
    const { csms, st } = await setup({ ocppVersion: 'ocpp2.1', meterValueIntervalSec: 1 });
    assert.equal(csms.version, 'ocpp2.1');
    await st.start();
    await csms.waitFor('StatusNotification', (p) => p.evseId === 2);
    assert.deepEqual(await csms.call('CS1', 'GetBaseReport', { requestId: 1, reportBase: 'FullInventory' }), { status: 'Accepted' });
    await csms.waitFor('NotifyReport', (p) => !p.tbc);
    assert.deepEqual(await csms.call('CS1', 'RequestStartTransaction', { idToken: { idToken: 'T21', type: 'ISO14443' }, remoteStartId: 1 }), { status: 'Accepted' });
    await csms.waitFor('TransactionEvent', (p) => p.triggerReason === 'MeterValuePeriodic', { timeoutMs: 2500 });
    const uuid = st.snapshot().connectors[0]!.transactionUuid!;
    assert.deepEqual(await csms.call('CS1', 'RequestStopTransaction', { transactionId: uuid }), { status: 'Accepted' });
    await csms.waitFor('TransactionEvent', (p) => p.eventType === 'Ended');
    assert.deepEqual(await csms.call('CS1', 'Reset', { type: 'Immediate' }), { status: 'Accepted' });
    await csms.waitFor('BootNotification', (p) => p.reason === 'RemoteReset');
  });
});
