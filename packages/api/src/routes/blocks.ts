import type { ApiOptions, App } from '../server.js';
import { AnyObject, List, Type } from '../schemas.js';

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }) });

/**
 * Per-station views of the OCPP 2.x functional blocks: external charging limits and EV charging
 * needs (K), display messages (O), and firmware/log status notifications (L, N).
 */
export function blockRoutes(app: App, { core }: ApiOptions): void {
  app.get('/stations/:id/charging-limits', {
    config: { access: 'operator' },
    schema: {
      tags: ['smart charging'], summary: 'External charging limits in force (NotifyChargingLimit, until ClearedChargingLimit); evseId 0 = whole station',
      params: Id, response: { 200: List(AnyObject) },
    },
  }, async (req) => {
    const items = await core.smartCharging.limits(req.params.id);
    return { items, total: items.length };
  });

  app.get('/stations/:id/ev-charging-needs', {
    config: { access: 'operator' },
    schema: {
      tags: ['smart charging'], summary: "Per EVSE, the EV's charging needs (NotifyEVChargingNeeds) and the schedule it chose (NotifyEVChargingSchedule)",
      params: Id, response: { 200: List(AnyObject) },
    },
  }, async (req) => {
    const items = await core.smartCharging.evChargingNeeds(req.params.id);
    return { items, total: items.length };
  });

  app.get('/stations/:id/display-messages', {
    config: { access: 'operator' },
    schema: {
      tags: ['display messages'],
      summary: 'Display messages the station accepted (SetDisplayMessage) or reported (GetDisplayMessages -> NotifyDisplayMessages)',
      params: Id, response: { 200: List(AnyObject) },
    },
  }, async (req) => {
    const items = await core.displayMessages.list(req.params.id);
    return { items, total: items.length };
  });

  app.get('/stations/:id/file-transfers', {
    config: { access: 'operator' },
    schema: {
      tags: ['firmware'],
      summary: 'Firmware, publish-firmware and log/diagnostics status notifications with their request ids, newest first',
      params: Id,
      querystring: Type.Object({
        kind: Type.Optional(Type.String({ enum: ['firmware', 'publishFirmware', 'log'] })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      }),
      response: { 200: List(AnyObject) },
    },
  }, async (req) => {
    const items = await core.firmware.transfers(req.params.id, req.query as never);
    return { items, total: items.length };
  });
}
