import { it } from 'node:test';
import assert from 'node:assert/strict';
import { activePowerW, energyRegisterWh, scaleDecimal, toSamples } from './samples.js';

it('fills in the spec defaults and parses numbers', () => {
  const [s] = toSamples([{ timestamp: '2024-01-01T00:00:00Z', sampledValue: [{ value: '1234' }] }]);
  assert.equal(s!.measurand, 'Energy.Active.Import.Register');
  assert.equal(s!.unit, 'Wh');
  assert.equal(s!.context, 'Sample.Periodic');
  assert.equal(s!.location, 'Outlet');
  assert.equal(s!.valueNum, 1234);
});

it('reads the energy register in kWh or Wh, total or per phase, latest timestamp', () => {
  const kwh = toSamples([
    { timestamp: '2024-01-01T00:00:00Z', sampledValue: [{ value: '1.000', unit: 'kWh' }] },
    { timestamp: '2024-01-01T00:01:00Z', sampledValue: [{ value: '1.5', unit: 'kWh' }, { value: '7.4', measurand: 'Power.Active.Import', unit: 'kW' }] },
  ]);
  assert.equal(energyRegisterWh(kwh), 1500);
  assert.equal(activePowerW(kwh), 7400);
  const phases = toSamples([
    { timestamp: '2024-01-01T00:00:00Z', sampledValue: ['L1', 'L2', 'L3'].map((phase) => ({ value: '100', phase })) },
  ]);
  assert.equal(energyRegisterWh(phases), 300);
  const ev = toSamples([{ timestamp: '2024-01-01T00:00:00Z', sampledValue: [{ value: '5', location: 'EV' }, { value: 'x' }] }]);
  assert.equal(energyRegisterWh(ev), undefined);
});

it('scales 2.x values by 10^multiplier on the decimal digits', () => {
  assert.equal(scaleDecimal(1.1, 3), '1100');
  assert.equal(scaleDecimal(12.345, 3), '12345');
  assert.equal(scaleDecimal(-1.25, 2), '-125');
  assert.equal(scaleDecimal(1500, -3), '1.5');
  assert.equal(scaleDecimal(7, -4), '0.0007');
  assert.equal(scaleDecimal(42, 0), '42');
  assert.equal(scaleDecimal(0, 5), '0');
  assert.equal(scaleDecimal(1e21, 1), '10000000000000000000000');
});

it('reads 2.x samples: number values, unitOfMeasure with multiplier, signed meter values kept', () => {
  const signed = { signedMeterData: 'b2NtZg==', signingMethod: 'ECDSA-secp256r1-SHA256', encodingMethod: 'OCMF', publicKey: 'cGs=' };
  const samples = toSamples([{
    timestamp: '2024-01-01T00:00:00Z',
    sampledValue: [
      { value: 1.1, unitOfMeasure: { unit: 'Wh', multiplier: 3 }, signedMeterValue: signed },
      { value: 7.4, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'kW' } },
      { value: 230, measurand: 'Voltage', phase: 'L1-N', unitOfMeasure: { unit: 'V' } },
    ],
  }]);
  assert.deepEqual([samples[0]!.value, samples[0]!.unit, samples[0]!.format, samples[0]!.valueNum], ['1100', 'Wh', 'Raw', 1100]);
  assert.deepEqual(samples[0]!.signedMeterValue, signed);
  assert.equal(energyRegisterWh(samples), 1100);
  assert.equal(activePowerW(samples), 7400);
  assert.equal(samples[2]!.unit, 'V');
  assert.equal('signedMeterValue' in samples[1]!, false);
  // Default unit for energy is Wh; kWh with multiplier 0 is kWh.
  assert.equal(energyRegisterWh(toSamples([{ timestamp: '2024-01-01T00:00:00Z', sampledValue: [{ value: 2.5 }] }])), 2.5);
  assert.equal(energyRegisterWh(toSamples([{ timestamp: '2024-01-01T00:00:00Z', sampledValue: [{ value: 2.5, unitOfMeasure: { unit: 'kWh', multiplier: 0 } }] }])), 2500);
});

it('keeps 1.6 SignedData as received (no number)', () => {
  const [s] = toSamples([{ timestamp: '2024-01-01T00:00:00Z', sampledValue: [{ value: 'OCMF|{"RD":[]}|{"SD":"30"}', format: 'SignedData' }] }]);
  assert.deepEqual([s!.format, s!.value, s!.valueNum], ['SignedData', 'OCMF|{"RD":[]}|{"SD":"30"}', null]);
});

it('sums phases without binary noise', () => {
  const phases = toSamples([
    { timestamp: '2024-01-01T00:00:00Z', sampledValue: [{ value: '100.1', phase: 'L1' }, { value: '120.2', phase: 'L2' }] },
  ]);
  assert.equal(energyRegisterWh(phases), 220.3);
});
