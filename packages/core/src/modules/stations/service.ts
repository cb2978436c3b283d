import { RpcError } from '@voltlane/ocpp';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { hashPassword, sha256, verifyPassword } from '../../passwords.js';
import { page } from '../../rows.js';
import { listNetworkProfiles, type NetworkProfile } from './network-profiles.js';
import * as repo from './repository.js';
import type { Connector, RegistrationStatus, Station } from './repository.js';

export type AuthResult = { ok: true } | { ok: false; status: 401 | 403 | 404; reason: string };

/** Station with its connectors, as `GET /stations/{id}` returns it. */
export type StationDetail = Station & { connectors: Connector[] };

const STATUS_TTL_MS = 30_000;

/**
 * Stations: registration, identity checks at connect time, boot, heartbeat, status, online state.
 * @example await stations.create({ id: 'CP1', password: 'secret' });
 */
export class StationService {
  /** stationId -> registration status, so the per-message gate costs no query. */
  private readonly statusCache = new Map<string, { status: RegistrationStatus; at: number }>();
  /** stationId -> sha256(password) already verified against the current hash (scrypt is slow). */
  private readonly verified = new Map<string, { hash: string; digest: string }>();

  constructor(private readonly ctx: CoreContext) {}

  /** The database, for the OCPP handlers' direct writes. */
  get db() {
    return this.ctx.db;
  }

  /** B09: the connection profiles sent to the station with SetNetworkProfile, per slot, with its answers. */
  async networkProfiles(stationId: string): Promise<NetworkProfile[]> {
    await this.get(stationId);
    return listNetworkProfiles(this.ctx.db, stationId);
  }

  async create(input: { id: string; password?: string | undefined; registrationStatus?: RegistrationStatus | undefined; securityProfile?: number | undefined }): Promise<StationDetail> {
    assertProfileHasPassword(input.securityProfile, !!input.password);
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const created = await repo.insertStation(this.ctx.db, {
      id: input.id,
      passwordHash,
      registrationStatus: input.registrationStatus ?? 'Accepted',
      autoRegistered: false,
      ...(input.securityProfile !== undefined ? { securityProfile: input.securityProfile } : {}),
    });
    if (!created) throw new AppError('ALREADY_EXISTS', `Station ${input.id} already exists: use PATCH /api/v1/stations/${input.id} to change it`);
    return this.get(input.id);
  }

  async get(id: string): Promise<StationDetail> {
    const row = await repo.findStationRow(this.ctx.db, id);
    if (!row) throw notFound(id);
    return { ...repo.toStation(row), connectors: await repo.listConnectors(this.ctx.db, id) };
  }

  list(q: { limit?: number; offset?: number; online?: boolean; registrationStatus?: string; q?: string }) {
    return repo.listStations(this.ctx.db, { ...q, ...page(q) });
  }

  async update(id: string, patch: { password?: string | null; registrationStatus?: RegistrationStatus; securityProfile?: number }): Promise<StationDetail> {
    if (patch.securityProfile !== undefined || patch.password === null) {
      const row = await repo.findStationRow(this.ctx.db, id);
      if (!row) throw notFound(id);
      const hasPassword = patch.password === undefined ? row.password_hash != null : patch.password !== null;
      assertProfileHasPassword(patch.securityProfile ?? Number(row.security_profile ?? 0), hasPassword);
    }
    const passwordHash = patch.password === undefined ? undefined : patch.password === null ? null : await hashPassword(patch.password);
    const ok = await repo.updateStation(this.ctx.db, id, {
      ...(passwordHash !== undefined ? { passwordHash } : {}),
      ...(patch.registrationStatus ? { registrationStatus: patch.registrationStatus } : {}),
      ...(patch.securityProfile !== undefined ? { securityProfile: patch.securityProfile } : {}),
    });
    if (!ok) throw notFound(id);
    this.statusCache.delete(id);
    this.verified.delete(id);
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    if (!(await repo.deleteStation(this.ctx.db, id))) throw notFound(id);
    this.statusCache.delete(id);
    this.verified.delete(id);
  }

  /** Identity check at WebSocket upgrade (security profile 0 and 1), applying the unknown-station policy. */
  async authenticate(stationId: string, password: string | undefined): Promise<AuthResult> {
    const row = await repo.findStationRow(this.ctx.db, stationId);
    if (!row) {
      const policy = this.ctx.config.unknownStations;
      if (policy === 'reject') return { ok: false, status: 404, reason: `Unknown station ${stationId}: register it first` };
      await repo.insertStation(this.ctx.db, {
        id: stationId,
        passwordHash: null,
        registrationStatus: policy === 'accept' ? 'Accepted' : 'Pending',
        autoRegistered: true,
      });
      this.ctx.log.info({ stationId, policy }, 'unknown station registered automatically');
      return { ok: true };
    }
    const hash = row.password_hash as string | null;
    if (!hash) return { ok: true };
    if (password === undefined) return { ok: false, status: 401, reason: 'This station requires HTTP Basic authentication' };
    const digest = sha256(password);
    const known = this.verified.get(stationId);
    if (known && known.hash === hash && known.digest === digest) return { ok: true };
    if (!(await verifyPassword(password, hash))) return { ok: false, status: 401, reason: 'Wrong password for this station' };
    this.verified.set(stationId, { hash, digest });
    return { ok: true };
  }

  /** Registration status for the per-message gate (cached briefly). */
  async registrationStatus(stationId: string): Promise<RegistrationStatus | undefined> {
    const c = this.statusCache.get(stationId);
    if (c && Date.now() - c.at < STATUS_TTL_MS) return c.status;
    const row = await repo.findStationRow(this.ctx.db, stationId);
    if (!row) return undefined;
    const status = row.registration_status as RegistrationStatus;
    this.statusCache.set(stationId, { status, at: Date.now() });
    return status;
  }

