import { minorUnits } from './currencies.js';
import { Money } from './money.js';
import type { VatShare } from './types.js';

/** One line of an invoice: the part of one CDR taxed at one rate, net amount in minor-unit precision. */
export interface InvoiceLine {
  cdrId: string;
  /** Session end (ISO 8601). */
  date: string;
  stationId: string;
  idToken: string | null;
  energyKwh: number;
  durationHours: number;
  /** VAT percentage (decimal string); null: no VAT applies. */
  vatRate: string | null;
  /** Net amount, rounded to the currency's minor unit (decimal string). */
  net: string;
  credit: boolean;
}

/** The VAT summary of one rate: base (sum of the nets), VAT on it, gross. */
export interface VatLine {
  rate: string | null;
  base: string;
  vat: string;
  gross: string;
}

/** Invoice totals, decimal strings rounded to the currency's minor unit. */
export interface InvoiceTotals {
  vatLines: VatLine[];
  totalExclVat: string;
  totalVat: string;
  totalInclVat: string;
}

/**
 * A CDR's VAT shares as invoice line amounts: each share's net rounded half-up to the minor unit.
 * @example lineNets([{ rate: '20', exclVat: '5.004', inclVat: '6.0048' }], 'EUR') // [{ rate: '20', net: '5.00' }]
 */
export function lineNets(shares: VatShare[], currency: string): { rate: string | null; net: string }[] {
  const d = minorUnits(currency);
  return shares.map((s) => ({ rate: s.rate, net: new Money(s.exclVat).toFixed(d) }));
}

/**
 * VAT per rate as invoices state it: the base is the sum of the line nets at that rate, the VAT
 * is computed once on that base and rounded half-up to the minor unit (not summed per line, so
 * rounding cannot drift); lines without a VAT rate form their own group with no VAT.
 * @example invoiceTotals([{ vatRate: '20', net: '10.00' }, { vatRate: '20', net: '0.05' }], 'EUR').totalVat // '2.01'
 */
export function invoiceTotals(lines: Pick<InvoiceLine, 'vatRate' | 'net'>[], currency: string): InvoiceTotals {
  const d = minorUnits(currency);
  const bases = new Map<string, Money>();
  for (const l of lines) bases.set(l.vatRate ?? '', (bases.get(l.vatRate ?? '') ?? new Money(0)).plus(l.net));
  const order = [...bases.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : new Money(a).cmp(b)));
  let net = new Money(0);
  let vat = new Money(0);
  const vatLines = order.map((rate) => {
    const base = bases.get(rate)!;
    const v = rate === '' ? new Money(0) : base.mul(rate).div(100).toDecimalPlaces(d);
    net = net.plus(base);
    vat = vat.plus(v);
    return { rate: rate === '' ? null : rate, base: base.toFixed(d), vat: v.toFixed(d), gross: base.plus(v).toFixed(d) };
  });
  return { vatLines, totalExclVat: net.toFixed(d), totalVat: vat.toFixed(d), totalInclVat: net.plus(vat).toFixed(d) };
}
