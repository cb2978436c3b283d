import { randomUUID } from 'node:crypto';
import type { V201 } from '@voltlane/ocpp';
import type { Connector, Transaction, Tx2 } from '../connector.js';
import { advance, registerWh, socOf, type ReadingContext } from '../meter.js';
import type { AnyStopReason } from '../station.js';
import type { StartResult } from '../transactions.js';
import { TxQueue, type TxAction, type TxQueueHost } from '../tx-queue.js';
import type { IdTagInfo } from '../types.js';
import type { Ocpp2 } from './ocpp2.js';
import { toChargingProfile } from './profiles.js';
import { meterValue, registerValue } from './readings.js';

type Event = V201.TransactionEventRequest;
type Trigger = V201.TriggerReasonEnumType;
type Reason = V201.ReasonEnumType;
type ChargingState = Tx2['chargingState'];

/**
 * The idTokenInfo of a local-list or cache entry.
 * @example toIdTokenInfo({ status: 'Accepted', parentIdTag: 'G' }) // -> { status: 'Accepted', groupIdToken: { idToken: 'G', type: 'Central' } }
 */
export function toIdTokenInfo(info: IdTagInfo): V201.IdTokenInfoType {
  const out: V201.IdTokenInfoType = { status: info.status };
  if (info.expiryDate) out.cacheExpiryDateTime = info.expiryDate;
  if (info.parentIdTag) out.groupIdToken = { idToken: info.parentIdTag, type: 'Central' };
  return out;
}

/**
 * A 2.0.1 idTokenInfo in the shape the shared local list and cache keep (statuses 1.6 lacks are kept as they are).
 * @example toIdTagInfo({ status: 'NoCredit', cacheExpiryDateTime: '2030-01-01T00:00:00Z' }) // -> { status: 'NoCredit', expiryDate: '2030-01-01T00:00:00Z' }
 */
export function toIdTagInfo(info: V201.IdTokenInfoType): IdTagInfo {
  const out: IdTagInfo = { status: info.status as IdTagInfo['status'] };
  if (info.cacheExpiryDateTime) out.expiryDate = info.cacheExpiryDateTime;
  if (info.groupIdToken) out.parentIdTag = info.groupIdToken.idToken;
  return out;
}

/** 1.6 stop reasons that 2.0.1 names differently. */
const REASONS: Partial<Record<AnyStopReason, Reason>> = { HardReset: 'ImmediateReset', SoftReset: 'ImmediateReset', UnlockCommand: 'Other' };
/** The triggerReason that goes with a stoppedReason. */
const TRIGGERS: Partial<Record<Reason, Trigger>> = {
  Local: 'StopAuthorized',
  Remote: 'RemoteStop',
  EVDisconnected: 'EVCommunicationLost',
  DeAuthorized: 'Deauthorized',
  ImmediateReset: 'ResetCommand',
  EnergyLimitReached: 'EnergyLimitReached',
  TimeLimitReached: 'TimeLimitReached',
  StoppedByEV: 'ChargingStateChanged',
  SOCLimitReached: 'ChargingStateChanged',
};
const CONTEXT_TRIGGERS: Partial<Record<ReadingContext, Trigger>> = { 'Sample.Periodic': 'MeterValuePeriodic', 'Sample.Clock': 'MeterValueClock' };

/**
 * Transactions of a 2.x station (OCPP 2.0.1 blocks C and E): authorization through the local
 * list, the cache or Authorize, and one TransactionEvent per change, numbered by seqNo and
 * delivered through the shared {@link TxQueue} (queued with `offline: true` and the original
 * timestamps while the station is offline). Plugging in starts a transaction when TxStartPoint
 * has EVConnected (triggerReason CablePluggedIn); presenting an idToken starts one or authorizes
 * the running one (Authorized, or RemoteStart for RequestStartTransaction). Power flows once the
 * transaction is authorized and the CSMS answered.
 * @example
 * const result = await ocpp2.tx.begin(station.connectors[1]!, 'TAG1', { authorize: true });
 */
export class TxEvents implements TxQueueHost {
  readonly queue: TxQueue;
  /** Running number of the station's transactions (the numeric `transactionId` of the public API). */
  private count = 0;

  constructor(private readonly o: Ocpp2) {
    this.queue = new TxQueue(this);
  }

  // TxQueueHost
  ready(): boolean {
    return this.o.st.link.ready;
  }

  send(action: TxAction, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.o.st.link.call(action, payload);
  }

  started(): void {
    // 2.x transactions have the station's id from the start: nothing to learn from the answer.
  }

  retryPolicy(): { attempts: number; intervalMs: number } {
    const m = this.o.model;
    return {
      attempts: m.int('OCPPCommCtrlr', 'MessageAttempts', 'TransactionEvent') || 1,
      intervalMs: m.int('OCPPCommCtrlr', 'MessageAttemptInterval', 'TransactionEvent') * 1000,
    };
  }

