import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toSession } from './session.js';

const t = (min: number) => new Date(Date.UTC(2024, 0, 1, 10, min));

test('1.6: the whole transaction is charging time, meter start to meter stop', () => {
  const s = toSession({ startedAt: t(0), end: t(30), meterStartWh: 1000, meterStopWh: 5000 }, [{ ts: t(10), energyWh: 2000, powerW: 7000, currentA: 30 }], [], 'UTC');
  assert.deepEqual(s.samples.map((x) => [x.at.getTime() - t(0).getTime(), x.state, x.energyWh, x.currentA]), [[0, 'CHARGING', 1000, undefined], [600_000, 'CHARGING', 2000, 30]]);
  assert.equal(s.endEnergyWh, 5000);
});

test('2.x: reported charging states split charging and parking; readings outside the transaction are ignored', () => {
  const s = toSession(
    { startedAt: t(0), end: t(30), meterStartWh: null, meterStopWh: null },
    [{ ts: t(0), energyWh: 100, powerW: null, currentA: null }, { ts: t(20), energyWh: 900, powerW: null, currentA: null }, { ts: t(40), energyWh: 999, powerW: null, currentA: null }],
    [{ ts: t(0), state: 'EVConnected' }, { ts: t(5), state: 'Charging' }, { ts: t(20), state: 'SuspendedEV' }],
    'Europe/Amsterdam',
  );
  assert.deepEqual(s.samples.map((x) => [x.at.getTime() - t(0).getTime(), x.state, x.energyWh]), [
    [0, 'PARKING', 100], [300_000, 'CHARGING', undefined], [1_200_000, 'PARKING', 900],
  ]);
  assert.equal(s.endEnergyWh, 900);
  assert.equal(s.timeZone, 'Europe/Amsterdam');
});

test('a cut inside the transaction: the register there is interpolated from the readings around it', () => {
  const points = [{ ts: t(10), energyWh: 2000, powerW: null, currentA: null }, { ts: t(30), energyWh: 6000, powerW: null, currentA: null }];
  const s = toSession({ startedAt: t(0), end: t(15), meterStartWh: 1000, meterStopWh: null, cut: true }, points, [], 'UTC');
  assert.equal(s.endEnergyWh, 3000);
  assert.deepEqual(s.samples.map((x) => x.energyWh), [1000, 2000]);
});
