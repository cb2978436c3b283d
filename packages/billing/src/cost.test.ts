import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costOf } from './cost.js';
import { roundToMinor } from './money.js';
import type { PeriodSample, PeriodState, SessionCost, Tariff, TariffElement } from './types.js';

// OCPI 2.2.1 mod_tariffs "Examples" (tariff JSON from the spec's examples/ folder).
const pc = (type: 'ENERGY' | 'FLAT' | 'PARKING_TIME' | 'TIME', price: number, vat: number | undefined, step_size: number) => ({ type, price, ...(vat === undefined ? {} : { vat }), step_size });
const tariff = (elements: TariffElement[], extra: Partial<Tariff> = {}): Tariff => ({ id: 't', currency: 'EUR', elements, ...extra });
const FLAT_050 = pc('FLAT', 0.5, 20, 1);
const KWH_025 = pc('ENERGY', 0.25, 10, 1);

const MON = '2024-01-01'; // a Monday
const SAT = '2024-01-06';
const at = (date: string, hhmm: string, plusMin = 0) => new Date(Date.parse(`${date}T${hhmm}:00Z`) + plusMin * 60_000);

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
const totals = (c: SessionCost) => [c.exclVat, c.inclVat];
const rounded = (c: SessionCost) => [roundToMinor(c.exclVat, c.currency), roundToMinor(c.inclVat, c.currency)];

test('€ 0.25 per kWh: 20 kWh cost 5.00 / 5.50', () => {
  assert.deepEqual(totals(costOf(tariff([{ price_components: [KWH_025] }]), session(at(MON, '10:00'), [['CHARGING', 60, 20000]]))), ['5.00', '5.50']);
});

test('€ 0.25 per kWh + start fee: 20 kWh cost 5.50 / 6.10', () => {
  assert.deepEqual(totals(costOf(tariff([{ price_components: [FLAT_050, KWH_025] }]), session(at(MON, '10:00'), [['CHARGING', 60, 20000]]))), ['5.50', '6.10']);
});

test('€ 0.25 per kWh + minimum price: 20 kWh cost 5.00 / 5.50, less than 2 kWh 0.50 / 0.55', () => {
  const t = tariff([{ price_components: [KWH_025] }], { min_price: { excl_vat: 0.5, incl_vat: 0.55 } });
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['CHARGING', 60, 20000]]))), ['5.00', '5.50']);
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['CHARGING', 10, 1500]]))), ['0.50', '0.55']);
});

test('€ 0.25 per kWh + parking fee + start fee: 20 kWh and 40 min parking cost 7.00 / 7.90', () => {
  const t = tariff([{ price_components: [FLAT_050, KWH_025, pc('PARKING_TIME', 2, 20, 900)] }]);
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['CHARGING', 60, 20000], ['PARKING', 40]]))), ['7.00', '7.90']);
});

test('€ 0.25 per kWh + start fee + max price: 50 kWh cost 10.00 / 11.00, 30 kWh 8.00 / 8.85', () => {
  const t = tariff([{ price_components: [FLAT_050, KWH_025] }], { max_price: { excl_vat: 10, incl_vat: 11 }, end_date_time: '2019-06-30T23:59:59Z' });
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['CHARGING', 120, 50000]]))), ['10.00', '11.00']);
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['CHARGING', 120, 30000]]))), ['8.00', '8.85']);
});

test('€ 2 per hour: 2.5 hours charging cost 5.00 / 5.50, parking is free', () => {
  const t = tariff([{ price_components: [pc('TIME', 2, 10, 60)] }]);
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['CHARGING', 150, 10000], ['PARKING', 30]]))), ['5.00', '5.50']);
});

test('€ 3 per hour, € 5 per hour parking: 150 min + 42 min parking cost 11.25 / 12.75', () => {
  const t = tariff([{ price_components: [pc('TIME', 3, 10, 60), pc('PARKING_TIME', 5, 20, 300)] }]);
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['CHARGING', 150, 10000], ['PARKING', 42]]))), ['11.25', '12.75']);
});

