/**
 * OCPP 2.0.1 and 2.1 authorization (C), transactions (E) and meter values (J) against ocpp-rpc in
 * strict mode: every frame, ours included, is checked against the official schemas of its version.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { startTestServer, type TestServer } from './helpers.js';
import { rpcCharger } from './rpc-peer.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

type Version = 'ocpp2.0.1' | 'ocpp2.1';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A MeterValue with one energy register reading in Wh (plus whatever else is passed). */
function energy(at: number, wh: number, context = 'Sample.Periodic', extra: Json[] = []): Json {
  return {
    timestamp: new Date(at).toISOString(),
    sampledValue: [{ value: wh, context, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }, ...extra],
  };
}

for (const tdb of testDatabases()) {
  describe(`OCPP 2.x transactions and authorization (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    const clients: Json[] = [];
    let nextStation = 0;

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db, { VOLTLANE_COMMAND_TIMEOUT_SEC: '2' });
      const tokens: Json[] = [
        { idToken: 'TX-OK', status: 'Accepted' },
        { idToken: 'TX-OTHER', status: 'Accepted' },
        { idToken: 'TX-BLOCKED', status: 'Blocked' },
        { idToken: 'TX-OLD', status: 'Accepted', expiresAt: new Date(Date.now() - HOUR).toISOString() },
        { idToken: 'FLEET-1', status: 'Accepted', type: 'Central' },
        { idToken: 'FLEET-2', status: 'Blocked' },
        { idToken: 'CARD-A', status: 'Accepted', type: 'ISO14443', parentIdToken: 'FLEET-1', personalMessage: { format: 'UTF8', language: 'en', content: 'Hello A' } },
        { idToken: 'CARD-B', status: 'Accepted', parentIdToken: 'FLEET-2' },
        { idToken: 'POOR', status: 'NoCredit' },
        { idToken: 'EMAID-1', status: 'Accepted', type: 'eMAID' },
      ];
      for (const t of tokens) assert.equal((await s.api('POST', '/api/v1/id-tokens', t)).status, 201, JSON.stringify(t));
    });
    after(async () => {
      for (const c of clients) await c.close({ force: true }).catch(() => undefined);
      await s.stop();
      await cleanup();
    });

    /** A registered, booted strict charger of that version. */
    async function charger(version: Version): Promise<{ cp: Json; id: string }> {
      const id = `TX2-${++nextStation}`;
      assert.equal((await s.api('POST', '/api/v1/stations', { id })).status, 201);
      const cp = rpcCharger({ endpoint: s.ws, identity: id, protocols: [version] });
      clients.push(cp);
      await cp.connect();
      assert.equal(cp.protocol, version);
      const boot = await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'ocpp-rpc', model: 'strict-2x' } });
      assert.equal(boot.status, 'Accepted');
      return { cp, id };
    }

    /** Sends a TransactionEvent; `tx` is the station's transaction id. */
    function txEvent(cp: Json, eventType: string, tx: string, seqNo: number, at: number, more: Json = {}): Promise<Json> {
      const { transactionInfo, ...rest } = more;
      return cp.call('TransactionEvent', {
        eventType, seqNo, timestamp: new Date(at).toISOString(),
        triggerReason: eventType === 'Started' ? 'Authorized' : eventType === 'Ended' ? 'EVCommunicationLost' : 'MeterValuePeriodic',
        transactionInfo: { transactionId: tx, ...transactionInfo },
        ...rest,
      });
    }

    async function transaction(stationId: string, ocppTransactionId: string): Promise<Json> {
      const list = await s.api('GET', `/api/v1/transactions?stationId=${stationId}&ocppTransactionId=${ocppTransactionId}`);
      assert.equal(list.body.total, 1, `one transaction ${ocppTransactionId}: ${JSON.stringify(list.body)}`);
      return (await s.api('GET', `/api/v1/transactions/${list.body.items[0].id}`)).body;
    }

    for (const version of ['ocpp2.0.1', 'ocpp2.1'] as const) {
      it(`${version}: full session Started/Updated/Ended with energy, seqNo, states and reasons through the API`, async () => {
        const { cp, id } = await charger(version);
        const t0 = Date.now() - 30 * MIN;
        const auth = await cp.call('Authorize', { idToken: { idToken: 'TX-OK', type: 'ISO14443' } });
        assert.deepEqual(auth, { idTokenInfo: { status: 'Accepted' } });

        const started = await txEvent(cp, 'Started', 'T-1', 0, t0, {
          evse: { id: 2, connectorId: 1 }, idToken: { idToken: 'TX-OK', type: 'ISO14443' },
          transactionInfo: { chargingState: 'EVConnected' }, meterValue: [energy(t0, 1000, 'Transaction.Begin')],
        });
        assert.deepEqual(started, { idTokenInfo: { status: 'Accepted' } });
        // The token is now busy on this transaction.
        assert.equal((await cp.call('Authorize', { idToken: { idToken: 'TX-OK', type: 'ISO14443' } })).idTokenInfo.status, 'ConcurrentTx');

        assert.deepEqual(await txEvent(cp, 'Updated', 'T-1', 1, t0 + 5 * MIN, {
          triggerReason: 'ChargingStateChanged', transactionInfo: { chargingState: 'Charging' },
        }), {});
        // kWh with multiplier 0.
        await txEvent(cp, 'Updated', 'T-1', 2, t0 + 10 * MIN, {
          meterValue: [{ timestamp: new Date(t0 + 10 * MIN).toISOString(), sampledValue: [
            { value: 2.5, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh', multiplier: 0 } },
            { value: 7.2, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'kW' } },
          ] }],
        });
        let tx = await transaction(id, 'T-1');
        assert.deepEqual(
          [tx.status, tx.energyWh, tx.meterStartWh, tx.evseId, tx.connectorId, tx.idToken, tx.idTokenType, tx.seqNo, tx.chargingState, tx.triggerReason],
          ['active', 1500, 1000, 2, 1, 'TX-OK', 'ISO14443', 2, 'Charging', 'MeterValuePeriodic'],
        );

        const ended = await txEvent(cp, 'Ended', 'T-1', 3, t0 + 20 * MIN, {
          triggerReason: 'EVDeparted', transactionInfo: { stoppedReason: 'EVDisconnected', chargingState: 'Idle', timeSpentCharging: 900 },
          meterValue: [energy(t0 + 20 * MIN, 4500, 'Transaction.End')],
        });
        assert.deepEqual(ended, {});
        tx = await transaction(id, 'T-1');
        assert.deepEqual(
          [tx.status, tx.energyWh, tx.meterStartWh, tx.meterStopWh, tx.stopReason, tx.startedAt, tx.stoppedAt, tx.seqNo, tx.chargingState, tx.timeSpentChargingSec, tx.offline],
          ['completed', 3500, 1000, 4500, 'EVDisconnected', new Date(t0).toISOString(), new Date(t0 + 20 * MIN).toISOString(), 3, 'Idle', 900, false],
        );
        assert.deepEqual(tx.events.map((e: Json) => [e.seqNo, e.eventType, e.triggerReason]), [
          [0, 'Started', 'Authorized'], [1, 'Updated', 'ChargingStateChanged'], [2, 'Updated', 'MeterValuePeriodic'], [3, 'Ended', 'EVDeparted'],
        ]);
        assert.deepEqual(tx.meterValues.map((m: Json) => [m.measurand, m.value, m.unit, m.context]), [
          ['Energy.Active.Import.Register', '1000', 'Wh', 'Transaction.Begin'],
          ['Energy.Active.Import.Register', '2.5', 'kWh', 'Sample.Periodic'],
          ['Power.Active.Import', '7.2', 'kW', 'Sample.Periodic'],
          ['Energy.Active.Import.Register', '4500', 'Wh', 'Transaction.End'],
        ]);
        // Free again.
        assert.equal((await cp.call('Authorize', { idToken: { idToken: 'TX-OK', type: 'ISO14443' } })).idTokenInfo.status, 'Accepted');
      });

      it(`${version}: a retried event (same seqNo) is stored once, and Ended twice bills once`, async () => {
        const { cp, id } = await charger(version);
        const stopped: Json[] = [];
        const off = s.v.core.ctx.events.on('transaction.stopped', (e) => { if (e.stationId === id) stopped.push(e); });
        try {
          const t0 = Date.now() - 10 * MIN;
          await txEvent(cp, 'Started', 'T-R', 0, t0, { evse: { id: 1, connectorId: 1 }, meterValue: [energy(t0, 0, 'Transaction.Begin')] });
          await txEvent(cp, 'Started', 'T-R', 0, t0, { evse: { id: 1, connectorId: 1 }, meterValue: [energy(t0, 0, 'Transaction.Begin')] });
          const update = { meterValue: [energy(t0 + MIN, 800)] };
          await txEvent(cp, 'Updated', 'T-R', 1, t0 + MIN, update);
          await txEvent(cp, 'Updated', 'T-R', 1, t0 + MIN, update);
          let tx = await transaction(id, 'T-R');
          assert.deepEqual([tx.events.length, tx.meterValues.length, tx.energyWh, tx.seqNo], [2, 2, 800, 1]);

          const end = { transactionInfo: { stoppedReason: 'Remote' }, triggerReason: 'RemoteStop', meterValue: [energy(t0 + 2 * MIN, 1200, 'Transaction.End')] };
          await txEvent(cp, 'Ended', 'T-R', 2, t0 + 2 * MIN, end);
          await txEvent(cp, 'Ended', 'T-R', 2, t0 + 2 * MIN, end);
          // Even a second Ended with another seqNo and later time changes nothing billed.
          await txEvent(cp, 'Ended', 'T-R', 3, t0 + 9 * MIN, { ...end, meterValue: [energy(t0 + 9 * MIN, 9999, 'Transaction.End')] });
          tx = await transaction(id, 'T-R');
          assert.deepEqual(
            [tx.status, tx.energyWh, tx.meterStopWh, tx.stopReason, tx.stoppedAt, tx.events.length],
            ['completed', 1200, 1200, 'Remote', new Date(t0 + 2 * MIN).toISOString(), 4],
          );
          assert.equal(stopped.length, 1, 'transaction.stopped once');
          assert.equal(stopped[0].energyWh, 1200);
          assert.equal((await s.api('GET', `/api/v1/transactions?stationId=${id}`)).body.total, 1);
        } finally {
          off();
        }
      });

      it(`${version}: offline events replayed with old timestamps`, async () => {
        const { cp, id } = await charger(version);
        // TX-OTHER is charging elsewhere right now; the offline session long ago is no ConcurrentTx.
        const { cp: other } = await charger(version);
        await txEvent(other, 'Started', 'T-NOW', 0, Date.now(), { idToken: { idToken: 'TX-OTHER', type: 'ISO14443' }, evse: { id: 1 } });
        const t0 = Date.now() - 5 * HOUR;
        const replay = { offline: true, evse: { id: 1, connectorId: 1 } };
        const started = await txEvent(cp, 'Started', 'T-OFF', 0, t0, {
          ...replay, idToken: { idToken: 'TX-OTHER', type: 'ISO14443' }, meterValue: [energy(t0, 50_000, 'Transaction.Begin')],
        });
        assert.equal(started.idTokenInfo.status, 'Accepted');
        await txEvent(cp, 'Updated', 'T-OFF', 1, t0 + 30 * MIN, { ...replay, meterValue: [energy(t0 + 30 * MIN, 55_500)] });
        await txEvent(cp, 'Ended', 'T-OFF', 2, t0 + HOUR, {
          ...replay, triggerReason: 'StopAuthorized', idToken: { idToken: 'TX-OTHER', type: 'ISO14443' },
          transactionInfo: { stoppedReason: 'Local' }, meterValue: [energy(t0 + HOUR, 61_000, 'Transaction.End')],
        });
        const tx = await transaction(id, 'T-OFF');
        assert.deepEqual(
          [tx.status, tx.startedAt, tx.stoppedAt, tx.energyWh, tx.offline, tx.stopIdToken, tx.stopReason],
          ['completed', new Date(t0).toISOString(), new Date(t0 + HOUR).toISOString(), 11_000, true, 'TX-OTHER', 'Local'],
        );
        assert.ok(tx.events.every((e: Json) => e.offline === true));
        assert.deepEqual(tx.meterValues.map((m: Json) => m.timestamp), [t0, t0 + 30 * MIN, t0 + HOUR].map((t) => new Date(t).toISOString()));
        // A live Started of the busy token is ConcurrentTx.
        const busy = await txEvent(cp, 'Started', 'T-BUSY', 0, Date.now(), { idToken: { idToken: 'TX-OTHER', type: 'ISO14443' }, evse: { id: 1 } });
        assert.equal(busy.idTokenInfo.status, 'ConcurrentTx');
      });

      it(`${version}: lost Started: Updated creates the transaction; a late Started moves its start back`, async () => {
        const { cp, id } = await charger(version);
        const t0 = Date.now() - HOUR;
        const first = await txEvent(cp, 'Updated', 'T-LOST', 1, t0 + 10 * MIN, {
          evse: { id: 1, connectorId: 2 }, idToken: { idToken: 'TX-OK', type: 'ISO14443' }, meterValue: [energy(t0 + 10 * MIN, 3000)],
        });
        assert.equal(first.idTokenInfo.status, 'Accepted');
        let tx = await transaction(id, 'T-LOST');
        assert.deepEqual([tx.status, tx.startedAt, tx.meterStartWh, tx.evseId, tx.connectorId, tx.idToken], ['active', new Date(t0 + 10 * MIN).toISOString(), 3000, 1, 2, 'TX-OK']);
        await txEvent(cp, 'Started', 'T-LOST', 0, t0, { evse: { id: 1, connectorId: 2 }, meterValue: [energy(t0, 1000, 'Transaction.Begin')] });
        await txEvent(cp, 'Ended', 'T-LOST', 2, t0 + 20 * MIN, { transactionInfo: { stoppedReason: 'EVDisconnected' }, meterValue: [energy(t0 + 20 * MIN, 6000, 'Transaction.End')] });
        tx = await transaction(id, 'T-LOST');
        assert.deepEqual([tx.status, tx.startedAt, tx.meterStartWh, tx.energyWh, tx.seqNo], ['completed', new Date(t0).toISOString(), 1000, 5000, 2]);

        // Only an Ended arrives: created and completed; absent stoppedReason means Local.
        await txEvent(cp, 'Ended', 'T-ONLY-END', 7, t0 + 30 * MIN, { evse: { id: 2 }, meterValue: [energy(t0 + 30 * MIN, 9000, 'Transaction.End')] });
        tx = await transaction(id, 'T-ONLY-END');
        assert.deepEqual([tx.status, tx.energyWh, tx.stopReason, tx.evseId, tx.connectorId], ['completed', 0, 'Local', 2, 0]);
      });

      it(`${version}: unknown, blocked, expired and no-credit tokens get their status; the transaction is still recorded`, async () => {
        const { cp, id } = await charger(version);
        const t0 = Date.now() - 10 * MIN;
        const cases: [string, string, Json][] = [
          ['T-UNK', 'NOBODY', { status: 'Unknown' }],
          ['T-BLK', 'TX-BLOCKED', { status: 'Blocked' }],
          ['T-EXP', 'TX-OLD', { status: 'Expired' }],
          ['T-POOR', 'POOR', { status: 'NoCredit' }],
        ];
        for (const [i, [txId, token, expected]] of cases.entries()) {
          const r = await txEvent(cp, 'Started', txId, 0, t0, { evse: { id: i + 1, connectorId: 1 }, idToken: { idToken: token, type: 'ISO14443' } });
          assert.equal(r.idTokenInfo.status, expected.status, token);
          if (token === 'TX-OLD') assert.ok(r.idTokenInfo.cacheExpiryDateTime);
          const tx = await transaction(id, txId);
          assert.deepEqual([tx.status, tx.idToken], ['active', token]);
        }
        // Started without a token (cable first); the driver authorizes in an Updated event.
        await txEvent(cp, 'Started', 'T-LATE', 0, t0, { triggerReason: 'CablePluggedIn', evse: { id: 9, connectorId: 1 } });
        const late = await txEvent(cp, 'Updated', 'T-LATE', 1, t0 + MIN, { triggerReason: 'Authorized', idToken: { idToken: 'CARD-A', type: 'ISO14443' } });
        assert.deepEqual(late.idTokenInfo, {
          status: 'Accepted', groupIdToken: { idToken: 'FLEET-1', type: 'Central' }, personalMessage: { format: 'UTF8', language: 'en', content: 'Hello A' },
        });
        // Another card of the group stops it.
        const stop = await txEvent(cp, 'Updated', 'T-LATE', 2, t0 + 2 * MIN, { triggerReason: 'StopAuthorized', idToken: { idToken: 'TX-OK', type: 'ISO14443' } });
        assert.equal(stop.idTokenInfo.status, 'Accepted');
        const tx = await transaction(id, 'T-LATE');
        assert.deepEqual([tx.idToken, tx.idTokenType, tx.stopIdToken, tx.triggerReason], ['CARD-A', 'ISO14443', 'TX-OK', 'StopAuthorized']);
        await txEvent(cp, 'Ended', 'T-LATE', 3, t0 + 3 * MIN, { transactionInfo: { stoppedReason: 'Local' } });
        assert.deepEqual(
          (({ status, stopIdToken, stopReason, energyWh }) => ({ status, stopIdToken, stopReason, energyWh }))(await transaction(id, 'T-LATE')),
          { status: 'completed', stopIdToken: 'TX-OK', stopReason: 'Local', energyWh: null },
        );
        // NoAuthorization (a start button): accepted, no token.
        const free = await txEvent(cp, 'Started', 'T-FREE', 0, t0, { evse: { id: 10 }, idToken: { idToken: '', type: 'NoAuthorization' } });
        assert.equal(free.idTokenInfo.status, 'Accepted');
        const freeTx = await transaction(id, 'T-FREE');
        assert.deepEqual([freeTx.idToken, freeTx.idTokenType], [null, 'NoAuthorization']);
      });

      it(`${version}: Authorize with id token types, case, groups, personal message and certificates`, async () => {
        const { cp } = await charger(version);
        const authorize = async (idToken: string, type: string, more: Json = {}) => cp.call('Authorize', { idToken: { idToken, type }, ...more });
        // Registered with a type: only that type matches. Without: any type.
        assert.equal((await authorize('CARD-A', 'ISO14443')).idTokenInfo.status, 'Accepted');
        assert.equal((await authorize('CARD-A', 'KeyCode')).idTokenInfo.status, 'Unknown');
        for (const type of ['ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'Central', 'eMAID']) {
          assert.equal((await authorize('TX-BLOCKED', type)).idTokenInfo.status, 'Blocked', type);
        }
        assert.equal((await authorize('NOBODY', 'ISO14443')).idTokenInfo.status, 'Unknown');
        assert.equal((await authorize('', 'NoAuthorization')).idTokenInfo.status, 'Accepted');
        // Case insensitive.
        assert.equal((await authorize('card-a', 'ISO14443')).idTokenInfo.status, 'Accepted');
        // Group: the parent comes back as groupIdToken; a blocked group blocks its members.
        assert.deepEqual((await authorize('CARD-A', 'ISO14443')).idTokenInfo.groupIdToken, { idToken: 'FLEET-1', type: 'Central' });
        assert.deepEqual((await authorize('CARD-B', 'ISO15693')).idTokenInfo, { status: 'Blocked', groupIdToken: { idToken: 'FLEET-2', type: 'Central' } });
        assert.equal((await authorize('POOR', 'Local')).idTokenInfo.status, 'NoCredit');
        // ISO 15118 contract: the token is answered; a certificate whose status can't be established
        // (here: no responder listening) is CertChainError (C07, see ocpp2x-certificates).
        const hash = { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '01', responderURL: 'http://127.0.0.1:1/ocsp' };
        assert.deepEqual(await authorize('EMAID-1', 'eMAID', { iso15118CertificateHashData: [hash] }), {
          idTokenInfo: { status: 'Accepted' }, certificateStatus: 'CertChainError',
        });
        assert.deepEqual(await authorize('EMAID-1', 'eMAID'), { idTokenInfo: { status: 'Accepted' } });
      });

      it(`${version}: meter values with multipliers, per phase, signed values stored as received`, async () => {
        const { cp, id } = await charger(version);
        const t0 = Date.now() - 20 * MIN;
        const signed = { signedMeterData: 'T0NNRnx7fQ==', signingMethod: 'ECDSA-secp256r1-SHA256', encodingMethod: 'OCMF', publicKey: 'MFkwEwYHKoZIzj0CAQ==' };
        await txEvent(cp, 'Started', 'T-MV', 0, t0, {
          evse: { id: 1, connectorId: 1 },
          meterValue: [{ timestamp: new Date(t0).toISOString(), sampledValue: [
            { value: 1.25, context: 'Transaction.Begin', unitOfMeasure: { unit: 'Wh', multiplier: 3 }, signedMeterValue: signed },
          ] }],
        });
        // Per phase, Wh with multiplier 3 (i.e. kWh): 0.5 + 0.75 + 1.1 = 2.35 kWh.
        const phase = (p: string, v: number) => ({ value: v, phase: p, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh', multiplier: 3 } });
        await txEvent(cp, 'Updated', 'T-MV', 1, t0 + 5 * MIN, {
          meterValue: [{ timestamp: new Date(t0 + 5 * MIN).toISOString(), sampledValue: [phase('L1', 0.5), phase('L2', 0.75), phase('L3', 1.1),
            { value: 16, measurand: 'Current.Import', phase: 'L1', unitOfMeasure: { unit: 'A' } }] }],
        });
        let tx = await transaction(id, 'T-MV');
        assert.deepEqual([tx.meterStartWh, tx.energyWh], [1250, 1100]);
        const start = tx.meterValues[0];
        assert.deepEqual([start.value, start.unit, start.valueNum, start.context], ['1250', 'Wh', 1250, 'Transaction.Begin']);
        assert.deepEqual(start.signedMeterValue, signed, 'signed meter value as received');
        assert.deepEqual(tx.meterValues.slice(1).map((m: Json) => [m.phase, m.value, m.unit]), [
          ['L1', '500', 'Wh'], ['L2', '750', 'Wh'], ['L3', '1100', 'Wh'], ['L1', '16', 'A'],
        ]);
        await txEvent(cp, 'Ended', 'T-MV', 2, t0 + 10 * MIN, {
          triggerReason: 'SignedDataReceived',
          meterValue: [{ timestamp: new Date(t0 + 10 * MIN).toISOString(), sampledValue: [
            { value: 3, context: 'Transaction.End', unitOfMeasure: { unit: 'kWh' }, signedMeterValue: { ...signed, signedMeterData: 'RU5E' } },
          ] }],
        });
        tx = await transaction(id, 'T-MV');
        assert.deepEqual([tx.status, tx.meterStopWh, tx.energyWh], ['completed', 3000, 1750]);
        assert.equal(tx.meterValues.at(-1).signedMeterValue.signedMeterData, 'RU5E');

        // MeterValues outside a transaction: the main meter (EVSE 0), stored without a transaction.
        assert.deepEqual(await cp.call('MeterValues', {
          evseId: 0,
          meterValue: [{ timestamp: new Date(t0).toISOString(), sampledValue: [
            { value: 12.5, unitOfMeasure: { unit: 'Wh', multiplier: 3 } },
            { value: 230.1, measurand: 'Voltage', phase: 'L1-N', unitOfMeasure: { unit: 'V' } },
          ] }],
        }), {});
        const rows = await s.v.core.ctx.db.query<{ transaction_id: unknown; evse_id: number; energy_wh: number; sampled_values: Json[] }>(
          'select transaction_id, evse_id, energy_wh, sampled_values from meter_values where station_id = $1 and transaction_id is null', [id],
        );
        assert.equal(rows.rows.length, 1);
        assert.deepEqual([rows.rows[0]!.evse_id, rows.rows[0]!.energy_wh], [0, 12_500]);
        assert.deepEqual(rows.rows[0]!.sampled_values.map((v: Json) => [v.value, v.unit, v.measurand]), [
          ['12500', 'Wh', 'Energy.Active.Import.Register'], ['230.1', 'V', 'Voltage'],
        ]);
      });

      it(`${version}: remote start and stop through the command endpoint; remoteStartId stored`, async () => {
        const { cp, id } = await charger(version);
        cp.handle('RequestStartTransaction', () => ({ status: 'Accepted' }));
        cp.handle('RequestStopTransaction', ({ params }: Json) => ({ status: params.transactionId === 'T-REMOTE' ? 'Accepted' : 'Rejected' }));
        cp.handle('GetTransactionStatus', () => ({ ongoingIndicator: true, messagesInQueue: false }));
        const start = await s.api('POST', `/api/v1/stations/${id}/commands/RequestStartTransaction`, {
          idToken: { idToken: 'TX-OK', type: 'Central' }, remoteStartId: 42, evseId: 1,
        });
        assert.deepEqual([start.status, start.body.response.status], [200, 'Accepted']);
        const t0 = Date.now();
        const started = await txEvent(cp, 'Started', 'T-REMOTE', 0, t0, {
          triggerReason: 'RemoteStart', evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'TX-OK', type: 'Central' },
          transactionInfo: { remoteStartId: 42 }, meterValue: [energy(t0, 0, 'Transaction.Begin')],
        });
        assert.equal(started.idTokenInfo.status, 'Accepted');
        assert.equal((await transaction(id, 'T-REMOTE')).remoteStartId, 42);
        const status = await s.api('POST', `/api/v1/stations/${id}/commands/GetTransactionStatus`, { transactionId: 'T-REMOTE' });
        assert.deepEqual(status.body.response, { ongoingIndicator: true, messagesInQueue: false });
        const stop = await s.api('POST', `/api/v1/stations/${id}/commands/RequestStopTransaction`, { transactionId: 'T-REMOTE' });
        assert.equal(stop.body.response.status, 'Accepted');
        await txEvent(cp, 'Ended', 'T-REMOTE', 1, t0 + 1000, { triggerReason: 'RemoteStop', transactionInfo: { stoppedReason: 'Remote' }, meterValue: [energy(t0 + 1000, 10, 'Transaction.End')] });
        const tx = await transaction(id, 'T-REMOTE');
        assert.deepEqual([tx.status, tx.stopReason, tx.energyWh, tx.idTokenType], ['completed', 'Remote', 10, 'Central']);
      });
    }

    it('ocpp2.1: a transaction resumed after a forced reboot (TxResumed) continues', async () => {
      const { cp, id } = await charger('ocpp2.1');
      const t0 = Date.now() - 10 * MIN;
      await txEvent(cp, 'Started', 'T-RESUME', 0, t0, { evse: { id: 1, connectorId: 1 }, meterValue: [energy(t0, 100, 'Transaction.Begin')] });
      await cp.close({ force: true });
      const again = rpcCharger({ endpoint: s.ws, identity: id, protocols: ['ocpp2.1'] });
      clients.push(again);
      await again.connect();
      assert.equal((await again.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'ocpp-rpc', model: 'strict-2x' } })).status, 'Accepted');
      await txEvent(again, 'Updated', 'T-RESUME', 1, t0 + 5 * MIN, { triggerReason: 'TxResumed', meterValue: [energy(t0 + 5 * MIN, 600)] });
      await txEvent(again, 'Ended', 'T-RESUME', 2, t0 + 9 * MIN, { transactionInfo: { stoppedReason: 'Local' }, meterValue: [energy(t0 + 9 * MIN, 900, 'Transaction.End')] });
      const tx = await transaction(id, 'T-RESUME');
      assert.deepEqual([tx.status, tx.energyWh, tx.events[1].triggerReason], ['completed', 800, 'TxResumed']);
    });

    it('id tokens API: type and personal message, validation, case-insensitive duplicates; 1.6 sees 1.6 statuses and keeps SignedData', async () => {
      const made = await s.api('POST', '/api/v1/id-tokens', { idToken: 'API-1', status: 'Accepted', type: 'KeyCode', personalMessage: { format: 'ASCII', content: 'Hi' } });
      assert.equal(made.status, 201);
      assert.deepEqual([made.body.type, made.body.personalMessage], ['KeyCode', { format: 'ASCII', content: 'Hi' }]);
      assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken: 'api-1', status: 'Accepted' })).status, 409);
      assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken: 'API-2', status: 'Accepted', type: 'Badge' })).status, 400);
      assert.equal((await s.api('POST', '/api/v1/id-tokens', { idToken: 'API-2', status: 'Accepted', personalMessage: { content: 'x' } })).status, 400);
      const patched = await s.api('PATCH', '/api/v1/id-tokens/API-1', { type: null, personalMessage: null, status: 'NotAtThisTime' });
      assert.deepEqual([patched.body.type, patched.body.personalMessage, patched.body.status], [null, null, 'NotAtThisTime']);
      assert.equal((await s.api('GET', '/api/v1/id-tokens?type=Central')).body.items.map((t: Json) => t.idToken).join(), 'FLEET-1');
      const tokenList = await s.api('GET', '/api/v1/id-tokens?limit=1000');
      assert.ok(tokenList.body.items.some((t: Json) => t.idToken === 'CARD-A' && t.type === 'ISO14443' && t.parentIdToken === 'FLEET-1'));

      // A 1.6 charger: typed tokens match its idTags; 2.x-only statuses become 1.6 ones.
      assert.equal((await s.api('POST', '/api/v1/stations', { id: 'TX16' })).status, 201);
      const cp = rpcCharger({ endpoint: s.ws, identity: 'TX16', protocols: ['ocpp1.6'] });
      clients.push(cp);
      await cp.connect();
      await cp.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'strict' });
      const tag = async (idTag: string) => (await cp.call('Authorize', { idTag })).idTagInfo;
      assert.deepEqual(await tag('CARD-A'), { status: 'Accepted', parentIdTag: 'FLEET-1' });
      assert.deepEqual(await tag('POOR'), { status: 'Blocked' });
      assert.deepEqual(await tag('API-1'), { status: 'Blocked' });
      assert.deepEqual(await tag('NOBODY'), { status: 'Invalid' });

      // 1.6 SignedData samples go through the same sample conversion and are stored as received.
      const signed = 'OCMF|{"FV":"1.0","RD":[{"RV":1.234,"RU":"kWh"}]}|{"SD":"3045"}';
      const start = await cp.call('StartTransaction', { connectorId: 1, idTag: 'TX-OK', meterStart: 1000, timestamp: new Date().toISOString() });
      await cp.call('MeterValues', {
        connectorId: 1, transactionId: start.transactionId,
        meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '1.234', unit: 'kWh' }, { value: signed, format: 'SignedData', context: 'Sample.Clock' }] }],
      });
      await cp.call('StopTransaction', { transactionId: start.transactionId, meterStop: 1234, timestamp: new Date().toISOString() });
      const tx = (await s.api('GET', `/api/v1/transactions/${start.transactionId}`)).body;
      assert.deepEqual([tx.ocppTransactionId, tx.connectorId, tx.energyWh, tx.stopReason, tx.events], [null, 1, 234, 'Local', []]);
      assert.deepEqual(tx.meterValues.map((m: Json) => [m.format, m.value, m.valueNum]), [['Raw', '1.234', 1.234], ['SignedData', signed, null]]);
    });
  });
}
