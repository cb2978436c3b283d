/**
 * The one registry of error codes the API returns. Each code has an HTTP status; messages say
 * what to do. `{"error": {"code", "message"}}` is the body of every error response.
 */
export const ERRORS = {
  VALIDATION_FAILED: 400,
  INVALID_OCPP_PAYLOAD: 400,
  UNKNOWN_ACTION: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CSRF_HEADER_MISSING: 403,
  NOT_FOUND: 404,
  STATION_NOT_FOUND: 404,
  ID_TOKEN_NOT_FOUND: 404,
  TRANSACTION_NOT_FOUND: 404,
  FILE_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  EXPORT_NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  STATION_OFFLINE: 409,
  NO_ID_TOKEN: 409,
  SESSION_NOT_ACTIVE: 409,
  SETUP_DONE: 409,
  EXPORT_NOT_READY: 409,
  NOTHING_TO_INVOICE: 409,
  INVOICE_PAID: 409,
  PAYMENT_PROVIDER_NOT_CONFIGURED: 409,
  WEBHOOK_SIGNATURE_INVALID: 400,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_ATTEMPTS: 429,
  CHARGER_ERROR: 502,
  CHARGER_INVALID_REPLY: 502,
  CHARGER_TIMEOUT: 504,
  PAYMENT_PROVIDER_ERROR: 502,
  INTERNAL_ERROR: 500,
} as const;
export type ErrorCode = keyof typeof ERRORS;

/**
 * An error a user can hit; the API turns it into its HTTP status and JSON body.
 * @example throw new AppError('STATION_NOT_FOUND', 'Station CP9 does not exist: create it with POST /api/v1/stations');
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERRORS[code];
  }
}
