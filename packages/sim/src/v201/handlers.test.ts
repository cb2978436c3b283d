import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { V201 } from '@voltlane/ocpp';
import { FakeCsms } from '../fake-csms.js';
import { SimStation } from '../station.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Every test runs on 2.0.1 and on 2.1: the RPC layer checks both directions against each version's schemas.
for (const version of ['ocpp2.0.1', 'ocpp2.1'] as const) {
  describe(version, () => {
    /** One CSMS and one file server per version; a fresh station per test. */
    let csms: FakeCsms;
    let http: Server;
    let base: string;
    const uploads = new Map<string, string>();
    const stations: SimStation[] = [];
    let n = 0;

    before(async () => {
      csms = await FakeCsms.start(0, { version });
      http = createServer((req, res) => {
        const url = req.url ?? '';
        if (req.method === 'GET' && url.startsWith('/fw/')) {
          res.end(Buffer.alloc(2048, 1));
        } else if (req.method === 'PUT' && url.startsWith('/upload/')) {
          let body = '';
          req.on('data', (d: Buffer) => (body += d.toString()));
          req.on('end', () => {
            uploads.set(url, body);
            res.end();
          });
        } else {
          res.statusCode = 404;
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

    async function station(opts: { connectors?: number } = {}) {
      const id = `V${++n}`;
      const st = new SimStation({ url: csms.url, id, ocppVersion: version, rebootDelayMs: 50, reconnectMinMs: 50, meterValueIntervalSec: 0, ...opts });
      stations.push(st);
      await st.start();
      const call = (action: string, payload: object) => csms.call(id, action, payload);
      const since = () => csms.received.length;
      const waitFor = (action: string, match: (p: Record<string, unknown>) => boolean = () => true, from = 0, timeoutMs = 3000) =>
        csms.waitFor(action, match, { since: from, station: id, timeoutMs });
      const mine = (action: string, from = 0) => csms.received.slice(from).filter((r) => r.station === id && r.action === action);
      return { st, id, call, since, mine, waitFor };
    }

    const future = (sec: number) => new Date(Date.now() + sec * 1000).toISOString();
    const tag = (idToken: string) => ({ idToken, type: 'ISO14443' });
    const profile = (id: number, purpose: string, limit: number, extra: object = {}) => ({
      id,
      stackLevel: 1,
      chargingProfilePurpose: purpose,
      chargingProfileKind: 'Absolute',
      chargingSchedule: [{ id: 1, startSchedule: new Date(Date.now() - 1000).toISOString(), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit }] }],
      ...extra,
    });

    describe('availability and remote control', () => {
      it('ChangeAvailability of an EVSE and of the station', async () => {
        const { st, call, waitFor, since } = await station();
        const s0 = since();
        assert.deepEqual(await call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 2 } }), { status: 'Accepted' });
        await waitFor('StatusNotification', (p) => p.evseId === 2 && p.connectorStatus === 'Unavailable', s0);
        assert.deepEqual(await call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 9 } }), { status: 'Rejected' });
        assert.deepEqual(await st.startTransaction(2, 'T'), { status: 'Unavailable' });
        await st.startTransaction(1, 'T');
        assert.deepEqual(await call('ChangeAvailability', { operationalStatus: 'Inoperative' }), { status: 'Scheduled' });
        assert.deepEqual(await call('ChangeAvailability', { operationalStatus: 'Operative' }), { status: 'Accepted' });
        assert.deepEqual(await call('ChangeAvailability', { operationalStatus: 'Operative', evse: { id: 2 } }), { status: 'Accepted' });
        await waitFor('StatusNotification', (p) => p.evseId === 2 && p.connectorStatus === 'Available', s0);
      });

      it('UnlockConnector: unknown connector, ongoing authorized transaction, unlocked', async () => {
        const { st, call } = await station();
        assert.deepEqual(await call('UnlockConnector', { evseId: 5, connectorId: 1 }), { status: 'UnknownConnector' });
        assert.deepEqual(await call('UnlockConnector', { evseId: 1, connectorId: 2 }), { status: 'UnknownConnector' });
        assert.deepEqual(await call('UnlockConnector', { evseId: 1, connectorId: 1 }), { status: 'Unlocked' });
        await st.startTransaction(1, 'T');
        assert.deepEqual(await call('UnlockConnector', { evseId: 1, connectorId: 1 }), { status: 'OngoingAuthorizedTransaction' });
      });

      it('TriggerMessage sends what is asked for', async () => {
        const { st, call, waitFor, since } = await station();
        const s0 = since();
        assert.deepEqual(await call('TriggerMessage', { requestedMessage: 'Heartbeat' }), { status: 'Accepted' });
        await waitFor('Heartbeat', undefined, s0);
        assert.deepEqual(await call('TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 2, connectorId: 1 } }), { status: 'Accepted' });
        await waitFor('StatusNotification', (p) => p.evseId === 2, s0);
        assert.deepEqual(await call('TriggerMessage', { requestedMessage: 'MeterValues', evse: { id: 1 } }), { status: 'Accepted' });
        const mv = await waitFor('MeterValues', (p) => p.evseId === 1, s0);
        assert.equal((mv.payload as unknown as V201.MeterValuesRequest).meterValue[0].sampledValue[0].context, 'Trigger');
        assert.deepEqual(await call('TriggerMessage', { requestedMessage: 'TransactionEvent' }), { status: 'Rejected' });
        await st.startTransaction(1, 'T');
        assert.deepEqual(await call('TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } }), { status: 'Accepted' });
        await waitFor('TransactionEvent', (p) => p.triggerReason === 'Trigger', s0);
        assert.deepEqual(await call('TriggerMessage', { requestedMessage: 'BootNotification' }), { status: 'Rejected' });
        assert.deepEqual(await call('TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' }), { status: 'Accepted' });
        await waitFor('FirmwareStatusNotification', (p) => p.status === 'Idle', s0);
        assert.deepEqual(await call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' }), { status: 'Accepted' });
        const sign = await waitFor('SignCertificate', undefined, s0);
        assert.equal(sign.payload.certificateType, 'ChargingStationCertificate');
        assert.match(sign.payload.csr as string, /BEGIN CERTIFICATE REQUEST/);
        assert.deepEqual(await call('TriggerMessage', { requestedMessage: 'PublishFirmwareStatusNotification' }), { status: 'NotImplemented' });
        assert.deepEqual(await call('TriggerMessage', { requestedMessage: 'Heartbeat', evse: { id: 7 } }), { status: 'Rejected' });
      });

      it('RequestStartTransaction: refused when busy; names the transaction the cable started', async () => {
        const { st, call, waitFor, since } = await station({ connectors: 1 });
        await st.plugIn(1);
        const started = await waitFor('TransactionEvent', (p) => p.eventType === 'Started');
        const uuid = (started.payload.transactionInfo as V201.TransactionType).transactionId;
        const s0 = since();
        assert.deepEqual(await call('RequestStartTransaction', { idToken: tag('R1'), remoteStartId: 9 }), { status: 'Accepted', transactionId: uuid });
        const upd = await waitFor('TransactionEvent', (p) => p.triggerReason === 'RemoteStart', s0);
        assert.equal(upd.payload.eventType, 'Updated');
        assert.equal((upd.payload.transactionInfo as V201.TransactionType).remoteStartId, 9);
        assert.deepEqual(await call('RequestStartTransaction', { idToken: tag('R2'), remoteStartId: 10 }), { status: 'Rejected' });
        assert.deepEqual(await call('RequestStartTransaction', { idToken: tag('R2'), remoteStartId: 11, evseId: 1, chargingProfile: profile(1, 'TxDefaultProfile', 1000) }), { status: 'Rejected' });
      });

      it('RequestStartTransaction with a TxProfile limits the power', async () => {
        const { st, call, waitFor, since } = await station({ connectors: 1 });
        const s0 = since();
        const p = profile(3, 'TxProfile', 3680);
        assert.deepEqual(await call('RequestStartTransaction', { idToken: tag('R1'), remoteStartId: 1, evseId: 1, chargingProfile: p }), { status: 'Accepted' });
        await waitFor('TransactionEvent', (x) => x.triggerReason === 'ChargingStateChanged', s0);
        assert.equal(st.snapshot().connectors[0]!.powerW, 3680);
        assert.equal(st.snapshot().chargingProfiles[0]?.profile.chargingProfileId, 3);
      });
    });

    describe('authorization, local list, reservations', () => {
      it('SendLocalList, GetLocalListVersion, ClearCache; a listed token needs no Authorize', async () => {
        const { st, call, mine } = await station();
        assert.deepEqual(await call('GetLocalListVersion', {}), { versionNumber: 0 });
        const list = { versionNumber: 3, updateType: 'Full', localAuthorizationList: [{ idToken: tag('A'), idTokenInfo: { status: 'Accepted' } }, { idToken: tag('B'), idTokenInfo: { status: 'Blocked' } }] };
        assert.deepEqual(await call('SendLocalList', list), { status: 'Accepted' });
        assert.deepEqual(await call('GetLocalListVersion', {}), { versionNumber: 3 });
        assert.deepEqual(await call('SendLocalList', { versionNumber: 2, updateType: 'Differential' }), { status: 'VersionMismatch' });
        assert.equal((await st.startTransaction(1, 'A')).status, 'Accepted');
        assert.equal(mine('Authorize').length, 0);
        assert.deepEqual(await call('ClearCache', {}), { status: 'Accepted' });
        assert.equal(st.snapshot().configuration['LocalAuthListCtrlr.Entries'], '2');
      });

      it('ReserveNow makes the EVSE Reserved and expires with ReservationStatusUpdate; CancelReservation', async () => {
        const { st, call, waitFor, since } = await station();
        const s0 = since();
        assert.deepEqual(await call('ReserveNow', { id: 5, expiryDateTime: future(1), idToken: tag('RES') }), { status: 'Rejected' }, 'no EVSE given');
        assert.deepEqual(await call('ReserveNow', { id: 5, expiryDateTime: future(1), idToken: tag('RES'), evseId: 1 }), { status: 'Accepted' });
        await waitFor('StatusNotification', (p) => p.evseId === 1 && p.connectorStatus === 'Reserved', s0);
        assert.deepEqual(await st.startTransaction(1, 'OTHER'), { status: 'Reserved' });
        const upd = await waitFor('ReservationStatusUpdate', undefined, s0, 2500);
        assert.deepEqual(upd.payload, { reservationId: 5, reservationUpdateStatus: 'Expired' });
        await waitFor('StatusNotification', (p) => p.evseId === 1 && p.connectorStatus === 'Available', csms.received.indexOf(upd));

        assert.deepEqual(await call('ReserveNow', { id: 6, expiryDateTime: future(60), idToken: tag('RES'), evseId: 2 }), { status: 'Accepted' });
        assert.deepEqual(await call('ReserveNow', { id: 7, expiryDateTime: future(60), idToken: tag('X'), evseId: 2 }), { status: 'Occupied' });
        const s1 = since();
        const r = await st.startTransaction(2, 'RES');
        assert.equal(r.status, 'Accepted');
        const started = await waitFor('TransactionEvent', (p) => p.eventType === 'Started', s1);
        assert.equal(started.payload.reservationId, 6);
        assert.deepEqual(await call('CancelReservation', { reservationId: 6 }), { status: 'Rejected' }, 'used up');
        assert.deepEqual(await call('ReserveNow', { id: 8, expiryDateTime: future(60), idToken: tag('RES'), evseId: 1 }), { status: 'Accepted' });
        assert.deepEqual(await call('CancelReservation', { reservationId: 8 }), { status: 'Accepted' });
      });
    });

    describe('smart charging', () => {
      it('SetChargingProfile, GetChargingProfiles (ReportChargingProfiles), GetCompositeSchedule, ClearChargingProfile', async () => {
        const { st, call, waitFor, since } = await station();
        assert.deepEqual(await call('SetChargingProfile', { evseId: 0, chargingProfile: profile(1, 'ChargingStationMaxProfile', 7000) }), { status: 'Accepted' });
        assert.deepEqual(await call('SetChargingProfile', { evseId: 1, chargingProfile: profile(2, 'TxDefaultProfile', 4000) }), { status: 'Accepted' });
        const refused = (await call('SetChargingProfile', { evseId: 1, chargingProfile: profile(3, 'TxProfile', 1000, { transactionId: 'nope' }) })) as { status: string };
        assert.equal(refused.status, 'Rejected');
        assert.equal((await call('SetChargingProfile', { evseId: 0, chargingProfile: profile(4, 'ChargingStationExternalConstraints', 1000) })).status, 'Rejected');

        const s0 = since();
        assert.deepEqual(await call('GetChargingProfiles', { requestId: 12, chargingProfile: {} }), { status: 'Accepted' });
        const last = await waitFor('ReportChargingProfiles', (p) => !p.tbc, s0);
        const reports = csms.received.slice(s0).filter((r) => r.action === 'ReportChargingProfiles' && r.station === last.station).map((r) => r.payload as unknown as V201.ReportChargingProfilesRequest);
        assert.deepEqual(reports.map((r) => [r.evseId, r.chargingProfile.map((p) => p.id), r.tbc]), [[0, [1], true], [1, [2], false]]);
        assert.equal(reports[0]!.chargingLimitSource, 'CSO');
        assert.deepEqual(reports[1]!.chargingProfile[0], profile(2, 'TxDefaultProfile', 4000, { chargingSchedule: reports[1]!.chargingProfile[0].chargingSchedule }));
        assert.deepEqual(await call('GetChargingProfiles', { requestId: 13, chargingProfile: { chargingProfilePurpose: 'TxProfile' } }), { status: 'NoProfiles' });

        const composite = (await call('GetCompositeSchedule', { evseId: 1, duration: 600, chargingRateUnit: 'W' })) as unknown as V201.GetCompositeScheduleResponse;
        assert.equal(composite.status, 'Accepted');
        assert.equal(composite.schedule?.evseId, 1);
        assert.deepEqual(composite.schedule?.chargingSchedulePeriod, [{ startPeriod: 0, limit: 4000 }]);
        assert.deepEqual(await call('GetCompositeSchedule', { evseId: 9, duration: 60 }), { status: 'Rejected' });

        const { transactionUuid } = await st.startTransaction(1, 'T');
        assert.equal(st.snapshot().connectors[0]!.powerW, 4000);
        assert.deepEqual(await call('SetChargingProfile', { evseId: 1, chargingProfile: profile(5, 'TxProfile', 2000, { transactionId: transactionUuid }) }), { status: 'Accepted' });
        await sleep(20);
        assert.equal(st.snapshot().connectors[0]!.powerW, 2000);
        assert.deepEqual(await call('ClearChargingProfile', { chargingProfileCriteria: { chargingProfilePurpose: 'TxProfile' } }), { status: 'Accepted' });
        assert.deepEqual(await call('ClearChargingProfile', { chargingProfileId: 99 }), { status: 'Unknown' });
        assert.deepEqual(await call('ClearChargingProfile', {}), { status: 'Accepted' });
        await sleep(20);
        assert.equal(st.snapshot().connectors[0]!.powerW, 11000);
      });
    });

    describe('firmware, diagnostics, display, security', () => {
      it('UpdateFirmware: Downloading .. InstallRebooting, reboot with FirmwareUpdate, Installed', async () => {
        const { st, id, call, waitFor, since } = await station();
        const s0 = since();
        const res = await call('UpdateFirmware', { requestId: 77, firmware: { location: `${base}/fw/voltlane-2.1.bin`, retrieveDateTime: new Date().toISOString() } });
        assert.deepEqual(res, { status: 'Accepted' });
        await waitFor('FirmwareStatusNotification', (p) => p.status === 'Installed', s0, 5000);
        const statuses = csms.received.slice(s0).filter((r) => r.station === id && r.action === 'FirmwareStatusNotification').map((r) => r.payload);
        assert.deepEqual(statuses.map((p) => p.status), ['Downloading', 'Downloaded', 'Installing', 'InstallRebooting', 'Installed']);
        assert.ok(statuses.every((p) => p.requestId === 77));
        const boot = await waitFor('BootNotification', undefined, s0);
        assert.equal(boot.payload.reason, 'FirmwareUpdate');
        assert.equal((boot.payload.chargingStation as V201.ChargingStationType).firmwareVersion, 'voltlane-2.1.bin');
        assert.equal(st.firmwareVersion, 'voltlane-2.1.bin');
        await waitFor('SecurityEventNotification', (p) => p.type === 'FirmwareUpdated', s0);
      });

      it('GetLog uploads with HTTP PUT and reports Uploading, Uploaded', async () => {
        const { call, waitFor, since } = await station();
        const s0 = since();
        const res = (await call('GetLog', { logType: 'DiagnosticsLog', requestId: 4, log: { remoteLocation: `${base}/upload/` } })) as { status: string; filename: string };
        assert.equal(res.status, 'Accepted');
        await waitFor('LogStatusNotification', (p) => p.status === 'Uploaded', s0);
        assert.deepEqual(csms.received.slice(s0).filter((r) => r.action === 'LogStatusNotification').map((r) => r.payload), [
          { status: 'Uploading', requestId: 4 },
          { status: 'Uploaded', requestId: 4 },
        ]);
        assert.match(uploads.get(`/upload/${res.filename}`) ?? '', /diagnostics/);
      });

      it('DataTransfer, CostUpdated, SetNetworkProfile, CustomerInformation, and NotImplemented', async () => {
        const { st, call, waitFor, since } = await station();
        assert.deepEqual(await call('DataTransfer', { vendorId: 'Voltlane', messageId: 'echo', data: { a: 1 } }), { status: 'Accepted', data: { a: 1 } });
        assert.deepEqual(await call('DataTransfer', { vendorId: 'Other' }), { status: 'UnknownVendorId' });
        const { transactionUuid } = await st.startTransaction(1, 'CUST');
        assert.deepEqual(await call('CostUpdated', { totalCost: 1.25, transactionId: transactionUuid }), {});
        const profile0 = { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://csms.example/ocpp', messageTimeout: 30, securityProfile: 2, ocppInterface: 'Wired0' };
        assert.deepEqual(await call('SetNetworkProfile', { configurationSlot: 1, connectionData: profile0 }), { status: 'Accepted' });
        const s0 = since();
        assert.deepEqual(await call('CustomerInformation', { requestId: 3, report: true, clear: true, idToken: tag('CUST') }), { status: 'Accepted' });
        const info = await waitFor('NotifyCustomerInformation', undefined, s0);
        assert.equal(info.payload.requestId, 3);
        assert.equal(info.payload.seqNo, 0);
        assert.match(info.payload.data as string, /CUST.*transactions: [0-9a-f-]{36} on EVSE 1/);
        assert.deepEqual(await call('CustomerInformation', { requestId: 4, report: true, clear: false }), { status: 'Rejected' });
        await assert.rejects(call('PublishFirmware', { location: `${base}/fw/x.bin`, checksum: 'abc', requestId: 1 }), { code: 'NotImplemented' });
      });

      it('monitoring: set, report, clear, base and level', async () => {
        const { call, waitFor, since } = await station();
        const m = { value: 10, type: 'Delta', severity: 5, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } };
        const res = (await call('SetVariableMonitoring', { setMonitoringData: [m, { ...m, component: { name: 'Nope' } }, { ...m, variable: { name: 'Nope' } }] })) as unknown as V201.SetVariableMonitoringResponse;
        assert.deepEqual(res.setMonitoringResult.map((r) => r.status), ['Accepted', 'UnknownComponent', 'UnknownVariable']);
        const id = res.setMonitoringResult[0].id!;
        const s0 = since();
        assert.deepEqual(await call('GetMonitoringReport', { requestId: 2 }), { status: 'Accepted' });
        const rep = await waitFor('NotifyMonitoringReport', undefined, s0);
        assert.equal((rep.payload as unknown as V201.NotifyMonitoringReportRequest).monitor![0].variableMonitoring[0].id, id);
        assert.deepEqual(await call('ClearVariableMonitoring', { id: [id, 999] }), { clearMonitoringResult: [{ id, status: 'Accepted' }, { id: 999, status: 'NotFound' }] });
        assert.deepEqual(await call('GetMonitoringReport', { requestId: 3 }), { status: 'EmptyResultSet' });
        assert.deepEqual(await call('SetMonitoringBase', { monitoringBase: 'HardWiredOnly' }), { status: 'Accepted' });
        assert.deepEqual(await call('SetMonitoringLevel', { severity: 4 }), { status: 'Accepted' });
      });

      it('display messages: set, get (NotifyDisplayMessages), clear', async () => {
        const { call, waitFor, since } = await station();
        const msg = (id: number, format = 'UTF8') => ({ message: { id, priority: 'NormalCycle', message: { format, content: `hello ${id}` } } });
        assert.deepEqual(await call('SetDisplayMessage', msg(1)), { status: 'Accepted' });
        assert.deepEqual(await call('SetDisplayMessage', msg(2, 'HTML')), { status: 'NotSupportedMessageFormat' });
        assert.deepEqual(await call('SetDisplayMessage', { message: { ...msg(3).message, transactionId: 'nope' } }), { status: 'UnknownTransaction' });
        const s0 = since();
        assert.deepEqual(await call('GetDisplayMessages', { requestId: 9 }), { status: 'Accepted' });
        const got = await waitFor('NotifyDisplayMessages', undefined, s0);
        assert.deepEqual((got.payload as unknown as V201.NotifyDisplayMessagesRequest).messageInfo!.map((m) => m.id), [1]);
        assert.deepEqual(await call('GetDisplayMessages', { requestId: 10, id: [5] }), { status: 'Unknown' });
        assert.deepEqual(await call('ClearDisplayMessage', { id: 1 }), { status: 'Accepted' });
        assert.deepEqual(await call('ClearDisplayMessage', { id: 1 }), { status: 'Unknown' });
      });

      it('certificates: install, list, delete; CertificateSigned', async () => {
        const { call } = await station();
        const pem = '-----BEGIN CERTIFICATE-----\nMIIBroot\n-----END CERTIFICATE-----\n';
        assert.deepEqual(await call('InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: pem }), { status: 'Accepted' });
        assert.deepEqual(await call('InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: 'garbage' }), { status: 'Rejected' });
        const ids = (await call('GetInstalledCertificateIds', { certificateType: ['CSMSRootCertificate'] })) as unknown as V201.GetInstalledCertificateIdsResponse;
        assert.equal(ids.status, 'Accepted');
        const hash = ids.certificateHashDataChain![0].certificateHashData;
        assert.equal(ids.certificateHashDataChain![0].certificateType, 'CSMSRootCertificate');
        assert.deepEqual(await call('GetInstalledCertificateIds', { certificateType: ['V2GRootCertificate'] }), { status: 'NotFound' });
        assert.deepEqual(await call('DeleteCertificate', { certificateHashData: hash }), { status: 'Accepted' });
        assert.deepEqual(await call('DeleteCertificate', { certificateHashData: hash }), { status: 'NotFound' });
        // Only a certificate for the key of the station's own pending CSR is installed (certificates.test.ts).
        assert.deepEqual(await call('CertificateSigned', { certificateChain: pem }), { status: 'Rejected' });
        assert.deepEqual(await call('CertificateSigned', { certificateChain: 'nope' }), { status: 'Rejected' });
      });
    });
  });
}
