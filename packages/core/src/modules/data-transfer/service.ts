import type { OcppVersion } from '@voltlane/ocpp';
import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';
import { iso } from '../../rows.js';

export type DataTransferStatus = 'Accepted' | 'Rejected' | 'UnknownMessageId' | 'UnknownVendorId';

/**
 * A vendor's handler for DataTransfer messages a station sends. `data` is a string in OCPP 1.6 and
 * any JSON value in 2.x; data the hook returns to a 1.6 station is sent as JSON text unless it is a string.
 */
export type VendorHook = (msg: { stationId: string; version: OcppVersion; messageId?: string | undefined; data?: unknown }) =>
  Promise<{ status: DataTransferStatus; data?: unknown }>;

/** A DataTransfer request in any version (2.x data may be any JSON). */
interface Transfer {
  vendorId: string;
  messageId?: string | undefined;
  data?: unknown;
}

/**
 * DataTransfer in both directions and every OCPP version (P01-P02): every message is logged;
 * incoming ones go to the hook registered for their vendorId (unknown vendors get UnknownVendorId,
 * as the spec says).
 * @example dataTransfer.registerVendor('com.example', async ({ data }) => ({ status: 'Accepted', data }));
 */
export class DataTransferService {
  private readonly hooks = new Map<string, VendorHook>();
  constructor(private readonly ctx: CoreContext) {}

  registerVendor(vendorId: string, hook: VendorHook): void {
    this.hooks.set(vendorId, hook);
  }

  /** OCPP 2.0.1/2.1: DataTransfer from the station (P02) and the effect of one the CSMS sent (P01). */
  register201(reg: HandlerRegistry): void {
    reg.on201('DataTransfer', async (call, req) => {
      const res = await this.incoming(call.stationId, call.version, req as Transfer);
      // The generated type says object; the schema allows any JSON value.
      return res as { status: DataTransferStatus; data?: Record<string, unknown> };
    });
    reg.effect201('DataTransfer', async (stationId, req, res) => {
      await this.log(stationId, 'out', req as Transfer, res.status);
    });
  }

  register16(reg: HandlerRegistry): void {
    reg.on16('DataTransfer', async (call, req) => {
      const res = await this.incoming(call.stationId, call.version, req);
      return res.data === undefined ? { status: res.status } : { status: res.status, data: text(res.data) };
    });
    reg.effect16('DataTransfer', async (stationId, req, res) => {
      await this.log(stationId, 'out', req, res.status);
    });
  }

  private async incoming(stationId: string, version: OcppVersion, req: Transfer): Promise<{ status: DataTransferStatus; data?: unknown }> {
    const hook = this.hooks.get(req.vendorId);
    const res = hook ? await hook({ stationId, version, messageId: req.messageId, data: req.data }) : { status: 'UnknownVendorId' as const };
    await this.log(stationId, 'in', req, res.status);
    return res;
  }

  private async log(stationId: string, direction: 'in' | 'out', req: Transfer, status: string) {
    await this.ctx.db.query(
      'insert into data_transfers (station_id, direction, vendor_id, message_id, data, status) values ($1, $2, $3, $4, $5, $6)',
      [stationId, direction, req.vendorId, req.messageId ?? null, req.data === undefined ? null : text(req.data), status],
    );
  }

  async list(stationId: string, limit = 100) {
    const r = await this.ctx.db.query('select * from data_transfers where station_id = $1 order by id desc limit $2', [stationId, limit]);
    return r.rows.map((x) => ({
      direction: x.direction as string,
      vendorId: x.vendor_id as string,
      messageId: (x.message_id as string) ?? null,
      data: (x.data as string) ?? null,
      status: (x.status as string) ?? null,
      at: iso(x.at)!,
    }));
  }
}

/** Strings as they are; any other JSON value as JSON text. */
function text(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data);
}
