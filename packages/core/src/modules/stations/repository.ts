import type { Queryable } from '@voltlane/db';
import { iso } from '../../rows.js';

export type RegistrationStatus = 'Accepted' | 'Pending' | 'Rejected';

/** A station as the API shows it. */
export interface Station {
  id: string;
  registrationStatus: RegistrationStatus;
  ocppVersion: string | null;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  status: string | null;
  errorCode: string | null;
  online: boolean;
  hasPassword: boolean;
  /** OCPP security profile the station must connect with (0-3; see the security module). */
  securityProfile: number;
  autoRegistered: boolean;
  connectedAt: string | null;
  disconnectedAt: string | null;
  lastBootAt: string | null;
  lastHeartbeatAt: string | null;
  firmwareStatus: string | null;
  diagnosticsStatus: string | null;
  createdAt: string;
}

export interface Connector {
  evseId: number;
  connectorId: number;
  /** OCPP 1.6 connectorId (EVSE n / connector 1 maps to 1.6 connector n). */
  ocpp16ConnectorId: number;
  status: string | null;
  errorCode: string | null;
  info: string | null;
  vendorErrorCode: string | null;
  statusAt: string | null;
}

type Row = Record<string, unknown>;

export function toStation(r: Row): Station {
  return {
    id: r.id as string,
    registrationStatus: r.registration_status as RegistrationStatus,
    ocppVersion: (r.ocpp_version as string) ?? null,
    vendor: (r.vendor as string) ?? null,
    model: (r.model as string) ?? null,
    serialNumber: (r.serial_number as string) ?? null,
    firmwareVersion: (r.firmware_version as string) ?? null,
    status: (r.status as string) ?? null,
    errorCode: (r.error_code as string) ?? null,
    online: r.online as boolean,
    hasPassword: r.password_hash !== null && r.password_hash !== undefined,
    securityProfile: Number(r.security_profile ?? 0),
    autoRegistered: r.auto_registered as boolean,
    connectedAt: iso(r.connected_at),
    disconnectedAt: iso(r.disconnected_at),
    lastBootAt: iso(r.last_boot_at),
    lastHeartbeatAt: iso(r.last_heartbeat_at),
    firmwareStatus: (r.firmware_status as string) ?? null,
    diagnosticsStatus: (r.diagnostics_status as string) ?? null,
    createdAt: iso(r.created_at)!,
  };
}

function toConnector(r: Row): Connector {
  return {
    evseId: r.evse_id as number,
    connectorId: r.connector_id as number,
    ocpp16ConnectorId: r.evse_id as number,
    status: (r.status as string) ?? null,
    errorCode: (r.error_code as string) ?? null,
    info: (r.info as string) ?? null,
    vendorErrorCode: (r.vendor_error_code as string) ?? null,
    statusAt: iso(r.status_at),
  };
}

export async function insertStation(
  db: Queryable,
  s: { id: string; passwordHash: string | null; registrationStatus: RegistrationStatus; autoRegistered: boolean; securityProfile?: number },
): Promise<boolean> {
  const r = await db.query(
    `insert into stations (id, password_hash, registration_status, auto_registered, security_profile) values ($1, $2, $3, $4, $5)
     on conflict (id) do nothing`,
    [s.id, s.passwordHash, s.registrationStatus, s.autoRegistered, s.securityProfile ?? (s.passwordHash ? 1 : 0)],
  );
  return r.rowCount === 1;
}

export async function findStationRow(db: Queryable, id: string): Promise<Row | undefined> {
  return (await db.query('select * from stations where id = $1', [id])).rows[0];
}

export async function listStations(
  db: Queryable,
  f: { limit: number; offset: number; online?: boolean; registrationStatus?: string; q?: string },
): Promise<{ items: Station[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.online !== undefined) where.push(`online = $${params.push(f.online)}`);
  if (f.registrationStatus) where.push(`registration_status = $${params.push(f.registrationStatus)}`);
  if (f.q) where.push(`(id ilike $${params.push(`%${f.q}%`)} or vendor ilike $${params.length} or model ilike $${params.length})`);
  const w = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: number }>(`select count(*)::int as n from stations ${w}`, params);
  const rows = await db.query(`select * from stations ${w} order by id limit $${params.length + 1} offset $${params.length + 2}`, [
    ...params,
    f.limit,
    f.offset,
  ]);
  return { items: rows.rows.map(toStation), total: total.rows[0]!.n };
}

export async function updateStation(
  db: Queryable,
  id: string,
  patch: { passwordHash?: string | null; registrationStatus?: RegistrationStatus; securityProfile?: number },
): Promise<boolean> {
  const sets: string[] = ['updated_at = now()'];
  const params: unknown[] = [id];
  if (patch.passwordHash !== undefined) sets.push(`password_hash = $${params.push(patch.passwordHash)}`);
  // Set by the operator: a pending upgrade (A05) is superseded.
  if (patch.securityProfile !== undefined) sets.push(`security_profile = $${params.push(patch.securityProfile)}, pending_security_profile = null`);
  else if (patch.passwordHash) sets.push('security_profile = greatest(security_profile, 1)'); // a password means at least profile 1
  if (patch.registrationStatus) sets.push(`registration_status = $${params.push(patch.registrationStatus)}`);
  return (await db.query(`update stations set ${sets.join(', ')} where id = $1`, params)).rowCount === 1;
}

export async function deleteStation(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('delete from stations where id = $1', [id])).rowCount === 1;
}

