/**
 * The load phase: every station has a transaction running and sends MeterValues at a fixed rate
 * (the total offered rate spread evenly over the stations, with jitter), never more than one call
 * outstanding, and each call's latency (send to CALLRESULT) is recorded. A station that is still
 * waiting for its previous answer when the next send is due sends as soon as it gets the answer
 * (no burst to catch up), so a slow server lowers the achieved rate instead of queueing.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { SimStation } from '@voltlane/sim';
import type { CpuProbe, CpuWindow, RssSampler } from './proc.js';
import { Latencies, sleep, type LatencySummary } from './stats.js';

/** Sampled values in each MeterValues (the simulator's default measurands on a 3-phase charger). */
export const SAMPLES_PER_MESSAGE = 9;

/** One charging station of the load phase. */
export interface LoadStation {
  st: SimStation;
  transactionId: number;
  connectorId: number;
  energyWh: number;
  lastTs: number;
  lastAt: number;
}

export interface LoadOptions {
  /** Total offered MeterValues per second, over all stations. */
  rate: number;
  warmupMs: number;
  durationMs: number;
  /** Relative jitter of each interval, e.g. 0.1 = +-10 %. */
  jitter: number;
  cpu: CpuProbe;
  serverRss: RssSampler;
  /** Called about once a second while the load runs. */
  progress?: (phase: 'warm-up' | 'measuring' | 'draining', ackedInWindow: number) => void;
  /** Set to true to stop early (Ctrl-C). */
  aborted: () => boolean;
}

export interface LoadResult {
  windowSeconds: number;
  /** Sends that were due in the measuring window (offered x window, minus stations that dropped out). */
  sentInWindow: number;
  ackedInWindow: number;
  achievedPerSec: number;
  latency: LatencySummary;
  timeouts: number;
  errors: number;
  /** Connection closed / not connected while sending. */
  closed: number;
  errorSamples: string[];
  /** Sends that went out late because the station was still waiting for the previous answer when the next one was due. */
  lateSends: number;
  /** All MeterValues acknowledged, warm-up included (for the persisted-rows check). */
  ackedTotal: number;
  /** All MeterValues that timed out or failed, warm-up included (they may or may not be stored). */
  unansweredTotal: number;
  cpu: CpuWindow;
  /** Highest RSS of each Voltlane process during the window, MB. */
  rssMaxMb: Record<string, number>;
  /** Event-loop delay of the load generator during the window (its own share of the latency), ms. */
  generatorLoopDelay: { p50: number; p99: number; max: number };
}

