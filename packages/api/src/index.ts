/** REST API (OpenAPI 3.1), file endpoints for chargers and live events. */
export * from './server.js';
export * from './auth.js';
