import type { V16 } from '@voltlane/ocpp';
import type { Connector } from './connector.js';
import { advance, registerWh, sample, type MeterValue } from './meter.js';
import type { Reservation } from './reservations.js';
import type { SimStation } from './station.js';
import { TxQueue, type TxAction, type TxQueueHost } from './tx-queue.js';
import type { ChargingProfile, IdTagInfo } from './types.js';

export type StopReason = NonNullable<V16.StopTransactionRequest['reason']>;

/** Result of starting a transaction. */
export interface StartResult {
  /** 1.6: the CSMS's id; negative while the CSMS has not answered (offline start). 2.x: the station's running number. */
  transactionId?: number;
  /** OCPP 2.x: the transactionId of the TransactionEvents (a UUID). */
  transactionUuid?: string;
  /** idTagInfo status, or why the station refused locally: Occupied, Unavailable, Reserved. */
  status: string;
}

/** Whether a reservation lets this tag start: same idTag, or same parent (1.6 section 5.13). */
function reservedFor(r: Reservation, idTag: string, info: IdTagInfo): boolean {
  return r.idTag === idTag || (r.parentIdTag !== undefined && info.parentIdTag === r.parentIdTag);
}

/**
 * Authorization and transactions of one station (1.6 sections 4.1, 4.8 and 4.10):
 * Authorize unless the local list or cache decides, StartTransaction/StopTransaction through
 * the {@link TxQueue} so that they survive disconnections, and the idTagInfo the CSMS returns.
 * @example
 * const result = await station.tx.begin(station.connectors[1]!, 'TAG', { authorize: true });
 */
export class Transactions implements TxQueueHost {
  readonly queue: TxQueue;
  private nextLocalId = -1;

  constructor(private readonly st: SimStation) {
    this.queue = new TxQueue(this);
  }

  // TxQueueHost
  ready(): boolean {
    return this.st.link.ready;
  }

  send(action: TxAction, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.st.link.call(action, payload);
  }

  retryPolicy(): { attempts: number; intervalMs: number } {
    const cfg = this.st.config;
    return { attempts: cfg.int('TransactionMessageAttempts') || 1, intervalMs: cfg.int('TransactionMessageRetryInterval') * 1000 };
  }

  log(msg: string): void {
    this.st.log(msg);
  }

  /** The authorization decision for a tag: local list/cache (LocalPreAuthorize), Authorize, or the offline rules. */
  async authorize(idTag: string): Promise<IdTagInfo> {
    const { config, link } = this.st;
    const useList = config.bool('LocalAuthListEnabled');
    const useCache = config.bool('AuthorizationCacheEnabled');
    const known = useList || useCache ? this.st.auth.lookup(idTag, useList, useCache) : undefined;
    if (link.ready) {
      if (known?.status === 'Accepted' && config.bool('LocalPreAuthorize')) return known;
      try {
        const res = (await link.call('Authorize', { idTag })) as unknown as V16.AuthorizeResponse;
        if (useCache) this.st.auth.remember(idTag, res.idTagInfo);
        return res.idTagInfo;
      } catch (e) {
        this.st.log(`Authorize failed (${(e as Error).message}); deciding offline`);
      }
    }
    if (known && config.bool('LocalAuthorizeOffline')) return known;
    if (!known && config.bool('AllowOfflineTxForUnknownId')) return { status: 'Accepted' };
    return { status: 'Invalid' };
  }

  /** Starts a transaction on a connector (a driver's card, or RemoteStartTransaction). */
  async begin(c: Connector, idTag: string, how: { authorize: boolean; profile?: ChargingProfile }): Promise<StartResult> {
    const st = this.st;
    if (c.tx) return { status: 'Occupied' };
    if (!c.operative || !st.connectors[0]!.operative) return { status: 'Unavailable' };
    const info: IdTagInfo = how.authorize ? await this.authorize(idTag) : { status: 'Accepted' };
    if (info.status !== 'Accepted') return { status: info.status };
    if (c.tx) return { status: 'Occupied' };
    const reservation = st.reservationsIfAny()?.forConnector(c.id);
    if (reservation && !reservedFor(reservation, idTag, info)) return { status: 'Reserved' };
    if (reservation) st.reservations.remove(reservation.reservationId);

    // The cable is in and the driver identified: Preparing, before the StartTransaction goes out.
    c.plugged = true;
    c.finishing = false;
    void st.refreshStatus(c);
    const now = Date.now();
    advance(c, now);
    const localId = this.nextLocalId--;
    const meterStart = registerWh(c);
    // Online the charger waits for the CSMS's answer before power flows; offline it trusts its own decision.
    const tx = { id: localId, idTag, startedAt: now, meterStart, socStart: 10 + Math.random() * 50, pending: st.link.ready };
    c.tx = reservation ? { ...tx, reservationId: reservation.reservationId } : tx;
    if (how.profile) {
      const problem = st.profiles.install(c.id, how.profile, st.profileLimits());
      if (problem) st.log(`charging profile of the remote start ignored: ${problem}`);
    }
    const payload: V16.StartTransactionRequest = { connectorId: c.id, idTag, meterStart, timestamp: new Date(now).toISOString() };
    if (reservation) payload.reservationId = reservation.reservationId;
    const reply = this.queue.send({ action: 'StartTransaction', payload: payload as unknown as Record<string, unknown>, localId });
    st.metering.restart();
    const started = c.tx;
    if (!started.pending) {
      reply.catch(() => undefined);
      st.metering.update(c, now);
      return { transactionId: localId, status: 'Accepted' };
    }
    try {
      const res = (await reply) as unknown as V16.StartTransactionResponse;
      return { transactionId: res.transactionId, status: res.idTagInfo.status };
    } catch (e) {
      st.log(`StartTransaction failed: ${(e as Error).message}`);
      return { transactionId: localId, status: 'Accepted' };
    } finally {
      if (c.tx === started && started.pending) {
        started.pending = false;
        st.metering.update(c);
      }
    }
  }

