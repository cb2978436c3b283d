import type { Handlers201 } from './index.js';

/**
 * H Reservation (2.0.1) on the shared reservation store: one EVSE per reservation
 * (ReservationCtrlr.NonEvseSpecific is false), ReservationStatusUpdate Expired when it runs out.
 */
export const reservation: Handlers201<'ReserveNow' | 'CancelReservation'> = {
  ReserveNow(o, req) {
    const st = o.st;
    if (!o.model.bool('ReservationCtrlr', 'Enabled') || req.evseId === undefined) return { status: 'Rejected' };
    const c = st.connector(req.evseId);
    if (!c || c.id === 0) return { status: 'Rejected' };
    if (req.connectorType !== undefined && req.connectorType !== 'cType2') return { status: 'Rejected' };
    if (Date.parse(req.expiryDateTime) <= Date.now()) return { status: 'Rejected' };
    if (c.status === 'Faulted') return { status: 'Faulted' };
    if (!c.operative || !st.connectors[0]!.operative) return { status: 'Unavailable' };
    const other = st.reservations.forConnector(c.id);
    if (c.tx || c.plugged || (other && other.reservationId !== req.id)) return { status: 'Occupied' };
    // The same id replaces the earlier reservation, wherever it was.
    const previous = st.reservations.remove(req.id);
    st.reservations.add({
      reservationId: req.id,
      connectorId: c.id,
      idTag: req.idToken.idToken,
      ...(req.groupIdToken ? { parentIdTag: req.groupIdToken.idToken } : {}),
      expiryDate: req.expiryDateTime,
    });
    st.later('ReserveNow', () => {
      const old = previous && st.connector(previous.connectorId);
      if (old && old !== c) void st.refreshStatus(old);
      return st.refreshStatus(c);
    });
    return { status: 'Accepted' };
  },

  CancelReservation(o, req) {
    const st = o.st;
    const r = st.reservationsIfAny()?.remove(req.reservationId);
    if (!r) return { status: 'Rejected' };
    const c = st.connector(r.connectorId);
    if (c) st.later('CancelReservation', () => st.refreshStatus(c));
    return { status: 'Accepted' };
  },
};
