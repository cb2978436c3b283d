import type { ApiOptions, App } from '../server.js';

/** The device model of OCPP 2.x stations, per component and variable. */
export function deviceModelRoutes(_app: App, _opts: ApiOptions): void {}
