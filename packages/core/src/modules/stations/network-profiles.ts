import type { Queryable } from '@voltlane/db';
import { iso } from '../../rows.js';

/** A connection profile sent to a station's configuration slot (SetNetworkProfile, B09) and its answer. */
export interface NetworkProfile {
  configurationSlot: number;
  /** NetworkConnectionProfileType as sent, with VPN/APN secrets masked. */
  connectionData: Record<string, unknown>;
  status: string;
  statusInfo: unknown;
  updatedAt: string;
}

/** Secrets of a NetworkConnectionProfileType: kept out of the database like station passwords. */
const SECRETS: Record<string, string[]> = { vpn: ['password', 'key'], apn: ['apnPassword', 'simPin'] };

/**
 * A connection profile with its secrets masked.
 * @example maskProfile({ vpn: { password: 'x', server: 'vpn' } }) // { vpn: { password: '***', server: 'vpn' } }
 */
export function maskProfile(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  for (const [part, fields] of Object.entries(SECRETS)) {
    const v = out[part] as Record<string, unknown> | undefined;
    if (!v) continue;
    out[part] = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fields.includes(k) && x !== undefined ? '***' : x]));
  }
  return out;
}

/** Stores what a SetNetworkProfile sent to a slot and how the station answered (the last one per slot). */
export async function saveNetworkProfile(db: Queryable, stationId: string, slot: number, data: Record<string, unknown>, status: string, statusInfo: unknown): Promise<void> {
  await db.query(
    `insert into network_profiles (station_id, configuration_slot, connection_data, status, status_info) values ($1, $2, $3, $4, $5)
     on conflict (station_id, configuration_slot) do update set connection_data = excluded.connection_data, status = excluded.status,
       status_info = excluded.status_info, updated_at = now()`,
    [stationId, slot, JSON.stringify(maskProfile(data)), status, statusInfo === undefined ? null : JSON.stringify(statusInfo)],
  );
}

/** A station's connection profiles by slot. */
export async function listNetworkProfiles(db: Queryable, stationId: string): Promise<NetworkProfile[]> {
  const r = await db.query('select * from network_profiles where station_id = $1 order by configuration_slot', [stationId]);
  return r.rows.map((x) => ({
    configurationSlot: x.configuration_slot as number,
    connectionData: x.connection_data as Record<string, unknown>,
    status: x.status as string,
    statusInfo: x.status_info ?? null,
    updatedAt: iso(x.updated_at)!,
  }));
}
