import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeCsms } from './fake-csms.js';
import { SimStation } from './station.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One CSMS for the file, a fresh station per test (ids differ, so they do not meet). */
let csms: FakeCsms;
let n = 0;
const stations: SimStation[] = [];
before(async () => {
  csms = await FakeCsms.start();
});
after(async () => {
  await Promise.all(stations.map((s) => s.stop()));
  await csms.close();
});

async function station(opts: { connectors?: number } = {}) {
  const id = `H${++n}`;
  const st = new SimStation({ url: csms.url, id, rebootDelayMs: 50, reconnectMinMs: 50, meterValueIntervalSec: 0, ...opts });
  stations.push(st);
  await st.start();
  const call = (action: string, payload: object) => csms.call(id, action, payload);
  const since = () => csms.received.length;
  const waitFor = (action: string, match: (p: Record<string, unknown>) => boolean = () => true, from = 0) =>
    csms.waitFor(action, match, { since: from, station: id });
  const mine = (action: string) => csms.all(action).filter((r) => r.station === id);
  return { st, id, call, since, mine, waitFor };
}

const future = (sec: number) => new Date(Date.now() + sec * 1000).toISOString();

describe('Core profile', () => {
  it('GetConfiguration and ChangeConfiguration round-trip', async () => {
    const { st, call } = await station({ connectors: 3 });
    const all = (await call('GetConfiguration', {})) as { configurationKey: { key: string; readonly: boolean; value?: string }[] };
    const keys = new Map(all.configurationKey.map((k) => [k.key, k]));
    assert.deepEqual(keys.get('NumberOfConnectors'), { key: 'NumberOfConnectors', readonly: true, value: '3' });
    assert.equal(keys.get('MeterValueSampleInterval')?.value, '0');
    assert.equal(keys.get('AuthorizationKey')?.value, undefined, 'write-only key has no value');
    for (const k of ['HeartbeatInterval', 'LocalAuthListEnabled', 'ChargeProfileMaxStackLevel', 'SupportedFeatureProfiles', 'ConnectionTimeOut']) assert.ok(keys.has(k), k);

    assert.deepEqual(await call('ChangeConfiguration', { key: 'HeartbeatInterval', value: '120' }), { status: 'Accepted' });
    assert.deepEqual(await call('ChangeConfiguration', { key: 'NumberOfConnectors', value: '5' }), { status: 'Rejected' });
    assert.deepEqual(await call('ChangeConfiguration', { key: 'NoSuchKey', value: '1' }), { status: 'NotSupported' });
    assert.deepEqual(await call('ChangeConfiguration', { key: 'HeartbeatInterval', value: 'soon' }), { status: 'Rejected' });
    assert.deepEqual(await call('ChangeConfiguration', { key: 'MeterValuesSampledData', value: 'Energy.Active.Import.Register, Voltage' }), { status: 'Accepted' });
    assert.deepEqual(await call('ChangeConfiguration', { key: 'MeterValuesSampledData', value: 'Bogus.Measurand' }), { status: 'Rejected' });

    const some = await call('GetConfiguration', { key: ['HeartbeatInterval', 'MeterValuesSampledData', 'Nope'] });
    assert.deepEqual(some, {
      configurationKey: [
        { key: 'HeartbeatInterval', readonly: false, value: '120' },
        { key: 'MeterValuesSampledData', readonly: false, value: 'Energy.Active.Import.Register,Voltage' },
      ],
      unknownKey: ['Nope'],
    });
    assert.equal(st.snapshot().configuration.HeartbeatInterval, '120');
  });

  it('MeterValueSampleInterval takes effect at once', async () => {
    const { st, call, mine } = await station();
    await st.startTransaction(1, 'T');
    await call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '1' });
    await sleep(1200);
    assert.ok(mine('MeterValues').length >= 1);
    await call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '0' });
  });

  it('ClockAlignedDataInterval sends Sample.Clock readings of every connector', async () => {
    const { call, waitFor, since } = await station({ connectors: 1 });
    const s0 = since();
    await call('ChangeConfiguration', { key: 'ClockAlignedDataInterval', value: '1' });
    const r = await waitFor('MeterValues', (p) => p.connectorId === 1, s0);
    const values = (r.payload.meterValue as { sampledValue: { context: string; measurand: string }[] }[])[0]!.sampledValue;
    assert.deepEqual(values.map((v) => [v.context, v.measurand]), [['Sample.Clock', 'Energy.Active.Import.Register']]);
    await waitFor('MeterValues', (p) => p.connectorId === 0, s0);
    await call('ChangeConfiguration', { key: 'ClockAlignedDataInterval', value: '0' });
  });

  it('ChangeAvailability: Accepted, or Scheduled while a transaction runs', async () => {
    const { st, call, waitFor, since } = await station();
    const s0 = since();
    assert.deepEqual(await call('ChangeAvailability', { connectorId: 2, type: 'Inoperative' }), { status: 'Accepted' });
    await waitFor('StatusNotification', (p) => p.connectorId === 2 && p.status === 'Unavailable', s0);
    assert.deepEqual(await st.startTransaction(2, 'T'), { status: 'Unavailable' });
    await call('ChangeAvailability', { connectorId: 2, type: 'Operative' });
    await waitFor('StatusNotification', (p) => p.connectorId === 2 && p.status === 'Available', s0);

    await st.startTransaction(1, 'T');
    assert.deepEqual(await call('ChangeAvailability', { connectorId: 1, type: 'Inoperative' }), { status: 'Scheduled' });
    const s1 = since();
    await st.stopTransaction(1);
    await waitFor('StatusNotification', (p) => p.connectorId === 1 && p.status === 'Unavailable', s1);
    assert.deepEqual(await call('ChangeAvailability', { connectorId: 9, type: 'Inoperative' }), { status: 'Rejected' });
    assert.deepEqual(await call('RemoteStartTransaction', { connectorId: 1, idTag: 'T' }), { status: 'Rejected' });
  });

  it('ChangeAvailability of connector 0 takes the whole station out', async () => {
    const { call, waitFor, since } = await station();
    const s0 = since();
    assert.deepEqual(await call('ChangeAvailability', { connectorId: 0, type: 'Inoperative' }), { status: 'Accepted' });
    for (const c of [0, 1, 2]) await waitFor('StatusNotification', (p) => p.connectorId === c && p.status === 'Unavailable', s0);
    assert.deepEqual(await call('RemoteStartTransaction', { idTag: 'T' }), { status: 'Rejected' });
  });

  it('DataTransfer echoes for vendor Voltlane, message echo', async () => {
    const { call } = await station();
    assert.deepEqual(await call('DataTransfer', { vendorId: 'Voltlane', messageId: 'echo', data: 'ping' }), { status: 'Accepted', data: 'ping' });
    assert.deepEqual(await call('DataTransfer', { vendorId: 'Voltlane', messageId: 'other' }), { status: 'UnknownMessageId' });
    assert.deepEqual(await call('DataTransfer', { vendorId: 'Else' }), { status: 'UnknownVendorId' });
  });

  it('RemoteStartTransaction picks a free connector, stores its TxProfile and is Rejected when all are busy', async () => {
    const { st, call, waitFor, since } = await station({ connectors: 1 });
    const s0 = since();
    const profile = {
      chargingProfileId: 5,
      stackLevel: 1,
      chargingProfilePurpose: 'TxProfile',
      chargingProfileKind: 'Relative',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] },
    };
    assert.deepEqual(await call('RemoteStartTransaction', { idTag: 'R1', chargingProfile: profile }), { status: 'Accepted' });
    await waitFor('StatusNotification', (p) => p.status === 'Charging', s0);
    assert.equal(st.snapshot().chargingProfiles[0]?.profile.chargingProfileId, 5);
    assert.equal(st.snapshot().connectors[0]!.powerW, 6900, '10 A on three phases');
    assert.deepEqual(await call('RemoteStartTransaction', { idTag: 'R2' }), { status: 'Rejected' });
    const bad = { ...profile, chargingProfilePurpose: 'TxDefaultProfile' };
    assert.deepEqual(await call('RemoteStartTransaction', { idTag: 'R2', chargingProfile: bad }), { status: 'Rejected' });
    await st.stopTransaction(1);
    assert.equal(st.snapshot().chargingProfiles.length, 0, 'TxProfile ends with its transaction');
  });

  it('AuthorizeRemoteTxRequests makes a remote start authorize first', async () => {
    const { call, waitFor, since, mine } = await station();
    await call('ChangeConfiguration', { key: 'AuthorizeRemoteTxRequests', value: 'true' });
    const s0 = since();
    await call('RemoteStartTransaction', { idTag: 'RA', connectorId: 2 });
    await waitFor('StartTransaction', undefined, s0);
    assert.equal(mine('Authorize').length, 1);
  });

  it('rejects driver actions on connectors that do not exist', async () => {
    const { st } = await station();
    await assert.rejects(st.startTransaction(3, 'T'), /no connector 3/);
    await assert.rejects(st.plugIn(0), /no connector 0/);
  });

  it('UnlockConnector stops the transaction with UnlockCommand', async () => {
    const { st, call, waitFor } = await station();
    await st.startTransaction(1, 'U');
    assert.deepEqual(await call('UnlockConnector', { connectorId: 1 }), { status: 'Unlocked' });
    const stop = await waitFor('StopTransaction');
    assert.equal(stop.payload.reason, 'UnlockCommand');
    assert.deepEqual(await call('UnlockConnector', { connectorId: 0 }), { status: 'NotSupported' });
  });

  it('ClearCache forgets cached tags', async () => {
    const { st, call, mine } = await station();
    await st.startTransaction(1, 'C');
    await st.startTransaction(2, 'C');
    assert.equal(mine('Authorize').length, 1);
    // StopTransaction's idTagInfo refreshes the cache too, so clear after it.
    await st.stopTransaction(2);
    assert.deepEqual(await call('ClearCache', {}), { status: 'Accepted' });
    await st.startTransaction(2, 'C');
    assert.equal(mine('Authorize').length, 2);
  });
});