test('ad-hoc € 1.90 per hour, 5.2% VAT: 2.5 hours cost 4.75 / 5.00 (rounded to cents)', () => {
  const t = tariff([{ price_components: [pc('TIME', 1.9, 5.2, 300)] }], { type: 'AD_HOC_PAYMENT' });
  assert.deepEqual(rounded(costOf(t, session(at(MON, '10:00'), [['CHARGING', 150, 10000]]))), ['4.75', '5.00']);
});

test('alternative URL tariff: 20.45 kWh billed per 100 Wh cost 5.63 / 6.24 (rounded to cents)', () => {
  const t = tariff([{ price_components: [FLAT_050, pc('ENERGY', 0.25, 10, 100)] }], { type: 'PROFILE_CHEAP' });
  const c = costOf(t, session(at(MON, '10:00'), [['CHARGING', 60, 20450]]));
  assert.deepEqual(rounded(c), ['5.63', '6.24']);
  assert.equal(c.lines.find((l) => l.dimension === 'ENERGY')!.quantity, '20.5');
});

const COMPLEX = tariff([
  { price_components: [pc('FLAT', 2.5, 15, 1)] },
  { price_components: [pc('TIME', 1, 20, 900)], restrictions: { max_current: 32 } },
  { price_components: [pc('TIME', 2, 20, 600)], restrictions: { min_current: 32, day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] } },
  { price_components: [pc('TIME', 1.25, 20, 600)], restrictions: { min_current: 32, day_of_week: ['SATURDAY', 'SUNDAY'] } },
  { price_components: [pc('PARKING_TIME', 5, 10, 300)], restrictions: { start_time: '09:00', end_time: '18:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] } },
  { price_components: [pc('PARKING_TIME', 6, 10, 300)], restrictions: { start_time: '10:00', end_time: '17:00', day_of_week: ['SATURDAY'] } },
], { type: 'REGULAR' });

test('complex tariff: Monday 09:30, 165 min at 16 A + 42 min parking cost 9.00 / 10.30', () => {
  const s = session(at(MON, '09:30'), [['CHARGING', 165, 30000, { currentA: 16 }], ['PARKING', 42, 0, { currentA: 0 }]]);
  assert.deepEqual(totals(costOf(COMPLEX, s)), ['9.00', '10.30']);
});

test('complex tariff: Saturday 13:30, 114 min at 43 A + 71 min parking cost 12.375 / 13.975 (spec erratum: 12.28 / 13.861)', () => {
  // The spec's breakdown prices 114 min at 1.25 per hour as 2.28 (that is 114 min at 1.20); 114 / 60 * 1.25 = 2.375.
  // Its other lines (flat 2.50 / 2.875, parking 75 min 7.50 / 8.25) are reproduced exactly.
  const s = session(at(SAT, '13:30'), [['CHARGING', 114, 40000, { currentA: 43 }], ['PARKING', 71, 0, { currentA: 0 }]]);
  const c = costOf(COMPLEX, s);
  assert.deepEqual(totals(c), ['12.375', '13.975']);
  assert.deepEqual(c.lines.map((l) => [l.dimension, l.quantity, l.exclVat, l.inclVat]), [
    ['FLAT', '1', '2.50', '2.875'], ['TIME', '1.9', '2.375', '2.85'], ['PARKING_TIME', '1.25', '7.50', '8.25'],
  ]);
});

test('free of charge tariff costs 0.00', () => {
  const t = tariff([{ price_components: [pc('FLAT', 0, undefined, 0)] }]);
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['CHARGING', 60, 20000], ['PARKING', 60]]))), ['0.00', '0.00']);
});

const RES_ENERGY = { price_components: [FLAT_050, KWH_025] };

test('reservation € 5 per hour: reserved 15 min, 20 kWh cost 6.75 / 7.60', () => {
  const t = tariff([{ price_components: [pc('TIME', 5, 20, 60)], restrictions: { reservation: 'RESERVATION' } }, RES_ENERGY]);
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['RESERVATION', 15], ['CHARGING', 60, 20000]]))), ['6.75', '7.60']);
});

