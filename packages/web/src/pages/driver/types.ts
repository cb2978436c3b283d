/** A driver's session (GET /api/v1/me/sessions). */
export interface DriverSession {
  id: number;
  stationId: string;
  evseId: number;
  connectorId: number;
  idToken: string | null;
  status: 'active' | 'completed';
  startedAt: string;
  stoppedAt: string | null;
  energyWh: number | null;
  powerW: number | null;
  durationS: number;
  costInclVat: string | null;
  currency: string | null;
}

export interface DriverSessionDetail extends DriverSession {
  meterValues: { at: string; energyWh: number | null; powerW: number | null }[];
}

export interface MonthlyStat {
  month: string;
  sessions: number;
  energyWh: number;
  costInclVat: string | null;
  currency: string | null;
}

/** GET /api/v1/public/stations/{id}/connectors */
export interface PublicStation {
  stationId: string;
  name: string | null;
  online: boolean;
  availability: 'available' | 'charging' | 'offline' | 'faulted' | 'unavailable';
  connectors: { evseId: number; connectorId: number; status: string | null; type: string | null; powerType: string | null; maxPowerW: number | null }[];
}

/** POST /api/v1/me/sessions */
export interface StartReply {
  status: string;
  reply: Record<string, unknown>;
  transactionId?: number;
}

/** Connector statuses a remote start can work from (free, or the driver's car already plugged in). */
export const STARTABLE = new Set(['Available', 'Preparing']);