export async function recordBoot(
  db: Queryable,
  id: string,
  b: {
    version: string; vendor: string; model: string; serialNumber?: string | undefined; chargeBoxSerialNumber?: string | undefined;
    firmwareVersion?: string | undefined; iccid?: string | undefined; imsi?: string | undefined; meterType?: string | undefined;
    meterSerialNumber?: string | undefined; at: Date; interval: number;
  },
): Promise<void> {
  await db.query(
    `update stations set ocpp_version = $2, vendor = $3, model = $4, serial_number = $5, charge_box_serial_number = $6,
       firmware_version = $7, iccid = $8, imsi = $9, meter_type = $10, meter_serial_number = $11, last_boot_at = $12,
       heartbeat_interval = $13, updated_at = now() where id = $1`,
    [id, b.version, b.vendor, b.model, b.serialNumber ?? null, b.chargeBoxSerialNumber ?? null, b.firmwareVersion ?? null,
      b.iccid ?? null, b.imsi ?? null, b.meterType ?? null, b.meterSerialNumber ?? null, b.at, b.interval],
  );
}

/**
 * Online state from a gateway's connection event. `gateway` is the cluster node holding the socket
 * (null in all-in-one mode); a "disconnected" from a gateway the station already left changes
 * nothing (it may arrive after the "connected" from its new gateway). False when nothing changed.
 */
export async function setOnline(db: Queryable, id: string, online: boolean, at: Date, version?: string, gateway?: string): Promise<boolean> {
  const r = await db.query(
    online
      ? 'update stations set online = true, connected_at = $2, ocpp_version = coalesce($3, ocpp_version), gateway_node = $4 where id = $1'
      : 'update stations set online = false, disconnected_at = $2 where id = $1 and gateway_node is not distinct from $3',
    online ? [id, at, version ?? null, gateway ?? null] : [id, at, gateway ?? null],
  );
  return r.rowCount > 0;
}

/**
 * Cluster: marks offline the stations whose gateway has not heartbeaten in `cluster_nodes` for
 * `silentSec` (it died without saying goodbye); returns their ids.
 */
export async function offlineOfDeadGateways(db: Queryable, cluster: string, silentSec: number): Promise<string[]> {
  const dead = await db.query<{ gateway_node: string }>(
    `select distinct s.gateway_node from stations s
     where s.online and s.gateway_node is not null and not exists (
       select 1 from cluster_nodes n where n.cluster = $1 and n.node_id = s.gateway_node and n.heartbeat_at > now() - make_interval(secs => $2))`,
    [cluster, silentSec],
  );
  if (dead.rows.length === 0) return [];
  // A second statement with the gateways named: a station that reconnected elsewhere meanwhile is
  // re-checked on its new row (gateway_node), which an anti-join in the same UPDATE would not do.
  const r = await db.query<{ id: string }>(
    `update stations set online = false, disconnected_at = now() where online and gateway_node = any($1::text[]) returning id`,
    [dead.rows.map((x) => x.gateway_node)],
  );
  return r.rows.map((x) => x.id);
}

/**
 * Cluster: the stations a live gateway holds but the database shows offline (it was taken for
 * dead while it stalled, or an event was lost) are online again; returns their ids. Only offline
 * rows are touched, so a station that moved to another gateway keeps that gateway.
 */
export async function onlineHeld(db: Queryable, gateway: string, held: string[]): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    `update stations set online = true, gateway_node = $1 where id = any($2::text[]) and not online returning id`,
    [gateway, held],
  );
  return r.rows.map((x) => x.id);
}

/**
 * Cluster: marks offline the stations listed as online at `gateway` that it does not hold (a lost
 * event, or a restart under the same node id); returns their ids. Only connections older than
 * `before` are touched, so one made after the gateway listed what it holds is safe.
 */
export async function offlineNotHeld(db: Queryable, gateway: string, held: string[], before: Date): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    `update stations set online = false, disconnected_at = now()
     where online and gateway_node = $1 and not (id = any($2::text[])) and (connected_at is null or connected_at < $3) returning id`,
    [gateway, held, before],
  );
  return r.rows.map((x) => x.id);
}

export async function touchHeartbeat(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query('update stations set last_heartbeat_at = $2 where id = $1', [id, at]);
}

export async function setStationStatus(db: Queryable, id: string, s: { status: string; errorCode: string; info?: string | undefined; at: Date }): Promise<void> {
  await db.query('update stations set status = $2, error_code = $3, status_info = $4, status_at = $5 where id = $1', [
    id, s.status, s.errorCode, s.info ?? null, s.at,
  ]);
}

export async function upsertConnector(
  db: Queryable,
  stationId: string,
  c: { evseId: number; connectorId: number; status: string; errorCode: string | null; info?: string | undefined; vendorId?: string | undefined; vendorErrorCode?: string | undefined; at: Date },
): Promise<void> {
  // Out-of-order notifications (replayed after reconnect) never overwrite a newer status.
  await db.query(
    `insert into connectors (station_id, evse_id, connector_id, status, error_code, info, vendor_id, vendor_error_code, status_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (station_id, evse_id, connector_id) do update set status = excluded.status, error_code = excluded.error_code,
       info = excluded.info, vendor_id = excluded.vendor_id, vendor_error_code = excluded.vendor_error_code, status_at = excluded.status_at
     where connectors.status_at is null or connectors.status_at <= excluded.status_at`,
    [stationId, c.evseId, c.connectorId, c.status, c.errorCode, c.info ?? null, c.vendorId ?? null, c.vendorErrorCode ?? null, c.at],
  );
}

export async function listConnectors(db: Queryable, stationId: string): Promise<Connector[]> {
  const r = await db.query('select * from connectors where station_id = $1 order by evse_id, connector_id', [stationId]);
  return r.rows.map(toConnector);
}
