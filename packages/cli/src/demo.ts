import { startFleet, type FleetOptions } from '@voltlane/sim';
import type { Voltlane } from './app.js';

// More tags than stations: a tag already charging elsewhere is refused (ConcurrentTx), as it should be.
const TAGS = Array.from({ length: 10 }, (_, i) => `DEMO-TAG-${i + 1}`);
/** Three OCPP 1.6 stations and one of each 2.x version, so both worlds show up at once. */
const FLEETS: { prefix: string; stations: number; ocppVersion: NonNullable<FleetOptions['ocppVersion']> }[] = [
  { prefix: 'DEMO-', stations: 3, ocppVersion: 'ocpp1.6' },
  { prefix: 'DEMO-201-', stations: 1, ocppVersion: 'ocpp2.0.1' },
  { prefix: 'DEMO-21-', stations: 1, ocppVersion: 'ocpp2.1' },
];

/**
 * The demo fleet: registers the stations and ten id tokens (if missing) and starts simulated
 * chargers that boot, start and stop sessions on their own and report meter values every 10 s.
 */
export async function startDemo(v: Voltlane): Promise<{ stop(): Promise<void> }> {
  const ids = FLEETS.flatMap((f) => Array.from({ length: f.stations }, (_, i) => `${f.prefix}${i + 1}`));
  for (const id of ids) await v.core.stations.create({ id }).catch(() => undefined);
  for (const idToken of TAGS) await v.core.authorization.create({ idToken, status: 'Accepted' }).catch(() => undefined);
  const fleets = await Promise.all(
    FLEETS.map((f) =>
      startFleet({
        url: `${v.url.replace('http', 'ws')}/ocpp`,
        stations: f.stations,
        prefix: f.prefix,
        ocppVersion: f.ocppVersion,
        connectors: 2,
        meterValueIntervalSec: 10,
        autoCharge: { idTags: TAGS, everySec: 20, durationSec: 90 },
        log: (m) => v.log.debug({ sim: true }, m),
      }),
    ),
  );
  console.log(`  Demo fleet: ${ids.join(', ')} (OCPP 1.6, 2.0.1, 2.1) charge with tokens DEMO-TAG-1..${TAGS.length}.`);
  console.log(`  Try: curl -H "Authorization: Bearer <token>" ${v.url}/api/v1/transactions?status=active\n`);
  return { stop: async () => void (await Promise.all(fleets.map((f) => f.stop()))) };
}
