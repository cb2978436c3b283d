import type { V201 } from '@voltlane/ocpp';
import { ampsToWatts, PHASES, wattsToAmps } from './meter.js';
import type { ChargingProfile } from './types.js';

/** A profile as installed on a station. */
export interface InstalledProfile {
  /** 0: the whole station (ChargePointMaxProfile, or a TxDefaultProfile for every connector). */
  connectorId: number;
  profile: ChargingProfile;
  /** Epoch ms; the start of an Absolute or Recurring schedule that names none. */
  installedAt: number;
  /** OCPP 2.x: the profile as the CSMS sent it (`profile` is its 1.6-shaped equivalent). */
  original?: V201.ChargingProfileType;
}

/** Where a limit is wanted: a connector (0: the station) and the transaction running on it. */
export interface LimitContext {
  connectorId: number;
  tx?: { id: number; startedAt: number };
  /** The hardware maximum, in W: applies where no profile does. */
  maxW: number;
}

/** A limit in W and the number of phases it was given for. */
export interface Limit {
  limitW: number;
  phases: number;
}

export interface CompositePeriod {
  startPeriod: number;
  limit: number;
  numberPhases?: number;
}

const DAY = 86_400_000;

/** Start (epoch ms) of the schedule (for Recurring: the cycle) of `ip` that contains `t`. */
function scheduleStart(ip: InstalledProfile, t: number, relativeStart: number): number {
  const p = ip.profile;
  const s = p.chargingSchedule;
  if (p.chargingProfileKind === 'Relative') return relativeStart;
  if (p.chargingProfileKind === 'Recurring') {
    const base = s.startSchedule ? Date.parse(s.startSchedule) : ip.installedAt;
    const len = p.recurrencyKind === 'Weekly' ? 7 * DAY : DAY;
    return base + Math.floor((t - base) / len) * len;
  }
  return s.startSchedule ? Date.parse(s.startSchedule) : p.validFrom ? Date.parse(p.validFrom) : ip.installedAt;
}

/**
 * What one profile says at time `t`: its limit converted to W, or undefined if it is not valid
 * then or its schedule has no period covering `t`.
 * @example profileLimitAt(installed, Date.now(), Date.now()) // -> { limitW: 7360, phases: 3 }
 */
export function profileLimitAt(ip: InstalledProfile, t: number, relativeStart: number): Limit | undefined {
  const p = ip.profile;
  if (p.validFrom && t < Date.parse(p.validFrom)) return undefined;
  if (p.validTo && t >= Date.parse(p.validTo)) return undefined;
  const s = p.chargingSchedule;
  const offset = (t - scheduleStart(ip, t, relativeStart)) / 1000;
  if (offset < 0 || (s.duration !== undefined && offset >= s.duration)) return undefined;
  let period: ChargingProfile['chargingSchedule']['chargingSchedulePeriod'][number] | undefined;
  for (const pp of s.chargingSchedulePeriod) {
    if (pp.startPeriod <= offset) period = pp;
    else break;
  }
  if (!period) return undefined;
  const phases = period.numberPhases ?? PHASES;
  return { limitW: s.chargingRateUnit === 'A' ? ampsToWatts(period.limit, phases) : period.limit, phases };
}

/** Profiles of one purpose that may apply to the context, strongest first. */
function candidates(profiles: readonly InstalledProfile[], ctx: LimitContext, purpose: ChargingProfile['chargingProfilePurpose']): InstalledProfile[] {
  const out = profiles.filter((ip) => {
    if (ip.profile.chargingProfilePurpose !== purpose) return false;
    if (purpose === 'ChargePointMaxProfile') return ip.connectorId === 0;
    if (purpose === 'TxProfile') {
      return ctx.tx !== undefined && ip.connectorId === ctx.connectorId && (ip.profile.transactionId === undefined || ip.profile.transactionId === ctx.tx.id);
    }
    return ctx.connectorId > 0 && (ip.connectorId === ctx.connectorId || ip.connectorId === 0);
  });
  // Highest stack level wins; at equal level a connector's own profile beats the station-wide one.
  return out.sort((a, b) => b.profile.stackLevel - a.profile.stackLevel || b.connectorId - a.connectorId);
}

