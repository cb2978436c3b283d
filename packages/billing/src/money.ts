import { Decimal } from 'decimal.js';
import { minorUnits } from './currencies.js';

/** Decimal arithmetic for money: 40 significant digits, half-up rounding. */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = Decimal;

/**
 * A money amount as a decimal string: at least the currency's minor unit digits, at most
 * four more (a per-second or per-Wh price yields sub-cent amounts; rounding to what is
 * invoiced is left to the invoice, as OCPI leaves price rounding to law and contracts).
 * @example formatMoney(new Money('13.861'), 'EUR') // '13.861'; formatMoney(new Money(5), 'EUR') // '5.00'
 */
export function formatMoney(amount: Decimal, currency: string): string {
  const minor = minorUnits(currency);
  const d = new Money(amount).toDecimalPlaces(minor + 4);
  return d.toFixed(Math.max(minor, d.decimalPlaces()));
}

/**
 * A decimal money string rounded half-up to the currency's minor unit.
 * @example roundToMinor('6.2375', 'EUR') // '6.24'
 */
export function roundToMinor(amount: string, currency: string): string {
  return new Money(amount).toFixed(minorUnits(currency));
}

/**
 * A decimal money string as a JSON number in the currency's main unit, rounded to its minor
 * unit. Only for protocol boundaries that require a number (OCPP totalCost).
 * @example toMainUnitNumber('6.2375', 'EUR') // 6.24
 */
export function toMainUnitNumber(amount: string, currency: string): number {
  return Number(roundToMinor(amount, currency));
}
