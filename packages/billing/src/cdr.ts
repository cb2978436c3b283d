import { candidates, component, costOf } from './cost.js';
import { formatMoney, Money } from './money.js';
import { slices, type Slice } from './slices.js';
import type { CostLine, PriceComponent, SessionCost, SessionInput, Tariff, VatShare } from './types.js';

/** OCPI 2.2.1 CdrDimensionType, the values a CDR may carry (the session-only ones are left out). */
export type CdrDimensionType = 'ENERGY' | 'MAX_CURRENT' | 'MIN_CURRENT' | 'MAX_POWER' | 'MIN_POWER' | 'PARKING_TIME' | 'RESERVATION_TIME' | 'TIME';

/** OCPI 2.2.1 CdrDimension: kWh, hours, A or kW. */
export interface CdrDimension {
  type: CdrDimensionType;
  volume: number;
}

/** OCPI 2.2.1 ChargingPeriod: lasts until the next one starts (the last one until the session ends). */
export interface ChargingPeriod {
  start_date_time: string;
  dimensions: CdrDimension[];
  tariff_id?: string;
}

/** OCPI 2.2.1 Price as JSON numbers (what the CDR carries). */
export interface OcpiPrice {
  excl_vat: number;
  incl_vat?: number;
}

/** OCPI 2.2.1 CdrToken. */
export interface CdrToken {
  country_code: string;
  party_id: string;
  uid: string;
  type: 'AD_HOC_USER' | 'APP_USER' | 'OTHER' | 'RFID';
  contract_id: string;
}

/** OCPI 2.2.1 CdrLocation (`#NA` where the platform has no value, per OCPI "No data available"). */
export interface CdrLocation {
  id: string;
  name?: string;
  address: string;
  city: string;
  postal_code?: string;
  state?: string;
  country: string;
  coordinates: { latitude: string; longitude: string };
  evse_uid: string;
  evse_id: string;
  connector_id: string;
  connector_standard: string;
  connector_format: string;
  connector_power_type: string;
}

/** What the tariff engine contributes to a CDR: charging periods and every total. */
export interface CdrCharges {
  currency: string;
  charging_periods: ChargingPeriod[];
  total_cost: OcpiPrice;
  total_fixed_cost?: OcpiPrice;
  total_energy: number;
  total_energy_cost?: OcpiPrice;
  total_time: number;
  total_time_cost?: OcpiPrice;
  total_parking_time?: number;
  total_parking_cost?: OcpiPrice;
  total_reservation_cost?: OcpiPrice;
}

/** OCPI 2.2.1 CDR object. */
export interface Cdr extends CdrCharges {
  country_code: string;
  party_id: string;
  id: string;
  start_date_time: string;
  end_date_time: string;
  session_id?: string;
  cdr_token: CdrToken;
  auth_method: 'AUTH_REQUEST' | 'COMMAND' | 'WHITELIST';
  authorization_reference?: string;
  cdr_location: CdrLocation;
  meter_id?: string;
  tariffs?: Tariff[];
  remark?: string;
  invoice_reference_id?: string;
  credit?: boolean;
  credit_reference_id?: string;
  home_charging_compensation?: boolean;
  last_updated: string;
}

/** OCPI numbers: 4 decimals unless stated otherwise. */
const num4 = (v: Money | number | string) => new Money(v).toDecimalPlaces(4).toNumber();
const price = (excl: string, incl: string): OcpiPrice => ({ excl_vat: num4(excl), incl_vat: num4(incl) });

/** Sum of the cost lines matching `pick` as an OCPI Price, or undefined when there are none. */
function sumLines(lines: CostLine[], pick: (l: CostLine) => boolean): OcpiPrice | undefined {
  const ls = lines.filter(pick);
  if (!ls.length) return undefined;
  const add = (f: (l: CostLine) => string) => ls.reduce((a, l) => a.plus(f(l)), new Money(0)).toString();
  return price(add((l) => l.exclVat), add((l) => l.inclVat));
}

