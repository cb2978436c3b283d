/** A 2.x signed meter value, kept exactly as the station sent it (2.1 makes signingMethod and publicKey optional). */
export interface SignedMeterValue {
  signedMeterData: string;
  signingMethod?: string;
  encodingMethod: string;
  publicKey?: string;
}

/** One sampled value, version-neutral, as stored. */
export interface Sample {
  ts: Date;
  measurand: string;
  phase: string;
  location: string;
  context: string;
  /** Unit of `value`: 1.6 `unit`, 2.x `unitOfMeasure.unit` (spec defaults filled in). */
  unit: string;
  /** 1.6 `format` (Raw or SignedData); 2.x values are always Raw (the signature travels beside them). */
  format: string;
  /** The value as a decimal string; a 2.x multiplier is already applied; 1.6 SignedData as received. */
  value: string;
  valueNum: number | null;
  /** 2.x signed meter value as received. */
  signedMeterValue?: SignedMeterValue;
}

/**
 * A MeterValue of either version: 1.6 (string value, `unit`, `format`) or 2.x (number value,
 * `unitOfMeasure {unit, multiplier}`, `signedMeterValue`).
 */
export interface MeterValueIn {
  timestamp: string;
  sampledValue: {
    value: string | number;
    context?: string;
    format?: string;
    measurand?: string;
    phase?: string;
    location?: string;
    unit?: string;
    unitOfMeasure?: { unit?: string; multiplier?: number };
    signedMeterValue?: SignedMeterValue;
  }[];
}

/** The samples of one MeterValue (one timestamp), as stored in one row. */
export interface MeterRow {
  ts: Date;
  samples: Sample[];
  energyWh: number | undefined;
  powerW: number | undefined;
}

const ENERGY = 'Energy.Active.Import.Register';
/** Unit -> power of ten to the base unit. */
const WH_EXP: Record<string, number> = { Wh: 0, kWh: 3 };
const W_EXP: Record<string, number> = { W: 0, kW: 3 };

/**
 * Flattens meter values into rows, with the spec's defaults filled in
 * (measurand Energy.Active.Import.Register, context Sample.Periodic, location Outlet, format Raw,
 * unit Wh for energy). A 2.x value is scaled by its multiplier (value x 10^multiplier).
 * @example toSamples([{ timestamp, sampledValue: [{ value: 1.5, unitOfMeasure: { unit: 'Wh', multiplier: 3 } }] }])[0].value // '1500'
 */
export function toSamples(meterValues: MeterValueIn[]): Sample[] {
  const out: Sample[] = [];
  for (const mv of meterValues) {
    const ts = new Date(mv.timestamp);
    for (const sv of mv.sampledValue) {
      const measurand = sv.measurand ?? ENERGY;
      const format = sv.format ?? 'Raw';
      const value = typeof sv.value === 'number' ? scaleDecimal(sv.value, sv.unitOfMeasure?.multiplier ?? 0) : sv.value;
      const n = format === 'Raw' ? Number(value) : NaN;
      out.push({
        ts,
        measurand,
        phase: sv.phase ?? '',
        location: sv.location ?? 'Outlet',
        context: sv.context ?? 'Sample.Periodic',
        unit: sv.unitOfMeasure?.unit ?? sv.unit ?? defaultUnit(measurand),
        format,
        value,
        valueNum: value.trim() !== '' && Number.isFinite(n) ? n : null,
        ...(sv.signedMeterValue ? { signedMeterValue: sv.signedMeterValue } : {}),
      });
    }
  }
  return out;
}

/**
 * `value x 10^multiplier` as a decimal string, computed on the digits so that no binary rounding
 * creeps in (1.1 with multiplier 3 is "1100", not "1100.0000000000002").
 * @example scaleDecimal(12.345, 3) // '12345'
 */
export function scaleDecimal(value: number, multiplier: number): string {
  if (multiplier === 0 || value === 0 || !Number.isFinite(value)) return String(value);
  // toExponential() gives the shortest digits that round-trip: "-1.25e+2" -> sign, digits, exponent.
  const [mantissa, exp] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  // The decimal point goes after `point` digits.
  const point = Number(exp) + multiplier + 1;
  let text: string;
  if (point <= 0) text = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + '0'.repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (value < 0 ? '-' : '') + text;
}

function defaultUnit(measurand: string): string {
  if (measurand.startsWith('Energy.Active')) return 'Wh';
  if (measurand.startsWith('Energy.Reactive')) return 'varh';
  if (measurand.startsWith('Energy.Apparent')) return 'VAh';
  if (measurand.startsWith('Power.Active') || measurand === 'Power.Offered') return 'W';
  if (measurand.startsWith('Power.Reactive')) return 'var';
  return '';
}

/** One row per MeterValue element, with its energy register and power extracted. */
export function toMeterRows(meterValues: MeterValueIn[]): MeterRow[] {
  return meterValues.map((mv) => {
    const samples = toSamples([mv]);
    return { ts: samples[0]?.ts ?? new Date(mv.timestamp), samples, energyWh: energyRegisterWh(samples), powerW: activePowerW(samples) };
  });
}

/**
 * The latest energy register reading in Wh: the un-phased outlet value if there is one,
 * otherwise the sum of the per-phase values of the same timestamp.
 */
export function energyRegisterWh(samples: Sample[]): number | undefined {
  return latestTotal(samples, ENERGY, WH_EXP);
}

/** The latest active import power in W, computed the same way as {@link energyRegisterWh}. */
export function activePowerW(samples: Sample[]): number | undefined {
  return latestTotal(samples, 'Power.Active.Import', W_EXP);
}

function latestTotal(samples: Sample[], measurand: string, exps: Record<string, number>): number | undefined {
  const relevant = samples.filter(
    (s) => s.measurand === measurand && s.location === 'Outlet' && s.valueNum !== null && exps[s.unit] !== undefined,
  );
  if (relevant.length === 0) return undefined;
  const latest = Math.max(...relevant.map((s) => s.ts.getTime()));
  const atLatest = relevant.filter((s) => s.ts.getTime() === latest);
  const total = atLatest.find((s) => s.phase === '' || s.phase === 'N');
  const toBase = (s: Sample) => Number(scaleDecimal(s.valueNum!, exps[s.unit]!));
  if (total) return toBase(total);
  const phases = atLatest.filter((s) => /^L[123](-N)?$/.test(s.phase));
  // Rounded to a micro-unit so that 100.1 + 120.2 is 220.3, not 220.29999999999998.
  return phases.length ? Number(phases.reduce((sum, s) => sum + toBase(s), 0).toFixed(6)) : undefined;
}
