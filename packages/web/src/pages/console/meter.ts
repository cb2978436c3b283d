import type { ChartData } from '../../components/TimeChart';

/** A stored meter sample as GET /api/v1/transactions/{id} returns it. */
export interface Sample {
  timestamp: string;
  measurand: string;
  phase?: string;
  unit?: string;
  valueNum?: number | null;
}

const ENERGY = 'Energy.Active.Import.Register';
const POWER = 'Power.Active.Import';

function toBase(value: number, unit: string | undefined): number {
  return unit === 'kWh' || unit === 'kW' ? value * 1000 : value;
}

/**
 * Energy (kWh since the session started) and power (kW) per timestamp from a transaction's
 * samples: the total register or power is used when the station sends one, else the phases are
 * summed (power) — the energy register is never summed over phases since stations that send
 * per-phase registers also send the total in practice.
 */
export function sessionSeries(samples: Sample[], meterStartWh: number | null): { data: ChartData; lastEnergyWh: number | null; lastPowerW: number | null } {
  const byTs = new Map<string, { energy?: number; powerTotal?: number; powerPhases: number }>();
  for (const s of samples) {
    if (s.valueNum === null || s.valueNum === undefined) continue;
    const slot = byTs.get(s.timestamp) ?? { powerPhases: 0 };
    const v = toBase(s.valueNum, s.unit);
    if (s.measurand === ENERGY && !s.phase) slot.energy = v;
    if (s.measurand === POWER) {
      if (s.phase) slot.powerPhases += v;
      else slot.powerTotal = v;
    }
    byTs.set(s.timestamp, slot);
  }
  const times = [...byTs.keys()].sort();
  const first = times.map((t) => byTs.get(t)!.energy).find((e) => e !== undefined);
  const base = meterStartWh ?? first ?? 0;
  const xs: number[] = [];
  const kwh: (number | null)[] = [];
  const kw: (number | null)[] = [];
  let lastEnergyWh: number | null = null;
  let lastPowerW: number | null = null;
  for (const t of times) {
    const slot = byTs.get(t)!;
    const power = slot.powerTotal ?? (slot.powerPhases ? slot.powerPhases : undefined);
    xs.push(Date.parse(t) / 1000);
    kwh.push(slot.energy === undefined ? null : Math.max(slot.energy - base, 0) / 1000);
    kw.push(power === undefined ? null : power / 1000);
    if (slot.energy !== undefined) lastEnergyWh = Math.max(slot.energy - base, 0);
    if (power !== undefined) lastPowerW = power;
  }
  return { data: [xs, kwh, kw], lastEnergyWh, lastPowerW };
}
