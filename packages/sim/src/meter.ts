import type { V16 } from '@voltlane/ocpp';
import type { Connector } from './connector.js';

/** One sampled value of a MeterValues / StopTransaction payload. */
export type SampledValue = V16.MeterValuesRequest['meterValue'][number]['sampledValue'][number];
export type MeterValue = V16.MeterValuesRequest['meterValue'][number];
export type ReadingContext = NonNullable<SampledValue['context']>;
type Measurand = NonNullable<SampledValue['measurand']>;

/** Nominal phase voltage of the simulated three-phase supply. */
export const VOLTAGE = 230;
export const PHASES = 3;
/** Battery of the simulated EV. */
const BATTERY_WH = 60_000;

/** Measurands the simulated meter can sample (values of MeterValuesSampledData and friends). */
const SUPPORTED: ReadonlySet<string> = new Set<Measurand>([
  'Energy.Active.Import.Register',
  'Power.Active.Import',
  'Power.Offered',
  'Current.Import',
  'Current.Offered',
  'Voltage',
  'Frequency',
  'Temperature',
  'SoC',
]);

/**
 * Whether the simulated meter supports a measurand.
 * @example isMeasurand('Voltage') // -> true
 */
export function isMeasurand(m: string): boolean {
  return SUPPORTED.has(m);
}

/**
 * Converts a power in W to the per-phase current in A, and back.
 * @example wattsToAmps(11040, 3) // -> 16
 */
export function wattsToAmps(w: number, phases = PHASES): number {
  return w / (VOLTAGE * phases);
}

/** @example ampsToWatts(16, 3) // -> 11040 */
export function ampsToWatts(a: number, phases = PHASES): number {
  return a * VOLTAGE * phases;
}

/**
 * Integrates the energy register up to `now` at the power delivered since the last update.
 * @example advance(connector, Date.now());
 */
export function advance(c: Connector, now: number): void {
  if (c.powerW > 0 && now > c.meteredAt) c.energyWh += (c.powerW * (now - c.meteredAt)) / 3_600_000;
  c.meteredAt = now;
}

/**
 * The register as reported: whole Wh, never decreasing.
 * @example registerWh({ ...connector, energyWh: 1234.9 }) // -> 1234
 */
export function registerWh(c: Connector): number {
  return Math.floor(c.energyWh);
}

/**
 * The EV's state of charge in percent (0 without a transaction).
 * @example socOf(connector) // -> 42.5
 */
export function socOf(c: Connector): number {
  if (!c.tx) return 0;
  return Math.min(100, c.tx.socStart + ((c.energyWh - c.tx.meterStart) / BATTERY_WH) * 100);
}

/**
 * The sampled values of one reading, for the listed measurands. `offeredW` is the limit the
 * charger offers the EV (hardware maximum or charging profile).
 * @example sample(connector, ['Energy.Active.Import.Register'], 'Sample.Periodic', 11000)
 * // -> [{ value: '1234', context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' }]
 */
export function sample(c: Connector, measurands: readonly string[], context: ReadingContext, offeredW: number): SampledValue[] {
  const out: SampledValue[] = [];
  const amps = wattsToAmps(c.powerW);
  for (const m of measurands) {
    switch (m) {
      case 'Energy.Active.Import.Register':
        out.push({ value: String(registerWh(c)), context, measurand: m, location: 'Outlet', unit: 'Wh' });
        break;
      case 'Power.Active.Import':
        out.push({ value: String(Math.round(c.powerW)), context, measurand: m, location: 'Outlet', unit: 'W' });
        break;
      case 'Power.Offered':
        out.push({ value: String(Math.round(offeredW)), context, measurand: m, location: 'Outlet', unit: 'W' });
        break;
      case 'Current.Import':
        for (const phase of ['L1', 'L2', 'L3'] as const) {
          out.push({ value: amps.toFixed(1), context, measurand: m, phase, location: 'Outlet', unit: 'A' });
        }
        break;
      case 'Current.Offered':
        out.push({ value: wattsToAmps(offeredW).toFixed(1), context, measurand: m, location: 'Outlet', unit: 'A' });
        break;
      case 'Voltage':
        for (const phase of ['L1-N', 'L2-N', 'L3-N'] as const) {
          // A real grid wanders a little around its nominal voltage.
          out.push({ value: (VOLTAGE + (Math.random() * 4 - 2)).toFixed(1), context, measurand: m, phase, location: 'Outlet', unit: 'V' });
        }
        break;
      case 'Frequency':
        out.push({ value: (50 + (Math.random() * 0.04 - 0.02)).toFixed(2), context, measurand: m, location: 'Outlet' });
        break;
      case 'Temperature':
        out.push({ value: (25 + c.powerW / 1000).toFixed(1), context, measurand: m, location: 'Body', unit: 'Celsius' });
        break;
      case 'SoC':
        // Only an EV that is in a session tells its state of charge.
        if (c.tx) out.push({ value: String(Math.floor(socOf(c))), context, measurand: m, location: 'EV', unit: 'Percent' });
        break;
    }
  }
  return out;
}
