import type { DayOfWeek } from './types.js';

const DAYS: DayOfWeek[] = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A wall-clock moment in a time zone. */
export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** Minutes since local midnight. */
  minute: number;
  day: DayOfWeek;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(at: Date, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/**
 * Whether `timeZone` is an IANA time zone name this runtime knows.
 * @example isTimeZone('Europe/Amsterdam') // true
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The local date, minute of day and weekday of an instant.
 * @example localTime(new Date('2024-01-01T08:30:00Z'), 'Europe/Amsterdam') // { date: '2024-01-01', minute: 570, day: 'MONDAY' }
 */
export function localTime(at: Date, timeZone: string): LocalTime {
  const p = parts(at, timeZone);
  const date = `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  const day = DAYS[new Date(Date.UTC(p.year!, p.month! - 1, p.day!)).getUTCDay()]!;
  return { date, minute: p.hour! * 60 + p.minute!, day };
}

/** Offset of the zone from UTC at an instant, in ms. */
function offsetMs(at: Date, timeZone: string): number {
  const p = parts(at, timeZone);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant a local wall-clock time occurs (a time skipped by a DST change maps to the instant
 * after the gap).
 * @example localToInstant('2024-01-01', 600, 'Europe/Amsterdam') // 2024-01-01T09:00:00Z
 */
export function localToInstant(date: string, minute: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minute);
  const first = wall - offsetMs(new Date(wall), timeZone);
  const second = wall - offsetMs(new Date(first), timeZone);
  return new Date(Math.max(first, second));
}

/**
 * The next local date (YYYY-MM-DD).
 * @example nextDate('2024-02-28') // '2024-02-29'
 */
export function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}
