import type { V201 } from '@voltlane/ocpp';
import type { InstalledProfile } from '../../composite-schedule.js';
import { compositeSchedule } from '../../composite-schedule.js';
import type { Ocpp2 } from '../ocpp2.js';
import { purposeOf, toChargingProfile } from '../profiles.js';
import type { Handlers201 } from './index.js';

/** Profiles per ReportChargingProfiles message. */
const REPORT_PART = 10;

/** Whether an installed profile meets GetChargingProfiles' criteria (every given one). */
function meets(ip: InstalledProfile, evseId: number | undefined, c: V201.ChargingProfileCriterionType): boolean {
  const p = ip.original;
  if (!p) return false;
  if (evseId !== undefined && ip.connectorId !== evseId) return false;
  if (c.chargingProfileId && !c.chargingProfileId.includes(p.id)) return false;
  if (c.chargingProfilePurpose !== undefined && p.chargingProfilePurpose !== c.chargingProfilePurpose) return false;
  if (c.stackLevel !== undefined && p.stackLevel !== c.stackLevel) return false;
  // Every profile here came from the CSMS.
  return !c.chargingLimitSource || c.chargingLimitSource.includes('CSO');
}

/** ReportChargingProfiles per EVSE, in parts; tbc on every message but the very last. */
async function sendProfiles(o: Ocpp2, requestId: number, found: readonly InstalledProfile[]): Promise<void> {
  const messages: V201.ReportChargingProfilesRequest[] = [];
  for (const evseId of [...new Set(found.map((ip) => ip.connectorId))].sort((a, b) => a - b)) {
    const mine = found.filter((ip) => ip.connectorId === evseId).map((ip) => ip.original!);
    for (let i = 0; i < mine.length; i += REPORT_PART) {
      const part = mine.slice(i, i + REPORT_PART) as [V201.ChargingProfileType, ...V201.ChargingProfileType[]];
      messages.push({ requestId, chargingLimitSource: 'CSO', evseId, chargingProfile: part, tbc: true });
    }
  }
  messages.at(-1)!.tbc = false;
  for (const m of messages) await o.st.notify('ReportChargingProfiles', m);
}

/** K Smart charging (2.0.1) on the shared profile store and composite schedule (first charging schedule of a profile). */
export const smartCharging: Handlers201<'SetChargingProfile' | 'ClearChargingProfile' | 'GetChargingProfiles' | 'GetCompositeSchedule'> = {
  SetChargingProfile(o, req) {
    const st = o.st;
    const p = req.chargingProfile;
    let problem: string | undefined;
    if (p.chargingProfilePurpose === 'ChargingStationExternalConstraints') problem = 'ChargingStationExternalConstraints cannot be set by the CSMS';
    else if (p.chargingProfilePurpose === 'TxProfile' && p.transactionId === undefined) problem = 'a TxProfile needs a transactionId';
    else {
      const converted = toChargingProfile(p, (uuid) => o.byTransaction(uuid)?.tx?.id);
      problem = st.profiles.install(req.evseId, converted, st.profileLimits(), p);
    }
    if (problem) {
      st.log(`SetChargingProfile ${p.id} rejected: ${problem}`);
      return { status: 'Rejected', statusInfo: { reasonCode: 'InvalidProfile', additionalInfo: problem.slice(0, 512) } };
    }
    st.later('SetChargingProfile', () => st.metering.updateAll());
    return { status: 'Accepted' };
  },

  ClearChargingProfile(o, req) {
    const st = o.st;
    const c = req.chargingProfileCriteria;
    const purpose = c?.chargingProfilePurpose !== undefined ? purposeOf(c.chargingProfilePurpose) : undefined;
    if (c?.chargingProfilePurpose !== undefined && !purpose) return { status: 'Unknown' };
    const removed = st.profiles.clear({
      ...(req.chargingProfileId !== undefined ? { id: req.chargingProfileId } : {}),
      ...(c?.evseId !== undefined ? { connectorId: c.evseId } : {}),
      ...(purpose ? { chargingProfilePurpose: purpose } : {}),
      ...(c?.stackLevel !== undefined ? { stackLevel: c.stackLevel } : {}),
    });
    if (removed === 0) return { status: 'Unknown' };
    st.later('ClearChargingProfile', () => st.metering.updateAll());
    return { status: 'Accepted' };
  },

  GetChargingProfiles(o, req) {
    const found = (o.st.profilesIfAny()?.all() ?? []).filter((ip) => meets(ip, req.evseId, req.chargingProfile));
    if (found.length === 0) return { status: 'NoProfiles' };
    o.st.later('GetChargingProfiles', () => sendProfiles(o, req.requestId, found));
    return { status: 'Accepted' };
  },

  GetCompositeSchedule(o, req) {
    const st = o.st;
    const c = st.connector(req.evseId);
    if (!c) return { status: 'Rejected' };
    const now = Date.now();
    const unit = req.chargingRateUnit ?? 'W';
    // Where no profile limits, the station's own maximum is the schedule.
    const maxW = c.id === 0 ? st.maxW * o.evses : st.maxW;
    const tx = c.tx && { id: c.tx.id, startedAt: c.tx.startedAt };
    const periods = compositeSchedule(st.profilesIfAny()?.all() ?? [], { connectorId: c.id, maxW, ...(tx ? { tx } : {}) }, now, req.duration, unit);
    return {
      status: 'Accepted',
      schedule: {
        evseId: c.id,
        duration: req.duration,
        scheduleStart: new Date(now).toISOString(),
        chargingRateUnit: unit,
        chargingSchedulePeriod: periods as [V201.ChargingSchedulePeriodType, ...V201.ChargingSchedulePeriodType[]],
      },
    };
  },
};
