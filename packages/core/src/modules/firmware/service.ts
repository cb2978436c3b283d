import { createHash } from 'node:crypto';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import type { HandlerRegistry } from '../../registry.js';
import { iso, num } from '../../rows.js';
import { listTransferStatus, recordTransferStatus, type TransferKind, type TransferStatus } from './status.js';

export type FileKind = 'firmware' | 'diagnostics';

export interface StoredFile {
  id: number;
  kind: FileKind;
  name: string;
  stationId: string | null;
  contentType: string | null;
  size: number;
  sha256: string;
  createdAt: string;
  /** Where a charger downloads it (firmware) / where it was uploaded (diagnostics). */
  url: string;
}

const NAME = /^[A-Za-z0-9._-]{1,200}$/;

/**
 * Firmware and diagnostics/logs: the status notifications stations send (every OCPP version), and
 * the files chargers download (firmware images) and upload (diagnostics archives, logs) over HTTP.
 */
export class FirmwareService {
  constructor(private readonly ctx: CoreContext) {}

  /**
   * OCPP 2.0.1/2.1: FirmwareStatusNotification (L01-L02, signature statuses included),
   * PublishFirmwareStatusNotification (L03-L04), LogStatusNotification (N01). UpdateFirmware,
   * PublishFirmware and GetLog are plain commands; chargers fetch and upload files over HTTP.
   */
  register201(reg: HandlerRegistry): void {
    reg.on201('FirmwareStatusNotification', async (call, req) => {
      await recordTransferStatus(this.ctx, call.stationId, 'firmware', { status: req.status, requestId: req.requestId, at: call.receivedAt });
      return {};
    });
    reg.on201('PublishFirmwareStatusNotification', async (call, req) => {
      await recordTransferStatus(this.ctx, call.stationId, 'publishFirmware', {
        status: req.status, requestId: req.requestId, locations: req.location, at: call.receivedAt,
      });
      return {};
    });
    reg.on201('LogStatusNotification', async (call, req) => {
      await recordTransferStatus(this.ctx, call.stationId, 'log', { status: req.status, requestId: req.requestId, at: call.receivedAt });
      return {};
    });
  }

  /** OCPP 1.6, with the Security Whitepaper's LogStatusNotification (SignedFirmwareStatusNotification is the security module's). */
  register16(reg: HandlerRegistry): void {
    reg.on16('FirmwareStatusNotification', async (call, req) => {
      await recordTransferStatus(this.ctx, call.stationId, 'firmware', { status: req.status, at: call.receivedAt });
      return {};
    });
    reg.on16('DiagnosticsStatusNotification', async (call, req) => {
      await recordTransferStatus(this.ctx, call.stationId, 'log', { status: req.status, at: call.receivedAt });
      return {};
    });
    reg.on16('LogStatusNotification', async (call, req) => {
      await recordTransferStatus(this.ctx, call.stationId, 'log', { status: req.status, requestId: req.requestId, at: call.receivedAt });
      return {};
    });
  }

  /** Records a firmware/publish/log status notification (for modules handling other messages about them). */
  async recordStatus(
    stationId: string, kind: TransferKind, s: { status: string; requestId?: number | undefined; locations?: string[] | undefined; at: Date },
  ): Promise<void> {
    await recordTransferStatus(this.ctx, stationId, kind, s);
  }

  /** The station's firmware, publish-firmware and log status notifications, newest first. */
  async transfers(stationId: string, q: { kind?: TransferKind | undefined; limit?: number | undefined } = {}): Promise<TransferStatus[]> {
    return listTransferStatus(this.ctx, stationId, q);
  }

  /** Stores a file (replacing one of the same kind and name). */
  async put(kind: FileKind, name: string, data: Buffer, opts: { stationId?: string; contentType?: string } = {}): Promise<StoredFile> {
    if (!NAME.test(name)) throw new AppError('VALIDATION_FAILED', 'File name may use letters, digits, ".", "_" and "-" (1-200 characters)');
    if (data.length > this.ctx.config.maxFileBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `File is larger than ${this.ctx.config.maxFileBytes} bytes (VOLTLANE_MAX_FILE_BYTES)`);
    }
    const sha256 = createHash('sha256').update(data).digest('hex');
    const storedName = kind === 'diagnostics' && opts.stationId ? `${opts.stationId}/${name}` : name;
    const r = await this.ctx.db.query(
      `insert into files (kind, name, station_id, content_type, size, sha256, data) values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (kind, name) do update set station_id = excluded.station_id, content_type = excluded.content_type,
         size = excluded.size, sha256 = excluded.sha256, data = excluded.data, created_at = now()
       returning id, kind, name, station_id, content_type, size, sha256, created_at`,
      [kind, storedName, opts.stationId ?? null, opts.contentType ?? null, data.length, sha256, data],
    );
    return this.toFile(r.rows[0]!);
  }

  async list(q: { kind?: FileKind; stationId?: string }): Promise<StoredFile[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.kind) where.push(`kind = $${params.push(q.kind)}`);
    if (q.stationId) where.push(`station_id = $${params.push(q.stationId)}`);
    const r = await this.ctx.db.query(
      `select id, kind, name, station_id, content_type, size, sha256, created_at from files ${where.length ? `where ${where.join(' and ')}` : ''}
       order by id desc limit 1000`,
      params,
    );
    return r.rows.map((x) => this.toFile(x));
  }

  async read(kind: FileKind, name: string): Promise<{ file: StoredFile; data: Buffer }> {
    const r = await this.ctx.db.query('select * from files where kind = $1 and name = $2', [kind, name]);
    const row = r.rows[0];
    if (!row) throw new AppError('FILE_NOT_FOUND', `No ${kind} file named ${name}`);
    return { file: this.toFile(row), data: Buffer.from(row.data as Uint8Array) };
  }

  private toFile(x: Record<string, unknown>): StoredFile {
    const kind = x.kind as FileKind;
    const name = x.name as string;
    const base = this.ctx.config.publicUrl;
    return {
      id: num(x.id)!,
      kind,
      name,
      stationId: (x.station_id as string) ?? null,
      contentType: (x.content_type as string) ?? null,
      size: num(x.size)!,
      sha256: x.sha256 as string,
      createdAt: iso(x.created_at)!,
      url: kind === 'firmware' ? `${base}/files/firmware/${encodeURIComponent(name)}` : `${base}/api/v1/files/diagnostics/${name}`,
    };
  }
}
