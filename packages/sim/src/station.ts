import { EventEmitter } from 'node:events';
import type { V16, V201 } from '@voltlane/ocpp';
import { OwnCertificates } from './certificates.js';
import { ChargingProfiles, type ProfileLimits } from './charging-profiles.js';
import { Configuration } from './configuration.js';
import { createConnector, statusOf, type Connector } from './connector.js';
import { Link, type RebootKind } from './link.js';
import { LocalAuth } from './local-auth.js';
import { advance, registerWh, socOf, type ReadingContext } from './meter.js';
import { Metering } from './metering.js';
import { Reservations } from './reservations.js';
import { Transactions, type StartResult, type StopReason } from './transactions.js';
import type { SimOcppVersion, SimSnapshot, SimStationEvents, SimStationOptions } from './types.js';
import { Ocpp2 } from './v201/ocpp2.js';

export type { StartResult } from './transactions.js';

/** Why a transaction ends: a 1.6 StopTransaction reason or a 2.x stoppedReason (mapped to the version spoken). */
export type AnyStopReason = StopReason | V201.ReasonEnumType;

const V16_REASONS: ReadonlySet<string> = new Set<StopReason>([
  'DeAuthorized', 'EmergencyStop', 'EVDisconnected', 'HardReset', 'Local', 'Other', 'PowerLoss', 'Reboot', 'Remote', 'SoftReset', 'UnlockCommand',
]);

/**
 * One simulated OCPP charge point (1.6J by default; 2.0.1 or 2.1 with `ocppVersion`): connects
 * to `${url}/${id}`, registers with BootNotification, sends heartbeats, meters its connectors,
 * keeps transaction messages while offline and answers every CSMS-initiated action like a real
 * charger. Cheap enough to run thousands in one process: timers exist only for heartbeat and,
 * while charging, metering. A 2.x station has one EVSE with one connector per `connectors`.
 * @example
 * const cp = new SimStation({ url: 'ws://127.0.0.1:8080/ocpp', id: 'CP1' });
 * await cp.start();
 * await cp.plugIn(1);
 * const { transactionId } = await cp.startTransaction(1, 'TAG1');
 * await cp.stopTransaction(1);
 * await cp.stop();
 */
export class SimStation extends EventEmitter<SimStationEvents> {
  readonly id: string;
  /** The OCPP version (subprotocol) the station speaks. */
  readonly ocppVersion: SimOcppVersion;
  /** The CSMS's answer to the last BootNotification. */
  registrationStatus: 'Accepted' | 'Pending' | 'Rejected' | undefined = undefined;
  firmwareVersion: string;

  /** @internal */ readonly config: Configuration;
  /** @internal Index = connector id; index 0 is the station as a whole. */
  readonly connectors: Connector[];
  /** @internal */ readonly link: Link;
  /** @internal */ readonly metering: Metering;
  /** @internal The OCPP 2.x behaviour; undefined on a 1.6 station. */
  readonly ocpp2: Ocpp2 | undefined;
  /** @internal stop() was called (or start() never). */
  stopped = true;
  /** @internal Last firmware status reported (Idle when no update runs). */
  firmwareStatus: V16.FirmwareStatusEnumType = 'Idle';
  /** @internal */ diagnosticsStatus: V16.DiagnosticsStatusNotificationRequest['status'] = 'Idle';
  /** @internal */ logStatus: V16.UploadLogStatusEnumType = 'Idle';
  /** @internal Timer of a scheduled firmware download; cleared by stop(). */
  firmwareTimer: NodeJS.Timeout | undefined;
  /** @internal Installed certificates (security whitepaper), created on first use. */
  certificates: { type: V16.CertificateUseEnumType; pem: string; hash: V16.CertificateHashDataType }[] | undefined;

