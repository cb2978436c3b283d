/**
 * OCPP-J framing and RPC with message types and validators generated from the official
 * OCPP 1.6, 2.0.1 and 2.1 JSON schemas. No I/O: the transport feeds frames in and sends them out.
 */
export * from './versions.js';
export * from './errors.js';
export * from './frames.js';
export * from './schemas.js';
export * from './rpc.js';
export type * as V16 from './generated/v16/types.js';
export type * as V201 from './generated/v201/types.js';
export type * as V21 from './generated/v21/types.js';