describe('Local Auth List Management', () => {
  it('versions the list: Full replaces, Differential must move forward', async () => {
    const { st, call, mine } = await station();
    assert.deepEqual(await call('GetLocalListVersion', {}), { listVersion: 0 });
    const accepted = { status: 'Accepted' };
    assert.deepEqual(
      await call('SendLocalList', { listVersion: 3, updateType: 'Full', localAuthorizationList: [{ idTag: 'A', idTagInfo: accepted }, { idTag: 'B', idTagInfo: accepted }] }),
      { status: 'Accepted' },
    );
    assert.deepEqual(await call('GetLocalListVersion', {}), { listVersion: 3 });
    assert.deepEqual(await call('SendLocalList', { listVersion: 3, updateType: 'Differential', localAuthorizationList: [] }), { status: 'VersionMismatch' });
    assert.deepEqual(
      await call('SendLocalList', { listVersion: 4, updateType: 'Differential', localAuthorizationList: [{ idTag: 'A' }, { idTag: 'C', idTagInfo: { status: 'Blocked' } }] }),
      { status: 'Accepted' },
    );
    assert.deepEqual(await call('GetLocalListVersion', {}), { listVersion: 4 });
    assert.deepEqual(st.snapshot().localList.map((e) => `${e.idTag}:${e.idTagInfo.status}`).sort(), ['B:Accepted', 'C:Blocked']);
    // A tag the list accepts starts without Authorize (LocalPreAuthorize).
    await st.startTransaction(1, 'B');
    assert.equal(mine('Authorize').length, 0);
    assert.deepEqual(await call('SendLocalList', { listVersion: 1, updateType: 'Full' }), { status: 'Accepted' });
    assert.deepEqual(await call('GetLocalListVersion', {}), { listVersion: 1 });
    assert.equal(st.snapshot().localList.length, 0);
  });
});

