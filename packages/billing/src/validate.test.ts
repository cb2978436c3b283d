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