test('reservation € 2 fee + € 5 per hour: reserved 13 min, 20 kWh cost 8.75 / 10.00', () => {
  const t = tariff([{ price_components: [pc('FLAT', 2, 20, 1), pc('TIME', 5, 20, 300)], restrictions: { reservation: 'RESERVATION' } }, RES_ENERGY]);
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['RESERVATION', 13], ['CHARGING', 60, 20000]]))), ['8.75', '10.00']);
});

test('reservation with expire fee: used after 22 min 6.50 / 7.30; expired after 1 hour 6.00 / 7.20', () => {
  const t = tariff([
    { price_components: [pc('FLAT', 4, 20, 1)], restrictions: { reservation: 'RESERVATION_EXPIRES' } },
    { price_components: [pc('TIME', 2, 20, 600)], restrictions: { reservation: 'RESERVATION' } },
    RES_ENERGY,
  ]);
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['RESERVATION', 22], ['CHARGING', 60, 20000]]))), ['6.50', '7.30']);
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['RESERVATION_EXPIRES', 60]]))), ['6.00', '7.20']);
});

test('reservation with expire time: used after 22 min 7.00 / 7.90; expired after 1.5 hours 9.00 / 10.80', () => {
  const t = tariff([
    { price_components: [pc('TIME', 6, 20, 600)], restrictions: { reservation: 'RESERVATION_EXPIRES' } },
    { price_components: [pc('TIME', 3, 20, 600)], restrictions: { reservation: 'RESERVATION' } },
    RES_ENERGY,
  ]);
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['RESERVATION', 22], ['CHARGING', 60, 20000]]))), ['7.00', '7.90']);
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['RESERVATION_EXPIRES', 90]]))), ['9.00', '10.80']);
});

const STEP = tariff([
  { price_components: [pc('TIME', 1.2, undefined, 1800), pc('PARKING_TIME', 1, undefined, 900)], restrictions: { start_time: '00:00', end_time: '17:00' } },
  { price_components: [pc('TIME', 2.4, undefined, 900), pc('PARKING_TIME', 1, undefined, 900)], restrictions: { start_time: '17:00', end_time: '20:00' } },
  { price_components: [pc('TIME', 2.4, undefined, 900)], restrictions: { start_time: '20:00', end_time: '00:00' } },
]);

test('step_size, switching element #1: 16:55, 10 min charging + 2 min parking cost 0.55', () => {
  assert.equal(costOf(STEP, session(at(MON, '16:55'), [['CHARGING', 10, 2000], ['PARKING', 2]])).exclVat, '0.55');
});

test('step_size, switching element #2: 16:35, 35 min charging cost 1.30', () => {
  assert.equal(costOf(STEP, session(at(MON, '16:35'), [['CHARGING', 35, 5000]])).exclVat, '1.30');
});

test('step_size, switching to free parking: 19:40, 12 min charging + 20 min parking cost 0.73', () => {
  assert.equal(costOf(STEP, session(at(MON, '19:40'), [['CHARGING', 12, 2000], ['PARKING', 20]])).exclVat, '0.73');
});

test('step_size of energy: 115.2 Wh at € 0.25 per kWh bills 116 Wh, 125 Wh, 500 Wh', () => {
  const s = session(at(MON, '10:00'), [['CHARGING', 10, 115.2]]);
  const cost = (step: number) => costOf(tariff([{ price_components: [pc('ENERGY', 0.25, undefined, step)] }]), s).exclVat;
  assert.equal(cost(1), '0.029');
  assert.equal(cost(25), '0.03125'); // the spec rounds to € 0.031
  assert.equal(cost(500), '0.125');
});

test('max_power restriction: 1 kWh at 6 kW, 40 kWh at 48 kW, 0.5 kWh at 4 kW cost 20.30', () => {
  const t = tariff([
    { price_components: [pc('ENERGY', 0.2, 20, 1)], restrictions: { max_power: 16 } },
    { price_components: [pc('ENERGY', 0.35, 20, 1)], restrictions: { max_power: 32 } },
    { price_components: [pc('ENERGY', 0.5, 20, 1)] },
  ]);
  const s = session(at(MON, '10:00'), [['CHARGING', 10, 1000, { powerW: 6000 }], ['CHARGING', 50, 40000, { powerW: 48000 }], ['CHARGING', 7.5, 500, { powerW: 4000 }]]);
  assert.equal(costOf(t, s).exclVat, '20.30');
});

