/** How a station shows on the map. */
export type Availability = 'available' | 'charging' | 'offline' | 'faulted' | 'unavailable';

/** Connector statuses (OCPP 1.6 and 2.x) where a car is plugged in, charging or the connector is held for someone. */
const BUSY = new Set(['Occupied', 'Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved']);

/**
 * A station's availability for drivers, from its online state, its whole-station status (1.6
 * connector 0 / 2.x EVSE 0) and its connectors' statuses: offline first, then a station-wide
 * Faulted/Unavailable, then the best connector (one Available connector is enough).
 * @example stationAvailability({ online: true, status: null }, [{ status: 'Charging' }, { status: 'Available' }]) // 'available'
 */
export function stationAvailability(station: { online: boolean; status: string | null }, connectors: { status: string | null }[]): Availability {
  if (!station.online) return 'offline';
  if (station.status === 'Faulted') return 'faulted';
  if (station.status === 'Unavailable') return 'unavailable';
  if (connectors.some((c) => c.status === 'Available')) return 'available';
  if (connectors.some((c) => c.status !== null && BUSY.has(c.status))) return 'charging';
  if (connectors.some((c) => c.status === 'Faulted')) return 'faulted';
  return 'unavailable';
}
