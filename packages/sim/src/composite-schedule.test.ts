import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compositeSchedule, limitAt, type InstalledProfile } from './composite-schedule.js';
import type { ChargingProfile } from './types.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function p(connectorId: number, over: Partial<ChargingProfile> & { periods?: [number, number][]; unit?: 'A' | 'W'; start?: number; duration?: number }): InstalledProfile {
  const { periods = [[0, 10_000]], unit = 'W', start, duration, ...rest } = over;
  return {
    connectorId,
    installedAt: T0,
    profile: {
      chargingProfileId: Math.floor(Math.random() * 1e6),
      stackLevel: 0,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: {
        chargingRateUnit: unit,
        chargingSchedulePeriod: periods.map(([startPeriod, limit]) => ({ startPeriod, limit })),
        ...(start !== undefined ? { startSchedule: iso(start) } : {}),
        ...(duration !== undefined ? { duration } : {}),
      },
      ...rest,
    },
  };
}

describe('compositeSchedule', () => {
  it('is the hardware maximum without profiles', () => {
    assert.deepEqual(compositeSchedule([], { connectorId: 1, maxW: 11_000 }, T0, 3600, 'W'), [{ startPeriod: 0, limit: 11_000 }]);
    assert.deepEqual(compositeSchedule([], { connectorId: 1, maxW: 11_040 }, T0, 3600, 'A'), [{ startPeriod: 0, limit: 16 }]);
  });

  it('lets the highest stack level win and falls back where it has no period', () => {
    const low = p(0, { stackLevel: 0, periods: [[0, 8000]], start: T0 });
    const high = p(1, { stackLevel: 2, periods: [[0, 4000]], start: T0 + 600_000, duration: 600 });
    const periods = compositeSchedule([low, high], { connectorId: 1, maxW: 11_000 }, T0, 3600, 'W');
    assert.deepEqual(periods, [
      { startPeriod: 0, limit: 8000 },
      { startPeriod: 600, limit: 4000 },
      { startPeriod: 1200, limit: 8000 },
    ]);
  });

  it('caps with ChargePointMaxProfile and prefers TxProfile over TxDefaultProfile', () => {
    const def = p(0, { periods: [[0, 9000]], start: T0 });
    const tx = p(1, { chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', periods: [[0, 3000], [300, 10_000]] });
    const max = p(0, { chargingProfilePurpose: 'ChargePointMaxProfile', periods: [[0, 7000]], start: T0 });
    const ctx = { connectorId: 1, maxW: 11_000, tx: { id: 1, startedAt: T0 } };
    assert.deepEqual(compositeSchedule([def, tx, max], ctx, T0, 900, 'W'), [
      { startPeriod: 0, limit: 3000 },
      { startPeriod: 300, limit: 7000 },
    ]);
    // Without a transaction the TxProfile does not apply.
    assert.deepEqual(compositeSchedule([def, tx, max], { connectorId: 1, maxW: 11_000 }, T0, 900, 'W'), [{ startPeriod: 0, limit: 7000 }]);
  });

  it('repeats a Daily recurring profile and converts units', () => {
    const night = p(0, {
      chargingProfileKind: 'Recurring',
      recurrencyKind: 'Daily',
      unit: 'A',
      start: Date.parse('2024-04-01T00:00:00Z'),
      periods: [[0, 32], [6 * 3600, 10]],
    });
    const from = Date.parse('2024-05-01T05:00:00Z');
    assert.deepEqual(compositeSchedule([night], { connectorId: 2, maxW: 22_080 }, from, 24 * 3600, 'A'), [
      { startPeriod: 0, limit: 32 },
      { startPeriod: 3600, limit: 10 },
      { startPeriod: 19 * 3600, limit: 32 },
    ]);
    assert.equal(limitAt([night], { connectorId: 2, maxW: 50_000 }, from).limitW, 32 * 230 * 3);
  });

  it('honours validFrom/validTo', () => {
    const later = p(0, { periods: [[0, 2000]], start: T0, validFrom: iso(T0 + 60_000), validTo: iso(T0 + 120_000) });
    assert.deepEqual(compositeSchedule([later], { connectorId: 1, maxW: 11_000 }, T0, 300, 'W'), [
      { startPeriod: 0, limit: 11_000 },
      { startPeriod: 60, limit: 2000 },
      { startPeriod: 120, limit: 11_000 },
    ]);
  });
});
