import type { V201 } from '@voltlane/ocpp';
import type { ProfileLimits } from '../charging-profiles.js';
import type { Connector } from '../connector.js';
import type { ReadingContext } from '../meter.js';
import type { SimStation } from '../station.js';
import type { ConnectorStatus, SimStationOptions } from '../types.js';
import { DeviceModel, type ModelHost } from './device-model.js';
import { dispatch201 } from './handlers/index.js';
import { meterValue } from './readings.js';
import { TxEvents } from './transactions.js';

/** 2.0.1 connector status of a (1.6-vocabulary) station status. */
const WIRE_STATUS: Record<ConnectorStatus, V201.ConnectorStatusEnumType> = {
  Available: 'Available',
  Preparing: 'Occupied',
  Charging: 'Occupied',
  SuspendedEV: 'Occupied',
  SuspendedEVSE: 'Occupied',
  Finishing: 'Occupied',
  Reserved: 'Reserved',
  Unavailable: 'Unavailable',
  Faulted: 'Faulted',
};

/**
 * What a station needs beyond the shared parts to speak OCPP 2.0.1 (and 2.1 where its schemas
 * take the same payloads): the device model, TransactionEvents, boot reasons, security events,
 * and the state of the functional blocks most stations never use (created on first use). Each
 * EVSE has one connector; EVSE n is the station's connector n.
 * @example const o2 = new Ocpp2(station, { url, id: 'CP1', ocppVersion: 'ocpp2.0.1' });
 */
export class Ocpp2 implements ModelHost {
  readonly model: DeviceModel;
  readonly tx: TxEvents;
  readonly idTokenType: V201.IdTokenEnumType;
  /** Reason of the next BootNotification. */
  bootReason: V201.BootReasonEnumType = 'PowerUp';
  /** Why the station (re)started, reported as a security event once registered. */
  private startup: 'PowerUp' | 'RemoteReset' | 'FirmwareUpdate' | undefined = 'PowerUp';
  /** A Reset OnIdle waits for the last transaction to end. */
  resetWhenIdle = false;
  /** requestId of a firmware update whose Installed is reported after the reboot. */
  firmwareInstalled: number | undefined;
  /** Wire status last sent, by EVSE id. */
  private readonly sent: (V201.ConnectorStatusEnumType | undefined)[] = [];
  /** Security events waiting for a registered connection (they must not be lost). */
  private security: V201.SecurityEventNotificationRequest[] | undefined;
  // Functional blocks most stations never use.
  /** @internal */ displays: Map<number, V201.MessageInfoType> | undefined;
  /** @internal */ monitors: Map<number, V201.SetMonitoringDataType & { id: number }> | undefined;
  /** @internal */ certificates: { type: V201.GetCertificateIdUseEnumType; hash: V201.CertificateHashDataType }[] | undefined;
  /** @internal */ monitoring: { base: V201.MonitoringBaseEnumType; level: number } | undefined;

  constructor(
    readonly st: SimStation,
    private readonly opts: SimStationOptions,
  ) {
    const initial: Record<string, string> = {};
    if (opts.meterValueIntervalSec !== undefined) initial['SampledDataCtrlr.TxUpdatedInterval'] = String(opts.meterValueIntervalSec);
    this.model = new DeviceModel(this, initial);
    this.tx = new TxEvents(this);
    this.idTokenType = opts.idTokenType ?? 'ISO14443';
  }

  get evses(): number {
    return this.st.connectors.length - 1;
  }

  /** ModelHost: values that follow from the station's state. */
  live(key: string, evseId: number): string | undefined {
    const st = this.st;
    switch (key) {
      case 'ChargingStation.AvailabilityState':
        return st.connectors[0]!.operative ? 'Available' : 'Unavailable';
      case 'EVSE.AvailabilityState':
      case 'Connector.AvailabilityState': {
        const c = st.connectors[evseId];
        return c && WIRE_STATUS[st.statusFor(c)];
      }
      case 'ChargingStation.Model':
        return (this.opts.model ?? 'SimCharger AC22').slice(0, 20);
      case 'ChargingStation.VendorName':
        return (this.opts.vendor ?? 'Voltlane').slice(0, 50);
      case 'ChargingStation.SerialNumber':
        return st.id.slice(0, 25);
      case 'ChargingStation.FirmwareVersion':
        return st.firmwareVersion;
      case 'ChargingStation.Power':
        return String(st.maxW * this.evses);
      case 'EVSE.Power':
        return String(st.maxW);
      case 'SecurityCtrlr.Identity':
        return st.id;
      case 'SecurityCtrlr.SecurityProfile':
        return String(this.securityProfile());
      case 'SecurityCtrlr.CertificateEntries':
        return String(this.certificates?.length ?? 0);
      case 'ClockCtrlr.DateTime':
        return new Date().toISOString();
      case 'LocalAuthListCtrlr.Entries':
        return String(st.auth.listSize);
      case 'SmartChargingCtrlr.Entries[ChargingProfiles]':
        return String(st.profilesIfAny()?.size ?? 0);
      case 'MonitoringCtrlr.ActiveMonitoringBase':
        return this.monitoring?.base ?? 'All';
      case 'MonitoringCtrlr.ActiveMonitoringLevel':
        return String(this.monitoring?.level ?? 9);
      case 'DisplayMessageCtrlr.DisplayMessages':
        return String(this.displays?.size ?? 0);
      default:
        return undefined;
    }
  }