describe('Reservation', () => {
  it('ReserveNow reserves, holds the connector for its tag and CancelReservation frees it', async () => {
    const { st, call, waitFor, since } = await station();
    const s0 = since();
    assert.deepEqual(await call('ReserveNow', { connectorId: 1, expiryDate: future(60), idTag: 'RES', reservationId: 11 }), { status: 'Accepted' });
    await waitFor('StatusNotification', (p) => p.connectorId === 1 && p.status === 'Reserved', s0);
    assert.deepEqual(await call('ReserveNow', { connectorId: 1, expiryDate: future(60), idTag: 'X', reservationId: 12 }), { status: 'Occupied' });
    assert.deepEqual(await call('ReserveNow', { connectorId: 0, expiryDate: future(60), idTag: 'X', reservationId: 13 }), { status: 'Rejected' });
    assert.deepEqual(await st.startTransaction(1, 'OTHER'), { status: 'Reserved' });
    assert.equal(st.snapshot().reservations.length, 1);
    assert.deepEqual(await call('CancelReservation', { reservationId: 11 }), { status: 'Accepted' });
    await waitFor('StatusNotification', (p) => p.connectorId === 1 && p.status === 'Available', s0 + 1);
    assert.deepEqual(await call('CancelReservation', { reservationId: 11 }), { status: 'Rejected' });
  });

  it('a StartTransaction by the reserved tag carries the reservationId', async () => {
    const { st, call, waitFor } = await station();
    await call('ReserveNow', { connectorId: 2, expiryDate: future(60), idTag: 'RES', reservationId: 21 });
    await st.startTransaction(2, 'RES');
    const start = await waitFor('StartTransaction');
    assert.equal(start.payload.reservationId, 21);
    assert.equal(st.snapshot().reservations.length, 0);
    assert.deepEqual(await call('ReserveNow', { connectorId: 2, expiryDate: future(60), idTag: 'X', reservationId: 22 }), { status: 'Occupied' });
  });

  it('a reservation expires at its expiryDate', async () => {
    const { call, waitFor, since } = await station();
    const s0 = since();
    await call('ReserveNow', { connectorId: 1, expiryDate: future(0.3), idTag: 'RES', reservationId: 31 });
    await waitFor('StatusNotification', (p) => p.connectorId === 1 && p.status === 'Reserved', s0);
    const reserved = since();
    await waitFor('StatusNotification', (p) => p.connectorId === 1 && p.status === 'Available', reserved);
  });
});

