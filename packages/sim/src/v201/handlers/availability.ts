import type { Handlers201 } from './index.js';

/** G Availability (2.0.1): ChangeAvailability of the station or one EVSE; a running transaction makes it Scheduled. */
export const availability: Handlers201<'ChangeAvailability'> = {
  ChangeAvailability(o, req) {
    const st = o.st;
    const evseId = req.evse?.id ?? 0;
    const c = st.connector(evseId);
    if (!c || (req.evse?.connectorId !== undefined && req.evse.connectorId !== 1)) return { status: 'Rejected' };
    const operative = req.operationalStatus === 'Operative';
    const busy = evseId === 0 ? st.connectors.some((x) => x.tx) : c.tx !== undefined;
    c.operative = operative;
    st.later('ChangeAvailability', () => (evseId === 0 ? st.refreshAll() : st.refreshStatus(c)));
    return { status: !operative && busy ? 'Scheduled' : 'Accepted' };
  },
};
