import type { RpcErrorCode } from './errors.js';

export const CALL = 2;
export const CALLRESULT = 3;
export const CALLERROR = 4;

/** A well-formed OCPP-J frame. */
export type Frame =
  | { type: typeof CALL; id: string; action: string; payload: Record<string, unknown> }
  | { type: typeof CALLRESULT; id: string; payload: Record<string, unknown> }
  | { type: typeof CALLERROR; id: string; code: string; description: string; details: Record<string, unknown> };

/** Why a frame could not be read, and the id to answer with ('-1' when none could be read). */
export interface FrameProblem {
  id: string;
  code: RpcErrorCode;
  message: string;
  /** Only CALLs (or frames whose type could not be read) are answered with a CALLERROR. */
  reply: boolean;
}

/** OCPP-J message ids are strings of at most 36 characters. */
const MAX_ID_LENGTH = 36;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses and structurally checks one text frame (not the payload against its schema).
 * @example parseFrame('[2,"1","Heartbeat",{}]') // -> { frame: { type: 2, id: '1', action: 'Heartbeat', payload: {} } }
 */
export function parseFrame(text: string): { frame: Frame } | { problem: FrameProblem } {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (e) {
    return problem('-1', 'RpcFrameworkError', `Frame is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(msg) || msg.length < 3) {
    return problem('-1', 'RpcFrameworkError', 'Frame must be a JSON array [MessageTypeId, MessageId, ...]');
  }
  const [type, rawId] = msg as [unknown, unknown];
  if (typeof rawId !== 'string' || rawId.length === 0 || rawId.length > MAX_ID_LENGTH) {
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId).slice(0, MAX_ID_LENGTH) : '-1';
    return problem(id, 'RpcFrameworkError', 'MessageId must be a non-empty string of at most 36 characters', type === CALL || type === undefined);
  }
  const id = rawId;
  switch (type) {
    case CALL: {
      const [, , action, payload] = msg as unknown[];
      if (typeof action !== 'string' || action.length === 0) return problem(id, 'FormatViolation', 'Action must be a non-empty string');
      if (msg.length !== 4) return problem(id, 'FormatViolation', `A CALL has 4 elements, got ${msg.length} (is the payload missing?)`);
      if (!isObject(payload)) return problem(id, 'FormatViolation', 'Payload must be a JSON object');
      return { frame: { type: CALL, id, action, payload } };
    }
    case CALLRESULT: {
      const payload = msg[2] as unknown;
      if (!isObject(payload)) return problem(id, 'FormatViolation', 'CALLRESULT payload must be a JSON object', false);
      return { frame: { type: CALLRESULT, id, payload } };
    }
    case CALLERROR: {
      const [, , code, description, details] = msg as unknown[];
      if (typeof code !== 'string') return problem(id, 'FormatViolation', 'CALLERROR ErrorCode must be a string', false);
      return {
        frame: {
          type: CALLERROR,
          id,
          code,
          description: typeof description === 'string' ? description : '',
          details: isObject(details) ? details : {},
        },
      };
    }
    default:
      return problem(id, 'MessageTypeNotSupported', `MessageTypeId ${JSON.stringify(type)} is not 2, 3 or 4`);
  }
}

function problem(id: string, code: RpcErrorCode, message: string, reply = true): { problem: FrameProblem } {
  return { problem: { id, code, message, reply } };
}

/** Serialises a CALL. */
export function callFrame(id: string, action: string, payload: unknown): string {
  return JSON.stringify([CALL, id, action, payload]);
}

/** Serialises a CALLRESULT. */
export function resultFrame(id: string, payload: unknown): string {
  return JSON.stringify([CALLRESULT, id, payload]);
}

/** Serialises a CALLERROR; the description is cut to what 2.0.1 allows (255 chars). */
export function errorFrame(id: string, code: string, description: string, details: Record<string, unknown> = {}): string {
  return JSON.stringify([CALLERROR, id, code, description.slice(0, 255), details]);
}

/** Best-effort message id of a frame too large to parse, so it can still be answered. */
export function peekMessageId(prefix: string): string | null {
  const m = /^\s*\[\s*2\s*,\s*"([^"]{1,36})"/.exec(prefix);
  return m ? m[1]! : null;
}
