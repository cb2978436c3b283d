import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';
import { ReportTracker } from '../smart-charging/report-tracker.js';
import { deleteMessages, listMessages, putMessage, type DisplayMessage, type MessageCriteria } from './messages.js';

export type { DisplayMessage } from './messages.js';

/**
 * Display messages (O01-O06): the messages each station accepted (SetDisplayMessage), removed as
 * ClearDisplayMessage says, and replaced by what the station reports (GetDisplayMessages ->
 * NotifyDisplayMessages). OCPP 2.x only; 1.6 has no display messages.
 */
export class DisplayMessageService {
  private readonly reports = new ReportTracker<MessageCriteria>((stationId, c, keep) => deleteMessages(this.ctx.db, stationId, c, keep));
  constructor(private readonly ctx: CoreContext) {}

  register201(reg: HandlerRegistry): void {
    reg.effect201('SetDisplayMessage', async (stationId, req, res) => {
      if (res.status === 'Accepted') await putMessage(this.ctx.db, stationId, req.message);
    });
    // Accepted or Unknown: either way the station no longer has the message.
    reg.effect201('ClearDisplayMessage', async (stationId, req) => {
      await deleteMessages(this.ctx.db, stationId, { ids: [req.id] });
    });
    reg.effect201('GetDisplayMessages', async (stationId, req, res) => {
      const criteria: MessageCriteria = { ids: req.id, priority: req.priority, state: req.state };
      // Unknown: the station has no message matching the request, and no report follows.
      if (res.status === 'Unknown') await deleteMessages(this.ctx.db, stationId, criteria);
      else await this.reports.requested(stationId, req.requestId, criteria);
    });
    reg.on201('NotifyDisplayMessages', async (call, req) => {
      const infos = req.messageInfo ?? [];
      await this.ctx.db.transaction(async (tx) => {
        for (const m of infos) await putMessage(tx, call.stationId, m);
      });
      await this.reports.reported(call.stationId, req.requestId, infos.map((m) => String(m.id)), !req.tbc);
      return {};
    });
  }

  /** The messages the station has, as far as Voltlane knows. */
  async list(stationId: string): Promise<DisplayMessage[]> {
    return listMessages(this.ctx.db, stationId);
  }
}
