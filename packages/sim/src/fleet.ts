import { startAutoCharge, type AutoChargeOptions } from './auto-charge.js';
import { SimStation } from './station.js';
import type { SimStationOptions } from './types.js';

/** Options of a fleet: station options shared by all, plus how many and how they are named. */
export interface FleetOptions extends Omit<SimStationOptions, 'id'> {
  stations: number;
  /** Station ids are `${prefix}${n}` for n = 1..stations, e.g. SIM1, SIM2 (default prefix 'SIM'). */
  prefix?: string;
  /** Stations connecting and booting at the same time (default 50). */
  startConcurrency?: number;
  /** Demo traffic: random sessions started and stopped on their own. */
  autoCharge?: AutoChargeOptions;
}

/** A running fleet. */
export interface Fleet {
  stations: SimStation[];
  stop(): Promise<void>;
}

/**
 * A fleet that is created but not started, so that it can be stopped while it starts.
 * @example
 * const fleet = createFleet({ url: 'ws://127.0.0.1:8080/ocpp', stations: 1000 });
 * process.once('SIGINT', () => void fleet.stop());
 * await fleet.start();
 */
export function createFleet(opts: FleetOptions): Fleet & { start(): Promise<void> } {
  const { stations: count, prefix = 'SIM', startConcurrency = 50, autoCharge, ...shared } = opts;
  const stations = Array.from({ length: count }, (_, i) => new SimStation({ ...shared, id: `${prefix}${i + 1}` }));
  const log = shared.log ?? (() => undefined);
  let auto: { stop(): void } | undefined;
  let stopped = false;
  return {
    stations,
    async start() {
      let next = 0;
      // A bounded number of stations boot at once, so that a big fleet does not storm the CSMS.
      const worker = async () => {
        while (next < stations.length && !stopped) {
          const st = stations[next++]!;
          await st.start().catch((e: Error) => {
            if (!stopped) log(`[${st.id}] ${e.message}`);
          });
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(startConcurrency, count)) }, worker));
      if (autoCharge && !stopped) auto = startAutoCharge(stations, autoCharge, log);
    },
    async stop() {
      stopped = true;
      auto?.stop();
      await Promise.all(stations.map((st) => st.stop()));
    },
  };
}

/**
 * Starts `stations` simulated charge points and resolves when all of them are registered
 * (or gave up, see {@link SimStation.start}).
 * @example
 * const fleet = await startFleet({ url: 'ws://127.0.0.1:8080/ocpp', stations: 3, prefix: 'DEMO-' }); // DEMO-1..DEMO-3
 * await fleet.stop();
 */
export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const fleet = createFleet(opts);
  await fleet.start();
  return { stations: fleet.stations, stop: () => fleet.stop() };
}
