/** One sampled value, version-neutral, as stored. */
export interface Sample {
  ts: Date;
  measurand: string;
  phase: string;
  location: string;
  context: string;
  unit: string;
  format: string;
  value: string;
  valueNum: number | null;
}

/** 1.6 MeterValue (2.0.1 has the same shape with numbers and unitOfMeasure). */
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
const WH_FACTOR: Record<string, number> = { Wh: 1, kWh: 1000 };
const W_FACTOR: Record<string, number> = { W: 1, kW: 1000 };

/**
 * Flattens meter values into rows, with the spec's defaults filled in
 * (measurand Energy.Active.Import.Register, context Sample.Periodic, location Outlet, format Raw).
 */
export function toSamples(meterValues: MeterValueIn[]): Sample[] {
  const out: Sample[] = [];
  for (const mv of meterValues) {
    const ts = new Date(mv.timestamp);
    for (const sv of mv.sampledValue) {
      const measurand = sv.measurand ?? ENERGY;
      const format = sv.format ?? 'Raw';
      const value = String(sv.value);
      const n = format === 'Raw' ? Number(value) : NaN;
      out.push({
        ts,
        measurand,
        phase: sv.phase ?? '',
        location: sv.location ?? 'Outlet',
        context: sv.context ?? 'Sample.Periodic',
        unit: sv.unit ?? defaultUnit(measurand),
        format,
        value,
        valueNum: value.trim() !== '' && Number.isFinite(n) ? n : null,
      });
    }
  }
  return out;
}

function defaultUnit(measurand: string): string {
  if (measurand.startsWith('Energy.Active')) return 'Wh';
  if (measurand.startsWith('Energy.Reactive')) return 'varh';
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
  return latestTotal(samples, ENERGY, WH_FACTOR);
}

/** The latest active import power in W, computed the same way as {@link energyRegisterWh}. */
export function activePowerW(samples: Sample[]): number | undefined {
  return latestTotal(samples, 'Power.Active.Import', W_FACTOR);
}

function latestTotal(samples: Sample[], measurand: string, factors: Record<string, number>): number | undefined {
  const relevant = samples.filter(
    (s) => s.measurand === measurand && s.location === 'Outlet' && s.valueNum !== null && factors[s.unit] !== undefined,
  );
  if (relevant.length === 0) return undefined;
  const latest = Math.max(...relevant.map((s) => s.ts.getTime()));
  const atLatest = relevant.filter((s) => s.ts.getTime() === latest);
  const total = atLatest.find((s) => s.phase === '' || s.phase === 'N');
  const toBase = (s: Sample) => s.valueNum! * factors[s.unit]!;
  if (total) return toBase(total);
  const phases = atLatest.filter((s) => /^L[123](-N)?$/.test(s.phase));
  return phases.length ? phases.reduce((sum, s) => sum + toBase(s), 0) : undefined;
}
