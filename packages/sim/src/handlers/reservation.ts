import type { Handlers } from './index.js';

/** Reservation profile (1.6 sections 5.1 and 5.13). */
export const reservation: Handlers<'ReserveNow' | 'CancelReservation'> = {
  ReserveNow(st, req) {
    if (req.connectorId === 0 && !st.config.bool('ReserveConnectorZeroSupported')) return { status: 'Rejected' };
    const c = st.connector(req.connectorId);
    if (!c) return { status: 'Rejected' };
    if (Date.parse(req.expiryDate) <= Date.now()) return { status: 'Rejected' };
    if (c.status === 'Faulted') return { status: 'Faulted' };
    if (!c.operative || !st.connectors[0]!.operative) return { status: 'Unavailable' };
    const other = st.reservations.forConnector(c.id);
    if (c.tx || c.plugged || (other && other.reservationId !== req.reservationId)) return { status: 'Occupied' };
    // The same reservationId replaces the earlier reservation, wherever it was.
    const previous = st.reservations.remove(req.reservationId);
    st.reservations.add({
      reservationId: req.reservationId,
      connectorId: c.id,
      idTag: req.idTag,
      ...(req.parentIdTag !== undefined ? { parentIdTag: req.parentIdTag } : {}),
      expiryDate: req.expiryDate,
    });
    st.later('ReserveNow', () => {
      const old = previous && st.connector(previous.connectorId);
      if (old && old !== c) void st.refreshStatus(old);
      return st.refreshStatus(c);
    });
    return { status: 'Accepted' };
  },

  CancelReservation(st, req) {
    const r = st.reservations.remove(req.reservationId);
    if (!r) return { status: 'Rejected' };
    const c = st.connector(r.connectorId);
    if (c) st.later('CancelReservation', () => st.refreshStatus(c));
    return { status: 'Accepted' };
  },
};