  log(msg: string): void {
    this.o.st.log(msg);
  }

  /** The authorization decision for an idToken: local list / cache (LocalPreAuthorize), Authorize, or the offline rules. */
  async authorize(idToken: V201.IdTokenType): Promise<V201.IdTokenInfoType> {
    const { st, model } = this.o;
    const useList = model.bool('LocalAuthListCtrlr', 'Enabled');
    const useCache = model.bool('AuthCacheCtrlr', 'Enabled');
    const known = useList || useCache ? st.auth.lookup(idToken.idToken, useList, useCache) : undefined;
    if (st.link.ready) {
      if (known?.status === 'Accepted' && model.bool('AuthCtrlr', 'LocalPreAuthorize')) return toIdTokenInfo(known);
      try {
        const res = (await st.link.call('Authorize', { idToken })) as unknown as V201.AuthorizeResponse;
        if (useCache) st.auth.remember(idToken.idToken, toIdTagInfo(res.idTokenInfo));
        return res.idTokenInfo;
      } catch (e) {
        st.log(`Authorize failed (${(e as Error).message}); deciding offline`);
      }
    }
    if (known && model.bool('AuthCtrlr', 'LocalAuthorizeOffline')) return toIdTokenInfo(known);
    if (!known && model.bool('AuthCtrlr', 'OfflineTxForUnknownIdEnabled')) return { status: 'Accepted' };
    return { status: known ? known.status : 'Unknown' };
  }

  /**
   * An idToken is presented (a driver's card, or RequestStartTransaction with `remoteStartId`):
   * authorizes, then starts a transaction or authorizes the one the cable started.
   */
  async begin(
    c: Connector,
    token: string,
    how: { authorize: boolean; remoteStartId?: number; type?: V201.IdTokenEnumType; profile?: V201.ChargingProfileType },
  ): Promise<StartResult> {
    const { st } = this.o;
    if (c.tx?.v2?.authorized) return { status: 'Occupied' };
    if (!c.operative || !st.connectors[0]!.operative) return { status: 'Unavailable' };
    const idToken: V201.IdTokenType = { idToken: token, type: how.type ?? this.o.idTokenType };
    const info: V201.IdTokenInfoType = how.authorize ? await this.authorize(idToken) : { status: 'Accepted' };
    if (info.status !== 'Accepted') return { status: info.status };
    if (c.tx?.v2?.authorized) return { status: 'Occupied' };
    const reservation = st.reservationsIfAny()?.forConnector(c.id);
    if (reservation && reservation.idTag !== token && (!reservation.parentIdTag || info.groupIdToken?.idToken !== reservation.parentIdTag)) {
      return { status: 'Reserved' };
    }
    if (reservation) st.reservations.remove(reservation.reservationId);

    const now = Date.now();
    advance(c, now);
    c.plugged = true;
    c.finishing = false;
    const trigger: Trigger = how.remoteStartId !== undefined ? 'RemoteStart' : 'Authorized';
    let tx = c.tx;
    let event: Event;
    if (tx?.v2) {
      // The cable started it: now it is authorized.
      tx.idTag = token;
      tx.pending = st.link.ready;
      Object.assign(tx.v2, { authorized: true, idTokenType: idToken.type }, how.remoteStartId !== undefined ? { remoteStartId: how.remoteStartId } : {});
      event = this.event(tx, 'Updated', trigger, now, { idToken });
    } else {
      tx = this.create(c, token, now, { authorized: true, idTokenType: idToken.type, ...(how.remoteStartId !== undefined ? { remoteStartId: how.remoteStartId } : {}) });
      if (reservation) tx.reservationId = reservation.reservationId;
      event = this.startEvent(c, tx, trigger, now, { idToken });
    }
    if (how.profile) {
      const own = tx;
      const problem = st.profiles.install(c.id, toChargingProfile(how.profile, (uuid) => (uuid === own.v2!.uuid ? own.id : undefined)), st.profileLimits(), how.profile);
      if (problem) st.log(`charging profile of the remote start ignored: ${problem}`);
    }
    const result: StartResult = { transactionId: tx.id, transactionUuid: tx.v2!.uuid, status: 'Accepted' };
    // Online the status (Occupied) goes first; offline power flows at once and the status follows from it.
    if (tx.pending) void st.refreshStatus(c);
    const reply = this.push(c, tx, event);
    st.metering.restart();
    if (!tx.pending) {
      reply.catch(() => undefined);
      st.metering.update(c, now);
      return result;
    }
    const started = tx;
    try {
      const res = (await reply) as V201.TransactionEventResponse;
      return { ...result, status: res.idTokenInfo?.status ?? 'Accepted' };
    } catch (e) {
      st.log(`TransactionEvent failed: ${(e as Error).message}`);
      return result;
    } finally {
      if (c.tx === started && started.pending) {
        started.pending = false;
        st.metering.update(c);
      }
    }
  }

