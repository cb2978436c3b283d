import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { stationAvailability, type Availability } from './availability.js';
import * as repo from './repository.js';
import type { ConnectorDetails, MapFilter, StationLocation } from './repository.js';

/** A station on the map. */
export interface MapStation {
  id: string;
  name: string | null;
  address: string | null;
  city: string | null;
  lat: number;
  lng: number;
  online: boolean;
  availability: Availability;
  connectors: { evseId: number; connectorId: number; type: string | null; powerType: string | null; maxPowerW: number | null; status: string | null }[];
}

/** What the page a connector's QR code opens shows before login: no private data. */
export interface PublicStation {
  stationId: string;
  name: string | null;
  online: boolean;
  availability: Availability;
  connectors: { evseId: number; connectorId: number; status: string | null; type: string | null; powerType: string | null; maxPowerW: number | null }[];
}

/** Connector fields an operator sets (OCPI Connector); null clears one. */
export interface ConnectorPatch {
  standard?: string | null;
  format?: string | null;
  powerType?: string | null;
  maxPowerW?: number | null;
  maxVoltage?: number | null;
  maxAmperage?: number | null;
}

/**
 * Station locations and connector details (OCPI Location/Connector fields) for the map, the QR
 * start pages and, later, roaming: set by operators, read by drivers.
 * @example await locations.update('CP1', { name: 'Place Bellecour', latitude: 45.7578, longitude: 4.832 });
 */
export class LocationService {
  constructor(private readonly ctx: CoreContext) {}

  /** A station's location and its connectors' details. */
  async get(stationId: string): Promise<StationLocation & { connectors: ConnectorDetails[] }> {
    const row = await repo.findStation(this.ctx.db, stationId);
    if (!row) throw stationNotFound(stationId);
    const connectors = await repo.connectorsOf(this.ctx.db, [stationId]);
    return { ...repo.toLocation(row), connectors: connectors.map(repo.toConnectorDetails) };
  }

  /** Changes location fields (absent: unchanged, null: cleared); latitude and longitude go together. */
  async update(stationId: string, patch: Partial<StationLocation>): Promise<StationLocation> {
    const row = await repo.findStation(this.ctx.db, stationId);
    if (!row) throw stationNotFound(stationId);
    const lat = patch.latitude !== undefined ? patch.latitude : (row.latitude as number | null);
    const lng = patch.longitude !== undefined ? patch.longitude : (row.longitude as number | null);
    if ((lat === null) !== (lng === null)) {
      const missing = lat === null ? 'latitude' : 'longitude';
      throw new AppError('VALIDATION_FAILED', `Set latitude and longitude together (or clear both): ${missing} is missing`, { field: `body.${missing}` });
    }
    if (patch.country) patch = { ...patch, country: patch.country.toUpperCase() };
    if (patch.timeZone && !validTimeZone(patch.timeZone)) {
      throw new AppError('VALIDATION_FAILED', `timeZone ${patch.timeZone} is not an IANA time zone: use e.g. Europe/Paris`, { field: 'body.timeZone' });
    }
    await repo.updateLocation(this.ctx.db, stationId, patch);
    return repo.toLocation((await repo.findStation(this.ctx.db, stationId))!);
  }

  /** Sets a connector's type, format, power type and limits; creates the connector if the station has not reported it. */
  async updateConnector(stationId: string, evseId: number, connectorId: number, patch: ConnectorPatch): Promise<ConnectorDetails> {
    if (!(await repo.findStation(this.ctx.db, stationId))) throw stationNotFound(stationId);
    await repo.upsertConnectorDetails(this.ctx.db, stationId, evseId, connectorId, patch as Record<string, unknown>);
    return repo.toConnectorDetails((await repo.connectorDetails(this.ctx.db, stationId, evseId, connectorId))!);
  }

  /** Accepted stations with coordinates that have a connector matching every filter. */
  async map(filter: MapFilter): Promise<MapStation[]> {
    const stations = await repo.mapStationRows(this.ctx.db, filter);
    const byStation = new Map<string, ConnectorDetails[]>();
    for (const r of await repo.connectorsOf(this.ctx.db, stations.map((s) => s.id as string))) {
      const c = repo.toConnectorDetails(r);
      const list = byStation.get(r.station_id as string) ?? [];
      list.push(c);
      byStation.set(r.station_id as string, list);
    }
    return stations.map((s) => {
      const connectors = byStation.get(s.id as string) ?? [];
      const online = s.online as boolean;
      return {
        id: s.id as string,
        name: (s.name as string | null) ?? null,
        address: (s.address as string | null) ?? null,
        city: (s.city as string | null) ?? null,
        lat: Number(s.latitude),
        lng: Number(s.longitude),
        online,
        availability: stationAvailability({ online, status: (s.status as string | null) ?? null }, connectors),
        connectors: connectors.map((c) => ({ evseId: c.evseId, connectorId: c.connectorId, type: c.standard, powerType: c.powerType, maxPowerW: c.maxPowerW, status: c.status })),
      };
    });
  }

  /** The public view of one Accepted station (a QR code's start page); other stations do not exist here. */
  async publicStation(stationId: string): Promise<PublicStation> {
    const row = await repo.findStation(this.ctx.db, stationId);
    if (!row || row.registration_status !== 'Accepted') {
      throw new AppError('STATION_NOT_FOUND', `Station ${stationId} does not exist: check the id on the charger's label`);
    }
    const connectors = (await repo.connectorsOf(this.ctx.db, [stationId])).map(repo.toConnectorDetails);
    const online = row.online as boolean;
    return {
      stationId,
      name: (row.name as string | null) ?? null,
      online,
      availability: stationAvailability({ online, status: (row.status as string | null) ?? null }, connectors),
      connectors: connectors.map((c) => ({ evseId: c.evseId, connectorId: c.connectorId, status: c.status, type: c.standard, powerType: c.powerType, maxPowerW: c.maxPowerW })),
    };
  }
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function stationNotFound(id: string): AppError {
  return new AppError('STATION_NOT_FOUND', `Station ${id} does not exist: create it with POST /api/v1/stations`);
}
