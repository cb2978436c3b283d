import { it } from 'node:test';
import assert from 'node:assert/strict';
import { activePowerW, energyRegisterWh, toSamples } from './samples.js';

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
