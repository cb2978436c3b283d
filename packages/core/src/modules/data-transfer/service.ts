import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';
import { iso } from '../../rows.js';

export type DataTransferStatus = 'Accepted' | 'Rejected' | 'UnknownMessageId' | 'UnknownVendorId';

/** A vendor's handler for DataTransfer messages a station sends. */
export type VendorHook = (msg: { stationId: string; messageId?: string | undefined; data?: string | undefined }) =>
  Promise<{ status: DataTransferStatus; data?: string }>;

/**
 * DataTransfer in both directions: every message is logged; incoming ones go to the hook
 * registered for their vendorId (unknown vendors get UnknownVendorId, as the spec says).
 * @example dataTransfer.registerVendor('com.example', async ({ data }) => ({ status: 'Accepted', data }));
 */
export class DataTransferService {
  private readonly hooks = new Map<string, VendorHook>();
  constructor(private readonly ctx: CoreContext) {}

  registerVendor(vendorId: string, hook: VendorHook): void {
    this.hooks.set(vendorId, hook);
  }

  /** OCPP 2.0.1/2.1 messages of this block. */
  register201(_reg: HandlerRegistry): void {}

  register16(reg: HandlerRegistry): void {
    reg.on16('DataTransfer', async (call, req) => {
      const hook = this.hooks.get(req.vendorId);
      const res = hook ? await hook({ stationId: call.stationId, messageId: req.messageId, data: req.data }) : { status: 'UnknownVendorId' as const };
      await this.log(call.stationId, 'in', req, res.status);
      return res;
    });
    reg.effect16('DataTransfer', async (stationId, req, res) => {
      await this.log(stationId, 'out', req, res.status);
    });
  }

  private async log(stationId: string, direction: 'in' | 'out', req: { vendorId: string; messageId?: string | undefined; data?: string | undefined }, status: string) {
    await this.ctx.db.query(
      'insert into data_transfers (station_id, direction, vendor_id, message_id, data, status) values ($1, $2, $3, $4, $5, $6)',
      [stationId, direction, req.vendorId, req.messageId ?? null, req.data ?? null, status],
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
