import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tariff } from '@voltlane/billing';
import { summary, tariffText } from './tariff-text.js';

const BASE: Tariff = {
  id: 'T', currency: 'EUR',
  elements: [{ price_components: [{ type: 'ENERGY', price: '0.25', vat: 20, step_size: 1 }, { type: 'PARKING_TIME', price: 2, vat: 0, step_size: 60 }] }],
};

test('generated summary: prices incl. VAT per unit, restrictions in brackets, min/max price', () => {
  assert.equal(summary(BASE), '0.30 EUR/kWh, 2.00 EUR/h parking, incl. VAT');
  const t: Tariff = {
    id: 'T2', currency: 'EUR', min_price: { excl_vat: 1, incl_vat: 1.21 }, max_price: { excl_vat: '20' },
    elements: [
      { price_components: [{ type: 'TIME', price: '1.235', step_size: 60 }], restrictions: { start_time: '08:00', end_time: '20:00', day_of_week: ['MONDAY', 'FRIDAY'] } },
      { price_components: [{ type: 'FLAT', price: 0.5, step_size: 1 }, { type: 'ENERGY', price: 0.2, step_size: 1 }], restrictions: { min_kwh: 10, max_duration: 5400 } },
    ],
  };
  assert.equal(summary(t), '1.235 EUR/h (08:00-20:00, Mon, Fri); 0.50 EUR per session, 0.20 EUR/kWh (from 10 kWh, first 90 min); min. 1.21 EUR; max. 20.00 EUR');
  assert.equal(summary({ id: 'J', currency: 'JPY', elements: [{ price_components: [{ type: 'ENERGY', price: 55, step_size: 1 }] }] }), '55 JPY/kWh');
});

test('tariff_alt_text in the preferred language wins, matching the primary subtag; else the first one', () => {
  const t: Tariff = { ...BASE, tariff_alt_text: [{ language: 'en', text: 'Cheap power' }, { language: 'de', text: 'Günstiger Strom' }] };
  assert.deepEqual(tariffText(t, ['de-CH', 'en'], 512), { content: 'Günstiger Strom', language: 'de' });
  assert.deepEqual(tariffText(t, ['fr'], 512), { content: 'Cheap power', language: 'en' });
  assert.deepEqual(tariffText(BASE, ['de'], 512), { content: '0.30 EUR/kWh, 2.00 EUR/h parking, incl. VAT', language: 'en' });
});

test('the text is cut to the station\'s limit', () => {
  const r = tariffText(BASE, [], 12);
  assert.equal([...r.content].length, 12);
  assert.equal(r.content, '0.30 EUR/kW…');
});
