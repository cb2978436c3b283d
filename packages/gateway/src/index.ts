/** The WebSocket edge where chargers connect. */
export * from './gateway.js';
export * from './frame-log.js';
export * from './path.js';
export * from './tls-identity.js';
