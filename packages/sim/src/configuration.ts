import { isMeasurand } from './meter.js';

type Kind = 'int' | 'bool' | 'measurands' | 'units' | 'phaseRotation' | 'string';

interface KeyDef {
  kind: Kind;
  readonly: boolean;
  /** Default value, shared by every station (per-station values live in the overrides). */
  value: string;
  /** Security whitepaper: readable keys that must never be reported (AuthorizationKey). */
  writeOnly?: boolean;
}

const rw = (kind: Kind, value: string): KeyDef => ({ kind, readonly: false, value });
const ro = (kind: Kind, value: string): KeyDef => ({ kind, readonly: true, value });

/**
 * The OCPP 1.6 standard configuration keys the simulator knows (chapter 9), with the defaults of
 * a typical AC charger. Keys the station changes are kept as per-station overrides so that a
 * thousand simulated stations share this one table.
 */
const KEYS: Readonly<Record<string, KeyDef>> = {
  // 9.1 Core profile
  AllowOfflineTxForUnknownId: rw('bool', 'false'),
  AuthorizationCacheEnabled: rw('bool', 'true'),
  AuthorizeRemoteTxRequests: rw('bool', 'false'),
  ClockAlignedDataInterval: rw('int', '0'),
  ConnectionTimeOut: rw('int', '60'),
  ConnectorPhaseRotation: rw('phaseRotation', '0.RST'),
  GetConfigurationMaxKeys: ro('int', '100'),
  HeartbeatInterval: rw('int', '300'),
  LocalAuthorizeOffline: rw('bool', 'true'),
  LocalPreAuthorize: rw('bool', 'true'),
  MeterValuesAlignedData: rw('measurands', 'Energy.Active.Import.Register'),
  MeterValuesSampledData: rw('measurands', 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC'),
  MeterValueSampleInterval: rw('int', '60'),
  NumberOfConnectors: ro('int', '2'),
  ResetRetries: rw('int', '3'),
  StopTransactionOnEVSideDisconnect: rw('bool', 'true'),
  StopTransactionOnInvalidId: rw('bool', 'true'),
  StopTxnAlignedData: rw('measurands', ''),
  StopTxnSampledData: rw('measurands', 'Energy.Active.Import.Register'),
  SupportedFeatureProfiles: ro('string', 'Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger'),
  TransactionMessageAttempts: rw('int', '3'),
  TransactionMessageRetryInterval: rw('int', '60'),
  UnlockConnectorOnEVSideDisconnect: rw('bool', 'true'),
  WebSocketPingInterval: rw('int', '0'),
  // 9.2 Local Auth List Management profile
  LocalAuthListEnabled: rw('bool', 'true'),
  LocalAuthListMaxLength: ro('int', '1000'),
  SendLocalListMaxLength: ro('int', '250'),
  // 9.3 Reservation profile
  ReserveConnectorZeroSupported: ro('bool', 'false'),
  // 9.4 Smart Charging profile
  ChargeProfileMaxStackLevel: ro('int', '10'),
  ChargingScheduleAllowedChargingRateUnit: ro('units', 'Current,Power'),
  ChargingScheduleMaxPeriods: ro('int', '24'),
  ConnectorSwitch3to1PhaseSupported: ro('bool', 'false'),
  MaxChargingProfilesInstalled: ro('int', '20'),
  // OCPP 1.6 Security Whitepaper
  AdditionalRootCertificateCheck: ro('bool', 'false'),
  AuthorizationKey: { kind: 'string', readonly: false, value: '', writeOnly: true },
  CertificateSignedMaxChainSize: ro('int', '10000'),
  CertificateStoreMaxLength: ro('int', '10'),
  CpoName: rw('string', ''),
  SecurityProfile: rw('int', '0'),
};

/** Outcome of a ChangeConfiguration, as the 1.6 response spells it. */
export type ChangeResult = 'Accepted' | 'Rejected' | 'RebootRequired' | 'NotSupported';

function valid(kind: Kind, value: string): boolean {
  switch (kind) {
    case 'int':
      return /^\d{1,9}$/.test(value);
    case 'bool':
      return value === 'true' || value === 'false';
    case 'measurands':
      return value === '' || value.split(',').every((m) => isMeasurand(m.trim()));
    case 'units':
      return value.split(',').every((u) => u === 'Current' || u === 'Power');
    case 'phaseRotation':
      return value.split(',').every((p) => /^\d+\.(RST|RTS|SRT|STR|TRS|TSR|NotApplicable|Unknown)$/.test(p.trim()));
    case 'string':
      return value.length <= 500;
  }
}

/**
 * A station's configuration keys: the standard table plus this station's overrides.
 * @example
 * const cfg = new Configuration({ NumberOfConnectors: '2' });
 * cfg.change('HeartbeatInterval', '60'); // -> 'Accepted'
 * cfg.int('HeartbeatInterval'); // -> 60
 */
export class Configuration {
  private readonly overrides: Map<string, string>;

  constructor(initial: Record<string, string> = {}) {
    this.overrides = new Map(Object.entries(initial));
  }

  has(key: string): boolean {
    return key in KEYS;
  }

  get(key: string): string | undefined {
    return this.overrides.get(key) ?? KEYS[key]?.value;
  }

  int(key: string): number {
    return Number.parseInt(this.get(key) ?? '0', 10) || 0;
  }

  bool(key: string): boolean {
    return this.get(key) === 'true';
  }

  /** A comma-separated list value, trimmed, without empty items. */
  list(key: string): string[] {
    return (this.get(key) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  }

  /** Sets a value without the readonly check (the station's own updates, e.g. HeartbeatInterval from the boot reply). */
  set(key: string, value: string): void {
    this.overrides.set(key, value);
  }

  /** Applies a ChangeConfiguration: unknown key -> NotSupported, readonly or malformed value -> Rejected. */
  change(key: string, value: string): ChangeResult {
    const def = KEYS[key];
    if (!def) return 'NotSupported';
    if (def.readonly || !valid(def.kind, value)) return 'Rejected';
    this.overrides.set(key, def.kind === 'measurands' ? value.split(',').map((s) => s.trim()).filter(Boolean).join(',') : value);
    return 'Accepted';
  }

  /** Entries for GetConfiguration: every key, or the listed ones plus the unknown ones. */
  report(keys?: string[]): { configurationKey: { key: string; readonly: boolean; value?: string }[]; unknownKey: string[] } {
    const wanted = keys && keys.length > 0 ? keys : Object.keys(KEYS);
    const configurationKey: { key: string; readonly: boolean; value?: string }[] = [];
    const unknownKey: string[] = [];
    for (const key of wanted) {
      const def = KEYS[key];
      if (!def) unknownKey.push(key);
      else if (def.writeOnly) configurationKey.push({ key, readonly: def.readonly });
      else configurationKey.push({ key, readonly: def.readonly, value: this.get(key) ?? '' });
    }
    return { configurationKey, unknownKey };
  }

  /** Every readable key and its value. */
  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, def] of Object.entries(KEYS)) if (!def.writeOnly) out[key] = this.get(key) ?? '';
    return out;
  }
}