  /** The cable went in: a transaction starts (TxStartPoint EVConnected), or the running one hears of it. */
  async cablePlugged(c: Connector): Promise<void> {
    const { st, model } = this.o;
    const now = Date.now();
    const tx = c.tx;
    if (tx?.v2) {
      await st.refreshStatus(c);
      st.metering.update(c, now);
      return;
    }
    if (!model.list('TxCtrlr', 'TxStartPoint').includes('EVConnected') || !c.operative || !st.connectors[0]!.operative) {
      await st.refreshStatus(c);
      return;
    }
    // No idToken yet: no power until someone authorizes it.
    const created = this.create(c, '', now, { authorized: false, idTokenType: this.o.idTokenType });
    created.pending = true;
    const status = st.refreshStatus(c);
    const reply = this.push(c, created, this.startEvent(c, created, 'CablePluggedIn', now, {}));
    st.metering.restart();
    await status;
    if (st.link.ready) await reply.catch(() => undefined);
    else reply.catch(() => undefined);
  }

  /** The cable came out: the transaction ends (StopTxOnEVSideDisconnect, or nobody authorized it) or goes on without the EV. */
  async cableUnplugged(c: Connector): Promise<void> {
    const { st, model } = this.o;
    const tx = c.tx;
    if (tx && (model.bool('TxCtrlr', 'StopTxOnEVSideDisconnect') || !tx.v2?.authorized)) return this.end(c, 'EVDisconnected', 'EVCommunicationLost');
    st.metering.update(c, Date.now(), false);
    await st.refreshStatus(c);
  }

  /** SimStation.stopTransaction: maps a 1.6 reason, with the idToken for a local stop. */
  stop(c: Connector, reason: AnyStopReason, idTag?: string): Promise<void> {
    const r: Reason = REASONS[reason] ?? (reason as Reason);
    const tx = c.tx;
    const who = idTag ?? (r === 'Local' && tx?.v2?.authorized ? tx.idTag : undefined);
    return this.end(c, r, TRIGGERS[r] ?? 'AbnormalCondition', who);
  }

  /** Ends the connector's transaction with TransactionEvent Ended; resolves when the CSMS answered (at once offline). */
  async end(c: Connector, reason: Reason, trigger: Trigger, idTag?: string): Promise<void> {
    const { st } = this.o;
    const tx = c.tx;
    if (!tx?.v2) return;
    const now = Date.now();
    advance(c, now);
    const meterStop = registerWh(c);
    const readings: V201.MeterValueType[] = [registerValue(tx.meterStart, 'Transaction.Begin', tx.startedAt)];
    const end = meterValue(c, this.o.model.list('SampledDataCtrlr', 'TxEndedMeasurands'), 'Transaction.End', st.metering.limitW(c, now), now);
    if (end) readings.push(end);
    c.tx = undefined;
    c.powerW = 0;
    c.finishing = c.plugged;
    tx.v2.chargingState = c.plugged ? 'EVConnected' : 'Idle';
    const extra: Partial<Event> = { meterValue: readings as [V201.MeterValueType, ...V201.MeterValueType[]] };
    if (idTag) extra.idToken = { idToken: idTag, type: tx.v2.idTokenType as V201.IdTokenEnumType };
    const event = this.event(tx, 'Ended', trigger, now, extra);
    event.transactionInfo.stoppedReason = reason;
    st.profilesIfAny()?.endTransaction(c.id);
    const sent = this.push(c, tx, event);
    st.log(`transaction ${tx.v2.uuid} on EVSE ${c.id} ended (${reason}, ${meterStop - tx.meterStart} Wh)`);
    st.emit('transactionStopped', { connectorId: c.id, transactionId: tx.id, transactionUuid: tx.v2.uuid, meterStop, reason });
    st.metering.restart();
    void st.refreshStatus(c);
    this.o.idle();
    if (!st.link.ready) {
      sent.catch(() => undefined);
      return;
    }
    await sent.catch((e: Error) => st.log(`TransactionEvent Ended: ${e.message}`));
  }

  /** A meter reading of a running transaction: TransactionEvent Updated (MeterValuePeriodic, MeterValueClock or Trigger). */
  async reading(c: Connector, context: ReadingContext, measurands: readonly string[]): Promise<void> {
    const { st } = this.o;
    const tx = c.tx;
    if (!tx?.v2) return;
    const now = Date.now();
    const mv = meterValue(c, measurands, context, st.metering.limitW(c, now), now);
    const event = this.event(tx, 'Updated', CONTEXT_TRIGGERS[context] ?? 'Trigger', now, mv ? { meterValue: [mv] } : {});
    const sent = this.push(c, tx, event);
    if (st.link.ready) await sent.catch((e: Error) => st.log(`TransactionEvent: ${e.message}`));
    else sent.catch(() => undefined);
  }

