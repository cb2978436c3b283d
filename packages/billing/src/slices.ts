import { localTime, localToInstant, nextDate } from './local-time.js';
import { toMinute, type SliceFacts } from './restrictions.js';
import type { SessionInput, Tariff } from './types.js';

/** A stretch of a session in which every restriction of the tariff keeps one value. */
export interface Slice extends SliceFacts {
  startMs: number;
  endMs: number;
  /** Energy charged in this slice, Wh. */
  energyWh: number;
  /** Power the meter reported for this slice's sample, kW (`powerKw` falls back to the average). */
  sampledPowerKw: number | undefined;
}

interface Period {
  startMs: number;
  endMs: number;
  startWh: number;
  endWh: number;
  sample: SessionInput['samples'][number];
}

/** Registers at each sample: carried forward, the first known one carried back. */
function registers(input: SessionInput): number[] {
  const known = input.samples.map((s) => s.energyWh);
  const first = known.find((v) => v !== undefined) ?? input.endEnergyWh ?? 0;
  let last = first;
  return known.map((v) => (last = v ?? last));
}

function periods(input: SessionInput): Period[] {
  const regs = registers(input);
  const endWh = input.endEnergyWh ?? regs.at(-1) ?? 0;
  const out: Period[] = [];
  input.samples.forEach((sample, i) => {
    const next = input.samples[i + 1];
    const startMs = sample.at.getTime();
    const endMs = next ? next.at.getTime() : input.end.getTime();
    if (endMs > startMs) out.push({ startMs, endMs, startWh: regs[i]!, endWh: next ? regs[i + 1]! : Math.max(endWh, regs[i]!), sample });
  });
  return out;
}

/** The restriction values at which a slice has to end: times of day, durations, energies. */
function boundaries(tariff: Tariff) {
  const minutes = new Set<number>([0]);
  const durations = new Set<number>();
  const kwhs = new Set<number>();
  for (const e of tariff.elements) {
    const r = e.restrictions;
    if (!r) continue;
    for (const t of [r.start_time, r.end_time]) if (t !== undefined) minutes.add(toMinute(t));
    for (const d of [r.min_duration, r.max_duration]) if (d !== undefined) durations.add(d);
    for (const k of [r.min_kwh, r.max_kwh]) if (k !== undefined) kwhs.add(k);
  }
  return { minutes: [...minutes], durations: [...durations], kwhs: [...kwhs] };
}

/**
 * Cuts a session's charging periods into slices at every moment a restriction of the tariff can
 * change its answer: local times of day (and midnight, for dates and weekdays), session
 * durations, and energy amounts (interpolated linearly inside a period). Energy is spread over
 * a period's slices in proportion to time.
 * @example slices(tariff, { samples, end }).map((s) => s.energyWh)
 */
export function slices(tariff: Tariff, input: SessionInput): Slice[] {
  const timeZone = input.timeZone ?? 'UTC';
  const all = periods(input);
  if (all.length === 0) return [];
  const sessionStart = (all.find((p) => p.sample.state === 'CHARGING' || p.sample.state === 'PARKING') ?? all[0]!).startMs;
  const baseWh = all[0]!.startWh;
  const b = boundaries(tariff);
  const out: Slice[] = [];
  for (const p of all) {
    const cuts = new Set<number>([p.startMs, p.endMs]);
    const inside = (t: number) => t > p.startMs && t < p.endMs && cuts.add(t);
    for (let date = localTime(new Date(p.startMs), timeZone).date, last = localTime(new Date(p.endMs), timeZone).date; date <= last; date = nextDate(date)) {
      for (const m of b.minutes) inside(localToInstant(date, m, timeZone).getTime());
    }
    for (const d of b.durations) inside(sessionStart + d * 1000);
    const fromWh = p.startWh - baseWh;
    const toWh = p.endWh - baseWh;
    for (const k of b.kwhs) {
      const wh = k * 1000;
      if (wh > fromWh && wh < toWh) inside(p.startMs + ((wh - fromWh) / (toWh - fromWh)) * (p.endMs - p.startMs));
    }
    const sorted = [...cuts].sort((x, y) => x - y);
    const periodWh = p.endWh - p.startWh;
    const span = p.endMs - p.startMs;
    const avgKw = (periodWh / 1000) / (span / 3_600_000);
    for (let i = 0; i + 1 < sorted.length; i++) {
      const startMs = sorted[i]!;
      const endMs = sorted[i + 1]!;
      out.push({
        startMs, endMs,
        energyWh: (periodWh * (endMs - startMs)) / span,
        state: p.sample.state,
        local: localTime(new Date(startMs), timeZone),
        kwh: Math.round((fromWh + (periodWh * (startMs - p.startMs)) / span) * 1000) / 1_000_000,
        elapsedSec: (startMs - sessionStart) / 1000,
        powerKw: p.sample.powerW !== undefined ? p.sample.powerW / 1000 : avgKw,
        sampledPowerKw: p.sample.powerW !== undefined ? p.sample.powerW / 1000 : undefined,
        currentA: p.sample.currentA,
      });
    }
  }
  return out;
}
