import { Decimal } from 'decimal.js';
import { formatMoney, type PriceComponent, type Tariff, type TariffElement, type TariffRestrictions } from '@voltlane/billing';

/** A text for a driver's display and the language it is in (RFC 5646, as OCPP MessageContentType wants). */
export interface TariffText {
  content: string;
  language: string;
}

const DAYS: Record<string, string> = {
  MONDAY: 'Mon', TUESDAY: 'Tue', WEDNESDAY: 'Wed', THURSDAY: 'Thu', FRIDAY: 'Fri', SATURDAY: 'Sat', SUNDAY: 'Sun',
};

/**
 * The tariff as a short text for the driver (OCPP 2.x I01 personalMessage, I04 fallback message).
 * The tariff's own `tariff_alt_text` wins, in the first preferred language it has (a language
 * matches on its primary subtag: `de` matches `de-CH`), else its first one; without one, an
 * English summary of the prices incl. VAT is generated. Cut to `maxLength` characters.
 * @example tariffText(tariff, ['nl'], 512) // { content: '0.30 EUR/kWh, 2.40 EUR/h parking, incl. VAT', language: 'en' }
 */
export function tariffText(tariff: Tariff, preferredLanguages: string[], maxLength: number): TariffText {
  const alt = (tariff.tariff_alt_text ?? []).filter((t) => t.text.trim() !== '');
  const primary = (l: string) => l.toLowerCase().split('-')[0];
  for (const want of preferredLanguages) {
    const hit = alt.find((t) => t.language.toLowerCase() === want.toLowerCase()) ?? alt.find((t) => primary(t.language) === primary(want));
    if (hit) return { content: cut(hit.text.trim(), maxLength), language: hit.language };
  }
  if (alt[0]) return { content: cut(alt[0].text.trim(), maxLength), language: alt[0].language };
  return { content: cut(summary(tariff), maxLength), language: 'en' };
}

/**
 * English summary: each distinct element's prices with its restrictions, then the session's
 * minimum and maximum price.
 * @example summary(tariff) // '0.25 EUR/kWh, 2.00 EUR/h parking, incl. VAT'
 */
export function summary(t: Tariff): string {
  const parts: string[] = [];
  for (const e of t.elements) {
    const prices = e.price_components.map((c) => priceOf(c, t.currency)).join(', ');
    const when = conditions(e.restrictions);
    const part = when ? `${prices} (${when})` : prices;
    if (prices && !parts.includes(part)) parts.push(part);
  }
  const min = t.min_price && money(t.min_price.incl_vat ?? t.min_price.excl_vat, t.currency);
  const max = t.max_price && money(t.max_price.incl_vat ?? t.max_price.excl_vat, t.currency);
  if (min) parts.push(`min. ${min} ${t.currency}`);
  if (max) parts.push(`max. ${max} ${t.currency}`);
  const taxed = t.elements.some((e: TariffElement) => e.price_components.some((c) => c.vat !== undefined && Number(c.vat) > 0));
  return `${parts.join('; ')}${taxed ? ', incl. VAT' : ''}`;
}

function priceOf(c: PriceComponent, currency: string): string {
  const gross = new Decimal(c.price).mul(new Decimal(c.vat ?? 0).div(100).plus(1));
  const amount = `${money(gross, currency)} ${currency}`;
  switch (c.type) {
    case 'ENERGY': return `${amount}/kWh`;
    case 'TIME': return `${amount}/h`;
    case 'PARKING_TIME': return `${amount}/h parking`;
    case 'FLAT': return `${amount} per session`;
  }
}

function conditions(r: TariffRestrictions | undefined): string {
  if (!r) return '';
  const out: string[] = [];
  if (r.start_time || r.end_time) out.push(`${r.start_time ?? '00:00'}-${r.end_time ?? '24:00'}`);
  if (r.day_of_week?.length) out.push(r.day_of_week.map((d) => DAYS[d] ?? d).join(', '));
  if (r.start_date || r.end_date) out.push(`${r.start_date ? `from ${r.start_date}` : ''}${r.start_date && r.end_date ? ' ' : ''}${r.end_date ? `until ${r.end_date}` : ''}`);
  if (r.min_kwh !== undefined) out.push(`from ${r.min_kwh} kWh`);
  if (r.max_kwh !== undefined) out.push(`up to ${r.max_kwh} kWh`);
  if (r.min_duration !== undefined) out.push(`after ${duration(r.min_duration)}`);
  if (r.max_duration !== undefined) out.push(`first ${duration(r.max_duration)}`);
  if (r.min_power !== undefined) out.push(`from ${r.min_power} kW`);
  if (r.max_power !== undefined) out.push(`up to ${r.max_power} kW`);
  if (r.reservation) out.push('reservation');
  return out.join(', ');
}

function duration(sec: number): string {
  return sec % 3600 === 0 ? `${sec / 3600} h` : `${Math.round(sec / 60)} min`;
}

function money(v: number | string | Decimal, currency: string): string {
  return formatMoney(new Decimal(v), currency);
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