  /** Security profile in use: 3 with a client certificate (configured, or installed from CertificateSigned), 2 over TLS, 1 with a password, else 0. */
  securityProfile(): number {
    const wss = this.opts.url.startsWith('wss:');
    if (wss && (this.opts.tls?.cert || this.st.clientCertificate)) return 3;
    if (wss) return 2;
    return this.password() || this.opts.password ? 1 : 0;
  }

  /** The HTTP Basic password: BasicAuthPassword once the CSMS set it, else the configured one. */
  password(): string | undefined {
    return this.model.get('SecurityCtrlr', 'BasicAuthPassword') || undefined;
  }

  /** Answers a CSMS call (validated against the version's schema by the RPC layer). */
  dispatch(action: string, payload: Record<string, unknown>): unknown {
    return dispatch201(this, action, payload);
  }

  bootPayload(): V201.BootNotificationRequest {
    const chargingStation: V201.ChargingStationType = {
      model: (this.opts.model ?? 'SimCharger AC22').slice(0, 20),
      vendorName: (this.opts.vendor ?? 'Voltlane').slice(0, 50),
      serialNumber: this.st.id.slice(0, 25),
      firmwareVersion: this.st.firmwareVersion.slice(0, 50),
    };
    return { chargingStation, reason: this.bootReason };
  }

  /** Registered (boot Accepted): queued transaction events, then the security events and a finished firmware update. */
  onRegistered(): void {
    const cause = this.startup;
    this.startup = undefined;
    // A reconnection without a reboot has no reason of its own.
    this.bootReason = 'Unknown';
    if (cause === 'PowerUp') this.securityEvent('StartupOfTheDevice', 'Powered up');
    else if (cause) this.securityEvent('ResetOrReboot', cause === 'RemoteReset' ? 'Reset by the CSMS' : 'Firmware update');
    void this.tx.queue.flush();
    const pending = this.security;
    this.security = undefined;
    for (const ev of pending ?? []) void this.sendSecurity(ev);
    const requestId = this.firmwareInstalled;
    if (requestId !== undefined) {
      this.firmwareInstalled = undefined;
      void this.st.notify('FirmwareStatusNotification', requestId >= 0 ? { status: 'Installed', requestId } : { status: 'Installed' });
      this.securityEvent('FirmwareUpdated', `Firmware ${this.st.firmwareVersion} installed`);
    }
  }

  /** SecurityEventNotification now, or once registered again. */
  securityEvent(type: string, techInfo?: string): void {
    const ev: V201.SecurityEventNotificationRequest = { type, timestamp: new Date().toISOString(), ...(techInfo ? { techInfo } : {}) };
    if (this.st.link.ready) void this.sendSecurity(ev);
    else (this.security ??= []).push(ev);
  }

  private async sendSecurity(ev: V201.SecurityEventNotificationRequest): Promise<void> {
    // Lost with the connection: kept for the next one (an event the CSMS refused is not retried).
    if ((await this.st.notify('SecurityEventNotification', ev)) === undefined && !this.st.link.ready) (this.security ??= []).push(ev);
  }

