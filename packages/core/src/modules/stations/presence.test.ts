import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { testDatabases, type Db } from '@voltlane/db';
import { LocalBus } from '@voltlane/bus';
import { loadConfig } from '../../config.js';
import { LiveEvents } from '../../events.js';
import { StationService } from './service.js';

/** Online state in cluster mode: which gateway holds a station, and what happens when one dies. */
for (const t of testDatabases()) {
  describe(`station online state by gateway (${t.name})`, () => {
    let db: Db;
    let cleanup: () => Promise<void>;
    let stations: StationService;
    const events: string[] = [];
    before(async () => {
      ({ db, cleanup } = await t.open());
      const ctx = { db, log: pino({ level: 'silent' }), config: loadConfig({}), bus: new LocalBus(), events: new LiveEvents() };
      ctx.events.onAny((name, data) => events.push(`${name}:${(data as { stationId: string }).stationId}`));
      stations = new StationService(ctx);
      for (const id of ['P1', 'P2', 'P3', 'P4']) await stations.create({ id });
    });
    after(() => cleanup());

    const online = async (id: string) => {
      const s = await stations.get(id);
      const row = await db.query<{ gateway_node: string | null }>('select gateway_node from stations where id = $1', [id]);
      return [s.online, row.rows[0]!.gateway_node];
    };
    const heartbeat = (node: string, agoSec: number) =>
      db.query(
        `insert into cluster_nodes (cluster, node_id, role, heartbeat_at) values ('c', $1, 'gateway', now() - make_interval(secs => $2))
         on conflict (cluster, node_id) do update set heartbeat_at = excluded.heartbeat_at`,
        [node, agoSec],
      );

    it('a late "disconnected" from the gateway a station left does not take it offline', async () => {
      await stations.connected('P1', 'ocpp1.6', new Date(), 'gw-a');
      await stations.connected('P1', 'ocpp1.6', new Date(), 'gw-b'); // moved before gw-a noticed
      await stations.disconnected('P1', new Date(), 'closed 1006', 'gw-a');
      assert.deepEqual(await online('P1'), [true, 'gw-b']);
      await stations.disconnected('P1', new Date(), 'closed 1000', 'gw-b');
      assert.deepEqual(await online('P1'), [false, 'gw-b']);
      // All-in-one mode has no gateway ids: a disconnect always applies.
      await stations.connected('P4', 'ocpp1.6', new Date());
      await stations.disconnected('P4', new Date());
      assert.deepEqual(await online('P4'), [false, null]);
    });

    it('stations of a gateway that stopped heartbeating go offline; those of live gateways stay', async () => {
      await heartbeat('gw-live', 0);
      await heartbeat('gw-dead', 60);
      await stations.connected('P2', 'ocpp1.6', new Date(), 'gw-dead');
      await stations.connected('P3', 'ocpp1.6', new Date(), 'gw-live');
      events.length = 0;
      assert.deepEqual(await stations.offlineOfDeadGateways('c', 20), ['P2']);
      assert.deepEqual([await online('P2'), await online('P3')], [[false, 'gw-dead'], [true, 'gw-live']]);
      assert.deepEqual(events, ['station.disconnected:P2']);
      assert.deepEqual(await stations.offlineOfDeadGateways('c', 20), []);
    });

    it('a live gateway corrects the flags: not held -> offline, held but shown offline -> online', async () => {
      const old = new Date(Date.now() - 60_000);
      await stations.connected('P2', 'ocpp1.6', old, 'gw-live');
      await stations.connected('P3', 'ocpp1.6', old, 'gw-live');
      await db.query(`update stations set online = false where id = 'P3'`); // e.g. taken for dead while it stalled
      await stations.connected('P4', 'ocpp1.6', new Date(), 'gw-live'); // too recent to be judged
      await stations.reconcileGateway('gw-live', ['P3'], new Date(Date.now() - 5000), ['P3']);
      assert.deepEqual(
        [await online('P2'), await online('P3'), await online('P4')],
        [[false, 'gw-live'], [true, 'gw-live'], [true, 'gw-live']],
      );
    });
  });
}
