import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cdrCharges, cdrChargesOverTime, creditCdr, type Cdr } from './cdr.js';
import { costOf } from './cost.js';
import { invoiceTotals, lineNets } from './invoice.js';
import type { PeriodSample, PeriodState, Tariff } from './types.js';

// examples/cdr_example.json of the OCPI 2.2.1 specification, verbatim.
const EXAMPLE = fileURLToPath(new URL('./fixtures/ocpi-cdr-example.json', import.meta.url));
const at = (iso: string, plusMin = 0) => new Date(Date.parse(iso) + plusMin * 60_000);
const pc = (type: 'ENERGY' | 'FLAT' | 'PARKING_TIME' | 'TIME', price: number, vat: number | undefined, step_size: number) => ({ type, price, ...(vat === undefined ? {} : { vat }), step_size });

/** A session: phases of [state, minutes, Wh charged, extra sample fields]. */
function session(start: Date, phases: [PeriodState, number, number?, Partial<PeriodSample>?][]) {
  const samples: PeriodSample[] = [];
  let t = start.getTime();
  let wh = 0;
  for (const [state, minutes, energy, extra] of phases) {
    samples.push({ at: new Date(t), state, energyWh: wh, ...extra });
    t += minutes * 60_000;
    wh += energy ?? 0;
  }
  return { samples, end: new Date(t), endEnergyWh: wh };
}

test('the OCPI CDR example: € 2 per hour (step 5 min, 10% VAT), 21:39:09-23:37:32, 15.342 kWh', () => {
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Cdr;
  const tariff = example.tariffs![0]!;
  const input = { samples: [{ at: new Date(example.start_date_time), state: 'CHARGING' as const, energyWh: 0 }], end: new Date(example.end_date_time), endEnergyWh: 15342 };
  const { charges } = cdrCharges(tariff, input, 'EUR');
  assert.deepEqual(charges.total_cost, example.total_cost);
  assert.deepEqual(charges.total_time_cost, example.total_time_cost);
  assert.equal(charges.total_energy, example.total_energy);
  assert.equal(charges.total_time.toFixed(3), example.total_time.toFixed(3));
  assert.equal(charges.total_parking_time, undefined);
  assert.equal(charges.currency, 'EUR');
  assert.equal(charges.charging_periods.length, 1);
  const [p] = charges.charging_periods;
  assert.equal(p!.start_date_time, '2015-06-29T21:39:09.000Z');
  assert.equal(p!.tariff_id, '12');
  assert.equal(p!.dimensions.find((d) => d.type === 'TIME')!.volume.toFixed(3), example.charging_periods[0]!.dimensions[0]!.volume.toFixed(3));
  assert.equal(p!.dimensions.find((d) => d.type === 'ENERGY')!.volume, 15.342);
});

test('a new charging period starts when energy changes price at 17:00 (OCPI step_size example: 4.3 + 1.1 kWh billed as 5.5)', () => {
  const tariff: Tariff = {
    id: 'TOD', currency: 'EUR', elements: [
      { price_components: [pc('ENERGY', 0.2, undefined, 500)], restrictions: { start_time: '00:00', end_time: '17:00' } },
      { price_components: [pc('ENERGY', 0.27, undefined, 500)], restrictions: { start_time: '17:00', end_time: '00:00' } },
    ],
  };
  const input = session(at('2024-01-01T16:00:00Z'), [['CHARGING', 60, 4300], ['CHARGING', 20, 1100]]);
  const { charges } = cdrCharges(tariff, input, 'EUR');
  assert.deepEqual(charges.charging_periods.map((p) => [p.start_date_time, p.dimensions.map((d) => [d.type, d.volume])]), [
    ['2024-01-01T16:00:00.000Z', [['ENERGY', 4.3], ['TIME', 1]]],
    ['2024-01-01T17:00:00.000Z', [['ENERGY', 1.1], ['TIME', 0.3333]]],
  ]);
  assert.equal(charges.total_energy, 5.4);
  // 4.3 kWh at 0.20 + (5.5 - 4.3) kWh at 0.27 = 0.86 + 0.324.
  assert.deepEqual(charges.total_cost, { excl_vat: 1.184, incl_vat: 1.184 });
  assert.deepEqual(charges.total_energy_cost, charges.total_cost);
  assert.equal(charges.total_time_cost, undefined);
});

