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

type Plug = Parameters<Voltlane['core']['locations']['updateConnector']>[3];
const T2_22: Plug = { standard: 'IEC_62196_T2', format: 'SOCKET', powerType: 'AC_3_PHASE', maxPowerW: 22000, maxVoltage: 230, maxAmperage: 32 };
const T2_11: Plug = { standard: 'IEC_62196_T2', format: 'SOCKET', powerType: 'AC_3_PHASE', maxPowerW: 11000, maxVoltage: 230, maxAmperage: 16 };
const CCS_150: Plug = { standard: 'IEC_62196_T2_COMBO', format: 'CABLE', powerType: 'DC', maxPowerW: 150000 };
const CCS_350: Plug = { standard: 'IEC_62196_T2_COMBO', format: 'CABLE', powerType: 'DC', maxPowerW: 350000 };
const CHADEMO_50: Plug = { standard: 'CHADEMO', format: 'CABLE', powerType: 'DC', maxPowerW: 50000 };
const PLACE = { country: 'FRA', timeZone: 'Europe/Paris' };
/** Where the demo stations stand (Lyon and Paris) and what their two connectors offer. */
const SITES: Record<string, { location: Parameters<Voltlane['core']['locations']['update']>[1]; plugs: [Plug, Plug] }> = {
  'DEMO-1': { location: { ...PLACE, name: 'Lyon Part-Dieu', address: '17 Rue du Docteur Bouchut', postalCode: '69003', city: 'Lyon', latitude: 45.76063, longitude: 4.85934 }, plugs: [T2_22, T2_22] },
  'DEMO-2': { location: { ...PLACE, name: 'Lyon Confluence', address: '112 Cours Charlemagne', postalCode: '69002', city: 'Lyon', latitude: 45.74134, longitude: 4.81800 }, plugs: [CCS_150, CHADEMO_50] },
  'DEMO-3': { location: { ...PLACE, name: 'Villeurbanne Gratte-Ciel', address: '2 Avenue Henri Barbusse', postalCode: '69100', city: 'Villeurbanne', latitude: 45.76950, longitude: 4.88060 }, plugs: [T2_11, T2_11] },
  'DEMO-201-1': { location: { ...PLACE, name: 'Paris Bercy Village', address: '28 Cour Saint-Émilion', postalCode: '75012', city: 'Paris', latitude: 48.83302, longitude: 2.38623 }, plugs: [CCS_150, T2_22] },
  'DEMO-21-1': { location: { ...PLACE, name: 'La Défense Parvis', address: '1 Parvis de la Défense', postalCode: '92800', city: 'Puteaux', latitude: 48.89200, longitude: 2.23800 }, plugs: [CCS_350, CCS_350] },
};

/** Gives demo stations their site on the first run; what an operator changed later stays. */
async function placeDemoStations(v: Voltlane): Promise<void> {
  for (const [id, site] of Object.entries(SITES)) {
    const current = await v.core.locations.get(id).catch(() => undefined);
    if (!current || current.latitude !== null) continue;
    await v.core.locations.update(id, site.location);
    for (const [i, plug] of site.plugs.entries()) await v.core.locations.updateConnector(id, i + 1, 1, plug);
  }
}

/**
 * The demo fleet: registers the stations and ten id tokens (if missing) and starts simulated
 * chargers that boot, start and stop sessions on their own and report meter values every 10 s.
 */
export async function startDemo(v: Voltlane): Promise<{ stop(): Promise<void> }> {
  const ids = FLEETS.flatMap((f) => Array.from({ length: f.stations }, (_, i) => `${f.prefix}${i + 1}`));
  for (const id of ids) await v.core.stations.create({ id }).catch(() => undefined);
  for (const idToken of TAGS) await v.core.authorization.create({ idToken, status: 'Accepted' }).catch(() => undefined);
  await placeDemoStations(v);
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
