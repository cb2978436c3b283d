import { formatMoney, Money } from './money.js';
import { matches } from './restrictions.js';
import { slices, type Slice } from './slices.js';
import type { CostLine, PriceComponent, Price, SessionCost, SessionInput, Tariff, TariffDimensionType, TariffElement, VatShare } from './types.js';

type Bucket = 'ENERGY' | 'TIME' | 'PARKING_TIME' | 'FLAT' | 'RESERVATION_TIME' | 'RESERVATION_FLAT';

/** An amount of one dimension priced by one component (Wh, seconds or 1). */
interface Entry {
  component: PriceComponent;
  amount: Money;
}

const UNIT: Record<TariffDimensionType, Money> = { ENERGY: new Money(1000), TIME: new Money(3600), PARKING_TIME: new Money(3600), FLAT: new Money(1) };

/** The elements a slice may use, in the order they are tried (an expired reservation prefers RESERVATION_EXPIRES). */
export function candidates(tariff: Tariff, s: Slice): TariffElement[] {
  const els = tariff.elements.filter((e) => matches(e.restrictions, s));
  if (s.state !== 'RESERVATION_EXPIRES') return els;
  const expires = (e: TariffElement) => e.restrictions?.reservation === 'RESERVATION_EXPIRES';
  return [...els.filter(expires), ...els.filter((e) => !expires(e))];
}

/** The first matching element's component for a dimension (OCPI: first element wins, per dimension). */
export function component(els: TariffElement[], type: TariffDimensionType): PriceComponent | undefined {
  for (const e of els) {
    const c = e.price_components.find((pc) => pc.type === type);
    if (c) return c;
  }
  return undefined;
}

/** Rounds a bucket's total up to the step_size of its last component; the extra goes to the last entry. */
function stepRound(entries: Entry[]): void {
  const last = entries.at(-1);
  const step = last?.component.step_size ?? 0;
  if (!last || step <= 0) return;
  const total = entries.reduce((a, e) => a.plus(e.amount), new Money(0)).toDecimalPlaces(6);
  const rounded = total.div(step).ceil().mul(step);
  last.amount = last.amount.plus(rounded.minus(total));
}

function clamp(excl: Money, incl: Money, limit: Price, dir: 'min' | 'max'): [Money, Money] {
  const bound = new Money(limit.excl_vat);
  const beyond = (v: Money, b: Money) => (dir === 'min' ? v.lt(b) : v.gt(b));
  let newExcl = excl;
  let newIncl = incl;
  if (beyond(excl, bound)) newExcl = bound;
  if (limit.incl_vat !== undefined) {
    const b = new Money(limit.incl_vat);
    if (beyond(incl, b)) newIncl = b;
  } else if (!newExcl.eq(excl)) {
    // No incl. VAT limit: VAT follows the excl. VAT amount.
    newIncl = excl.isZero() ? newExcl : incl.mul(newExcl).div(excl);
  }
  return [newExcl, newIncl];
}

/**
 * The cost of a session under an OCPI 2.2.1 tariff. For every slice of the session and every
 * dimension, the first element with a component for that dimension whose restrictions match is
 * used. ENERGY is charged in every session slice, TIME while charging (and during reservations),
 * PARKING_TIME while parking, FLAT once (once more for a reservation). step_size rounds a
 * dimension's total up, using the last component used: always for energy and reservation time,
 * and for TIME or PARKING_TIME only if it is the last time-based dimension of the session (the
 * extra amount is priced by that last component). VAT applies per component; min_price and
 * max_price bound the totals excl. and incl. VAT separately. No rounding to the currency's minor
 * unit happens here (see `roundToMinor`).
 * @example costOf(tariff, { samples: [{ at, state: 'CHARGING', energyWh: 0 }], end, endEnergyWh: 20000 }).inclVat // '5.50'
 */
