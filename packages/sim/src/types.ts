import type { V16 } from '@voltlane/ocpp';

/** Connector status as OCPP 1.6 StatusNotification reports it. */
export type ConnectorStatus = V16.StatusNotificationRequest['status'];

/** A charging profile as the CSMS sends it (SetChargingProfile / RemoteStartTransaction). */
export type ChargingProfile = V16.SetChargingProfileRequest['csChargingProfiles'];

/** idTagInfo as used in Authorize, StartTransaction and the local list. */
export type IdTagInfo = V16.AuthorizeResponse['idTagInfo'];

/** Options of one simulated charge point. */
export interface SimStationOptions {
  /** Base URL; the station id is appended: `ws://127.0.0.1:8080/ocpp` -> `ws://127.0.0.1:8080/ocpp/CP1`. */
  url: string;
  /** Charge point identity (chargeBoxIdentity), at most 48 characters. */
  id: string;
  /** HTTP Basic auth password (security profile 1); the user name is the station id. */
  password?: string;
  /** Number of connectors (default 2). */
  connectors?: number;
  vendor?: string;
  model?: string;
  firmwareVersion?: string;
  /** Initial MeterValueSampleInterval in seconds (default 60; 0 = no periodic samples). */
  meterValueIntervalSec?: number;
  /** Charging power per connector while charging, in W (default 11000, three phases at 230 V). */
  powerW?: number;
  /** Send heartbeats at the interval the CSMS gives in the BootNotification response (default true). */
  heartbeat?: boolean;
  /** Reconnect with exponential backoff and jitter after a drop (default true). */
  reconnect?: boolean;
  /** First reconnect delay in ms; doubles per failed attempt, with jitter (default 1000). */
  reconnectMinMs?: number;
  /** Longest reconnect delay in ms (default 60000). */
  reconnectMaxMs?: number;
  /** How long the station stays off during a reset or firmware reboot, in ms (default 1000). */
  rebootDelayMs?: number;
  /** Send BootNotification on every (re)connection, not only after a reboot (default true). */
  bootOnReconnect?: boolean;
  /** Let {@link SimStation.start} resolve when the CSMS answers Pending, not only Accepted (default false). */
  startResolvesOnPending?: boolean;
  /** Time to wait for the CSMS's reply to each call, in ms (default 30000). */
  callTimeoutMs?: number;
  log?: (msg: string) => void;
}

/** One connector in a {@link SimSnapshot}. */
export interface ConnectorSnapshot {
  connectorId: number;
  status: ConnectorStatus;
  /** Energy register (Energy.Active.Import.Register) in Wh. */
  energyWh: number;
  /** Power currently delivered, in W. */
  powerW: number;
  plugged: boolean;
  operative: boolean;
  /** Real id, or a negative placeholder while the StartTransaction has not been answered. */
  transactionId?: number;
  idTag?: string;
  meterStart?: number;
  /** State of charge of the EV in percent, while a transaction runs. */
  soc?: number;
}

/** State of a simulated station, as returned by {@link SimStation.snapshot}. */
export interface SimSnapshot {
  id: string;
  connected: boolean;
  registrationStatus: 'Accepted' | 'Pending' | 'Rejected' | undefined;
  firmwareVersion: string;
  /** Connector 0 (the whole station) is not listed. */
  connectors: ConnectorSnapshot[];
  configuration: Record<string, string>;
  localListVersion: number;
  localList: { idTag: string; idTagInfo: IdTagInfo }[];
  reservations: { reservationId: number; connectorId: number; idTag: string; parentIdTag?: string; expiryDate: string }[];
  chargingProfiles: { connectorId: number; profile: ChargingProfile }[];
  /** Transaction-related messages waiting to be sent (offline queue). */
  queuedMessages: number;
}

/** Events a {@link SimStation} emits, with their arguments. */
export interface SimStationEvents {
  connected: [];
  disconnected: [code: number, reason: string];
  /** The CSMS answered a BootNotification. */
  registration: [status: 'Accepted' | 'Pending' | 'Rejected'];
  status: [connectorId: number, status: ConnectorStatus];
  transactionStarted: [info: { connectorId: number; transactionId: number; idTag: string; meterStart: number }];
  transactionStopped: [info: { connectorId: number; transactionId: number; meterStop: number; reason: string }];
  /** A CSMS-initiated call arrived (before it is answered). */
  request: [action: string, payload: Record<string, unknown>];
  /** The station goes down for a reset or firmware update. */
  reboot: [kind: 'Soft' | 'Hard' | 'Firmware'];
}