/** A realistic MeterValues payload of a charging 11 kW three-phase connector: energy, power, current and voltage per phase, SoC. */
function payload(s: LoadStation): Record<string, unknown> {
  const nowMs = Date.now();
  const ts = Math.max(nowMs, s.lastTs + 1); // unique per station: the server de-duplicates on (station, connector, ts, measurand, phase...)
  s.lastTs = ts;
  const powerW = 11_000;
  s.energyWh += (powerW * Math.max(0, nowMs - s.lastAt)) / 3_600_000;
  s.lastAt = nowMs;
  const amps = (powerW / (230 * 3)).toFixed(1);
  const context = 'Sample.Periodic';
  const v = () => (230 + (Math.random() * 4 - 2)).toFixed(1);
  return {
    connectorId: s.connectorId,
    transactionId: s.transactionId,
    meterValue: [
      {
        timestamp: new Date(ts).toISOString(),
        sampledValue: [
          { value: String(Math.floor(s.energyWh)), context, measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' },
          { value: String(powerW), context, measurand: 'Power.Active.Import', location: 'Outlet', unit: 'W' },
          { value: amps, context, measurand: 'Current.Import', phase: 'L1', location: 'Outlet', unit: 'A' },
          { value: amps, context, measurand: 'Current.Import', phase: 'L2', location: 'Outlet', unit: 'A' },
          { value: amps, context, measurand: 'Current.Import', phase: 'L3', location: 'Outlet', unit: 'A' },
          { value: v(), context, measurand: 'Voltage', phase: 'L1-N', location: 'Outlet', unit: 'V' },
          { value: v(), context, measurand: 'Voltage', phase: 'L2-N', location: 'Outlet', unit: 'V' },
          { value: v(), context, measurand: 'Voltage', phase: 'L3-N', location: 'Outlet', unit: 'V' },
          { value: String(Math.min(100, 20 + Math.floor(s.energyWh / 600))), context, measurand: 'SoC', location: 'EV', unit: 'Percent' },
        ],
      },
    ],
  };
}

/**
 * Runs warm-up and measuring window, then waits for the calls still in flight.
 * @example const result = await runLoad(stations, { rate: 10000, warmupMs: 3000, durationMs: 20000, ... });
 */
export async function runLoad(stations: LoadStation[], opts: LoadOptions): Promise<LoadResult> {
  const n = stations.length;
  const intervalMs = (1000 * n) / opts.rate;
  const t0 = performance.now();
  const windowStart = t0 + opts.warmupMs;
  const windowEnd = windowStart + opts.durationMs;
  const latencies = new Latencies();
  let sentInWindow = 0;
  let ackedInWindow = 0;
  let timeouts = 0;
  let errors = 0;
  let closed = 0;
  let lateSends = 0;
  let ackedTotal = 0;
  let unansweredTotal = 0;
  const errorSamples = new Set<string>();
  const resolution = 5;
  const loopDelay = monitorEventLoopDelay({ resolution });

  let cpuMark = opts.cpu.mark();
  let cpu: CpuWindow | undefined;
  let rssMax: Record<string, number> | undefined;
  const startTimer = setTimeout(() => {
    cpuMark = opts.cpu.mark();
    opts.serverRss.reset();
    loopDelay.enable();
  }, opts.warmupMs);
  const endTimer = setTimeout(() => {
    cpu = opts.cpu.since(cpuMark);
    opts.serverRss.sample();
    rssMax = { ...opts.serverRss.maxMb };
    loopDelay.disable();
  }, opts.warmupMs + opts.durationMs);
  const ticker = setInterval(() => {
    const now = performance.now();
    opts.progress?.(now < windowStart ? 'warm-up' : now < windowEnd ? 'measuring' : 'draining', ackedInWindow);
  }, 1000);

  const loop = async (s: LoadStation) => {
    let due = t0 + Math.random() * intervalMs;
    while (due < windowEnd && !opts.aborted()) {
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (opts.aborted() || !s.st.connected) break;
      const sentAt = performance.now();
      const inWindow = sentAt >= windowStart && sentAt < windowEnd;
      if (inWindow) sentInWindow++;
      try {
        await s.st.call('MeterValues', payload(s));
        const ms = performance.now() - sentAt;
        ackedTotal++;
        if (inWindow) {
          ackedInWindow++;
          latencies.add(ms);
        }
      } catch (e) {
        unansweredTotal++;
        const err = e as Error;
        if (inWindow) {
          if (err.name === 'RpcTimeoutError') timeouts++;
          else if (err.name === 'RpcClosedError' || !s.st.connected) closed++;
          else errors++;
        }
        if (errorSamples.size < 5) errorSamples.add(`${err.name}: ${err.message}`);
      }
      due += intervalMs * (1 + opts.jitter * (2 * Math.random() - 1));
      // Behind schedule (the answer came late): send now, but do not burst to catch up.
      const now = performance.now();
      if (due < now) {
        if (inWindow) lateSends++;
        due = now;
      }
    }
  };
  try {
    await Promise.all(stations.map(loop));
  } finally {
    clearTimeout(startTimer);
    clearInterval(ticker);
    clearTimeout(endTimer);
  }
  // Aborted before the window ended: measure what there is.
  cpu ??= opts.cpu.since(cpuMark);
  rssMax ??= { ...opts.serverRss.maxMb };
  const windowSeconds = Math.max(0.001, Math.min(performance.now(), windowEnd) - windowStart) / 1000;
  // The histogram records the time between two ticks of its timer: the lag is what exceeds the resolution.
  const lagMs = (v: number) => Math.max(0, v / 1e6 - resolution);
  return {
    windowSeconds,
    sentInWindow,
    ackedInWindow,
    achievedPerSec: ackedInWindow / windowSeconds,
    latency: latencies.summary(),
    timeouts,
    errors,
    closed,
    errorSamples: [...errorSamples],
    lateSends,
    ackedTotal,
    unansweredTotal,
    cpu,
    rssMaxMb: rssMax,
    generatorLoopDelay: {
      p50: loopDelay.count ? lagMs(loopDelay.percentile(50)) : 0,
      p99: loopDelay.count ? lagMs(loopDelay.percentile(99)) : 0,
      max: loopDelay.count ? lagMs(loopDelay.max) : 0,
    },
  };
}