export function costOf(tariff: Tariff, input: SessionInput): SessionCost {
  const buckets = new Map<Bucket, Entry[]>();
  const add = (b: Bucket, c: PriceComponent, amount: number | Money) => {
    const list = buckets.get(b) ?? [];
    list.push({ component: c, amount: new Money(amount) });
    buckets.set(b, list);
  };
  let lastTime: Bucket | undefined;
  for (const s of slices(tariff, input)) {
    const els = candidates(tariff, s);
    const seconds = new Money(s.endMs - s.startMs).div(1000);
    const reservation = s.state === 'RESERVATION' || s.state === 'RESERVATION_EXPIRES';
    const flat: Bucket = reservation ? 'RESERVATION_FLAT' : 'FLAT';
    if (!buckets.has(flat)) {
      const c = component(els, 'FLAT');
      if (c) add(flat, c, 1);
    }
    if (reservation) {
      const t = component(els, 'TIME');
      if (t) add('RESERVATION_TIME', t, seconds);
      continue;
    }
    const e = component(els, 'ENERGY');
    if (e && s.energyWh > 0) add('ENERGY', e, s.energyWh);
    const type = s.state === 'CHARGING' ? 'TIME' : 'PARKING_TIME';
    const t = component(els, type);
    if (t) {
      add(type, t, seconds);
      lastTime = type;
    }
  }
  for (const b of ['ENERGY', 'RESERVATION_TIME', lastTime] as const) if (b && buckets.has(b)) stepRound(buckets.get(b)!);

  const lines: CostLine[] = [];
  const shares = new Map<string, { excl: Money; incl: Money }>();
  let excl = new Money(0);
  let incl = new Money(0);
  for (const [bucket, entries] of buckets) {
    const dimension = entries[0]!.component.type;
    let qty = new Money(0);
    let lineExcl = new Money(0);
    let lineIncl = new Money(0);
    for (const en of entries) {
      const units = en.amount.div(UNIT[dimension]);
      const cost = units.mul(new Money(en.component.price));
      const withVat = en.component.vat === undefined ? cost : cost.mul(new Money(en.component.vat).div(100).plus(1));
      qty = qty.plus(units);
      lineExcl = lineExcl.plus(cost);
      lineIncl = lineIncl.plus(withVat);
      const rate = en.component.vat === undefined ? '' : new Money(en.component.vat).toString();
      const share = shares.get(rate) ?? { excl: new Money(0), incl: new Money(0) };
      shares.set(rate, { excl: share.excl.plus(cost), incl: share.incl.plus(withVat) });
    }
    excl = excl.plus(lineExcl);
    incl = incl.plus(lineIncl);
    lines.push({
      dimension, reservation: bucket.startsWith('RESERVATION'), quantity: qty.toDecimalPlaces(6).toString(),
      exclVat: formatMoney(lineExcl, tariff.currency), inclVat: formatMoney(lineIncl, tariff.currency),
    });
  }
  const [rawExcl, rawIncl] = [excl, incl];
  if (tariff.min_price) [excl, incl] = clamp(excl, incl, tariff.min_price, 'min');
  if (tariff.max_price) [excl, incl] = clamp(excl, incl, tariff.max_price, 'max');
  return {
    currency: tariff.currency, exclVat: formatMoney(excl, tariff.currency), inclVat: formatMoney(incl, tariff.currency), lines,
    vat: vatShares(shares, [rawExcl, rawIncl], [excl, incl], tariff),
  };
}

/**
 * The totals split by VAT rate. A min_price or max_price that changed the totals scales every
 * rate's share by the same factor; a minimum price charged for nothing priced takes the rate
 * its own excl./incl. VAT amounts imply.
 */
function vatShares(shares: Map<string, { excl: Money; incl: Money }>, [rawExcl, rawIncl]: Money[], [excl, incl]: Money[], tariff: Tariff): VatShare[] {
  const c = tariff.currency;
  const out = (rate: string, e: Money, i: Money): VatShare => ({ rate: rate === '' ? null : rate, exclVat: formatMoney(e, c), inclVat: formatMoney(i, c) });
  if (rawExcl!.isZero() && rawIncl!.isZero()) {
    if (excl!.isZero() && incl!.isZero()) return [...shares.keys()].map((r) => out(r, new Money(0), new Money(0)));
    const rate = excl!.isZero() || incl!.eq(excl!) ? '' : incl!.div(excl!).minus(1).mul(100).toDecimalPlaces(2).toString();
    return [out(rate, excl!, incl!)];
  }
  const fe = rawExcl!.isZero() ? new Money(0) : excl!.div(rawExcl!);
  const fi = rawIncl!.isZero() ? new Money(0) : incl!.div(rawIncl!);
  return [...shares].map(([r, s]) => out(r, s.excl.mul(fe), s.incl.mul(fi)));
}