describe('Smart Charging', () => {
  const profile = (over: Record<string, unknown> = {}) => ({
    chargingProfileId: 1,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: {
      startSchedule: new Date(Date.now() - 1000).toISOString(),
      chargingRateUnit: 'W',
      chargingSchedulePeriod: [
        { startPeriod: 0, limit: 7000 },
        { startPeriod: 1800, limit: 3000 },
      ],
    },
    ...over,
  });

  it('validates SetChargingProfile and computes the composite schedule', async () => {
    const { st, call } = await station();
    assert.deepEqual(await call('SetChargingProfile', { connectorId: 0, csChargingProfiles: profile() }), { status: 'Accepted' });
    assert.deepEqual(await call('SetChargingProfile', { connectorId: 1, csChargingProfiles: profile({ chargingProfileId: 2, stackLevel: 11 }) }), { status: 'Rejected' });
    assert.deepEqual(await call('SetChargingProfile', { connectorId: 1, csChargingProfiles: profile({ chargingProfileId: 3, chargingProfilePurpose: 'TxProfile' }) }), { status: 'Rejected' });
    assert.deepEqual(await call('SetChargingProfile', { connectorId: 1, csChargingProfiles: profile({ chargingProfileId: 4, chargingProfilePurpose: 'ChargePointMaxProfile' }) }), { status: 'Rejected' });
    const cap = profile({
      chargingProfileId: 6,
      chargingProfilePurpose: 'ChargePointMaxProfile',
      chargingProfileKind: 'Relative',
      chargingSchedule: { chargingRateUnit: 'W', duration: 600, chargingSchedulePeriod: [{ startPeriod: 0, limit: 5000 }] },
    });
    assert.deepEqual(await call('SetChargingProfile', { connectorId: 0, csChargingProfiles: cap }), { status: 'Accepted' });

    const res = (await call('GetCompositeSchedule', { connectorId: 1, duration: 3600, chargingRateUnit: 'W' })) as {
      status: string;
      chargingSchedule: { chargingRateUnit: string; duration: number; chargingSchedulePeriod: { startPeriod: number; limit: number }[] };
    };
    assert.equal(res.status, 'Accepted');
    assert.equal(res.chargingSchedule.chargingRateUnit, 'W');
    assert.deepEqual(res.chargingSchedule.chargingSchedulePeriod, [
      { startPeriod: 0, limit: 5000 },
      { startPeriod: 600, limit: 7000 },
      { startPeriod: 1799, limit: 3000 },
    ]);
    const amps = (await call('GetCompositeSchedule', { connectorId: 2, duration: 60, chargingRateUnit: 'A' })) as typeof res;
    assert.deepEqual(amps.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 7.2 }]);

    // The limit applies to the energy that actually flows.
    await st.startTransaction(1, 'SC');
    assert.equal(st.snapshot().connectors[0]!.powerW, 5000);

    assert.deepEqual(await call('ClearChargingProfile', { id: 6 }), { status: 'Accepted' });
    assert.deepEqual(await call('ClearChargingProfile', { id: 6 }), { status: 'Unknown' });
    await sleep(10);
    assert.equal(st.snapshot().connectors[0]!.powerW, 7000);
    assert.deepEqual(await call('ClearChargingProfile', { chargingProfilePurpose: 'TxDefaultProfile' }), { status: 'Accepted' });
    const none = (await call('GetCompositeSchedule', { connectorId: 1, duration: 60 })) as typeof res;
    assert.deepEqual(none.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 11000 }], 'the charger maximum');
    assert.deepEqual(await call('GetCompositeSchedule', { connectorId: 7, duration: 60 }), { status: 'Rejected' });
  });

  it('a TxProfile on a running transaction overrides the default; a limit of 0 suspends', async () => {
    const { st, call, waitFor, since } = await station();
    const { transactionId } = await st.startTransaction(1, 'SC');
    const tx = profile({ chargingProfileId: 9, chargingProfilePurpose: 'TxProfile', transactionId, chargingProfileKind: 'Relative', chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 0 }] } });
    const s0 = since();
    assert.deepEqual(await call('SetChargingProfile', { connectorId: 1, csChargingProfiles: tx }), { status: 'Accepted' });
    await waitFor('StatusNotification', (p) => p.connectorId === 1 && p.status === 'SuspendedEVSE', s0);
    const wrongTx = { ...tx, chargingProfileId: 10, transactionId: 999 };
    assert.deepEqual(await call('SetChargingProfile', { connectorId: 1, csChargingProfiles: wrongTx }), { status: 'Rejected' });
  });
});

