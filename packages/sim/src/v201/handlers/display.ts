import type { V201 } from '@voltlane/ocpp';
import type { Ocpp2 } from '../ocpp2.js';
import type { Handlers201 } from './index.js';

/** Messages per NotifyDisplayMessages. */
const REPORT_PART = 10;

/** Messages of a GetDisplayMessages request (every given criterion). */
function matching(o: Ocpp2, req: V201.GetDisplayMessagesRequest): V201.MessageInfoType[] {
  return [...(o.displays?.values() ?? [])].filter(
    (m) => (!req.id || req.id.includes(m.id)) && (req.priority === undefined || m.priority === req.priority) && (req.state === undefined || m.state === req.state),
  );
}

/** O Display message (2.0.1): messages are stored, reported and cleared (the simulator has no screen). */
export const display: Handlers201<'SetDisplayMessage' | 'GetDisplayMessages' | 'ClearDisplayMessage'> = {
  SetDisplayMessage(o, req) {
    const m = req.message;
    const { model } = o;
    if (!model.bool('DisplayMessageCtrlr', 'Enabled')) return { status: 'Rejected' };
    if (!model.list('DisplayMessageCtrlr', 'SupportedFormats').includes(m.message.format)) return { status: 'NotSupportedMessageFormat' };
    if (!model.list('DisplayMessageCtrlr', 'SupportedPriorities').includes(m.priority)) return { status: 'NotSupportedPriority' };
    if (m.transactionId !== undefined && !o.byTransaction(m.transactionId)) return { status: 'UnknownTransaction' };
    const displays = (o.displays ??= new Map());
    // Replacing a message keeps the count; a new one needs room.
    if (!displays.has(m.id) && displays.size >= 10) return { status: 'Rejected' };
    displays.set(m.id, m);
    return { status: 'Accepted' };
  },

  GetDisplayMessages(o, req) {
    const found = matching(o, req);
    if (found.length === 0) return { status: 'Unknown' };
    o.st.later('GetDisplayMessages', async () => {
      for (let i = 0; i < found.length; i += REPORT_PART) {
        const part = found.slice(i, i + REPORT_PART) as [V201.MessageInfoType, ...V201.MessageInfoType[]];
        await o.st.notify('NotifyDisplayMessages', { requestId: req.requestId, messageInfo: part, tbc: i + REPORT_PART < found.length });
      }
    });
    return { status: 'Accepted' };
  },

  ClearDisplayMessage(o, req) {
    return { status: o.displays?.delete(req.id) ? 'Accepted' : 'Unknown' };
  },
};