  /** Throws the CALLERROR a station that is not Accepted gets for anything but BootNotification. */
  async assertAccepted(stationId: string, action: string): Promise<void> {
    const status = await this.registrationStatus(stationId);
    if (status === 'Accepted') return;
    throw new RpcError(
      'SecurityError',
      status === undefined
        ? `Station ${stationId} is not registered`
        : `Station is ${status}: only BootNotification is accepted until an operator accepts the station (${action} refused)`,
    );
  }

  /** BootNotification: records what the station says and answers with its registration status. */
  async boot(
    stationId: string,
    version: string,
    info: { vendor: string; model: string; serialNumber?: string | undefined; chargeBoxSerialNumber?: string | undefined; firmwareVersion?: string | undefined; iccid?: string | undefined; imsi?: string | undefined; meterType?: string | undefined; meterSerialNumber?: string | undefined },
    at: Date,
  ): Promise<{ status: RegistrationStatus; interval: number; currentTime: string }> {
    const row = await repo.findStationRow(this.ctx.db, stationId);
    const status = (row?.registration_status as RegistrationStatus | undefined) ?? 'Rejected';
    // Pending/Rejected: the interval is when to retry BootNotification, so keep it short.
    const interval = status === 'Accepted' ? this.ctx.config.heartbeatIntervalSec : 60;
    if (row) await repo.recordBoot(this.ctx.db, stationId, { ...info, version, at, interval });
    this.statusCache.set(stationId, { status, at: Date.now() });
    this.ctx.events.emit('station.booted', { stationId, status });
    return { status, interval, currentTime: new Date().toISOString() };
  }

  async heartbeat(stationId: string, at: Date): Promise<string> {
    await repo.touchHeartbeat(this.ctx.db, stationId, at);
    return new Date().toISOString();
  }

  /** A status for the whole station (evseId 0) or one connector. */
  async status(
    stationId: string,
    s: { evseId: number; connectorId: number; status: string; errorCode: string; info?: string | undefined; vendorId?: string | undefined; vendorErrorCode?: string | undefined; at: Date },
  ): Promise<void> {
    if (s.evseId === 0) await repo.setStationStatus(this.ctx.db, stationId, s);
    else await repo.upsertConnector(this.ctx.db, stationId, s);
    this.ctx.events.emit('connector.status', { stationId, evseId: s.evseId, connectorId: s.connectorId, status: s.status, errorCode: s.errorCode });
  }

  /** A gateway accepted the station's socket (`gateway`: its cluster node id, absent in all-in-one mode). */
  async connected(stationId: string, version: string, at: Date, gateway?: string): Promise<void> {
    await repo.setOnline(this.ctx.db, stationId, true, at, version, gateway);
    this.ctx.events.emit('station.connected', { stationId, version });
  }

  /** The socket closed; ignored when the station has meanwhile connected to another gateway. */
  async disconnected(stationId: string, at: Date, reason?: string, gateway?: string): Promise<void> {
    if (!(await repo.setOnline(this.ctx.db, stationId, false, at, undefined, gateway))) return;
    this.ctx.events.emit('station.disconnected', { stationId, ...(reason ? { reason } : {}) });
  }

  /**
   * Cluster: stations of gateways that stopped heartbeating (killed, partitioned) go offline, so
   * none stays `online` forever; a station that reconnected elsewhere is not touched.
   */
  async offlineOfDeadGateways(cluster: string, ttlSec: number): Promise<string[]> {
    const ids = await repo.offlineOfDeadGateways(this.ctx.db, cluster, ttlSec);
    for (const stationId of ids) this.ctx.events.emit('station.disconnected', { stationId, reason: 'gateway gone' });
    if (ids.length) this.ctx.log.warn({ stations: ids.length }, 'stations of a gateway that stopped heartbeating marked offline');
    return ids;
  }

  /**
   * Cluster: a live gateway's own view of the stations it holds wins over lost events and over
   * being taken for dead: those it does not hold (connected before `before`) go offline, and
   * `settled` ones (held long enough for their "connected" to be handled) that the database shows
   * offline come back online.
   */
  async reconcileGateway(gateway: string, held: string[], before: Date, settled: string[]): Promise<void> {
    const gone = await repo.offlineNotHeld(this.ctx.db, gateway, held, before);
    for (const stationId of gone) this.ctx.events.emit('station.disconnected', { stationId, reason: 'not held by its gateway' });
    const back = await repo.onlineHeld(this.ctx.db, gateway, settled);
    if (back.length) this.ctx.log.info({ gateway, stations: back.length }, 'stations held by this gateway were shown offline: online again');
  }

  /** Marks every station offline (at start-up: no socket survives a restart of the all-in-one process). */
  async resetOnline(): Promise<void> {
    await this.ctx.db.query('update stations set online = false where online');
  }
}

/** Security profiles 1 and 2 authenticate with the password, so a station on them needs one. */
function assertProfileHasPassword(profile: number | undefined, hasPassword: boolean): void {
  if ((profile === 1 || profile === 2) && !hasPassword) {
    throw new AppError('VALIDATION_FAILED', `Security profile ${profile} authenticates with HTTP Basic: give the station a password, or choose securityProfile 0 or 3`, { field: 'body.password' });
  }
}

export function notFound(id: string): AppError {
  return new AppError('STATION_NOT_FOUND', `Station ${id} does not exist: create it with POST /api/v1/stations`);
}