describe('Remote Trigger', () => {
  it('TriggerMessage answers Accepted and then sends the message', async () => {
    const { call, waitFor, since } = await station();
    const s0 = since();
    assert.deepEqual(await call('TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 2 }), { status: 'Accepted' });
    await waitFor('StatusNotification', (p) => p.connectorId === 2, s0);
    for (const m of ['Heartbeat', 'MeterValues', 'FirmwareStatusNotification', 'DiagnosticsStatusNotification', 'BootNotification']) {
      const s = since();
      assert.deepEqual(await call('TriggerMessage', { requestedMessage: m }), { status: 'Accepted' });
      const r = await waitFor(m, undefined, s);
      if (m === 'MeterValues') assert.equal((r.payload.meterValue as { sampledValue: { context: string }[] }[])[0]!.sampledValue[0]!.context, 'Trigger');
      if (m === 'FirmwareStatusNotification' || m === 'DiagnosticsStatusNotification') assert.equal(r.payload.status, 'Idle');
    }
    assert.deepEqual(await call('TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 5 }), { status: 'Rejected' });
  });

  it('ExtendedTriggerMessage sends SignCertificate with a CSR', async () => {
    const { call, waitFor, since } = await station();
    const s0 = since();
    assert.deepEqual(await call('ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' }), { status: 'Accepted' });
    const r = await waitFor('SignCertificate', undefined, s0);
    assert.match(r.payload.csr as string, /BEGIN CERTIFICATE REQUEST/);
  });
});

describe('Security whitepaper', () => {
  const pem = (s: string) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(s).toString('base64')}\n-----END CERTIFICATE-----\n`;

  it('installs, lists and deletes certificates', async () => {
    const { call } = await station();
    assert.deepEqual(await call('GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' }), { status: 'NotFound' });
    assert.deepEqual(await call('InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: pem('root') }), { status: 'Accepted' });
    assert.deepEqual(await call('InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: 'garbage' }), { status: 'Rejected' });
    const ids = (await call('GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' })) as { status: string; certificateHashData: object[] };
    assert.equal(ids.status, 'Accepted');
    assert.equal(ids.certificateHashData.length, 1);
    assert.deepEqual(await call('DeleteCertificate', { certificateHashData: ids.certificateHashData[0] }), { status: 'Accepted' });
    assert.deepEqual(await call('DeleteCertificate', { certificateHashData: ids.certificateHashData[0] }), { status: 'NotFound' });
    // Only a certificate for the key of the station's own pending CSR is installed (certificates.test.ts).
    assert.deepEqual(await call('CertificateSigned', { certificateChain: pem('leaf') }), { status: 'Rejected' });
    assert.deepEqual(await call('CertificateSigned', { certificateChain: 'nope' }), { status: 'Rejected' });
  });
});