  /** TxQueueHost: the CSMS answered a StartTransaction; the transaction gets its real id, or ends if the tag is refused. */
  started(localId: number, request: Record<string, unknown>, reply: Record<string, unknown>): void {
    const st = this.st;
    const res = reply as unknown as V16.StartTransactionResponse;
    const req = request as unknown as V16.StartTransactionRequest;
    if (st.config.bool('AuthorizationCacheEnabled')) st.auth.remember(req.idTag, res.idTagInfo);
    st.log(`transaction ${res.transactionId} started on connector ${req.connectorId} (${res.idTagInfo.status})`);
    st.emit('transactionStarted', { connectorId: req.connectorId, transactionId: res.transactionId, idTag: req.idTag, meterStart: req.meterStart });
    const c = st.connectors.find((x) => x.tx?.id === localId);
    if (!c?.tx) return;
    c.tx.id = res.transactionId;
    c.tx.pending = false;
    // A tag the CSMS refuses ends the session (it may have charged offline already).
    if (res.idTagInfo.status !== 'Accepted' && st.config.bool('StopTransactionOnInvalidId')) void this.end(c, 'DeAuthorized');
    else st.metering.update(c);
  }

  /** Ends a connector's transaction; resolves when the CSMS answered (at once when offline). */
  async end(c: Connector, reason: StopReason, idTag?: string): Promise<void> {
    const st = this.st;
    const tx = c.tx;
    if (!tx) return;
    const now = Date.now();
    advance(c, now);
    const meterStop = registerWh(c);
    const payload: V16.StopTransactionRequest = { transactionId: tx.id, meterStop, timestamp: new Date(now).toISOString(), reason };
    const who = idTag ?? (reason === 'Local' ? tx.idTag : undefined);
    if (who) payload.idTag = who;
    const data = this.transactionData(c, tx.startedAt, tx.meterStart, payload.timestamp);
    if (data.length > 0) payload.transactionData = data;
    c.tx = undefined;
    c.powerW = 0;
    c.finishing = c.plugged;
    st.profilesIfAny()?.endTransaction(c.id);
    const sent = this.queue.send({ action: 'StopTransaction', payload: payload as unknown as Record<string, unknown> });
    st.log(`transaction ${tx.id} on connector ${c.id} stopped (${reason}, ${meterStop - tx.meterStart} Wh)`);
    st.emit('transactionStopped', { connectorId: c.id, transactionId: tx.id, meterStop, reason });
    st.metering.restart();
    void st.refreshStatus(c);
    if (!st.link.ready) {
      sent.catch(() => undefined);
      return;
    }
    try {
      const res = (await sent) as unknown as V16.StopTransactionResponse;
      if (res.idTagInfo && who && st.config.bool('AuthorizationCacheEnabled')) st.auth.remember(who, res.idTagInfo);
    } catch (e) {
      st.log(`StopTransaction: ${(e as Error).message}`);
    }
  }

  /** Transaction.Begin and Transaction.End readings of the StopTxnSampledData measurands. */
  private transactionData(c: Connector, startedAt: number, meterStart: number, endTime: string): MeterValue[] {
    const measurands = this.st.config.list('StopTxnSampledData');
    if (measurands.length === 0) return [];
    const out: MeterValue[] = [];
    // Of the start only the register is known afterwards.
    if (measurands.includes('Energy.Active.Import.Register')) {
      out.push({
        timestamp: new Date(startedAt).toISOString(),
        sampledValue: [{ value: String(meterStart), context: 'Transaction.Begin', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' }],
      });
    }
    const end = sample(c, measurands, 'Transaction.End', this.st.metering.limitW(c));
    if (end.length > 0) out.push({ timestamp: endTime, sampledValue: end });
    return out;
  }
}
