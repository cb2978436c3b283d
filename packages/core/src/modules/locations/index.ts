/** Station locations and connector details (OCPI Location/Connector fields): map, QR start pages. */
export { LocationService, type MapStation, type PublicStation, type ConnectorPatch } from './service.js';
export { stationAvailability, type Availability } from './availability.js';
export type { StationLocation, ConnectorDetails, MapFilter } from './repository.js';
export { CONNECTOR_TYPES, CONNECTOR_FORMATS, POWER_TYPES, type ConnectorType, type ConnectorFormat, type PowerType } from './ocpi-types.js';