  /** StatusNotification of an EVSE's connector, when its wire status changed (or `fresh`: after a boot, triggered). */
  sendStatus(c: Connector, force: boolean, fresh: boolean): Promise<unknown> {
    if (c.id === 0) return Promise.resolve();
    const status = WIRE_STATUS[c.status];
    if (!fresh && this.sent[c.id] === status) return Promise.resolve();
    this.sent[c.id] = status;
    return this.st.notify('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: status, evseId: c.id, connectorId: 1 }, force);
  }

  // ---- metering ------------------------------------------------------------------------

  sampleIntervalSec(): number {
    return this.model.bool('SampledDataCtrlr', 'Enabled') ? this.model.int('SampledDataCtrlr', 'TxUpdatedInterval') : 0;
  }

  alignedIntervalSec(): number {
    return this.model.bool('AlignedDataCtrlr', 'Enabled') ? this.model.int('AlignedDataCtrlr', 'Interval') : 0;
  }

  /** Clock-aligned readings: Updated (MeterValueClock) for a transaction, MeterValues for idle EVSEs and the main meter. */
  alignedReadings(): void {
    const measurands = this.model.list('AlignedDataCtrlr', 'Measurands');
    const idleOnly = this.model.bool('AlignedDataCtrlr', 'SendDuringIdle');
    for (const c of this.st.connectors) {
      if (c.tx && idleOnly) continue;
      void this.reading(c, 'Sample.Clock', measurands);
    }
  }

  /** One reading of an EVSE (0: the main meter): within a transaction a TransactionEvent, else MeterValues (dropped offline). */
  async reading(c: Connector, context: ReadingContext, measurands?: readonly string[]): Promise<void> {
    const list = measurands ?? this.model.list('SampledDataCtrlr', 'TxUpdatedMeasurands');
    if (c.tx) return this.tx.reading(c, context, list);
    return this.meterValues(c, context, list);
  }

  /** MeterValues of an EVSE (0: the main meter), outside the transaction messages; dropped offline. */
  async meterValues(c: Connector, context: ReadingContext, list: readonly string[]): Promise<void> {
    const st = this.st;
    const source = c.id === 0 ? st.metering.mainMeter() : c;
    const offered = c.id === 0 ? st.maxW * this.evses : st.metering.limitW(c);
    const mv = meterValue(source, list.length ? list : ['Energy.Active.Import.Register'], context, offered);
    if (mv) await st.notify('MeterValues', { evseId: c.id, meterValue: [mv] });
  }

  // ---- functional blocks ---------------------------------------------------------------

  profileLimits(): ProfileLimits {
    const m = this.model;
    return {
      connectors: this.evses,
      maxStackLevel: m.int('SmartChargingCtrlr', 'ProfileStackLevel'),
      maxPeriods: m.int('SmartChargingCtrlr', 'PeriodsPerSchedule'),
      maxInstalled: 20,
      units: m.list('SmartChargingCtrlr', 'RateUnit').filter((u): u is 'A' | 'W' => u === 'A' || u === 'W'),
      transactionOn: (id) => this.st.connectors[id]?.tx?.id,
    };
  }

  /** The connector whose transaction has this transactionId. */
  byTransaction(uuid: string): Connector | undefined {
    return this.st.connectors.find((c) => c.tx?.v2?.uuid === uuid);
  }

  /** A variable changed through SetVariables: what takes effect at once does so now. */
  changed(key: string): void {
    const st = this.st;
    switch (key) {
      case 'OCPPCommCtrlr.HeartbeatInterval':
        return st.link.restartHeartbeat();
      case 'OCPPCommCtrlr.WebSocketPingInterval':
        return st.link.restartPing();
      case 'SampledDataCtrlr.TxUpdatedInterval':
      case 'SampledDataCtrlr.Enabled':
      case 'AlignedDataCtrlr.Interval':
      case 'AlignedDataCtrlr.Enabled':
        return st.metering.restart();
      case 'AuthCacheCtrlr.Enabled':
        if (!this.model.bool('AuthCacheCtrlr', 'Enabled')) st.auth.clearCache();
        return;
      case 'SecurityCtrlr.BasicAuthPassword':
        // Used from the next connection on (2.0.1 A01).
        st.log('BasicAuthPassword changed; used from the next connection');
        return this.securityEvent('ReconfigurationOfSecurityParameters', 'BasicAuthPassword changed');
    }
  }

  /** The station goes down for a Reset or a firmware installation and boots with that reason. */
  reboot(reason: 'RemoteReset' | 'FirmwareUpdate'): Promise<void> {
    this.bootReason = reason;
    this.startup = reason;
    return this.st.reboot(reason === 'RemoteReset' ? 'Soft' : 'Firmware');
  }

  /** A transaction ended: a Reset OnIdle goes ahead once none is left. */
  idle(): void {
    if (!this.resetWhenIdle || this.st.connectors.some((c) => c.tx)) return;
    this.resetWhenIdle = false;
    this.st.later('Reset OnIdle', () => this.reboot('RemoteReset'));
  }
}
