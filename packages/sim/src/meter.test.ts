import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createConnector, statusOf } from './connector.js';
import { advance, isMeasurand, registerWh, sample, socOf } from './meter.js';

describe('meter', () => {
  it('integrates energy from elapsed time and never loses fractions', () => {
    const c = createConnector(1);
    c.energyWh = 1000;
    c.meteredAt = 0;
    c.powerW = 3600;
    advance(c, 500); // 0.5 Wh
    assert.equal(registerWh(c), 1000);
    advance(c, 1000); // 1 Wh in total
    assert.equal(registerWh(c), 1001);
    advance(c, 3_601_000);
    assert.equal(registerWh(c), 4601);
  });

  it('samples the configured measurands with units, phases and locations', () => {
    const c = createConnector(1);
    c.energyWh = 5000.7;
    c.powerW = 11_040;
    c.tx = { id: 1, idTag: 'T', startedAt: 0, meterStart: 5000, socStart: 50, pending: false };
    const values = sample(c, ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import', 'Voltage', 'SoC'], 'Sample.Periodic', 11_040);
    assert.deepEqual(values[0], { value: '5000', context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' });
    assert.deepEqual(values.filter((v) => v.measurand === 'Current.Import').map((v) => [v.phase, v.value]), [['L1', '16.0'], ['L2', '16.0'], ['L3', '16.0']]);
    assert.equal(values.filter((v) => v.measurand === 'Voltage').length, 3);
    const soc = values.find((v) => v.measurand === 'SoC')!;
    assert.deepEqual([soc.location, soc.unit, soc.value], ['EV', 'Percent', '50']);
    assert.ok(isMeasurand('Temperature'));
    assert.ok(!isMeasurand('RPM'));
  });

  it('derives the status from the connector facts', () => {
    const c = createConnector(1);
    assert.equal(statusOf(c, true, false), 'Available');
    assert.equal(statusOf(c, true, true), 'Reserved');
    c.plugged = true;
    assert.equal(statusOf(c, true, false), 'Preparing');
    c.tx = { id: 1, idTag: 'T', startedAt: 0, meterStart: 0, socStart: 100, pending: false };
    c.energyWh = 0;
    assert.equal(socOf(c), 100);
    assert.equal(statusOf(c, false, false), 'SuspendedEV', 'a transaction outranks availability');
    c.tx.socStart = 20;
    assert.equal(statusOf(c, true, false), 'SuspendedEVSE');
    c.powerW = 1000;
    assert.equal(statusOf(c, true, false), 'Charging');
    c.tx = undefined;
    c.finishing = true;
    assert.equal(statusOf(c, true, false), 'Finishing');
    assert.equal(statusOf(c, false, false), 'Unavailable');
  });
});
