/**
 * What crosses RabbitMQ: bus messages and errors as JSON. Errors are rebuilt as the same classes on
 * the other side, so the API maps them to the same HTTP codes as in all-in-one mode.
 */
import { RpcClosedError, RpcError, RpcInvalidResponseError, RpcTimeoutError, type ValidationIssue } from '@voltlane/ocpp';
import type { ConnectionEvent, StationCall } from '../bus.js';
import { StationOfflineError } from '../bus.js';

/** A message on a shard queue: a station's CALL or a connection event, in the order the gateway saw them. */
export type ShardMessage =
  | { kind: 'call'; call: Omit<StationCall, 'receivedAt'> & { receivedAt: string }; deadline: number }
  | { kind: 'connection'; event: Omit<ConnectionEvent, 'at'> & { at: string } };

/** An error as it travels in a reply. */
export type WireError =
  | { kind: 'rpc'; code: string; message: string; details: Record<string, unknown> }
  | { kind: 'timeout'; action: string; timeoutMs: number }
  | { kind: 'closed'; action: string }
  | { kind: 'invalid'; action: string; issue: ValidationIssue; response: unknown }
  | { kind: 'offline'; stationId: string }
  | { kind: 'other'; message: string };

/** A reply to a station call or a command. */
export type Reply = { ok: true; result: unknown } | { ok: false; error: WireError };

/** Turns a thrown value into its wire form. */
export function toWireError(error: unknown): WireError {
  if (error instanceof RpcError) return { kind: 'rpc', code: error.code, message: error.message, details: error.details };
  if (error instanceof RpcTimeoutError) return { kind: 'timeout', action: error.action, timeoutMs: error.timeoutMs };
  if (error instanceof RpcClosedError) return { kind: 'closed', action: error.action };
  if (error instanceof RpcInvalidResponseError) return { kind: 'invalid', action: error.action, issue: error.issue, response: error.response };
  if (error instanceof StationOfflineError) return { kind: 'offline', stationId: error.stationId };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

/** Rebuilds the error a remote handler threw. */
export function fromWireError(e: WireError): Error {
  switch (e.kind) {
    case 'rpc':
      return new RpcError(e.code, e.message, e.details);
    case 'timeout':
      return new RpcTimeoutError(e.action, e.timeoutMs);
    case 'closed':
      return new RpcClosedError(e.action);
    case 'invalid':
      return new RpcInvalidResponseError(e.action, e.issue, e.response);
    case 'offline':
      return new StationOfflineError(e.stationId);
    case 'other':
      return new Error(e.message);
  }
}

/**
 * Shard of a station: FNV-1a of its id modulo the shard count. Every node must use the same count.
 * @example shardOf('CP1', 16) // 0..15
 */
export function shardOf(stationId: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < stationId.length; i++) {
    h ^= stationId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}
