import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateTariff, assertTariff, TariffError } from './validate.js';

const ok = { id: 'T1', currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 0.25, vat: 10, step_size: 1 }] }] };

test('a valid tariff has no problems', () => {
  assert.deepEqual(validateTariff(ok), []);
  assert.equal(assertTariff(ok).id, 'T1');
});

test('problems name the field', () => {
  const fields = (t: unknown) => validateTariff(t).map((p) => p.field);
  assert.deepEqual(fields({ ...ok, currency: 'EURO' }), ['currency']);
  assert.deepEqual(fields({ ...ok, elements: [] }), ['elements']);
  assert.deepEqual(fields({ ...ok, elements: [{ price_components: [{ type: 'ENERGY', price: -1, step_size: 1 }] }] }), ['elements[0].price_components[0].price']);
  assert.deepEqual(fields({ ...ok, elements: [{ ...ok.elements[0], restrictions: { start_time: '24:00', end_date: '2024-13-01' } }] }), [
    'elements[0].restrictions.start_time', 'elements[0].restrictions.end_date',
  ]);
  assert.deepEqual(fields({ ...ok, max_price: { excl_vat: 'ten' } }), ['max_price.excl_vat']);
  assert.throws(() => assertTariff({ ...ok, currency: 'XYZ' }), (e: unknown) => e instanceof TariffError && /currency must be an ISO 4217/.test(e.message));
});

test('nonsense is refused, naming the field', () => {
  const fields = (t: unknown) => validateTariff(t).map((p) => p.field);
  const el = (pcs: { type: string; price: number; step_size: number }[], restrictions?: object) => ({ price_components: pcs, ...(restrictions ? { restrictions } : {}) });
  const energy = { type: 'ENERGY', price: 0.25, step_size: 1 };
  assert.deepEqual(fields({ ...ok, elements: [el([energy, { ...energy, price: 0.3 }])] }), ['elements[0].price_components[1].type']);
  // An unrestricted element first hides a later one pricing the same dimensions...
  assert.deepEqual(fields({ ...ok, elements: [el([energy]), el([energy], { start_time: '17:00', end_time: '20:00' })] }), ['elements[1]']);
  // ...but not one that adds a dimension, nor a reservation element, nor one after a restricted element.
  assert.deepEqual(fields({ ...ok, elements: [el([energy]), el([energy, { type: 'TIME', price: 1, step_size: 60 }], { max_power: 11 })] }), []);
  assert.deepEqual(fields({ ...ok, elements: [el([{ type: 'TIME', price: 1, step_size: 60 }]), el([{ type: 'TIME', price: 5, step_size: 60 }], { reservation: 'RESERVATION' })] }), []);
  assert.deepEqual(fields({ ...ok, elements: [el([energy], { max_power: 11 }), el([energy])] }), []);
  assert.deepEqual(fields({ ...ok, elements: [el([energy], { min_kwh: 10, max_kwh: 5 })] }), ['elements[0].restrictions.min_kwh']);
  assert.deepEqual(fields({ ...ok, elements: [el([energy], { min_duration: 60, max_duration: 60 })] }), ['elements[0].restrictions.min_duration']);
  assert.deepEqual(fields({ ...ok, elements: [el([energy], { start_date: '2025-02-01', end_date: '2025-01-01' })] }), ['elements[0].restrictions.start_date']);
  assert.deepEqual(fields({ ...ok, min_price: { excl_vat: 10 }, max_price: { excl_vat: 5 } }), ['min_price.excl_vat']);
  assert.deepEqual(fields({ ...ok, start_date_time: '2025-02-01T00:00:00Z', end_date_time: '2025-01-01T00:00:00Z' }), ['end_date_time']);
  const message = validateTariff({ ...ok, elements: [el([energy]), el([energy], { day_of_week: ['MONDAY'] })] })[0]!.message;
  assert.match(message, /never used: elements\[0\] has no restrictions/);
});
