import { RpcClosedError, RpcError, RpcInvalidResponseError, RpcTimeoutError, isOcppVersion, schemasFor, type OcppVersion } from '@voltlane/ocpp';
import { StationOfflineError } from '@voltlane/bus';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import type { HandlerRegistry } from '../../registry.js';
import { iso, num } from '../../rows.js';
import { notFound } from '../stations/service.js';
import { redact } from './redact.js';

/**
 * Sends any CSMS-initiated OCPP action to a station, wherever it is connected, and returns the
 * charger's reply. The payload is checked against the official schema first; the exchange is
 * logged; modules' effects then bring Voltlane's view in step (stored profiles, local list, ...).
 * @example const reply = await commands.send('CP1', 'Reset', { type: 'Soft' }); // { status: 'Accepted' }
 */
export class CommandService {
  constructor(
    private readonly ctx: CoreContext,
    private readonly registry: HandlerRegistry,
  ) {}

  async send(stationId: string, action: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const row = await this.ctx.db.query<{ ocpp_version: string | null }>('select ocpp_version from stations where id = $1', [stationId]);
    if (!row.rows[0]) throw notFound(stationId);
    const stored = row.rows[0].ocpp_version;
    const version: OcppVersion = stored && isOcppVersion(stored) ? stored : 'ocpp1.6';
    const schemas = schemasFor(version);
    if (!schemas.initiatedBy(action, 'csms')) {
      throw new AppError('UNKNOWN_ACTION', `${action} is not a command a CSMS sends in ${version}. Use one of: ${schemas.csmsActions().join(', ')}`);
    }
    const issue = schemas.validateRequest(action, payload);
    if (issue) {
      throw new AppError('INVALID_OCPP_PAYLOAD', `Invalid ${action} payload: ${issue.message}`, { field: issue.path, ocppErrorCode: issue.code });
    }
    const startedAt = new Date();
    try {
      const response = await this.ctx.bus.command({ stationId, action, payload, timeoutMs: this.ctx.config.commandTimeoutSec * 1000 });
      await this.logCommand(stationId, action, redact(action, payload), startedAt, { response });
      for (const effect of this.registry.effectsOf(version, action)) {
        await (effect as (s: string, q: unknown, r: unknown) => Promise<void>)(stationId, payload, response).catch((err: unknown) =>
          this.ctx.log.error({ stationId, action, err }, 'command effect failed'),
        );
      }
      return response;
    } catch (error) {
      const appError = toAppError(stationId, action, error);
      await this.logCommand(stationId, action, redact(action, payload), startedAt, { errorCode: appError.code, errorMessage: appError.message });
      throw appError;
    }
  }

  async history(stationId: string, limit = 50) {
    const r = await this.ctx.db.query('select * from command_log where station_id = $1 order by id desc limit $2', [stationId, limit]);
    return r.rows.map((x) => ({
      id: num(x.id)!,
      action: x.action as string,
      request: x.request,
      response: x.response ?? null,
      errorCode: (x.error_code as string) ?? null,
      errorMessage: (x.error_message as string) ?? null,
      startedAt: iso(x.started_at)!,
      finishedAt: iso(x.finished_at),
    }));
  }

  private async logCommand(
    stationId: string, action: string, request: unknown, startedAt: Date,
    outcome: { response?: unknown; errorCode?: string; errorMessage?: string },
  ): Promise<void> {
    await this.ctx.db
      .query(
        `insert into command_log (station_id, action, request, response, error_code, error_message, started_at, finished_at)
         values ($1, $2, $3, $4, $5, $6, $7, now())`,
        [stationId, action, JSON.stringify(request), outcome.response === undefined ? null : JSON.stringify(outcome.response),
          outcome.errorCode ?? null, outcome.errorMessage ?? null, startedAt],
      )
      .catch((err: unknown) => this.ctx.log.error({ err }, 'could not log command'));
  }
}

function toAppError(stationId: string, action: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof StationOfflineError || error instanceof RpcClosedError) {
    return new AppError('STATION_OFFLINE', `Station ${stationId} is not connected; retry once it is online (GET /api/v1/stations/${stationId} shows "online")`);
  }
  if (error instanceof RpcTimeoutError) {
    return new AppError('CHARGER_TIMEOUT', `Station ${stationId} did not answer ${action} within ${error.timeoutMs / 1000} s; check its connection inspector`);
  }
  if (error instanceof RpcInvalidResponseError) {
    return new AppError('CHARGER_INVALID_REPLY', `Station ${stationId} replied to ${action} with an invalid payload: ${error.issue.message}`, {
      response: error.response as Record<string, unknown>,
    });
  }
  if (error instanceof RpcError) {
    return new AppError('CHARGER_ERROR', `Station ${stationId} answered ${action} with CALLERROR ${error.code}: ${error.message || '(no description)'}`, {
      ocppErrorCode: error.code, ocppErrorDescription: error.message, ocppErrorDetails: error.details,
    });
  }
  return new AppError('INTERNAL_ERROR', `Could not send ${action}: ${(error as Error).message}`);
}
