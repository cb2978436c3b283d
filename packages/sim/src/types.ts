import type { V16, V201 } from '@voltlane/ocpp';

/** OCPP versions (WebSocket subprotocols) the simulator speaks. */
export type SimOcppVersion = 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1';

/** TLS material for wss:// URLs (security profiles 2 and 3), as the `ws` client takes it. */
export interface SimTlsOptions {
  /** CA certificate(s) (PEM) that sign the CSMS's server certificate; default: Node's trusted CAs. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Client certificate (PEM) for security profile 3 (mutual TLS). */
  cert?: string | Buffer;
  /** Private key (PEM) of the client certificate. */
  key?: string | Buffer;
  /** Verify the server certificate (default true). */
  rejectUnauthorized?: boolean;
}

/**
 * Connector status as OCPP 1.6 StatusNotification reports it. A 2.x station keeps these detailed
 * statuses too, and sends Available / Occupied / Reserved / Unavailable / Faulted on the wire.
 */
export type ConnectorStatus = V16.StatusNotificationRequest['status'];

/** A charging profile as the CSMS sends it (SetChargingProfile / RemoteStartTransaction). */
export type ChargingProfile = V16.SetChargingProfileRequest['csChargingProfiles'];

/** idTagInfo as used in Authorize, StartTransaction and the local list. */
export type IdTagInfo = V16.AuthorizeResponse['idTagInfo'];

/** Options of one simulated charge point. */
export interface SimStationOptions {
  /** Base URL; the station id is appended: `ws://127.0.0.1:8080/ocpp` -> `ws://127.0.0.1:8080/ocpp/CP1`. */
  url: string;
  /** OCPP version spoken (and the only subprotocol offered); default 'ocpp1.6'. 'ocpp2.1' behaves as 2.0.1. */
  ocppVersion?: SimOcppVersion;
  /** TLS options for a wss:// URL (security profile 2; with `cert` and `key`, profile 3). */
  tls?: SimTlsOptions;
  /** OCPP 2.x: type of the idTokens drivers present (default 'ISO14443'). */
  idTokenType?: V201.IdTokenEnumType;
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
  /**
   * 1.6: the CSMS's id, or a negative placeholder while the StartTransaction has not been answered.
   * 2.x: the station's own running number of the transaction (see `transactionUuid`).
   */
  transactionId?: number;
  /** OCPP 2.x: the transactionId of the TransactionEvents (a UUID). */
  transactionUuid?: string;
  /** The driver's idTag / idToken ('' for a 2.x transaction that the cable started and nobody authorized yet). */
  idTag?: string;
  meterStart?: number;
  /** State of charge of the EV in percent, while a transaction runs. */
  soc?: number;
}

/** State of a simulated station, as returned by {@link SimStation.snapshot}. */
export interface SimSnapshot {
  id: string;
  ocppVersion: SimOcppVersion;
  connected: boolean;
  registrationStatus: 'Accepted' | 'Pending' | 'Rejected' | undefined;
  firmwareVersion: string;
  /** Connector 0 (the whole station) is not listed. */
  connectors: ConnectorSnapshot[];
  /** 1.6: configuration keys; 2.x: device model variables by `Component.Variable` (see README). */
  configuration: Record<string, string>;
  localListVersion: number;
  localList: { idTag: string; idTagInfo: IdTagInfo }[];
  reservations: { reservationId: number; connectorId: number; idTag: string; parentIdTag?: string; expiryDate: string }[];
  /** 2.x profiles appear in their 1.6 shape (first schedule; ChargingStationMaxProfile as ChargePointMaxProfile). */
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
  /** 1.6: the CSMS answered the StartTransaction. 2.x: TransactionEvent Started was sent (or queued). */
  transactionStarted: [info: { connectorId: number; transactionId: number; transactionUuid?: string; idTag: string; meterStart: number }];
  transactionStopped: [info: { connectorId: number; transactionId: number; transactionUuid?: string; meterStop: number; reason: string }];
  /** A CSMS-initiated call arrived (before it is answered). */
  request: [action: string, payload: Record<string, unknown>];
  /** The station goes down for a reset or firmware update (2.x Reset: 'Soft'). */
  reboot: [kind: 'Soft' | 'Hard' | 'Firmware'];
}