/** Which components price a slice (their identity decides where a new charging period starts). */
function pricingKey(tariff: Tariff | undefined, s: Slice, ids: Map<PriceComponent, number>): string {
  if (!tariff) return s.state;
  const els = candidates(tariff, s);
  const id = (c: PriceComponent | undefined) => (c ? (ids.get(c) ?? -1) : 'none');
  const reservation = s.state === 'RESERVATION' || s.state === 'RESERVATION_EXPIRES';
  const time = reservation ? 'TIME' : s.state === 'CHARGING' ? 'TIME' : 'PARKING_TIME';
  return `${s.state}|${id(component(els, 'ENERGY'))}|${id(component(els, time))}`;
}

interface Group {
  startMs: number;
  slices: Slice[];
}

/** Dimensions of one charging period: volumes as measured (step_size only affects cost). */
function dimensions(g: Group): ChargingPeriod['dimensions'] {
  const first = g.slices[0]!;
  const hours = g.slices.reduce((a, s) => a + (s.endMs - s.startMs), 0) / 3_600_000;
  const wh = g.slices.reduce((a, s) => a + s.energyWh, 0);
  const out: CdrDimension[] = [];
  if (first.state === 'RESERVATION' || first.state === 'RESERVATION_EXPIRES') out.push({ type: 'RESERVATION_TIME', volume: num4(hours) });
  else {
    if (wh !== 0 || first.state === 'CHARGING') out.push({ type: 'ENERGY', volume: num4(wh / 1000) });
    out.push({ type: first.state === 'CHARGING' ? 'TIME' : 'PARKING_TIME', volume: num4(hours) });
  }
  const currents = g.slices.flatMap((s) => (s.currentA === undefined ? [] : [s.currentA]));
  const powers = g.slices.flatMap((s) => (s.sampledPowerKw === undefined ? [] : [s.sampledPowerKw]));
  if (currents.length) out.push({ type: 'MAX_CURRENT', volume: num4(Math.max(...currents)) }, { type: 'MIN_CURRENT', volume: num4(Math.min(...currents)) });
  if (powers.length) out.push({ type: 'MAX_POWER', volume: num4(Math.max(...powers)) }, { type: 'MIN_POWER', volume: num4(Math.min(...powers)) });
  return out;
}

/** The charging periods of a session under one tariff (or none), from `from` on when given. */
function periodsOf(tariff: Tariff | undefined, input: SessionInput, currency: string, from?: Date): ChargingPeriod[] {
  const ids = new Map<PriceComponent, number>();
  for (const e of tariff?.elements ?? []) for (const c of e.price_components) ids.set(c, ids.size);
  const groups: Group[] = [];
  let lastKey: string | undefined;
  const fromMs = from?.getTime() ?? -Infinity;
  for (const whole of slices(tariff ?? { id: '', currency, elements: [] }, input)) {
    if (whole.endMs <= fromMs) continue;
    const key = pricingKey(tariff, whole, ids);
    // A slice the tariff change cuts: only its part from the change on belongs here.
    const s = whole.startMs >= fromMs ? whole
      : { ...whole, startMs: fromMs, energyWh: (whole.energyWh * (whole.endMs - fromMs)) / (whole.endMs - whole.startMs) };
    if (key !== lastKey || !groups.length) groups.push({ startMs: s.startMs, slices: [] });
    groups.at(-1)!.slices.push(s);
    lastKey = key;
  }
  return groups.map((g) => ({ start_date_time: new Date(g.startMs).toISOString(), dimensions: dimensions(g), ...(tariff ? { tariff_id: tariff.id } : {}) }));
}