function first(list: readonly InstalledProfile[], t: number, relativeStart: number): Limit | undefined {
  for (const ip of list) {
    const l = profileLimitAt(ip, t, relativeStart);
    if (l) return l;
  }
  return undefined;
}

/** The profiles that matter for a context, grouped by purpose. */
function relevant(profiles: readonly InstalledProfile[], ctx: LimitContext) {
  return {
    tx: candidates(profiles, ctx, 'TxProfile'),
    txDefault: candidates(profiles, ctx, 'TxDefaultProfile'),
    max: candidates(profiles, ctx, 'ChargePointMaxProfile'),
  };
}

function combine(groups: ReturnType<typeof relevant>, ctx: LimitContext, t: number, relativeStart: number): Limit {
  // A TxProfile overrules the TxDefaultProfile; ChargePointMaxProfile caps whatever wins.
  const tx = first(groups.tx, t, relativeStart) ?? first(groups.txDefault, t, relativeStart);
  const max = first(groups.max, t, relativeStart);
  let out: Limit = { limitW: ctx.maxW, phases: PHASES };
  for (const l of [tx, max]) if (l && l.limitW < out.limitW) out = l;
  return out;
}

/**
 * The limit in W that holds for a connector at `t`: the lowest of the winning TxProfile or
 * TxDefaultProfile, the ChargePointMaxProfile and the hardware maximum.
 * @example limitAt(profiles, { connectorId: 1, maxW: 11000 }, Date.now()).limitW // -> 11000 without profiles
 */
export function limitAt(profiles: readonly InstalledProfile[], ctx: LimitContext, t: number): Limit {
  return combine(relevant(profiles, ctx), ctx, t, ctx.tx?.startedAt ?? t);
}

/** Times in [from, to) at which any relevant profile can change its limit. */
function breakpoints(list: readonly InstalledProfile[], from: number, to: number, relativeStart: number): number[] {
  const points = new Set<number>([from]);
  const add = (t: number) => {
    if (t > from && t < to) points.add(t);
  };
  for (const ip of list) {
    const p = ip.profile;
    const s = p.chargingSchedule;
    if (p.validFrom) add(Date.parse(p.validFrom));
    if (p.validTo) add(Date.parse(p.validTo));
    const cycle = p.chargingProfileKind === 'Recurring' ? (p.recurrencyKind === 'Weekly' ? 7 * DAY : DAY) : Infinity;
    for (let start = scheduleStart(ip, from, relativeStart); start < to; start += cycle) {
      add(start);
      for (const pp of s.chargingSchedulePeriod) add(start + pp.startPeriod * 1000);
      if (s.duration !== undefined) add(start + s.duration * 1000);
      if (cycle === Infinity) break;
    }
  }
  return [...points].sort((a, b) => a - b);
}

/**
 * The composite schedule of a connector (0: the station) from `from` for `durationSec` seconds,
 * in the given unit, with consecutive equal periods merged.
 * @example
 * compositeSchedule(profiles, { connectorId: 1, maxW: 11000 }, Date.now(), 3600, 'W')
 * // -> [{ startPeriod: 0, limit: 11000 }]
 */
export function compositeSchedule(
  profiles: readonly InstalledProfile[],
  ctx: LimitContext,
  from: number,
  durationSec: number,
  unit: 'A' | 'W',
): CompositePeriod[] {
  const groups = relevant(profiles, ctx);
  const relativeStart = ctx.tx?.startedAt ?? from;
  const points = breakpoints([...groups.tx, ...groups.txDefault, ...groups.max], from, from + durationSec * 1000, relativeStart);
  const periods: CompositePeriod[] = [];
  for (const t of points) {
    const l = combine(groups, ctx, t, relativeStart);
    const value = unit === 'A' ? wattsToAmps(l.limitW, l.phases) : l.limitW;
    const period: CompositePeriod = { startPeriod: Math.round((t - from) / 1000), limit: Math.round(value * 10) / 10 };
    if (l.phases !== PHASES) period.numberPhases = l.phases;
    let last = periods.at(-1);
    // Two changes within the same second: the later one holds.
    if (last && last.startPeriod === period.startPeriod) {
      periods.pop();
      last = periods.at(-1);
    }
    if (last && last.limit === period.limit && last.numberPhases === period.numberPhases) continue;
    periods.push(period);
  }
  return periods;
}
