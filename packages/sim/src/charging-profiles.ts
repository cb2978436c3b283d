import type { V16, V201 } from '@voltlane/ocpp';
import type { InstalledProfile } from './composite-schedule.js';
import type { ChargingProfile } from './types.js';

/** The station's limits on profiles, from its configuration keys. */
export interface ProfileLimits {
  connectors: number;
  /** ChargeProfileMaxStackLevel */
  maxStackLevel: number;
  /** ChargingScheduleMaxPeriods */
  maxPeriods: number;
  /** MaxChargingProfilesInstalled */
  maxInstalled: number;
  /** ChargingScheduleAllowedChargingRateUnit, as 'A' / 'W'. */
  units: readonly ('A' | 'W')[];
  /** Id of the transaction running on a connector, if any. */
  transactionOn: (connectorId: number) => number | undefined;
}

/**
 * Why a SetChargingProfile must be rejected (1.6 section 3.13 and 5.16), or undefined if it is fine.
 * @example checkProfile(1, { ...profile, stackLevel: 99 }, limits) // -> 'stackLevel 99 exceeds ChargeProfileMaxStackLevel 10'
 */
export function checkProfile(connectorId: number, p: ChargingProfile, limits: ProfileLimits): string | undefined {
  if (connectorId > limits.connectors) return `connector ${connectorId} does not exist`;
  if (p.stackLevel > limits.maxStackLevel) return `stackLevel ${p.stackLevel} exceeds ChargeProfileMaxStackLevel ${limits.maxStackLevel}`;
  const s = p.chargingSchedule;
  if (!limits.units.includes(s.chargingRateUnit)) return `chargingRateUnit ${s.chargingRateUnit} is not allowed`;
  if (s.chargingSchedulePeriod.length > limits.maxPeriods) return `more than ${limits.maxPeriods} periods`;
  for (let i = 1; i < s.chargingSchedulePeriod.length; i++) {
    if (s.chargingSchedulePeriod[i]!.startPeriod <= s.chargingSchedulePeriod[i - 1]!.startPeriod) return 'startPeriod values must ascend';
  }
  if (p.chargingProfileKind === 'Recurring' && !p.recurrencyKind) return 'a Recurring profile needs recurrencyKind';
  if (p.chargingProfilePurpose === 'ChargePointMaxProfile' && connectorId !== 0) return 'ChargePointMaxProfile is only allowed on connector 0';
  if (p.chargingProfilePurpose === 'TxProfile') {
    if (connectorId === 0) return 'TxProfile needs a connector';
    const tx = limits.transactionOn(connectorId);
    if (tx === undefined) return `no transaction runs on connector ${connectorId}`;
    if (p.transactionId !== undefined && p.transactionId !== tx) return `transaction ${p.transactionId} does not run on connector ${connectorId}`;
  }
  return undefined;
}

type ClearFilter = V16.ClearChargingProfileRequest;

/**
 * The charging profiles installed on a station.
 * @example
 * const store = new ChargingProfiles();
 * store.install(0, maxProfile, limits); // -> undefined (accepted) or the reason for rejecting it
 */
export class ChargingProfiles {
  private items: InstalledProfile[] = [];

  get size(): number {
    return this.items.length;
  }

  all(): readonly InstalledProfile[] {
    return this.items;
  }

  /**
   * Installs a profile (replacing one with the same id, or the same purpose and stack level on
   * that connector); returns the reason if rejected. `original`: the 2.x profile it stands for.
   */
  install(connectorId: number, profile: ChargingProfile, limits: ProfileLimits, original?: V201.ChargingProfileType): string | undefined {
    const problem = checkProfile(connectorId, profile, limits);
    if (problem) return problem;
    const kept = this.items.filter(
      (ip) =>
        ip.profile.chargingProfileId !== profile.chargingProfileId &&
        !(ip.connectorId === connectorId && ip.profile.chargingProfilePurpose === profile.chargingProfilePurpose && ip.profile.stackLevel === profile.stackLevel),
    );
    if (kept.length >= limits.maxInstalled) return `MaxChargingProfilesInstalled (${limits.maxInstalled}) reached`;
    kept.push(original ? { connectorId, profile, installedAt: Date.now(), original } : { connectorId, profile, installedAt: Date.now() });
    this.items = kept;
    return undefined;
  }

  /** ClearChargingProfile: by id, or by every given criterion; returns how many were removed. */
  clear(f: ClearFilter): number {
    const before = this.items.length;
    this.items = this.items.filter((ip) => {
      if (f.id !== undefined) return ip.profile.chargingProfileId !== f.id;
      const match =
        (f.connectorId === undefined || ip.connectorId === f.connectorId) &&
        (f.chargingProfilePurpose === undefined || ip.profile.chargingProfilePurpose === f.chargingProfilePurpose) &&
        (f.stackLevel === undefined || ip.profile.stackLevel === f.stackLevel);
      return !match;
    });
    return before - this.items.length;
  }

  /** A transaction ended: its TxProfiles go with it (1.6 section 3.13). */
  endTransaction(connectorId: number): void {
    if (this.items.some((ip) => ip.connectorId === connectorId && ip.profile.chargingProfilePurpose === 'TxProfile')) {
      this.items = this.items.filter((ip) => !(ip.connectorId === connectorId && ip.profile.chargingProfilePurpose === 'TxProfile'));
    }
  }
}
