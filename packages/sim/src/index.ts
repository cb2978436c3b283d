/**
 * OCPP charge point simulator (1.6J, 2.0.1, and 2.1 with the 2.0.1 behaviour): one
 * {@link SimStation} behaves like a real charger (boot, heartbeat, metering, offline queue,
 * every CSMS-initiated action; 2.x: device model and TransactionEvents); fleets and the CLI
 * drive many of them for demos, integration tests and load benchmarks.
 */
export { SimStation, type AnyStopReason, type StartResult } from './station.js';
export { createFleet, startFleet, type Fleet, type FleetOptions } from './fleet.js';
export type { AutoChargeOptions } from './auto-charge.js';
export { runSimCli } from './cli.js';
export type {
  ChargingProfile,
  ConnectorSnapshot,
  ConnectorStatus,
  IdTagInfo,
  SimOcppVersion,
  SimSnapshot,
  SimStationEvents,
  SimStationOptions,
  SimTlsOptions,
} from './types.js';
