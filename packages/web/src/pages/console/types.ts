/** Shapes of the API answers the console reads (see /openapi.json). */

export interface List<T> {
  items: T[];
  total: number;
}

export type StationState = 'offline' | 'faulted' | 'charging' | 'available' | 'unavailable';
export const STATION_STATES: StationState[] = ['offline', 'faulted', 'charging', 'available', 'unavailable'];
export const OCPP_VERSIONS = ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'] as const;

export interface Summary {
  since: string;
  stations: { total: number; online: number; offline: number; faulted: number; charging: number; available: number; unavailable: number; pending: number };
  activeSessions: number;
  energySinceWh: number;
  sessionsSince: number;
  powerW: number;
}

export interface ConsoleStation {
  id: string;
  state: StationState;
  online: boolean;
  registrationStatus: string;
  ocppVersion: string | null;
  vendor: string | null;
  model: string | null;
  firmwareVersion: string | null;
  lastSeenAt: string | null;
  activeSessions: number;
  connectors: { evseId: number; connectorId: number; status: string | null }[];
}

export interface Connector {
  evseId: number;
  connectorId: number;
  ocpp16ConnectorId: number;
  status: string | null;
  errorCode: string | null;
  info: string | null;
  vendorErrorCode: string | null;
  statusAt: string | null;
}

export interface Station {
  id: string;
  registrationStatus: 'Accepted' | 'Pending' | 'Rejected';
  online: boolean;
  ocppVersion: string | null;
  vendor: string | null;
  model: string | null;
  firmwareVersion: string | null;
  status: string | null;
  hasPassword: boolean;
  autoRegistered: boolean;
  securityProfile?: number;
  connectors?: Connector[];
  [k: string]: unknown;
}

export interface MeterValue {
  ts?: string;
  timestamp?: string;
  energyWh?: number | null;
  powerW?: number | null;
  [k: string]: unknown;
}

export interface Transaction {
  id: number;
  stationId: string;
  ocppTransactionId: string | null;
  connectorId: number;
  evseId: number;
  idToken: string | null;
  status: 'active' | 'completed';
  startedAt: string;
  stoppedAt: string | null;
  meterStartWh: number | null;
  meterStopWh: number | null;
  energyWh: number | null;
  stopReason: string | null;
  cost?: { currency: string; exclVat: string; inclVat: string } | null;
  meterValues?: MeterValue[];
}

export interface IdToken {
  idToken: string;
  type: string | null;
  status: string;
  expiresAt: string | null;
  parentIdToken: string | null;
  userId?: number | null;
}

export interface User {
  id: number;
  email: string;
  name: string | null;
  role: 'admin' | 'operator' | 'driver';
  locale: string;
  disabled: boolean;
  createdAt: string;
}

export interface Reservation {
  id: number;
  stationId: string;
  connectorId: number;
  idToken: string;
  expiresAt: string;
  status: string;
  transactionId?: number | null;
  [k: string]: unknown;
}

/** A background export (GET /api/v1/exports; docs/exports.md). */
export interface ExportJob {
  id: number;
  kind: 'sessions' | 'cdrs' | 'meter-values';
  format: 'csv' | 'xlsx';
  filter: { from?: string; to?: string; stationId?: string; userId?: number; partner?: string };
  status: 'queued' | 'running' | 'done' | 'failed';
  rows: number;
  totalRows: number | null;
  /** 0..1; 1 when done. */
  progress: number;
  error: string | null;
  sizeBytes: number | null;
  createdBy: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Whether the station speaks OCPP 2.0.1 or 2.1 (device model, RequestStartTransaction, ...). */
export function isV2(version: string | null | undefined): boolean {
  return version === 'ocpp2.0.1' || version === 'ocpp2.1';
}