  /** Reports a change of the charging state (power started, EV full, limit 0, cable out) with Updated ChargingStateChanged. */
  checkChargingState(c: Connector): void {
    const tx = c.tx;
    if (!tx?.v2) return;
    const now = chargingStateOf(c, tx);
    if (now === tx.v2.chargingState) return;
    tx.v2.chargingState = now;
    this.push(c, tx, this.event(tx, 'Updated', 'ChargingStateChanged', Date.now(), {})).catch(() => undefined);
  }

  /** Whether messages of a transaction (or any, without uuid) wait in the queue. */
  queued(uuid?: string): boolean {
    if (uuid === undefined) return this.queue.length > 0;
    return this.queue.some((m) => (m.payload.transactionInfo as V201.TransactionType | undefined)?.transactionId === uuid);
  }

  private create(c: Connector, idTag: string, now: number, v2: Omit<Tx2, 'uuid' | 'seqNo' | 'chargingState'>): Transaction {
    const tx: Transaction = {
      id: ++this.count,
      idTag,
      startedAt: now,
      meterStart: registerWh(c),
      socStart: 10 + Math.random() * 50,
      pending: this.o.st.link.ready,
      v2: { uuid: randomUUID(), seqNo: 0, chargingState: 'EVConnected', ...v2 },
    };
    c.tx = tx;
    return tx;
  }

  private startEvent(c: Connector, tx: Transaction, trigger: Trigger, now: number, extra: Partial<Event>): Event {
    const { st } = this.o;
    const first = meterValue(c, this.o.model.list('SampledDataCtrlr', 'TxStartedMeasurands'), 'Transaction.Begin', st.metering.limitW(c, now), now);
    const event = this.event(tx, 'Started', trigger, now, { ...extra, evse: { id: c.id, connectorId: 1 }, ...(first ? { meterValue: [first] } : {}) });
    if (tx.reservationId !== undefined) event.reservationId = tx.reservationId;
    st.log(`transaction ${tx.v2!.uuid} started on EVSE ${c.id} (${trigger})`);
    st.emit('transactionStarted', { connectorId: c.id, transactionId: tx.id, transactionUuid: tx.v2!.uuid, idTag: tx.idTag, meterStart: tx.meterStart });
    return event;
  }

  private event(tx: Transaction, eventType: Event['eventType'], triggerReason: Trigger, at: number, extra: Partial<Event>): Event {
    const v2 = tx.v2!;
    const info: V201.TransactionType = { transactionId: v2.uuid, chargingState: v2.chargingState };
    if (v2.remoteStartId !== undefined && (eventType === 'Started' || triggerReason === 'RemoteStart')) info.remoteStartId = v2.remoteStartId;
    const event: Event = { eventType, timestamp: new Date(at).toISOString(), triggerReason, seqNo: v2.seqNo++, transactionInfo: info, ...extra };
    if (!this.o.st.link.ready) event.offline = true;
    return event;
  }

  /** Queues an event; acts on the idTokenInfo of the answer (StopTxOnInvalidId) whenever it comes. */
  private push(c: Connector, tx: Transaction, event: Event): Promise<V201.TransactionEventResponse> {
    const { st, model } = this.o;
    const reply = this.queue.send({ action: 'TransactionEvent', payload: event as unknown as Record<string, unknown> }) as Promise<V201.TransactionEventResponse>;
    if (!event.idToken) return reply;
    return reply.then((res) => {
      const info = res.idTokenInfo;
      if (!info) return res;
      if (model.bool('AuthCacheCtrlr', 'Enabled')) st.auth.remember(event.idToken!.idToken, toIdTagInfo(info));
      if (info.status !== 'Accepted' && event.eventType !== 'Ended' && c.tx === tx && model.bool('TxCtrlr', 'StopTxOnInvalidId')) {
        st.log(`idToken ${event.idToken!.idToken} ${info.status}: ending the transaction`);
        void this.end(c, 'DeAuthorized', 'Deauthorized');
      }
      return res;
    });
  }
}

/** The chargingState that follows from a connector's facts. */
function chargingStateOf(c: Connector, tx: Transaction): ChargingState {
  if (!c.plugged) return 'Idle';
  if (tx.pending || !tx.v2?.authorized) return 'EVConnected';
  if (c.powerW > 0) return 'Charging';
  return socOf(c) >= 100 ? 'SuspendedEV' : 'SuspendedEVSE';
}
