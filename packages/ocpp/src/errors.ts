import type { OcppVersion } from './versions.js';

/**
 * RPC error codes, named as in OCPP 2.0.1. OCPP 1.6 spells two of them differently on the wire
 * (`FormationViolation`, `OccurenceConstraintViolation`); {@link wireErrorCode} maps them.
 */
export type RpcErrorCode =
  | 'FormatViolation'
  | 'GenericError'
  | 'InternalError'
  | 'MessageTypeNotSupported'
  | 'NotImplemented'
  | 'NotSupported'
  | 'OccurrenceConstraintViolation'
  | 'PropertyConstraintViolation'
  | 'ProtocolError'
  | 'RpcFrameworkError'
  | 'SecurityError'
  | 'TypeConstraintViolation';

const V16_NAMES: Partial<Record<RpcErrorCode, string>> = {
  FormatViolation: 'FormationViolation',
  OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
  // 1.6 has neither of these: the closest 1.6 codes
  RpcFrameworkError: 'FormationViolation',
  MessageTypeNotSupported: 'FormationViolation',
};

/** The error code as it goes on the wire for a version. */
export function wireErrorCode(version: OcppVersion, code: RpcErrorCode): string {
  return version === 'ocpp1.6' ? (V16_NAMES[code] ?? code) : code;
}

/**
 * An error that becomes (or came from) an OCPP CALLERROR.
 * @example throw new RpcError('NotSupported', 'Reservations are disabled');
 */
export class RpcError extends Error {
  constructor(
    /** Wire code: an {@link RpcErrorCode} or, for errors received from a peer, whatever it sent. */
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** The peer did not answer a call within the timeout. */
export class RpcTimeoutError extends Error {
  constructor(
    readonly action: string,
    readonly timeoutMs: number,
  ) {
    super(`No reply to ${action} within ${timeoutMs} ms`);
    this.name = 'RpcTimeoutError';
  }
}

/** The connection closed before the call could be sent or answered. */
export class RpcClosedError extends Error {
  constructor(readonly action: string) {
    super(`Connection closed before ${action} was answered`);
    this.name = 'RpcClosedError';
  }
}

/** The peer's reply to our call did not match the official schema. */
export class RpcInvalidResponseError extends Error {
  constructor(
    readonly action: string,
    readonly issue: ValidationIssue,
    readonly response: unknown,
  ) {
    super(`Reply to ${action} is invalid: ${issue.message}`);
    this.name = 'RpcInvalidResponseError';
  }
}

/** One schema violation, with the JSON pointer of the offending field. */
export interface ValidationIssue {
  code: RpcErrorCode;
  /** JSON pointer of the offending field, e.g. `/meterValue/0/timestamp` ('' for the root). */
  path: string;
  message: string;
}
