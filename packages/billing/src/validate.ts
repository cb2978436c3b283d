import { isCurrency } from './currencies.js';
import type { Tariff } from './types.js';

/** A problem with a tariff, naming the field (`elements[0].price_components[1].price`). */
export interface TariffProblem {
  field: string;
  message: string;
}

const DIMENSIONS = ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'];
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const TYPES = ['AD_HOC_PAYMENT', 'PROFILE_CHEAP', 'PROFILE_FAST', 'PROFILE_GREEN', 'REGULAR'];
const TIME = /^([0-1][0-9]|2[0-3]):[0-5][0-9]$/;
const DATE = /^([12][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Checks a tariff against OCPI 2.2.1 (and what the cost engine needs); returns every problem
 * found, empty when the tariff is valid. Prices are numbers or decimal strings, never negative.
 * @example validateTariff({ id: 'T', currency: 'EUR', elements: [] }) // [{ field: 'elements', message: 'must have at least one element' }]
 */
export function validateTariff(t: unknown): TariffProblem[] {
  const out: TariffProblem[] = [];
  const bad = (field: string, message: string) => out.push({ field, message });
  const amount = (field: string, v: unknown, required: boolean) => {
    if (v === undefined && !required) return;
    const ok = (isNum(v) || (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v))) && Number(v) >= 0;
    if (!ok) bad(field, 'must be a number >= 0');
  };
  if (!isObj(t)) return [{ field: 'tariff', message: 'must be an object' }];
  if (typeof t.id !== 'string' || t.id.length < 1 || t.id.length > 36) bad('id', 'must be a string of 1 to 36 characters');
  if (typeof t.currency !== 'string' || !isCurrency(t.currency)) bad('currency', `must be an ISO 4217 currency code such as EUR (got ${JSON.stringify(t.currency)})`);
  if (t.type !== undefined && !TYPES.includes(t.type as string)) bad('type', `must be one of ${TYPES.join(', ')}`);
  for (const k of ['min_price', 'max_price'] as const) {
    const p = t[k];
    if (p === undefined) continue;
    if (!isObj(p)) { bad(k, 'must be an object {excl_vat, incl_vat?}'); continue; }
    amount(`${k}.excl_vat`, p.excl_vat, true);
    amount(`${k}.incl_vat`, p.incl_vat, false);
  }
  for (const k of ['start_date_time', 'end_date_time'] as const) {
    if (t[k] !== undefined && (typeof t[k] !== 'string' || Number.isNaN(Date.parse(t[k])))) bad(k, 'must be an RFC 3339 date-time');
  }
  if (t.tariff_alt_text !== undefined && !(Array.isArray(t.tariff_alt_text) && t.tariff_alt_text.every((d) => isObj(d) && typeof d.language === 'string' && typeof d.text === 'string'))) {
    bad('tariff_alt_text', 'must be a list of {language, text}');
  }
  if (!Array.isArray(t.elements) || t.elements.length === 0) {
    bad('elements', 'must have at least one element');
    return out;
  }
  t.elements.forEach((el: unknown, i) => {
    const at = `elements[${i}]`;
    if (!isObj(el)) return bad(at, 'must be an object');
    if (!Array.isArray(el.price_components) || el.price_components.length === 0) bad(`${at}.price_components`, 'must have at least one price component');
    else el.price_components.forEach((pc: unknown, j) => {
      const f = `${at}.price_components[${j}]`;
      if (!isObj(pc)) return bad(f, 'must be an object');
      if (!DIMENSIONS.includes(pc.type as string)) bad(`${f}.type`, `must be one of ${DIMENSIONS.join(', ')}`);
      amount(`${f}.price`, pc.price, true);
      amount(`${f}.vat`, pc.vat, false);
      if (!(Number.isInteger(pc.step_size) && (pc.step_size as number) >= 0)) bad(`${f}.step_size`, 'must be an integer >= 0');
    });
    const r = el.restrictions;
    if (r === undefined) return;
    const rf = `${at}.restrictions`;
    if (!isObj(r)) return bad(rf, 'must be an object');
    for (const k of ['start_time', 'end_time']) if (r[k] !== undefined && !(typeof r[k] === 'string' && TIME.test(r[k]))) bad(`${rf}.${k}`, 'must be a time HH:MM (00:00 to 23:59)');
    for (const k of ['start_date', 'end_date']) if (r[k] !== undefined && !(typeof r[k] === 'string' && DATE.test(r[k]))) bad(`${rf}.${k}`, 'must be a date YYYY-MM-DD');
    for (const k of ['min_kwh', 'max_kwh', 'min_current', 'max_current', 'min_power', 'max_power']) if (r[k] !== undefined && !(isNum(r[k]) && r[k] >= 0)) bad(`${rf}.${k}`, 'must be a number >= 0');
    for (const k of ['min_duration', 'max_duration']) if (r[k] !== undefined && !(Number.isInteger(r[k]) && (r[k] as number) >= 0)) bad(`${rf}.${k}`, 'must be an integer number of seconds >= 0');
    if (r.day_of_week !== undefined && !(Array.isArray(r.day_of_week) && r.day_of_week.every((d) => DAYS.includes(d as string)))) bad(`${rf}.day_of_week`, `must be a list of ${DAYS.join(', ')}`);
    if (r.reservation !== undefined && r.reservation !== 'RESERVATION' && r.reservation !== 'RESERVATION_EXPIRES') bad(`${rf}.reservation`, 'must be RESERVATION or RESERVATION_EXPIRES');
    // Ranges that can never match.
    for (const k of ['kwh', 'current', 'power', 'duration']) {
      if (isNum(r[`min_${k}`]) && isNum(r[`max_${k}`]) && (r[`min_${k}`] as number) >= (r[`max_${k}`] as number)) {
        bad(`${rf}.min_${k}`, `must be less than max_${k} (${r[`max_${k}`]}): otherwise this element never applies`);
      }
    }
    if (typeof r.start_date === 'string' && typeof r.end_date === 'string' && DATE.test(r.start_date) && r.start_date >= r.end_date) {
      bad(`${rf}.start_date`, `must be before end_date ${r.end_date} (end_date is excluded): otherwise this element never applies`);
    }
  });
  if (out.length) return out;
  nonsense(t as unknown as Tariff, bad);
  return out;
}

/**
 * Tariffs that are well-formed but cannot mean what they say: the same dimension twice in one
 * element (only the first would apply), an element every dimension of which an earlier
 * unrestricted element already prices (it would never apply: OCPI uses the first matching
 * element per dimension), min_price above max_price, a validity that ends before it starts.
 */
function nonsense(t: Tariff, bad: (field: string, message: string) => void): void {
  t.elements.forEach((el, i) => {
    const seen = new Set<string>();
    el.price_components.forEach((pc, j) => {
      if (seen.has(pc.type)) bad(`elements[${i}].price_components[${j}].type`, `${pc.type} appears twice in this element: only the first ${pc.type} component would ever apply`);
      seen.add(pc.type);
    });
    if (el.restrictions?.reservation !== undefined) return;
    const earlier = t.elements.slice(0, i).findIndex((e) => !e.restrictions || Object.keys(e.restrictions).length === 0
      ? el.price_components.every((pc) => e.price_components.some((x) => x.type === pc.type)) : false);
    if (earlier >= 0) {
      bad(`elements[${i}]`, `is never used: elements[${earlier}] has no restrictions and already prices ${[...seen].join(', ')} (the first matching element wins per dimension; put restricted elements first)`);
    }
  });
  if (t.min_price && t.max_price && Number(t.min_price.excl_vat) > Number(t.max_price.excl_vat)) {
    bad('min_price.excl_vat', `must not be more than max_price.excl_vat (${t.max_price.excl_vat})`);
  }
  if (t.start_date_time && t.end_date_time && Date.parse(t.start_date_time) >= Date.parse(t.end_date_time)) {
    bad('end_date_time', `must be after start_date_time (${t.start_date_time})`);
  }
}

/**
 * Narrows a valid tariff to its type, or throws with every problem (field: message; ...).
 * @example const tariff = assertTariff(JSON.parse(body));
 */
export function assertTariff(t: unknown): Tariff {
  const problems = validateTariff(t);
  if (problems.length) throw new TariffError(problems);
  return t as Tariff;
}

/** A tariff that failed validation; `problems` name each field. */
export class TariffError extends Error {
  constructor(readonly problems: TariffProblem[]) {
    super(problems.map((p) => `${p.field} ${p.message}`).join('; '));
    this.name = 'TariffError';
  }
}
