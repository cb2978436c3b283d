import type { PeriodSample, SessionInput } from '@voltlane/billing';
import type { MeterPoint } from './repository.js';

/** What a transaction contributes to its own pricing. */
export interface TransactionFacts {
  startedAt: Date;
  /** The stop, or now for an active transaction. */
  end: Date;
  meterStartWh: number | null;
  meterStopWh: number | null;
  /** `end` cuts the transaction (a tariff change): the register there is interpolated from later readings. */
  cut?: boolean;
}

/** OCPP 2.x ChargingStateEnumType -> OCPI: only Charging is charging time, the rest is parking. */
const toState = (chargingState: string) => (chargingState === 'Charging' ? 'CHARGING' : 'PARKING') as PeriodSample['state'];

/**
 * The charging periods of a transaction for the cost engine: one sample at the start (meter
 * start), one per stored MeterValue (energy register, power, current) and one per 2.x charging
 * state change. Without reported charging states (1.6), the whole transaction is charging time.
 * Readings outside the transaction's time are ignored.
 * @example toSession(facts, points, states, 'Europe/Amsterdam')
 */
export function toSession(tx: TransactionFacts, points: MeterPoint[], states: { ts: Date; state: string }[], timeZone: string): SessionInput {
  const start = tx.startedAt.getTime();
  const end = tx.end.getTime();
  const within = (d: Date) => d.getTime() >= start && d.getTime() <= end;
  const events: { at: number; state?: PeriodSample['state']; p?: MeterPoint }[] = [
    ...states.filter((s) => within(s.ts)).map((s) => ({ at: s.ts.getTime(), state: toState(s.state) })),
    ...points.filter((p) => within(p.ts)).map((p) => ({ at: p.ts.getTime(), p })),
  ].sort((a, b) => a.at - b.at);
  const before = states.filter((s) => s.ts.getTime() <= start).at(-1);
  let state: PeriodSample['state'] = before ? toState(before.state) : states.length ? 'PARKING' : 'CHARGING';
  // Before the first reported state of a 2.x transaction: the first state reported.
  if (!before && states.length) state = toState(states[0]!.state);
  const samples: PeriodSample[] = [{ at: tx.startedAt, state, ...(tx.meterStartWh !== null ? { energyWh: tx.meterStartWh } : {}) }];
  let last = samples[0]!;
  for (const e of events) {
    if (e.state) state = e.state;
    const s: PeriodSample = {
      at: new Date(e.at), state,
      ...(e.p?.energyWh != null ? { energyWh: e.p.energyWh } : {}),
      powerW: e.p ? (e.p.powerW ?? undefined) : last.powerW,
      currentA: e.p ? (e.p.currentA ?? undefined) : last.currentA,
    };
    if (s.at.getTime() === last.at.getTime()) samples[samples.length - 1] = { ...last, ...s, energyWh: s.energyWh ?? last.energyWh };
    else samples.push(s);
    last = samples[samples.length - 1]!;
  }
  const readings = samples.flatMap((s) => (s.energyWh === undefined ? [] : [s.energyWh]));
  const endEnergyWh = tx.meterStopWh ?? (tx.cut ? atCut(samples, points, end) : undefined) ?? (readings.length ? Math.max(...readings) : undefined);
  return { samples, end: tx.end, ...(endEnergyWh !== undefined ? { endEnergyWh } : {}), timeZone };
}

/**
 * The register at a cut inside the transaction (a tariff change, I06) when a reading after the
 * cut is known: interpolated linearly between the last reading before it and the first after.
 */
function atCut(samples: PeriodSample[], points: MeterPoint[], end: number): number | undefined {
  const after = points.find((p) => p.ts.getTime() > end && p.energyWh !== null);
  const before = samples.filter((s) => s.energyWh !== undefined).at(-1);
  if (!after || !before || after.energyWh === null) return undefined;
  const span = after.ts.getTime() - before.at.getTime();
  if (span <= 0) return before.energyWh;
  return before.energyWh! + ((after.energyWh - before.energyWh!) * (end - before.at.getTime())) / span;
}