type Amounts = { excl: Money; incl: Money };
/** A SessionCost as amounts per line key and per VAT rate, to add and subtract costs. */
function amounts(c: SessionCost, sign: 1 | -1, into: { lines: Map<string, Amounts & { line: CostLine }>; vat: Map<string, Amounts>; total: Amounts }) {
  const add = (a: Amounts, excl: string, incl: string) => {
    a.excl = a.excl.plus(new Money(excl).mul(sign));
    a.incl = a.incl.plus(new Money(incl).mul(sign));
  };
  for (const l of c.lines) {
    const key = `${l.dimension}|${l.reservation}`;
    const cur = into.lines.get(key) ?? { excl: new Money(0), incl: new Money(0), line: l };
    add(cur, l.exclVat, l.inclVat);
    into.lines.set(key, cur);
  }
  for (const v of c.vat) {
    const key = v.rate ?? '';
    const cur = into.vat.get(key) ?? { excl: new Money(0), incl: new Money(0) };
    add(cur, v.exclVat, v.inclVat);
    into.vat.set(key, cur);
  }
  add(into.total, c.exclVat, c.inclVat);
}

/** A stretch of a session priced with one tariff, from `from` until the next segment (I06: the tariff changed while it ran). */
export interface TariffSegment {
  from: Date;
  tariff: Tariff | undefined;
  timeZone: string;
}

/**
 * The charging periods and totals of a CDR (OCPI 2.2.1). A new charging period starts whenever
 * the state (charging, parking, reservation), the price component of energy or time, or the
 * tariff changes, as OCPI requires; meter samples inside a period only refine its MAX/MIN current
 * and power. Volumes are as measured; costs follow the tariff engine (step_size, min/max price).
 * With several tariff segments, each tariff prices what happened in its segment: its cost of the
 * session up to the segment's end minus up to its start (restrictions keep counting from the
 * session's start, a FLAT fee is charged once), the same rule the transaction's final cost uses.
 * `sessionUpTo(cut, timeZone)` gives the session up to `cut` (undefined: the whole session). No
 * tariff at all: cost 0 in `currency`, periods without tariff_id. Numbers are rounded to 4
 * decimals (OCPI number type).
 * @example cdrChargesOverTime([{ from: start, tariff, timeZone: 'UTC' }], () => session, 'EUR').charges.total_cost
 */