  private readonly opts: SimStationOptions;
  private starting: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } | undefined;
  // Functional blocks most stations never use are created on first use.
  private auth_: LocalAuth | undefined;
  private reservations_: Reservations | undefined;
  private profiles_: ChargingProfiles | undefined;
  private tx_: Transactions | undefined;
  private own_: OwnCertificates | undefined;

  constructor(opts: SimStationOptions) {
    super();
    this.opts = opts;
    this.id = opts.id;
    this.ocppVersion = opts.ocppVersion ?? 'ocpp1.6';
    this.firmwareVersion = opts.firmwareVersion ?? '1.0.0';
    const n = Math.max(1, opts.connectors ?? 2);
    this.connectors = Array.from({ length: n + 1 }, (_, i) => createConnector(i));
    const initial: Record<string, string> = {
      NumberOfConnectors: String(n),
      ConnectorPhaseRotation: this.connectors.map((c) => `${c.id}.RST`).join(','),
    };
    if (opts.meterValueIntervalSec !== undefined) initial.MeterValueSampleInterval = String(opts.meterValueIntervalSec);
    if (opts.password !== undefined) initial.SecurityProfile = '1';
    this.config = new Configuration(initial);
    this.link = new Link(this, opts);
    this.metering = new Metering(this);
    this.ocpp2 = this.ocppVersion === 'ocpp1.6' ? undefined : new Ocpp2(this, opts);
  }

  /** @internal The 1.6 transactions (created on first use). */
  get tx(): Transactions {
    return (this.tx_ ??= new Transactions(this));
  }

  /** The WebSocket is open. */
  get connected(): boolean {
    return this.link.connected;
  }

  /** Transaction messages waiting to be delivered (the offline queue). */
  get queuedMessages(): number {
    return this.ocpp2 ? this.ocpp2.tx.queue.length : (this.tx_?.queue.length ?? 0);
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /**
   * Connects and registers. Resolves once the CSMS has Accepted the BootNotification (or
   * answered Pending, with `startResolvesOnPending`); on Pending/Rejected the station retries
   * after the interval the CSMS gave (at least 1 s). Connection failures are retried with
   * backoff, unless `reconnect` is false: then the promise rejects. Rejects if stop() comes first.
   */
  start(): Promise<void> {
    if (this.starting) return this.starting.promise;
    if (!this.stopped && this.link.ready) return Promise.resolve();
    this.stopped = false;
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.starting = { promise, resolve, reject };
    this.reservations_?.resume();
    this.metering.restart();
    this.link.open();
    return promise;
  }

  /** Closes the socket for good: no reconnect, every timer cleared. State (transactions, queue) is kept. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.firmwareTimer);
    this.firmwareTimer = undefined;
    this.metering.stop();
    this.reservations_?.pause();
    this.settleStart(new Error(`Station ${this.id} was stopped before the CSMS accepted it`));
    await this.link.close();
  }

  /** Simulates a network drop: the socket dies without a close handshake; with `reconnect` the station comes back. */
  disconnect(): void {
    this.link.drop();
  }

  /** @internal Goes down for a reset or firmware update and boots again after `rebootDelayMs`; configuration survives. */
  async reboot(kind: RebootKind): Promise<void> {
    if (this.link.rebooting || this.stopped) return;
    this.link.rebooting = kind;
    this.log(`rebooting (${kind})`);
    this.emit('reboot', kind);
    const reason: StopReason = kind === 'Soft' ? 'SoftReset' : kind === 'Hard' ? 'HardReset' : 'Reboot';
    // A hard reset cuts the power: the StopTransactions are stored and sent after the reboot.
    if (kind !== 'Soft') this.link.ready = false;
    const o2 = this.ocpp2;
    const stops = this.connectors
      .filter((c) => c.tx)
      .map((c) => (o2 ? o2.tx.end(c, kind === 'Firmware' ? 'Reboot' : 'ImmediateReset', kind === 'Firmware' ? 'AbnormalCondition' : 'ResetCommand') : this.tx.end(c, reason)));
    if (kind === 'Soft') await Promise.race([Promise.all(stops), delay(this.opts.callTimeoutMs ?? 30_000)]);
    for (const c of this.connectors) c.finishing = false;
    this.link.goDown(kind);
  }

  /** @internal Called by the link once registered: statuses go out fresh (whatever happened offline), then the queued transaction messages. */
  onRegistered(): void {
    const now = Date.now();
    for (const c of this.connectors) {
      if (c.id > 0) this.metering.update(c, now, false);
      const next = this.statusFor(c);
      if (next !== c.status) this.emit('status', c.id, next);
      c.status = next;
      void this.sendStatus(c, false, true);
    }
    if (this.ocpp2) this.ocpp2.onRegistered();
    else void this.tx_?.queue.flush();
  }

  /** @internal Resolves (or rejects) a pending start(). */
  settleStart(error?: Error): void {
    const s = this.starting;
    if (!s) return;
    this.starting = undefined;
    if (error) s.reject(error);
    else s.resolve();
  }

  // ---- messages ---------------------------------------------------------------------------

  /** Raw call to the CSMS (for tests); rejects if not connected. */
  call(action: string, payload: object): Promise<Record<string, unknown>> {
    return this.link.call(action, payload);
  }

  /**
   * @internal Sends a message whose answer needs no handling; never rejects. Dropped (and logged)
   * unless registered, or with `force` (TriggerMessage) unless connected.
   */
  async notify(action: string, payload: object, force = false): Promise<Record<string, unknown> | undefined> {
    if (!this.link.rpc || (!this.link.ready && !force)) {
      this.log(`${action} not sent: not registered with the CSMS`);
      return undefined;
    }
    try {
      return await this.link.call(action, payload);
    } catch (e) {
      this.log(`${action} failed: ${(e as Error).message}`);
      return undefined;
    }
  }

  /**
   * @internal Reports a connector's status (offline: nothing, it goes out fresh after the next
   * boot). A 2.x station sends only changes of the wire status, unless `fresh`.
   */
  sendStatus(c: Connector, force = false, fresh = force): Promise<unknown> {
    if (!this.link.ready && !force) return Promise.resolve();
    if (this.ocpp2) return this.ocpp2.sendStatus(c, force, fresh);
    return this.notify('StatusNotification', { connectorId: c.id, errorCode: 'NoError', status: c.status, timestamp: new Date().toISOString() }, force);
  }

  /** @internal Recomputes a connector's status and reports it if it changed. */
  refreshStatus(c: Connector): Promise<unknown> {
    this.ocpp2?.tx.checkChargingState(c);
    const next = this.statusFor(c);
    if (next === c.status) return Promise.resolve();
    c.status = next;
    this.emit('status', c.id, next);
    return this.sendStatus(c);
  }

  /** @internal Recomputes every connector's status (station-wide availability changed). */
  refreshAll(): void {
    for (const c of this.connectors) void this.refreshStatus(c);
  }

  /** @internal */
  statusFor(c: Connector) {
    return statusOf(c, this.connectors[0]!.operative, c.id > 0 && this.reservations_?.forConnector(c.id) !== undefined);
  }

  // ---- driver actions -----------------------------------------------------------------------

  /** @internal */
  connector(id: number): Connector | undefined {
    return this.connectors[id];
  }

  private mustConnector(id: number, allowZero = false): Connector {
    const c = this.connectors[id];
    if (!c || (id === 0 && !allowZero)) throw new RangeError(`Station ${this.id} has no connector ${id} (1..${this.connectors.length - 1})`);
    return c;
  }

  /** The driver plugs a cable into the connector (StatusNotification Preparing). */
  async plugIn(connectorId: number): Promise<void> {
    const c = this.mustConnector(connectorId);
    if (c.plugged) return;
    c.plugged = true;
    c.finishing = false;
    this.metering.update(c, Date.now(), false);
    if (this.ocpp2) return this.ocpp2.tx.cablePlugged(c);
    await this.refreshStatus(c);
  }

  /** The driver unplugs; a running transaction stops with reason EVDisconnected (StopTransactionOnEVSideDisconnect). */
  async unplug(connectorId: number): Promise<void> {
    const c = this.mustConnector(connectorId);
    if (!c.plugged) return;
    c.plugged = false;
    c.finishing = false;
    if (this.ocpp2) return this.ocpp2.tx.cableUnplugged(c);
    if (c.tx && this.config.bool('StopTransactionOnEVSideDisconnect')) await this.tx.end(c, 'EVDisconnected');
    else this.metering.update(c, Date.now(), false);
    await this.refreshStatus(c);
  }

  /**
   * A driver presents a card at the connector: Authorize (unless the local list or cache
   * accepts the tag and LocalPreAuthorize is on), then StartTransaction with meterStart from the
   * energy register; the cable counts as plugged in. Offline, the local list/cache
   * (LocalAuthorizeOffline) or AllowOfflineTxForUnknownId decide, and the transaction id is a
   * negative placeholder until the queued StartTransaction is answered. Without an Accepted
   * authorization there is no transaction; `status` says why (idTagInfo status, or Occupied,
   * Unavailable, Reserved).
   *
   * 2.x: Authorize with idToken {idToken, type: `idTokenType`}, then TransactionEvent Started
   * (triggerReason Authorized) or, if plugging in already started the transaction, Updated
   * with the idToken. `transactionUuid` is the transactionId on the wire.
   */
  async startTransaction(connectorId: number, idTag: string): Promise<StartResult> {
    const c = this.mustConnector(connectorId);
    if (this.ocpp2) return this.ocpp2.tx.begin(c, idTag, { authorize: true });
    return this.tx.begin(c, idTag, { authorize: true });
  }

  /**
   * Ends the connector's transaction: 1.6 StopTransaction (meterStop, Transaction.Begin/End
   * readings; a 2.x-only reason goes out as Other); 2.x TransactionEvent Ended with the
   * stoppedReason (Local: triggerReason StopAuthorized with the idToken). No-op without one.
   */
  async stopTransaction(connectorId: number, reason: AnyStopReason = 'Local', idTag?: string): Promise<void> {
    const c = this.mustConnector(connectorId);
    if (this.ocpp2) return this.ocpp2.tx.stop(c, reason, idTag);
    return this.tx.end(c, V16_REASONS.has(reason) ? (reason as StopReason) : 'Other', idTag);
  }

  /**
   * Sends a MeterValues for the connector now (0: the station's main meter), with the
   * transaction id if one runs. Readings of a transaction are queued while offline; others are dropped then.
   */
  async sendMeterValues(connectorId: number, context: ReadingContext = 'Sample.Periodic'): Promise<void> {
    return this.metering.send(this.mustConnector(connectorId, true), context);
  }

  // ---- functional blocks ------------------------------------------------------------------

  /** @internal Hardware maximum per connector, in W. */
  get maxW(): number {
    return this.opts.powerW ?? 11_000;
  }

  /** @internal */
  get auth(): LocalAuth {
    return (this.auth_ ??= new LocalAuth());
  }

  /** @internal */
  get reservations(): Reservations {
    return (this.reservations_ ??= new Reservations((r) => {
      this.log(`reservation ${r.reservationId} expired`);
      if (this.ocpp2) void this.notify('ReservationStatusUpdate', { reservationId: r.reservationId, reservationUpdateStatus: 'Expired' });
      const c = this.connectors[r.connectorId];
      if (c) void this.refreshStatus(c);
    }));
  }

  /** @internal The reservations, without creating the store. */
  reservationsIfAny(): Reservations | undefined {
    return this.reservations_;
  }

  /** @internal */
  get profiles(): ChargingProfiles {
    return (this.profiles_ ??= new ChargingProfiles());
  }

  /** @internal The charging profiles, without creating the store. */
  profilesIfAny(): ChargingProfiles | undefined {
    return this.profiles_;
  }

  /** @internal The station's limits on charging profiles, from its configuration. */
  profileLimits(): ProfileLimits {
    if (this.ocpp2) return this.ocpp2.profileLimits();
    return {
      connectors: this.connectors.length - 1,
      maxStackLevel: this.config.int('ChargeProfileMaxStackLevel'),
      maxPeriods: this.config.int('ChargingScheduleMaxPeriods'),
      maxInstalled: this.config.int('MaxChargingProfilesInstalled'),
      units: this.config.list('ChargingScheduleAllowedChargingRateUnit').map((u) => (u === 'Current' ? 'A' : 'W')),
      transactionOn: (id) => this.connectors[id]?.tx?.id,
    };
  }

  /** @internal A configuration key changed: what takes effect at once does so now. */
  configChanged(key: string): void {
    if (key === 'HeartbeatInterval') this.link.restartHeartbeat();
    else if (key === 'WebSocketPingInterval') this.link.restartPing();
    else if (key === 'MeterValueSampleInterval' || key === 'ClockAlignedDataInterval') this.metering.restart();
    else if (key === 'AuthorizationCacheEnabled' && !this.config.bool(key)) this.auth_?.clearCache();
  }

  /**
   * @internal A PKCS#10 certificate signing request for SignCertificate: a new P-256 key (kept
   * until CertificateSigned brings its certificate), CN = station id, O = the organisation
   * (2.x SecurityCtrlr.OrganizationName, 1.6 CpoName). `type`: 2.x certificateType.
   */
  certificateRequest(type = 'ChargingStationCertificate'): Promise<string> {
    const org = this.ocpp2 ? this.ocpp2.model.get('SecurityCtrlr', 'OrganizationName') : this.config.get('CpoName');
    return this.ownCertificates.request(this.id, org || 'Voltlane', type);
  }

  /** @internal The station's own keys and the certificates the CSMS signed for them (created on first use). */
  get ownCertificates(): OwnCertificates {
    return (this.own_ ??= new OwnCertificates());
  }

  /**
   * The station's certificate that the CSMS signed (SignCertificate, then CertificateSigned), if
   * any: PEM chain and private key. A wss:// station presents it from its next connection on.
   */
  get clientCertificate(): { chainPem: string; keyPem: string; serialNumber: string } | undefined {
    return this.own_?.get('ChargingStationCertificate');
  }

  /** @internal Runs `fn` after the current CALL has been answered (a real charger replies first, then acts). */
  later(what: string, fn: () => unknown): void {
    setImmediate(() => {
      Promise.resolve()
        .then(fn)
        .catch((e: unknown) => this.log(`${what} failed: ${(e as Error)?.message ?? String(e)}`));
    });
  }

  /** @internal */
  log(msg: string): void {
    this.opts.log?.(`[${this.id}] ${msg}`);
  }

  // ---- snapshot ----------------------------------------------------------------------------

  /** A copy of the station's state: connectors, configuration, local list, reservations, profiles. */
  snapshot(): SimSnapshot {
    const now = Date.now();
    return {
      id: this.id,
      ocppVersion: this.ocppVersion,
      connected: this.connected,
      registrationStatus: this.registrationStatus,
      firmwareVersion: this.firmwareVersion,
      connectors: this.connectors.slice(1).map((c) => {
        advance(c, now);
        return {
          connectorId: c.id,
          status: c.status,
          energyWh: registerWh(c),
          powerW: Math.round(c.powerW),
          plugged: c.plugged,
          operative: c.operative,
          ...(c.tx ? { transactionId: c.tx.id, idTag: c.tx.idTag, meterStart: c.tx.meterStart, soc: Math.floor(socOf(c)) } : {}),
          ...(c.tx?.v2 ? { transactionUuid: c.tx.v2.uuid } : {}),
        };
      }),
      configuration: this.ocpp2 ? this.ocpp2.model.toRecord() : this.config.toRecord(),
      localListVersion: this.auth_?.version ?? 0,
      localList: this.auth_?.entries() ?? [],
      reservations: this.reservations_?.all().map((r) => ({ ...r })) ?? [],
      chargingProfiles: this.profiles_?.all().map((ip) => ({ connectorId: ip.connectorId, profile: ip.profile })) ?? [],
      queuedMessages: this.queuedMessages,
    };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
