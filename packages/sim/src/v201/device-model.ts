import type { V201 } from '@voltlane/ocpp';
import { isMeasurand } from '../meter.js';

type DataType = V201.DataEnumType;
type Mutability = V201.MutabilityEnumType;

/** What the device model needs to know about its station for the values it does not store. */
export interface ModelHost {
  readonly evses: number;
  /** Live value of a variable whose table entry has `live` set; undefined if the host has none. */
  live(key: string, evseId: number): string | undefined;
}

/** One variable of the device model (OCPP 2.0.1 part 2, appendix "Standardized components"). */
export interface VarDef {
  component: string;
  variable: string;
  /** Variable instance, e.g. MessageAttempts[TransactionEvent]. */
  instance?: string;
  /** One variable per EVSE (component evse {id}) or per connector (evse {id, connectorId: 1}). */
  scope?: 'evse' | 'connector';
  type: DataType;
  mutability: Mutability;
  /** Default value (shared by every station); `live` values come from the station instead. */
  value: string;
  live?: boolean;
  unit?: string;
  min?: number;
  max?: number;
  /** valuesList of OptionList / MemberList / SequenceList variables. */
  values?: string;
  /** Changes apply only after a reboot (SetVariables answers RebootRequired). */
  rebootRequired?: boolean;
}

const MEASURANDS =
  'Energy.Active.Import.Register,Energy.Active.Import.Interval,Power.Active.Import,Power.Offered,Current.Import,Current.Offered,Voltage,Frequency,SoC';
const TX_POINTS = 'ParkingBayOccupancy,EVConnected,Authorized,DataSigned,PowerPathClosed,EnergyTransfer';

const v = (component: string, variable: string, type: DataType, mutability: Mutability, value: string, extra: Partial<VarDef> = {}): VarDef => ({
  component,
  variable,
  type,
  mutability,
  value,
  ...extra,
});
const rw = (c: string, name: string, type: DataType, value: string, extra?: Partial<VarDef>) => v(c, name, type, 'ReadWrite', value, extra);
const ro = (c: string, name: string, type: DataType, value: string, extra?: Partial<VarDef>) => v(c, name, type, 'ReadOnly', value, extra);
const live = (c: string, name: string, type: DataType, extra?: Partial<VarDef>) => v(c, name, type, 'ReadOnly', '', { live: true, ...extra });

/**
 * The variables a simulated AC charger reports, with the defaults of a typical station. One table
 * for every station; what a station changes lives in its {@link DeviceModel} overrides.
 */
