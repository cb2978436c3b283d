import type { CoreContext } from '../../context.js';
import { iso, num } from '../../rows.js';

/**
 * What a status notification is about: the station's own firmware update (FirmwareStatusNotification,
 * 1.6 SignedFirmwareStatusNotification), firmware a local controller publishes to its stations
 * (PublishFirmwareStatusNotification), or a log upload (2.x/1.6-security LogStatusNotification,
 * 1.6 DiagnosticsStatusNotification).
 */
export type TransferKind = 'firmware' | 'publishFirmware' | 'log';

export interface TransferStatus {
  kind: TransferKind;
  status: string;
  /** The requestId of the UpdateFirmware/PublishFirmware/GetLog it answers; null when not given (1.6, triggered). */
  requestId: number | null;
  /** PublishFirmware: where the local controller publishes the firmware. */
  locations: string[] | null;
  at: string;
}

/** The stations column holding the latest status of a kind (publishing has none: it is not the station's own). */
const COLUMNS: Partial<Record<TransferKind, 'firmware' | 'diagnostics'>> = { firmware: 'firmware', log: 'diagnostics' };

/**
 * Records a status notification: appended to the station's history and, for its own firmware and
 * logs, kept as the station's firmware/diagnostics status; then announced as a live event.
 */
export async function recordTransferStatus(
  ctx: CoreContext, stationId: string, kind: TransferKind,
  s: { status: string; requestId?: number | undefined; locations?: string[] | undefined; at: Date },
): Promise<void> {
  const column = COLUMNS[kind];
  await ctx.db.transaction(async (tx) => {
    await tx.query('insert into file_transfer_events (station_id, kind, status, request_id, locations, at) values ($1, $2, $3, $4, $5, $6)', [
      stationId, kind, s.status, s.requestId ?? null, s.locations ? JSON.stringify(s.locations) : null, s.at,
    ]);
    if (column) await tx.query(`update stations set ${column}_status = $2, ${column}_status_at = $3 where id = $1`, [stationId, s.status, s.at]);
  });
  if (column === 'firmware') ctx.events.emit('firmware.status', { stationId, status: s.status });
  if (column === 'diagnostics') ctx.events.emit('diagnostics.status', { stationId, status: s.status });
}

/** The station's status notifications, newest first. */
export async function listTransferStatus(ctx: CoreContext, stationId: string, q: { kind?: TransferKind | undefined; limit?: number | undefined }): Promise<TransferStatus[]> {
  const params: unknown[] = [stationId];
  const kind = q.kind ? ` and kind = $${params.push(q.kind)}` : '';
  const r = await ctx.db.query(
    `select * from file_transfer_events where station_id = $1${kind} order by id desc limit $${params.push(q.limit ?? 100)}`,
    params,
  );
  return r.rows.map((x) => ({
    kind: x.kind as TransferKind,
    status: x.status as string,
    requestId: num(x.request_id),
    locations: (x.locations as string[]) ?? null,
    at: iso(x.at)!,
  }));
}
