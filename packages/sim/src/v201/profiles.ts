import type { V201 } from '@voltlane/ocpp';
import type { ChargingProfile } from '../types.js';

type Purpose201 = V201.ChargingProfilePurposeEnumType;
type Purpose16 = ChargingProfile['chargingProfilePurpose'];

const PURPOSES: Record<Purpose201, Purpose16 | undefined> = {
  ChargingStationMaxProfile: 'ChargePointMaxProfile',
  TxDefaultProfile: 'TxDefaultProfile',
  TxProfile: 'TxProfile',
  // Set by the station's own energy management, never by the CSMS.
  ChargingStationExternalConstraints: undefined,
};

/** A transaction id no running transaction has: a TxProfile naming an unknown transaction is then refused. */
const NO_TRANSACTION = -2_147_483_648;

/**
 * The 1.6-shaped equivalent of a 2.0.1 profile, so that the shared store and composite schedule
 * serve both versions: the first charging schedule (the others are for ISO 15118 offers), the
 * purpose renamed, and the transactionId (a string) mapped to the station's numeric id of it.
 * @example toChargingProfile({ id: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute', chargingSchedule: [s] }, () => undefined)
 */
export function toChargingProfile(p: V201.ChargingProfileType, txIdOf: (uuid: string) => number | undefined): ChargingProfile {
  const s = p.chargingSchedule[0];
  const schedule: ChargingProfile['chargingSchedule'] = {
    chargingRateUnit: s.chargingRateUnit,
    chargingSchedulePeriod: s.chargingSchedulePeriod.map((pp) => ({
      startPeriod: pp.startPeriod,
      limit: pp.limit,
      ...(pp.numberPhases !== undefined ? { numberPhases: pp.numberPhases } : {}),
    })),
  };
  if (s.startSchedule !== undefined) schedule.startSchedule = s.startSchedule;
  if (s.duration !== undefined) schedule.duration = s.duration;
  if (s.minChargingRate !== undefined) schedule.minChargingRate = s.minChargingRate;
  const out: ChargingProfile = {
    chargingProfileId: p.id,
    stackLevel: p.stackLevel,
    // An external constraint maps to nothing the CSMS may set: checkProfile rejects it as TxProfile without a transaction.
    chargingProfilePurpose: PURPOSES[p.chargingProfilePurpose] ?? 'TxProfile',
    chargingProfileKind: p.chargingProfileKind,
    chargingSchedule: schedule,
  };
  if (p.recurrencyKind !== undefined) out.recurrencyKind = p.recurrencyKind;
  if (p.validFrom !== undefined) out.validFrom = p.validFrom;
  if (p.validTo !== undefined) out.validTo = p.validTo;
  if (p.transactionId !== undefined) out.transactionId = txIdOf(p.transactionId) ?? NO_TRANSACTION;
  return out;
}

/**
 * The 1.6 purpose of a 2.0.1 purpose (for ClearChargingProfile criteria); undefined for
 * ChargingStationExternalConstraints, which the CSMS cannot have installed.
 * @example purposeOf('ChargingStationMaxProfile') // -> 'ChargePointMaxProfile'
 */
export function purposeOf(p: Purpose201): Purpose16 | undefined {
  return PURPOSES[p];
}
