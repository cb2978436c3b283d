/** How a station shows on the map (GET /api/v1/map/stations). */
export type Availability = 'available' | 'charging' | 'offline' | 'faulted' | 'unavailable';

export interface MapConnector {
  evseId: number;
  connectorId: number;
  /** OCPI ConnectorType, e.g. IEC_62196_T2. */
  type: string | null;
  powerType: string | null;
  maxPowerW: number | null;
  status: string | null;
}

export interface MapStation {
  id: string;
  name: string | null;
  address: string | null;
  city: string | null;
  lat: number;
  lng: number;
  online: boolean;
  availability: Availability;
  connectors: MapConnector[];
}

/** GET /api/v1/public/config */
export interface PublicConfig {
  mapStyleUrl: string | null;
  publicUrl: string;
}

/** Marker colours per availability (also used by the legend and the list). */
export const AVAILABILITY_COLORS: Record<Availability, string> = {
  available: '#0a7d4f',
  charging: '#175cd3',
  faulted: '#b42318',
  unavailable: '#b54708',
  offline: '#6b7480',
};

export const AVAILABILITIES: Availability[] = ['available', 'charging', 'unavailable', 'faulted', 'offline'];

/** Connector types offered in the map filter (OCPI ConnectorType), most common in Europe first. */
export const FILTER_TYPES = [
  'IEC_62196_T2', 'IEC_62196_T2_COMBO', 'CHADEMO', 'IEC_62196_T1', 'IEC_62196_T1_COMBO', 'TESLA_S', 'DOMESTIC_F', 'DOMESTIC_G', 'GBT_AC', 'GBT_DC',
];

/** Minimum power choices in the map filter, kW. */
export const MIN_POWERS_KW = [3.7, 11, 22, 50, 100, 150, 350];

/** The highest maxPowerW of a station's connectors, or null. */
export function maxPower(connectors: { maxPowerW: number | null }[]): number | null {
  const all = connectors.map((c) => c.maxPowerW).filter((p): p is number => p !== null);
  return all.length ? Math.max(...all) : null;
}