const COMPLEX: Tariff = {
  id: 'COMPLEX', currency: 'EUR', elements: [
    { price_components: [pc('FLAT', 2.5, 15, 1)] },
    { price_components: [pc('TIME', 1, 20, 900)], restrictions: { max_current: 32 } },
    { price_components: [pc('TIME', 2, 20, 600)], restrictions: { min_current: 32, day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] } },
    { price_components: [pc('TIME', 1.25, 20, 600)], restrictions: { min_current: 32, day_of_week: ['SATURDAY', 'SUNDAY'] } },
    { price_components: [pc('PARKING_TIME', 5, 10, 300)], restrictions: { start_time: '09:00', end_time: '18:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] } },
    { price_components: [pc('PARKING_TIME', 6, 10, 300)], restrictions: { start_time: '10:00', end_time: '17:00', day_of_week: ['SATURDAY'] } },
  ],
};

test('OCPI complex tariff, Monday: charging and parking periods, per-dimension totals add up to 9.00 / 10.30', () => {
  const input = session(at('2024-01-01T09:30:00Z'), [['CHARGING', 165, 30000, { currentA: 16, powerW: 11000 }], ['PARKING', 42, 0, { currentA: 0, powerW: 0 }]]);
  const { charges, cost } = cdrCharges(COMPLEX, input, 'EUR');
  assert.deepEqual(charges.charging_periods, [
    { start_date_time: '2024-01-01T09:30:00.000Z', tariff_id: 'COMPLEX', dimensions: [
      { type: 'ENERGY', volume: 30 }, { type: 'TIME', volume: 2.75 }, { type: 'MAX_CURRENT', volume: 16 }, { type: 'MIN_CURRENT', volume: 16 },
      { type: 'MAX_POWER', volume: 11 }, { type: 'MIN_POWER', volume: 11 },
    ] },
    { start_date_time: '2024-01-01T12:15:00.000Z', tariff_id: 'COMPLEX', dimensions: [
      { type: 'PARKING_TIME', volume: 0.7 }, { type: 'MAX_CURRENT', volume: 0 }, { type: 'MIN_CURRENT', volume: 0 },
      { type: 'MAX_POWER', volume: 0 }, { type: 'MIN_POWER', volume: 0 },
    ] },
  ]);
  assert.deepEqual(charges.total_cost, { excl_vat: 9, incl_vat: 10.3 });
  assert.deepEqual(charges.total_fixed_cost, { excl_vat: 2.5, incl_vat: 2.875 });
  assert.deepEqual(charges.total_time_cost, { excl_vat: 2.75, incl_vat: 3.3 });
  assert.deepEqual(charges.total_parking_cost, { excl_vat: 3.75, incl_vat: 4.125 });
  assert.equal(charges.total_energy_cost, undefined);
  assert.equal(charges.total_time, 3.45);
  assert.equal(charges.total_parking_time, 0.7);
  assert.deepEqual(cost.vat, [{ rate: '15', exclVat: '2.50', inclVat: '2.875' }, { rate: '20', exclVat: '2.75', inclVat: '3.30' }, { rate: '10', exclVat: '3.75', inclVat: '4.125' }]);
});

test('a session without a tariff: cost 0 in the given currency, periods without tariff_id', () => {
  const { charges, cost } = cdrCharges(undefined, session(at('2024-01-01T23:00:00Z'), [['CHARGING', 120, 12000]]), 'SEK');
  assert.equal(charges.currency, 'SEK');
  assert.deepEqual(charges.total_cost, { excl_vat: 0, incl_vat: 0 });
  // Midnight is no reason for a new period when nothing is priced.
  assert.deepEqual(charges.charging_periods, [{ start_date_time: '2024-01-01T23:00:00.000Z', dimensions: [{ type: 'ENERGY', volume: 12 }, { type: 'TIME', volume: 2 }] }]);
  assert.deepEqual(cost.vat, []);
});

test('a session of zero length still has one charging period (OCPI: at least one)', () => {
  const t = at('2024-01-01T10:00:00Z');
  const { charges } = cdrCharges(undefined, { samples: [{ at: t, state: 'CHARGING', energyWh: 5 }], end: t, endEnergyWh: 5 }, 'EUR');
  assert.equal(charges.charging_periods.length, 1);
  assert.equal(charges.total_time, 0);
});

test('VAT shares: two rates, and a max_price scales both', () => {
  const t: Tariff = { id: 'V', currency: 'EUR', elements: [{ price_components: [pc('FLAT', 0.5, 20, 1), pc('ENERGY', 0.25, 10, 1)] }] };
  const s = session(at('2024-01-01T10:00:00Z'), [['CHARGING', 60, 20000]]);
  assert.deepEqual(costOf(t, s).vat, [{ rate: '20', exclVat: '0.50', inclVat: '0.60' }, { rate: '10', exclVat: '5.00', inclVat: '5.50' }]);
  const capped = costOf({ ...t, max_price: { excl_vat: 2.75 } }, s); // half of 5.50
  assert.deepEqual([capped.exclVat, capped.inclVat], ['2.75', '3.05']);
  assert.deepEqual(capped.vat, [{ rate: '20', exclVat: '0.25', inclVat: '0.30' }, { rate: '10', exclVat: '2.50', inclVat: '2.75' }]);
  // A minimum price for a session that priced nothing takes the rate its amounts imply.
  const min = costOf({ ...t, elements: [{ price_components: [pc('ENERGY', 0.25, 10, 1)] }], min_price: { excl_vat: 1, incl_vat: 1.21 } }, session(at('2024-01-01T10:00:00Z'), [['CHARGING', 1, 0]]));
  assert.deepEqual(min.vat, [{ rate: '21', exclVat: '1.00', inclVat: '1.21' }]);
});

test('a credit CDR negates total_cost only and references the original', () => {
  const original = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Cdr;
  const c = creditCdr(original, '12345-C', new Date('2015-07-01T00:00:00Z'), 'wrong tariff');
  assert.deepEqual(c.total_cost, { excl_vat: -4, incl_vat: -4.4 });
  assert.deepEqual(c.total_time_cost, original.total_time_cost);
  assert.deepEqual([c.credit, c.credit_reference_id, c.id, c.last_updated, c.remark], [true, '12345', '12345-C', '2015-07-01T00:00:00.000Z', 'wrong tariff']);
});

test('invoice totals: VAT per rate on the sum of line nets, no-VAT lines last, rounding half-up', () => {
  const lines = [
    ...lineNets([{ rate: '21', exclVat: '10.004', inclVat: '12.10' }], 'EUR').map((l) => ({ vatRate: l.rate, net: l.net })),
    { vatRate: '21', net: '0.05' }, { vatRate: null, net: '3.00' }, { vatRate: '9', net: '1.00' },
  ];
  assert.equal(lines[0]!.net, '10.00');
  const t = invoiceTotals(lines, 'EUR');
  assert.deepEqual(t.vatLines, [
    { rate: '9', base: '1.00', vat: '0.09', gross: '1.09' },
    { rate: '21', base: '10.05', vat: '2.11', gross: '12.16' }, // 2.1105
    { rate: null, base: '3.00', vat: '0.00', gross: '3.00' },
  ]);
  assert.deepEqual([t.totalExclVat, t.totalVat, t.totalInclVat], ['14.05', '2.20', '16.25']);
  assert.equal(invoiceTotals([{ vatRate: '10', net: '1005' }], 'JPY').totalInclVat, '1106'); // 100.5 rounds up
});

test('a tariff change during the session: each tariff prices its part, periods name their tariff', () => {
  const a: Tariff = { id: 'A', currency: 'EUR', elements: [{ price_components: [pc('FLAT', 1, undefined, 1), pc('ENERGY', 0.25, 10, 1)] }] };
  const b: Tariff = { id: 'B', currency: 'EUR', elements: [{ price_components: [pc('FLAT', 1, undefined, 1), pc('ENERGY', 0.5, 10, 1)] }] };
  const t0 = at('2024-01-01T10:00:00Z');
  // 20 kWh evenly over 20 minutes; the session up to a cut has the register interpolated there.
  const upTo = (cut: Date | undefined) => {
    const end = cut ?? at('2024-01-01T10:20:00Z');
    return { samples: [{ at: t0, state: 'CHARGING' as const, energyWh: 0 }], end, endEnergyWh: (end.getTime() - t0.getTime()) / 60_000 * 1000 };
  };
  const { charges, cost, tariffs } = cdrChargesOverTime([
    { from: t0, tariff: a, timeZone: 'UTC' }, { from: at('2024-01-01T10:10:00Z'), tariff: b, timeZone: 'UTC' },
  ], upTo, 'EUR');
  // Start fee once (A), 10 kWh at 0.25 and 10 kWh at 0.50.
  assert.deepEqual(charges.total_cost, { excl_vat: 8.5, incl_vat: 9.25 });
  assert.deepEqual(charges.total_energy_cost, { excl_vat: 7.5, incl_vat: 8.25 });
  assert.deepEqual(charges.total_fixed_cost, { excl_vat: 1, incl_vat: 1 });
  assert.deepEqual(cost.vat, [{ rate: null, exclVat: '1.00', inclVat: '1.00' }, { rate: '10', exclVat: '7.50', inclVat: '8.25' }]);
  assert.deepEqual(charges.charging_periods.map((p) => [p.start_date_time.slice(11, 16), p.tariff_id, p.dimensions[0]!.volume]), [['10:00', 'A', 10], ['10:10', 'B', 10]]);
  assert.deepEqual(tariffs.map((t) => t.id), ['A', 'B']);
  assert.equal(charges.total_energy, 20);
});