test('max_duration restriction: 5 kWh in 30 min free, 1.2 kWh in the next 10 min cost 0.30', () => {
  const t = tariff([
    { price_components: [pc('ENERGY', 0, 20, 1)], restrictions: { max_duration: 1800 } },
    { price_components: [pc('ENERGY', 0.25, 20, 1)], restrictions: { max_duration: 3600 } },
    { price_components: [pc('ENERGY', 0.4, 20, 1)] },
  ]);
  // One sample for the whole session: the energy is split at 30 minutes by interpolation.
  assert.equal(costOf(t, session(at(MON, '10:00'), [['CHARGING', 30, 5000], ['CHARGING', 10, 1200]])).exclVat, '0.30');
  assert.equal(costOf(t, session(at(MON, '10:00'), [['CHARGING', 120, 12000]])).exclVat, '3.15'); // 3 kWh free, 3 at 0.25, 6 at 0.40
});

test('kWh restriction: the first 10 kWh at € 0.30, then € 0.20 (split inside a period)', () => {
  const t = tariff([{ price_components: [pc('ENERGY', 0.3, undefined, 1)], restrictions: { max_kwh: 10 } }, { price_components: [pc('ENERGY', 0.2, undefined, 1)], restrictions: { min_kwh: 10 } }]);
  assert.equal(costOf(t, session(at(MON, '10:00'), [['CHARGING', 60, 25000]])).exclVat, '6.00');
});

test('time of day wrapping past midnight, in the location time zone', () => {
  // Night rate 22:00-06:00 local (Amsterdam, UTC+1 in January), day rate otherwise.
  const t = tariff([{ price_components: [pc('TIME', 1, undefined, 1)], restrictions: { start_time: '22:00', end_time: '06:00' } }, { price_components: [pc('TIME', 4, undefined, 1)] }]);
  // 20:00Z-00:00Z = 21:00-01:00 local: 1 hour day (4.00) + 3 hours night (3.00).
  const s = { ...session(at(MON, '20:00'), [['CHARGING', 240, 10000]]), timeZone: 'Europe/Amsterdam' };
  assert.equal(costOf(t, s).exclVat, '7.00');
  // In UTC: 20:00-22:00 day (8.00), 22:00-00:00 night (2.00).
  assert.equal(costOf(t, session(at(MON, '20:00'), [['CHARGING', 240, 10000]])).exclVat, '10.00');
});

test('day of week: a weekend rate starts at local midnight', () => {
  const t = tariff([{ price_components: [pc('ENERGY', 0.1, undefined, 1)], restrictions: { day_of_week: ['SATURDAY', 'SUNDAY'] } }, { price_components: [pc('ENERGY', 0.3, undefined, 1)] }]);
  // Friday 23:00 to Saturday 01:00 UTC, 10 kWh evenly: 5 kWh Friday (1.50) + 5 kWh Saturday (0.50).
  assert.equal(costOf(t, session(at('2024-01-05', '23:00'), [['CHARGING', 120, 10000]])).exclVat, '2.00');
});

test('min_power restriction and unknown current', () => {
  const t = tariff([{ price_components: [pc('ENERGY', 0.6, undefined, 1)], restrictions: { min_power: 50 } }, { price_components: [pc('ENERGY', 0.4, undefined, 1)], restrictions: { min_current: 10 } }]);
  // 60 kWh in an hour: average power 60 kW, fast rate; 10 kWh in an hour without current: no rate.
  assert.equal(costOf(t, session(at(MON, '10:00'), [['CHARGING', 60, 60000]])).exclVat, '36.00');
  assert.equal(costOf(t, session(at(MON, '10:00'), [['CHARGING', 60, 10000]])).exclVat, '0.00');
});

test('max_price without incl_vat scales the VAT with it', () => {
  const t = tariff([{ price_components: [KWH_025] }], { max_price: { excl_vat: '2.00' } });
  assert.deepEqual(totals(costOf(t, session(at(MON, '10:00'), [['CHARGING', 60, 20000]]))), ['2.00', '2.20']);
});
