import type { ApiOptions, App } from '../server.js';

/** Security events and station certificates. */
export function securityRoutes(_app: App, _opts: ApiOptions): void {}
