import { compositeSchedule } from '../composite-schedule.js';
import type { Handlers } from './index.js';

/** Smart Charging profile (1.6 sections 3.13, 5.5, 5.7 and 5.16). */
export const smartCharging: Handlers<'SetChargingProfile' | 'ClearChargingProfile' | 'GetCompositeSchedule'> = {
  SetChargingProfile(st, req) {
    const problem = st.profiles.install(req.connectorId, req.csChargingProfiles, st.profileLimits());
    if (problem) {
      st.log(`SetChargingProfile ${req.csChargingProfiles.chargingProfileId} rejected: ${problem}`);
      return { status: 'Rejected' };
    }
    st.later('SetChargingProfile', () => st.metering.updateAll());
    return { status: 'Accepted' };
  },

  ClearChargingProfile(st, req) {
    const removed = st.profiles.clear(req);
    if (removed === 0) return { status: 'Unknown' };
    st.later('ClearChargingProfile', () => st.metering.updateAll());
    return { status: 'Accepted' };
  },

  GetCompositeSchedule(st, req) {
    const c = st.connector(req.connectorId);
    if (!c) return { status: 'Rejected' };
    const now = Date.now();
    const start = new Date(now).toISOString();
    const unit = req.chargingRateUnit ?? 'W';
    // Where no profile limits, the charger's own maximum is the schedule.
    const maxW = c.id === 0 ? st.maxW * (st.connectors.length - 1) : st.maxW;
    const tx = c.tx && { id: c.tx.id, startedAt: c.tx.startedAt };
    const periods = compositeSchedule(st.profiles.all(), { connectorId: c.id, maxW, ...(tx ? { tx } : {}) }, now, req.duration, unit);
    return {
      status: 'Accepted',
      connectorId: c.id,
      scheduleStart: start,
      chargingSchedule: { duration: req.duration, startSchedule: start, chargingRateUnit: unit, chargingSchedulePeriod: periods },
    };
  },
};