export function cdrChargesOverTime(
  segments: TariffSegment[], sessionUpTo: (cut: Date | undefined, timeZone: string) => SessionInput, currency: string,
): { charges: CdrCharges; cost: SessionCost; tariffs: Tariff[] } {
  const full = sessionUpTo(undefined, segments[0]?.timeZone ?? 'UTC');
  const end = full.end;
  const sum = { lines: new Map<string, Amounts & { line: CostLine }>(), vat: new Map<string, Amounts>(), total: { excl: new Money(0), incl: new Money(0) } };
  const periods: ChargingPeriod[] = [];
  const tariffs: Tariff[] = [];
  let priced: string | undefined;
  segments.forEach((seg, i) => {
    if (i > 0 && seg.from >= end) return;
    const next = segments[i + 1]?.from;
    const to = next && next < end ? next : end;
    const upTo = sessionUpTo(to.getTime() === end.getTime() ? undefined : to, seg.timeZone);
    periods.push(...periodsOf(seg.tariff, upTo, currency, i === 0 ? undefined : seg.from));
    if (!seg.tariff) return;
    priced ??= seg.tariff.currency;
    if (!tariffs.some((t) => JSON.stringify(t) === JSON.stringify(seg.tariff))) tariffs.push(seg.tariff);
    amounts(costOf(seg.tariff, upTo), 1, sum);
    if (i > 0) amounts(costOf(seg.tariff, sessionUpTo(seg.from, seg.timeZone)), -1, sum);
  });
  const cur = priced ?? currency;
  const fmt = (m: Money) => formatMoney(m, cur);
  const cost: SessionCost = {
    currency: cur, exclVat: priced ? fmt(sum.total.excl) : '0', inclVat: priced ? fmt(sum.total.incl) : '0',
    lines: [...sum.lines.values()].map((a) => ({ ...a.line, exclVat: fmt(a.excl), inclVat: fmt(a.incl) })),
    vat: [...sum.vat].map(([rate, a]) => ({ rate: rate === '' ? null : rate, exclVat: fmt(a.excl), inclVat: fmt(a.incl) })),
  };
  // Time, energy and parking of the whole session do not depend on the tariff.
  const session = slices({ id: '', currency, elements: [] }, full).filter((s) => s.state === 'CHARGING' || s.state === 'PARKING');
  const sessionStart = session[0]?.startMs ?? end.getTime();
  const parkingMs = session.filter((s) => s.state === 'PARKING').reduce((a, s) => a + (s.endMs - s.startMs), 0);
  const energyWh = session.reduce((a, s) => a + s.energyWh, 0);
  if (!periods.length) {
    // OCPI needs at least one period: an empty session is one period of nothing.
    const t = segments[0]?.tariff;
    periods.push({ start_date_time: end.toISOString(), dimensions: [{ type: 'ENERGY', volume: 0 }, { type: 'TIME', volume: 0 }], ...(t ? { tariff_id: t.id } : {}) });
  }
  const charges: CdrCharges = {
    currency: cur,
    charging_periods: periods,
    total_cost: price(cost.exclVat, cost.inclVat),
    total_energy: num4(energyWh / 1000),
    total_time: num4(Math.max(end.getTime() - sessionStart, 0) / 3_600_000),
  };
  const opt = <K extends keyof CdrCharges>(k: K, v: CdrCharges[K] | undefined) => { if (v !== undefined) charges[k] = v; };
  opt('total_fixed_cost', sumLines(cost.lines, (l) => l.dimension === 'FLAT' && !l.reservation));
  opt('total_energy_cost', sumLines(cost.lines, (l) => l.dimension === 'ENERGY'));
  opt('total_time_cost', sumLines(cost.lines, (l) => l.dimension === 'TIME' && !l.reservation));
  opt('total_parking_time', parkingMs > 0 ? num4(parkingMs / 3_600_000) : undefined);
  opt('total_parking_cost', sumLines(cost.lines, (l) => l.dimension === 'PARKING_TIME'));
  opt('total_reservation_cost', sumLines(cost.lines, (l) => l.reservation));
  return { charges, cost, tariffs };
}

/**
 * The charging periods and totals of a CDR for a session priced under one tariff (or none): see
 * {@link cdrChargesOverTime}.
 * @example const { charges, cost } = cdrCharges(tariff, session, 'EUR'); charges.total_cost // { excl_vat: 5, incl_vat: 5.5 }
 */
export function cdrCharges(tariff: Tariff | undefined, input: SessionInput, currency: string): { charges: CdrCharges; cost: SessionCost } {
  const from = input.samples[0]?.at ?? input.end;
  const { charges, cost } = cdrChargesOverTime([{ from, tariff, timeZone: input.timeZone ?? 'UTC' }], () => input, currency);
  return { charges, cost };
}

/**
 * The credit CDR for `cdr` (OCPI 2.2.1 "Credit CDRs"): all data of the original, `credit` set,
 * `credit_reference_id` pointing at it, and only total_cost negated.
 * @example creditCdr(cdr, `${cdr.id}-C`, new Date())
 */
export function creditCdr(cdr: Cdr, id: string, at: Date, remark?: string): Cdr {
  const neg = (v: number | undefined) => (v === undefined ? undefined : -v || 0);
  const total_cost: OcpiPrice = { excl_vat: neg(cdr.total_cost.excl_vat)! };
  if (cdr.total_cost.incl_vat !== undefined) total_cost.incl_vat = neg(cdr.total_cost.incl_vat)!;
  return { ...cdr, id, total_cost, credit: true, credit_reference_id: cdr.id, last_updated: at.toISOString(), ...(remark ? { remark } : {}) };
}

/** VAT shares with their amounts negated (for a credit CDR). */
export function negateShares(shares: VatShare[]): VatShare[] {
  const neg = (v: string) => new Money(v).neg().toString();
  return shares.map((s) => ({ rate: s.rate, exclVat: neg(s.exclVat), inclVat: neg(s.inclVat) }));
}
