import type { V16 } from '@voltlane/ocpp';
import { limitAt } from './composite-schedule.js';
import { createConnector, type Connector } from './connector.js';
import { advance, sample, socOf, type ReadingContext } from './meter.js';
import type { SimStation } from './station.js';

/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_DELAY = 2_147_483_647;

/**
 * A station's metering: the power each connector draws (hardware maximum, charging profiles,
 * EV battery), periodic samples (MeterValueSampleInterval, only while a transaction runs) and
 * clock-aligned samples (ClockAlignedDataInterval, off by default). On a 2.x station the
 * intervals are SampledDataCtrlr.TxUpdatedInterval and AlignedDataCtrlr.Interval, and the
 * readings go out as TransactionEvent / 2.x MeterValues (see `v201/ocpp2.ts`).
 * @example
 * const metering = new Metering(station);
 * await metering.send(station.connectors[1]!, 'Trigger');
 */
export class Metering {
  private sampleTimer: NodeJS.Timeout | undefined;
  private alignedTimer: NodeJS.Timeout | undefined;

  constructor(private readonly st: SimStation) {}

  /** The limit in W that charging profiles allow a connector now. */
  limitW(c: Connector, now = Date.now()): number {
    const st = this.st;
    const profiles = st.profilesIfAny();
    if (!profiles || profiles.size === 0) return st.maxW;
    const all = profiles.all();
    const own = limitAt(all, { connectorId: c.id, tx: c.tx && { id: c.tx.id, startedAt: c.tx.startedAt }, maxW: st.maxW }, now).limitW;
    // The station-wide maximum is shared by the connectors that charge.
    const sharing = Math.max(1, st.connectors.filter((x) => x.tx).length);
    const station = limitAt(all, { connectorId: 0, maxW: Infinity }, now).limitW;
    return Math.max(0, Math.min(own, station / sharing));
  }

  /** Integrates the energy register up to now and sets the power the connector draws from now on. */
  update(c: Connector, now = Date.now(), report = true): void {
    advance(c, now);
    c.powerW = c.tx && !c.tx.pending && c.plugged && socOf(c) < 100 ? Math.min(this.st.maxW, this.limitW(c, now)) : 0;
    if (report) void this.st.refreshStatus(c);
  }

  /** Applies changed profiles (or availability) to every connector. */
  updateAll(): void {
    const now = Date.now();
    for (const c of this.st.connectors) if (c.id > 0) this.update(c, now);
  }

  /** Re-arms the sampling timers after a configuration change or a transaction start/stop. */
  restart(): void {
    this.stop();
    const st = this.st;
    if (st.stopped) return;
    const o2 = st.ocpp2;
    const sec = o2 ? o2.sampleIntervalSec() : st.config.int('MeterValueSampleInterval');
    if (sec > 0 && st.connectors.some((c) => c.tx)) {
      this.sampleTimer = setInterval(() => {
        for (const c of st.connectors) if (c.tx) void this.send(c, 'Sample.Periodic');
      }, sec * 1000);
    }
    const aligned = o2 ? o2.alignedIntervalSec() : st.config.int('ClockAlignedDataInterval');
    if (aligned > 0) this.armAligned(aligned * 1000);
  }

  stop(): void {
    clearInterval(this.sampleTimer);
    this.sampleTimer = undefined;
    clearTimeout(this.alignedTimer);
    this.alignedTimer = undefined;
  }

  /** Clock-aligned readings fall on whole multiples of the interval since midnight UTC. */
  private armAligned(ms: number): void {
    const now = Date.now();
    const next = Math.ceil((now + 1) / ms) * ms;
    this.alignedTimer = setTimeout(() => {
      if (this.st.ocpp2) this.st.ocpp2.alignedReadings();
      else {
        const measurands = this.st.config.list('MeterValuesAlignedData');
        for (const c of this.st.connectors) void this.send(c, 'Sample.Clock', measurands);
      }
      this.armAligned(ms);
    }, Math.min(next - now, MAX_DELAY));
  }

  /**
   * Sends one reading of a connector (0: the station's main meter). Readings of a transaction
   * carry its id and go through the transaction queue (kept while offline); others are dropped offline.
   */
  async send(c: Connector, context: ReadingContext, measurands?: readonly string[]): Promise<void> {
    const st = this.st;
    if (c.id > 0) this.update(c);
    if (st.ocpp2) return st.ocpp2.reading(c, context, measurands);
    measurands ??= st.config.list('MeterValuesSampledData');
    const source = c.id === 0 ? this.mainMeter() : c;
    const offered = c.id === 0 ? st.maxW * (st.connectors.length - 1) : Math.min(st.maxW, this.limitW(c));
    const sampledValue = sample(source, measurands.length ? measurands : ['Energy.Active.Import.Register'], context, offered);
    const payload: V16.MeterValuesRequest = { connectorId: c.id, meterValue: [{ timestamp: new Date().toISOString(), sampledValue }] };
    if (!c.tx) {
      await st.notify('MeterValues', payload);
      return;
    }
    payload.transactionId = c.tx.id;
    const sent = st.tx.queue.send({ action: 'MeterValues', payload: payload as unknown as Record<string, unknown> });
    if (st.link.ready) await sent.catch((e: Error) => st.log(`MeterValues: ${e.message}`));
    else sent.catch(() => undefined);
  }

  /** A connector-0 stand-in that sums all connectors. */
  mainMeter(): Connector {
    const main = createConnector(0);
    main.energyWh = 0;
    const now = Date.now();
    for (const c of this.st.connectors) {
      if (c.id === 0) continue;
      advance(c, now);
      main.energyWh += c.energyWh;
      main.powerW += c.powerW;
    }
    return main;
  }
}
