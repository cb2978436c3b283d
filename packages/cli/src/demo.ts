import { startFleet } from '@voltlane/sim';
import type { Voltlane } from './app.js';

const STATIONS = ['DEMO-1', 'DEMO-2', 'DEMO-3'];
const TAGS = ['DEMO-TAG-1', 'DEMO-TAG-2', 'DEMO-TAG-3', 'DEMO-TAG-4'];

/**
 * The demo fleet: registers three stations and four id tokens (if missing) and starts simulated
 * chargers that boot, start and stop sessions on their own and report meter values every 10 s.
 */
export async function startDemo(v: Voltlane): Promise<{ stop(): Promise<void> }> {
  for (const id of STATIONS) await v.core.stations.create({ id }).catch(() => undefined);
  for (const idToken of TAGS) await v.core.authorization.create({ idToken, status: 'Accepted' }).catch(() => undefined);
  const fleet = await startFleet({
    url: `${v.url.replace('http', 'ws')}/ocpp`,
    stations: STATIONS.length,
    prefix: 'DEMO-',
    connectors: 2,
    meterValueIntervalSec: 10,
    autoCharge: { idTags: TAGS, everySec: 20, durationSec: 90 },
    log: (m) => v.log.debug({ sim: true }, m),
  });
  console.log(`  Demo fleet: ${STATIONS.join(', ')} are charging with tokens ${TAGS.join(', ')}.`);
  console.log(`  Try: curl -H "Authorization: Bearer <token>" ${v.url}/api/v1/transactions?status=active\n`);
  return fleet;
}
