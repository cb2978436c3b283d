import i18n from '../i18n';

/** Number formatting in the UI language. */
function nf(opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  return new Intl.NumberFormat(i18n.resolvedLanguage ?? 'en', opts);
}

/**
 * Energy for people: Wh below 1 kWh, kWh above, MWh from 1,000 kWh.
 * @example formatEnergy(12345) // "12.35 kWh"
 */
export function formatEnergy(wh: number | null | undefined): string {
  if (wh === null || wh === undefined || !Number.isFinite(wh)) return '—';
  if (Math.abs(wh) < 1000) return `${nf({ maximumFractionDigits: 0 }).format(wh)} Wh`;
  if (Math.abs(wh) < 1_000_000) return `${nf({ maximumFractionDigits: 2 }).format(wh / 1000)} kWh`;
  return `${nf({ maximumFractionDigits: 2 }).format(wh / 1_000_000)} MWh`;
}

/**
 * Power for people: W below 1 kW, kW above.
 * @example formatPower(7400) // "7.4 kW"
 */
export function formatPower(w: number | null | undefined): string {
  if (w === null || w === undefined || !Number.isFinite(w)) return '—';
  if (Math.abs(w) < 1000) return `${nf({ maximumFractionDigits: 0 }).format(w)} W`;
  return `${nf({ maximumFractionDigits: 1 }).format(w / 1000)} kW`;
}

/** A plain number in the UI language. */
export function formatNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return nf({ maximumFractionDigits: digits }).format(n);
}

/** Date and time (short) in the UI language and the browser's time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.resolvedLanguage ?? 'en', { dateStyle: 'short', timeStyle: 'medium' }).format(d);
}

/** A date (short) in the UI language and the browser's time zone. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.resolvedLanguage ?? 'en', { dateStyle: 'short' }).format(d);
}

/**
 * A duration as h:mm:ss.
 * @example formatDuration(3725) // "1:02:05"
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * A decimal money string with its currency, e.g. ("12.5", "EUR") → "€12.50". Money stays a
 * string end to end; Intl only formats it (a float is never used for sums).
 */
export function formatMoney(amount: string | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || !currency) return '—';
  try {
    // Intl accepts decimal strings for formatting without going through a float (ES2023).
    return nf({ style: 'currency', currency }).format(amount as unknown as number);
  } catch {
    return `${amount} ${currency}`;
  }
}

/**
 * Local midnight of a YYYY-MM-DD day, `plusDays` later, as an ISO date-time for the API; undefined
 * for an empty or malformed day (e.g. edited by hand in the URL).
 */
export function dayStart(day: string, plusDays = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * A file size for people (B, kB, MB, GB; powers of 1000).
 * @example formatBytes(1_234_567) // "1.2 MB"
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${nf({ maximumFractionDigits: i === 0 ? 0 : 1 }).format(v)} ${units[i]}`;
}

/**
 * A fraction 0..1 as a percentage in the UI language.
 * @example formatPercent(0.412) // "41%"
 */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return nf({ style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}
