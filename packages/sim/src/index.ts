/**
 * OCPP 1.6J charge point simulator: one {@link SimStation} behaves like a real charger (boot,
 * heartbeat, metering, offline queue, every CSMS-initiated action); fleets and the CLI drive
 * many of them for demos, integration tests and load benchmarks.
 */
export { SimStation, type StartResult } from './station.js';
export { createFleet, startFleet, type Fleet, type FleetOptions } from './fleet.js';
export type { AutoChargeOptions } from './auto-charge.js';
export { runSimCli } from './cli.js';
export type {
  ChargingProfile,
  ConnectorSnapshot,
  ConnectorStatus,
  IdTagInfo,
  SimSnapshot,
  SimStationEvents,
  SimStationOptions,
} from './types.js';
