import type { Queryable } from '@voltlane/db';
import { iso } from '../../rows.js';

/** Where a station is (OCPI Location fields); every field may be unset (null). */
export interface StationLocation {
  name: string | null;
  address: string | null;
  city: string | null;
  postalCode: string | null;
  /** ISO 3166-1 alpha-3. */
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  /** IANA time zone. */
  timeZone: string | null;
}

/** A connector as drivers see it: status plus what the operator set or a 2.x station reported. */
export interface ConnectorDetails {
  evseId: number;
  connectorId: number;
  status: string | null;
  statusAt: string | null;
  /** OCPI ConnectorType, e.g. IEC_62196_T2. */
  standard: string | null;
  format: string | null;
  powerType: string | null;
  maxPowerW: number | null;
  maxVoltage: number | null;
  maxAmperage: number | null;
}

type Row = Record<string, unknown>;

/** Location columns and their API names. */
export const LOCATION_COLUMNS = {
  name: 'name', address: 'address', city: 'city', postalCode: 'postal_code', country: 'country',
  latitude: 'latitude', longitude: 'longitude', timeZone: 'time_zone',
} as const satisfies Record<keyof StationLocation, string>;

/** Connector columns the operator sets, and their API names. */
export const CONNECTOR_COLUMNS = {
  standard: 'standard', format: 'format', powerType: 'power_type', maxPowerW: 'max_power_w', maxVoltage: 'max_voltage', maxAmperage: 'max_amperage',
} as const;

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const s = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function toLocation(r: Row): StationLocation {
  return {
    name: s(r.name), address: s(r.address), city: s(r.city), postalCode: s(r.postal_code), country: s(r.country),
    latitude: n(r.latitude), longitude: n(r.longitude), timeZone: s(r.time_zone),
  };
}

export function toConnectorDetails(r: Row): ConnectorDetails {
  return {
    evseId: Number(r.evse_id), connectorId: Number(r.connector_id), status: s(r.status), statusAt: iso(r.status_at),
    standard: s(r.standard), format: s(r.format), powerType: s(r.power_type),
    maxPowerW: n(r.max_power_w), maxVoltage: n(r.max_voltage), maxAmperage: n(r.max_amperage),
  };
}

export async function findStation(db: Queryable, id: string): Promise<Row | undefined> {
  return (await db.query('select * from stations where id = $1', [id])).rows[0];
}

export async function connectorsOf(db: Queryable, stationIds: string[]): Promise<Row[]> {
  if (stationIds.length === 0) return [];
  const r = await db.query('select * from connector_details where station_id = any($1::text[]) order by station_id, evse_id, connector_id', [stationIds]);
  return r.rows;
}

/** Sets the given location columns (keys of {@link LOCATION_COLUMNS}); false when the station does not exist. */
export async function updateLocation(db: Queryable, id: string, patch: Partial<StationLocation>): Promise<boolean> {
  const sets = ['updated_at = now()'];
  const params: unknown[] = [id];
  for (const [key, col] of Object.entries(LOCATION_COLUMNS)) {
    const v = patch[key as keyof StationLocation];
    if (v !== undefined) sets.push(`${col} = $${params.push(v)}`);
  }
  return (await db.query(`update stations set ${sets.join(', ')} where id = $1`, params)).rowCount === 1;
}

/**
 * Sets a connector's details, creating the connector row when the station has not reported it
 * yet (an operator may describe a charger before it is installed).
 */
export async function upsertConnectorDetails(
  db: Queryable, stationId: string, evseId: number, connectorId: number, patch: Record<string, unknown>,
): Promise<void> {
  const cols: string[] = [];
  const params: unknown[] = [stationId, evseId, connectorId];
  for (const [key, col] of Object.entries(CONNECTOR_COLUMNS)) {
    if (patch[key] !== undefined) {
      params.push(patch[key]);
      cols.push(col);
    }
  }
  const values = cols.map((_, i) => `$${i + 4}`);
  const update = cols.length ? `do update set ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}` : 'do nothing';
  await db.query(
    `insert into connectors (station_id, evse_id, connector_id${cols.map((c) => `, ${c}`).join('')})
     values ($1, $2, $3${values.map((v) => `, ${v}`).join('')})
     on conflict (station_id, evse_id, connector_id) ${update}`,
    params,
  );
}

export async function connectorDetails(db: Queryable, stationId: string, evseId: number, connectorId: number): Promise<Row | undefined> {
  const r = await db.query('select * from connector_details where station_id = $1 and evse_id = $2 and connector_id = $3', [stationId, evseId, connectorId]);
  return r.rows[0];
}

/** Filters of the map: every given connector condition must hold for one and the same connector. */
export interface MapFilter {
  available?: boolean | undefined;
  connectorTypes?: string[] | undefined;
  minPowerW?: number | undefined;
  bbox?: { minLng: number; minLat: number; maxLng: number; maxLat: number } | undefined;
}

/** Accepted stations with coordinates that pass the filter, ordered by id. */
export async function mapStationRows(db: Queryable, f: MapFilter): Promise<Row[]> {
  const where = [`s.registration_status = 'Accepted'`, 's.latitude is not null'];
  const params: unknown[] = [];
  if (f.bbox) {
    where.push(`s.latitude between $${params.push(f.bbox.minLat)} and $${params.push(f.bbox.maxLat)}`);
    // A box across the antimeridian has minLng > maxLng.
    const lo = params.push(f.bbox.minLng);
    const hi = params.push(f.bbox.maxLng);
    where.push(f.bbox.minLng <= f.bbox.maxLng ? `s.longitude between $${lo} and $${hi}` : `(s.longitude >= $${lo} or s.longitude <= $${hi})`);
  }
  const conn: string[] = [];
  if (f.available) {
    where.push(`s.online and coalesce(s.status, '') not in ('Faulted', 'Unavailable')`);
    conn.push(`c.status = 'Available'`);
  }
  if (f.connectorTypes?.length) conn.push(`c.standard = any($${params.push(f.connectorTypes)}::text[])`);
  if (f.minPowerW !== undefined) conn.push(`c.max_power_w >= $${params.push(f.minPowerW)}`);
  if (conn.length) where.push(`exists (select 1 from connector_details c where c.station_id = s.id and ${conn.join(' and ')})`);
  const r = await db.query(
    `select s.id, s.name, s.address, s.city, s.latitude, s.longitude, s.online, s.status from stations s where ${where.join(' and ')} order by s.id`,
    params,
  );
  return r.rows;
}