export const VARIABLES: readonly VarDef[] = [
  // The station as a whole
  live('ChargingStation', 'AvailabilityState', 'OptionList', { values: 'Available,Occupied,Reserved,Unavailable,Faulted' }),
  ro('ChargingStation', 'Available', 'boolean', 'true'),
  live('ChargingStation', 'Model', 'string'),
  live('ChargingStation', 'VendorName', 'string'),
  live('ChargingStation', 'SerialNumber', 'string'),
  live('ChargingStation', 'FirmwareVersion', 'string'),
  ro('ChargingStation', 'SupplyPhases', 'integer', '3'),
  live('ChargingStation', 'Power', 'decimal', { unit: 'W' }),
  // Per EVSE and per connector (one connector per EVSE)
  live('EVSE', 'AvailabilityState', 'OptionList', { scope: 'evse', values: 'Available,Occupied,Reserved,Unavailable,Faulted' }),
  ro('EVSE', 'Available', 'boolean', 'true', { scope: 'evse' }),
  live('EVSE', 'Power', 'decimal', { scope: 'evse', unit: 'W' }),
  ro('EVSE', 'SupplyPhases', 'integer', '3', { scope: 'evse' }),
  live('Connector', 'AvailabilityState', 'OptionList', { scope: 'connector', values: 'Available,Occupied,Reserved,Unavailable,Faulted' }),
  ro('Connector', 'Available', 'boolean', 'true', { scope: 'connector' }),
  ro('Connector', 'ConnectorType', 'string', 'cType2', { scope: 'connector' }),
  ro('Connector', 'SupplyPhases', 'integer', '3', { scope: 'connector' }),
  // A Security
  v('SecurityCtrlr', 'BasicAuthPassword', 'string', 'WriteOnly', '', { min: 16, max: 40 }),
  live('SecurityCtrlr', 'Identity', 'string'),
  rw('SecurityCtrlr', 'OrganizationName', 'string', 'Voltlane'),
  live('SecurityCtrlr', 'SecurityProfile', 'integer'),
  live('SecurityCtrlr', 'CertificateEntries', 'integer'),
  ro('SecurityCtrlr', 'MaxCertificateChainSize', 'integer', '10000'),
  // B Provisioning
  rw('OCPPCommCtrlr', 'HeartbeatInterval', 'integer', '300', { unit: 's', min: 0 }),
  rw('OCPPCommCtrlr', 'WebSocketPingInterval', 'integer', '0', { unit: 's', min: 0 }),
  rw('OCPPCommCtrlr', 'MessageTimeout', 'integer', '30', { instance: 'Default', unit: 's', min: 1 }),
  rw('OCPPCommCtrlr', 'MessageAttempts', 'integer', '3', { instance: 'TransactionEvent', min: 0 }),
  rw('OCPPCommCtrlr', 'MessageAttemptInterval', 'integer', '60', { instance: 'TransactionEvent', unit: 's', min: 0 }),
  rw('OCPPCommCtrlr', 'NetworkConfigurationPriority', 'SequenceList', '0', { values: '0,1,2' }),
  rw('OCPPCommCtrlr', 'NetworkProfileConnectionAttempts', 'integer', '3', { min: 1 }),
  rw('OCPPCommCtrlr', 'OfflineThreshold', 'integer', '60', { unit: 's', min: 0 }),
  rw('OCPPCommCtrlr', 'ResetRetries', 'integer', '2', { min: 0 }),
  rw('OCPPCommCtrlr', 'UnlockOnEVSideDisconnect', 'boolean', 'true'),
  ro('OCPPCommCtrlr', 'FileTransferProtocols', 'MemberList', 'HTTP,HTTPS', { values: 'FTP,FTPS,HTTP,HTTPS,SFTP' }),
  ro('DeviceDataCtrlr', 'ItemsPerMessage', 'integer', '50', { instance: 'GetReport' }),
  ro('DeviceDataCtrlr', 'ItemsPerMessage', 'integer', '50', { instance: 'GetVariables' }),
  ro('DeviceDataCtrlr', 'ItemsPerMessage', 'integer', '50', { instance: 'SetVariables' }),
  ro('DeviceDataCtrlr', 'BytesPerMessage', 'integer', '65000', { instance: 'GetReport' }),
  ro('DeviceDataCtrlr', 'BytesPerMessage', 'integer', '65000', { instance: 'GetVariables' }),
  ro('DeviceDataCtrlr', 'BytesPerMessage', 'integer', '65000', { instance: 'SetVariables' }),
  live('ClockCtrlr', 'DateTime', 'dateTime'),
  rw('ClockCtrlr', 'TimeSource', 'SequenceList', 'Heartbeat', { values: 'Heartbeat,NTP,GPS,RealTimeClock,MobileNetwork,RadioTimeTransmitter' }),
  // C Authorization, D Local authorization list
  rw('AuthCtrlr', 'Enabled', 'boolean', 'true'),
  rw('AuthCtrlr', 'AuthorizeRemoteStart', 'boolean', 'false'),
  rw('AuthCtrlr', 'LocalAuthorizeOffline', 'boolean', 'true'),
  rw('AuthCtrlr', 'LocalPreAuthorize', 'boolean', 'true'),
  rw('AuthCtrlr', 'OfflineTxForUnknownIdEnabled', 'boolean', 'false'),
  rw('AuthCtrlr', 'DisableRemoteAuthorization', 'boolean', 'false'),
  rw('AuthCacheCtrlr', 'Enabled', 'boolean', 'true'),
  ro('AuthCacheCtrlr', 'Available', 'boolean', 'true'),
  rw('LocalAuthListCtrlr', 'Enabled', 'boolean', 'true'),
  ro('LocalAuthListCtrlr', 'Available', 'boolean', 'true'),
  live('LocalAuthListCtrlr', 'Entries', 'integer', { max: 1000 }),
  ro('LocalAuthListCtrlr', 'ItemsPerMessage', 'integer', '250'),
  ro('LocalAuthListCtrlr', 'BytesPerMessage', 'integer', '65000'),
  // E Transactions
  rw('TxCtrlr', 'EVConnectionTimeOut', 'integer', '60', { unit: 's', min: 0 }),
  rw('TxCtrlr', 'StopTxOnEVSideDisconnect', 'boolean', 'true'),
  rw('TxCtrlr', 'StopTxOnInvalidId', 'boolean', 'true'),
  rw('TxCtrlr', 'TxStartPoint', 'MemberList', 'EVConnected,Authorized', { values: TX_POINTS }),
  rw('TxCtrlr', 'TxStopPoint', 'MemberList', 'EVConnected,Authorized', { values: TX_POINTS }),
  rw('TxCtrlr', 'MaxEnergyOnInvalidId', 'integer', '0', { unit: 'Wh', min: 0 }),
  // I Tariff and cost
  rw('TariffCostCtrlr', 'Enabled', 'boolean', 'true', { instance: 'Cost' }),
  ro('TariffCostCtrlr', 'Currency', 'string', 'EUR'),
  // J Meter values
  rw('SampledDataCtrlr', 'Enabled', 'boolean', 'true'),
  rw('SampledDataCtrlr', 'TxUpdatedInterval', 'integer', '60', { unit: 's', min: 0 }),
  rw('SampledDataCtrlr', 'TxUpdatedMeasurands', 'MemberList', 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC', { values: MEASURANDS }),
  rw('SampledDataCtrlr', 'TxStartedMeasurands', 'MemberList', 'Energy.Active.Import.Register', { values: MEASURANDS }),
  rw('SampledDataCtrlr', 'TxEndedMeasurands', 'MemberList', 'Energy.Active.Import.Register', { values: MEASURANDS }),
  rw('SampledDataCtrlr', 'TxEndedInterval', 'integer', '0', { unit: 's', min: 0 }),
  rw('SampledDataCtrlr', 'SignReadings', 'boolean', 'false'),
  rw('AlignedDataCtrlr', 'Enabled', 'boolean', 'true'),
  rw('AlignedDataCtrlr', 'Interval', 'integer', '0', { unit: 's', min: 0 }),
  rw('AlignedDataCtrlr', 'Measurands', 'MemberList', 'Energy.Active.Import.Register', { values: MEASURANDS }),
  rw('AlignedDataCtrlr', 'SendDuringIdle', 'boolean', 'false'),
  rw('AlignedDataCtrlr', 'TxEndedInterval', 'integer', '0', { unit: 's', min: 0 }),
  rw('AlignedDataCtrlr', 'TxEndedMeasurands', 'MemberList', '', { values: MEASURANDS }),
  // H Reservation
  rw('ReservationCtrlr', 'Enabled', 'boolean', 'true'),
  ro('ReservationCtrlr', 'Available', 'boolean', 'true'),
  ro('ReservationCtrlr', 'NonEvseSpecific', 'boolean', 'false'),
  // K Smart charging
  rw('SmartChargingCtrlr', 'Enabled', 'boolean', 'true'),
  ro('SmartChargingCtrlr', 'Available', 'boolean', 'true'),
  live('SmartChargingCtrlr', 'Entries', 'integer', { instance: 'ChargingProfiles', max: 20 }),
  ro('SmartChargingCtrlr', 'LimitChangeSignificance', 'decimal', '10', { unit: 'Percent' }),
  ro('SmartChargingCtrlr', 'PeriodsPerSchedule', 'integer', '24'),
  ro('SmartChargingCtrlr', 'ProfileStackLevel', 'integer', '10'),
  ro('SmartChargingCtrlr', 'RateUnit', 'MemberList', 'A,W', { values: 'A,W' }),
  // N Diagnostics (monitoring is answered, not evaluated)
  rw('MonitoringCtrlr', 'Enabled', 'boolean', 'true'),
  ro('MonitoringCtrlr', 'Available', 'boolean', 'true'),
  live('MonitoringCtrlr', 'ActiveMonitoringBase', 'OptionList', { values: 'All,FactoryDefault,HardWiredOnly' }),
  live('MonitoringCtrlr', 'ActiveMonitoringLevel', 'integer', { min: 0, max: 9 }),
  // O Display messages
  rw('DisplayMessageCtrlr', 'Enabled', 'boolean', 'true'),
  ro('DisplayMessageCtrlr', 'Available', 'boolean', 'true'),
  live('DisplayMessageCtrlr', 'DisplayMessages', 'integer', { max: 10 }),
  ro('DisplayMessageCtrlr', 'SupportedFormats', 'MemberList', 'ASCII,UTF8,URI', { values: 'ASCII,HTML,URI,UTF8' }),
  ro('DisplayMessageCtrlr', 'SupportedPriorities', 'MemberList', 'AlwaysFront,InFront,NormalCycle', { values: 'AlwaysFront,InFront,NormalCycle' }),
];

/**
 * The key of a variable: `Component.Variable`, with `[instance]` after the variable and the EVSE
 * after the component (`EVSE#1.Power`, `Connector#1/1.ConnectorType`).
 * @example keyOf('OCPPCommCtrlr', 'MessageAttempts', 'TransactionEvent') // -> 'OCPPCommCtrlr.MessageAttempts[TransactionEvent]'
 */
export function keyOf(component: string, variable: string, instance?: string, evse?: { id: number; connectorId?: number }): string {
  const where = evse ? `#${evse.id}${evse.connectorId !== undefined ? `/${evse.connectorId}` : ''}` : '';
  return `${component}${where}.${variable}${instance ? `[${instance}]` : ''}`;
}

/** Table entries by component name, then `variable[instance]`. */
const BY_COMPONENT = new Map<string, Map<string, VarDef>>();
for (const def of VARIABLES) {
  let vars = BY_COMPONENT.get(def.component);
  if (!vars) BY_COMPONENT.set(def.component, (vars = new Map()));
  vars.set(def.instance ? `${def.variable}[${def.instance}]` : def.variable, def);
}

/** A variable of one station: its definition and, for EVSE and connector variables, the EVSE. */
export interface Located {
  def: VarDef;
  evseId: number;
  key: string;
}

/**
 * Whether `value` suits the variable's data type, limits and list of values.
 * @example validValue({ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', type: 'integer', mutability: 'ReadWrite', value: '300', min: 0 }, '-1') // -> false
 */
export function validValue(def: VarDef, value: string): boolean {
  switch (def.type) {
    case 'integer':
    case 'decimal': {
      if (!(def.type === 'integer' ? /^-?\d{1,9}$/ : /^-?\d{1,9}(\.\d+)?$/).test(value)) return false;
      const n = Number(value);
      return (def.min === undefined || n >= def.min) && (def.max === undefined || n <= def.max);
    }
    case 'boolean':
      return value === 'true' || value === 'false';
    case 'dateTime':
      return !Number.isNaN(Date.parse(value));
    case 'OptionList':
      return (def.values ?? '').split(',').includes(value);
    case 'MemberList':
    case 'SequenceList': {
      if (value === '') return def.type === 'MemberList';
      const allowed = (def.values ?? '').split(',');
      const items = value.split(',').map((s) => s.trim());
      const measurands = def.values === MEASURANDS;
      return items.every((i) => allowed.includes(i) && (!measurands || isMeasurand(i))) && new Set(items).size === items.length;
    }
    case 'string':
      return value.length >= (def.min ?? 0) && value.length <= (def.max ?? 1000);
  }
}

/**
 * Component and variable as they appear in reports.
 * @example describe({ def: evsePower, evseId: 2, key: 'EVSE#2.Power' }) // -> { component: { name: 'EVSE', evse: { id: 2 } }, variable: { name: 'Power' } }
 */
export function describe(loc: Located): { component: V201.ComponentType; variable: V201.VariableType } {
  const { def, evseId } = loc;
  const component: V201.ComponentType = { name: def.component };
  if (def.scope === 'evse') component.evse = { id: evseId };
  else if (def.scope === 'connector') component.evse = { id: evseId, connectorId: 1 };
  const variable: V201.VariableType = { name: def.variable };
  if (def.instance) variable.instance = def.instance;
  return { component, variable };
}

/**
 * A station's device model: the shared {@link VARIABLES} table, the station's live values and
 * what the CSMS (or the station) changed. Overrides are created on first change, so a thousand
 * idle stations share one table.
 * @example
 * const model = new DeviceModel(host);
 * model.set('OCPPCommCtrlr', 'HeartbeatInterval', '60');
 * model.int('OCPPCommCtrlr', 'HeartbeatInterval'); // -> 60
 */
export class DeviceModel {
  private overrides: Map<string, string> | undefined;

  constructor(private readonly host: ModelHost, initial?: Record<string, string>) {
    if (initial && Object.keys(initial).length > 0) this.overrides = new Map(Object.entries(initial));
  }

  /** Finds a variable as a GetVariables / SetVariables item names it. */
  locate(component: V201.ComponentType, variable: V201.VariableType): Located | 'UnknownComponent' | 'UnknownVariable' {
    const vars = BY_COMPONENT.get(component.name);
    if (!vars || component.instance !== undefined) return 'UnknownComponent';
    const sample = vars.values().next().value!;
    const evse = component.evse;
    if (sample.scope === undefined ? evse !== undefined : !evse || evse.id < 1 || evse.id > this.host.evses) return 'UnknownComponent';
    if (sample.scope === 'connector' && (evse!.connectorId ?? 1) !== 1) return 'UnknownComponent';
    if (sample.scope === 'evse' && evse!.connectorId !== undefined) return 'UnknownComponent';
    const def = vars.get(variable.instance ? `${variable.name}[${variable.instance}]` : variable.name);
    if (!def) return 'UnknownVariable';
    const evseId = evse?.id ?? 0;
    return { def, evseId, key: keyOf(def.component, def.variable, def.instance, describe({ def, evseId, key: '' }).component.evse) };
  }

  /** The current value of a located variable (WriteOnly ones included: the station itself may read them). */
  read(loc: Located): string {
    if (loc.def.live) return this.host.live(loc.key.replace(/#\d+(\/\d+)?/, ''), loc.evseId) ?? '';
    return this.overrides?.get(loc.key) ?? loc.def.value;
  }

  /** Value of a station-level variable. */
  get(component: string, variable: string, instance?: string): string {
    const loc = this.locate({ name: component }, instance ? { name: variable, instance } : { name: variable });
    return typeof loc === 'string' ? '' : this.read(loc);
  }

  int(component: string, variable: string, instance?: string): number {
    return Number.parseInt(this.get(component, variable, instance), 10) || 0;
  }

  bool(component: string, variable: string): boolean {
    return this.get(component, variable) === 'true';
  }

  list(component: string, variable: string): string[] {
    return this.get(component, variable).split(',').map((s) => s.trim()).filter(Boolean);
  }

  /** Sets a station-level value without the mutability check (the station's own updates). */
  set(component: string, variable: string, value: string, instance?: string): void {
    (this.overrides ??= new Map()).set(keyOf(component, variable, instance), value);
  }

  /** Applies one SetVariables item; returns the status and, if Accepted, the key that changed. */
  change(item: V201.SetVariableDataType): { status: V201.SetVariableStatusEnumType; key?: string } {
    const loc = this.locate(item.component, item.variable);
    if (typeof loc === 'string') return { status: loc };
    if ((item.attributeType ?? 'Actual') !== 'Actual') return { status: 'NotSupportedAttributeType' };
    const { def } = loc;
    if (def.mutability === 'ReadOnly' || !validValue(def, item.attributeValue)) return { status: 'Rejected' };
    const value = def.type === 'MemberList' || def.type === 'SequenceList' ? item.attributeValue.split(',').map((s) => s.trim()).join(',') : item.attributeValue;
    (this.overrides ??= new Map()).set(loc.key, value);
    return { status: def.rebootRequired ? 'RebootRequired' : 'Accepted', key: loc.key };
  }

  /** Answers one GetVariables item. */
  lookup(item: V201.GetVariableDataType): V201.GetVariableResultType {
    const base = { component: item.component, variable: item.variable, ...(item.attributeType ? { attributeType: item.attributeType } : {}) };
    const loc = this.locate(item.component, item.variable);
    if (typeof loc === 'string') return { ...base, attributeStatus: loc };
    if ((item.attributeType ?? 'Actual') !== 'Actual') return { ...base, attributeStatus: 'NotSupportedAttributeType' };
    if (loc.def.mutability === 'WriteOnly') return { ...base, attributeStatus: 'Rejected' };
    return { ...base, attributeStatus: 'Accepted', attributeValue: this.read(loc).slice(0, 2500) };
  }

  /** Every variable of the station (EVSE and connector variables once per EVSE), in table order. */
  *all(): Generator<Located> {
    for (const def of VARIABLES) {
      const count = def.scope ? this.host.evses : 1;
      for (let n = 1; n <= count; n++) {
        const evseId = def.scope ? n : 0;
        const loc: Located = { def, evseId, key: '' };
        loc.key = keyOf(def.component, def.variable, def.instance, describe(loc).component.evse);
        yield loc;
      }
    }
  }

  /** A variable as NotifyReport describes it. */
  reportData(loc: Located): V201.ReportDataType {
    const { def } = loc;
    const attribute: V201.VariableAttributeType = { type: 'Actual', mutability: def.mutability, persistent: !def.live, constant: def.mutability === 'ReadOnly' && !def.live };
    if (def.mutability !== 'WriteOnly') attribute.value = this.read(loc).slice(0, 2500);
    const characteristics: V201.VariableCharacteristicsType = { dataType: def.type, supportsMonitoring: false };
    if (def.unit) characteristics.unit = def.unit;
    if (def.min !== undefined && def.type !== 'string') characteristics.minLimit = def.min;
    if (def.max !== undefined) characteristics.maxLimit = def.max;
    if (def.values) characteristics.valuesList = def.values;
    return { ...describe(loc), variableAttribute: [attribute], variableCharacteristics: characteristics };
  }

  /** Every readable variable and its value, by key (for snapshots). */
  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const loc of this.all()) if (loc.def.mutability !== 'WriteOnly') out[loc.key] = this.read(loc);
    return out;
  }
}
