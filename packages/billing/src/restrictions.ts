import type { LocalTime } from './local-time.js';
import type { PeriodState, TariffRestrictions } from './types.js';

/** What restrictions are matched against: the facts at the start of a slice of the session. */
export interface SliceFacts {
  state: PeriodState;
  local: LocalTime;
  /** Energy charged in the session so far, kWh. */
  kwh: number;
  /** Seconds since the session started. */
  elapsedSec: number;
  powerKw: number | undefined;
  currentA: number | undefined;
}

/**
 * Minutes since midnight of an OCPI time "HH:MM".
 * @example toMinute('13:30') // 810
 */
export function toMinute(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function timeOfDay(r: TariffRestrictions, minute: number): boolean {
  if (r.start_time === undefined && r.end_time === undefined) return true;
  const start = r.start_time === undefined ? 0 : toMinute(r.start_time);
  // end_time 00:00 means "until the end of the day".
  const end = r.end_time === undefined || toMinute(r.end_time) === 0 ? 1440 : toMinute(r.end_time);
  if (start === end) return true;
  if (start < end) return minute >= start && minute < end;
  return minute >= start || minute < end; // wraps past midnight
}

/**
 * Whether a tariff element's restrictions hold for a slice (all set restrictions, logical AND).
 * Reservation elements apply to reservation slices only and the others to the session only.
 * A current or power restriction does not hold while that value is unknown.
 * @example matches({ max_power: 16 }, facts) // true while charging below 16 kW
 */
export function matches(r: TariffRestrictions | undefined, f: SliceFacts): boolean {
  const reservationSlice = f.state === 'RESERVATION' || f.state === 'RESERVATION_EXPIRES';
  if (!r) return !reservationSlice;
  if (reservationSlice) {
    if (r.reservation === undefined) return false;
    if (f.state === 'RESERVATION' && r.reservation !== 'RESERVATION') return false;
  } else if (r.reservation !== undefined) return false;
  if (!timeOfDay(r, f.local.minute)) return false;
  if (r.start_date !== undefined && f.local.date < r.start_date) return false;
  if (r.end_date !== undefined && f.local.date >= r.end_date) return false;
  if (r.day_of_week !== undefined && r.day_of_week.length > 0 && !r.day_of_week.includes(f.local.day)) return false;
  if (r.min_kwh !== undefined && !(f.kwh >= r.min_kwh)) return false;
  if (r.max_kwh !== undefined && !(f.kwh < r.max_kwh)) return false;
  if (r.min_duration !== undefined && !(f.elapsedSec >= r.min_duration)) return false;
  if (r.max_duration !== undefined && !(f.elapsedSec < r.max_duration)) return false;
  if (r.min_current !== undefined && !(f.currentA !== undefined && f.currentA >= r.min_current)) return false;
  if (r.max_current !== undefined && !(f.currentA !== undefined && f.currentA < r.max_current)) return false;
  if (r.min_power !== undefined && !(f.powerKw !== undefined && f.powerKw >= r.min_power)) return false;
  if (r.max_power !== undefined && !(f.powerKw !== undefined && f.powerKw < r.max_power)) return false;
  return true;
}
