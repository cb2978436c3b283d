import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';
import { page } from '../../rows.js';
import { CommandService } from '../commands/service.js';
import { notFound, type AuthResult } from '../stations/service.js';
import { CertificateManager, type StationCertificate } from './certificates.js';
import { registerSecurity16 } from './ocpp16.js';
import { registerSecurity201 } from './ocpp201.js';
import { achievedProfile, checkProfile, type ConnectionFacts } from './profile-policy.js';
import * as repo from './repository.js';
import type { CertificateSigner } from './signer.js';

/** Connection attempt labels (connection inspector `reason`) that are security events too. */
const REFUSALS: Record<string, string> = {
  'bad password': 'FailedToAuthenticateAtCsms',
  'TLS required': 'FailedToAuthenticateAtCsms',
  'certificate required': 'FailedToAuthenticateAtCsms',
  'profile misconfigured': 'FailedToAuthenticateAtCsms',
  'bad certificate': 'InvalidChargingStationCertificate',
};

/** Security events kept per station; older ones are pruned. */
const KEEP_EVENTS = 1000;

/** The result of a station's identity check: the gateway's outcome plus the inspector label. */
export type SecurityAuthResult = { ok: true } | { ok: false; status: 401 | 403 | 404; reason: string; label?: string };

/**
 * Security (OCPP 2.0.1 blocks A and M, OCPP 1.6 Security Whitepaper): per-station security profiles at
 * connect time, security events from stations and from Voltlane itself, and station certificates.
 * @example const r = await security.authenticate('CP1', { password, tls: true }, (id, pw) => stations.authenticate(id, pw));
 */
export class SecurityService {
  readonly certificates: CertificateManager;
  private pruneCounter = 0;

  constructor(private readonly ctx: CoreContext) {
    this.certificates = new CertificateManager(ctx);
  }

  /** The database, for the handlers' direct queries. */
  get db() {
    return this.ctx.db;
  }

  /** Configuration and log, for the handlers. */
  get config() {
    return this.ctx.config;
  }

  get log() {
    return this.ctx.log;
  }

  /** Loads the configured CAs; call once before accepting stations. */
  init(): Promise<void> {
    return this.certificates.init();
  }

  /** Signs station CSRs with an external CA instead of the built-in one. */
  useSigner(signer: CertificateSigner): void {
    this.certificates.useSigner(signer);
  }

  register16(reg: HandlerRegistry): void {
    registerSecurity16(reg, this, new CommandService(this.ctx, reg));
  }

  register201(reg: HandlerRegistry): void {
    registerSecurity201(reg, this, new CommandService(this.ctx, reg));
  }

  /**
   * Connect-time identity check: the station's security profile, then its password (`checkPassword`,
   * the stations module's check, which also applies the unknown-station policy).
   */
  async authenticate(
    stationId: string,
    facts: ConnectionFacts,
    checkPassword: (stationId: string, password: string | undefined) => Promise<AuthResult>,
  ): Promise<SecurityAuthResult> {
    const station = await repo.findProfile(this.ctx.db, stationId);
    if (!station) return checkPassword(stationId, facts.password);
    const decision = checkProfile(stationId, station, facts);
    if (!decision.ok) return decision;
    if (decision.checkPassword) {
      const r = await checkPassword(stationId, facts.password);
      if (!r.ok) return r;
    }
    const level = achievedProfile(facts, decision.checkPassword);
    if (station.pending !== null && level >= station.pending) {
      await repo.completeProfileUpgrade(this.ctx.db, stationId, station.pending);
      this.ctx.log.info({ stationId, securityProfile: station.pending }, 'station moved to its new security profile');
    }
    if (facts.clientCertificate) {
      await this.certificates.presented(stationId, facts.clientCertificate.der).catch((err: unknown) =>
        this.ctx.log.warn({ stationId, err }, 'could not record the client certificate'),
      );
    }
    return { ok: true };
  }

  /** Turns refused connection attempts (bad password, bad certificate, ...) into security events. */
  onConnectionAttempt(a: { stationId: string; at: Date; outcome: string; reason: string; detail?: string | undefined; remoteAddress?: string | undefined }): void {
    const type = a.outcome === 'refused' ? REFUSALS[a.reason] : undefined;
    if (!type) return;
    const techInfo = `${a.reason}${a.detail ? `: ${a.detail}` : ''}${a.remoteAddress ? ` (from ${a.remoteAddress})` : ''}`;
    this.record(a.stationId, 'csms', type, a.at, techInfo).catch((err: unknown) =>
      this.ctx.log.error({ err, stationId: a.stationId }, 'could not store security event'),
    );
  }

  /** Stores a security event (ignored for stations that are not registered). */
  async record(stationId: string, source: 'station' | 'csms', type: string, at: Date, techInfo?: string): Promise<void> {
    const stored = await repo.insertSecurityEvent(this.ctx.db, { stationId, source, type, at, techInfo: techInfo?.slice(0, 1000) });
    if (!stored) return;
    if (source === 'station') this.ctx.log.info({ stationId, type, techInfo }, 'security event');
    if (++this.pruneCounter % 200 === 0) await repo.pruneSecurityEvents(this.ctx.db, stationId, KEEP_EVENTS);
  }

  /** A station's security events, newest first. */
  async events(stationId: string, q: { limit?: number; offset?: number; source?: string }) {
    await this.assertStation(stationId);
    return repo.listSecurityEvents(this.ctx.db, stationId, { ...page(q), source: q.source });
  }

  /** A station's certificates: issued by Voltlane and installed on it. */
  async stationCertificates(stationId: string): Promise<StationCertificate[]> {
    await this.assertStation(stationId);
    return this.certificates.list({ stationId });
  }

  /** The security settings of a station. */
  async profile(stationId: string): Promise<{ securityProfile: number; pendingSecurityProfile: number | null; hasPassword: boolean }> {
    const p = await repo.findProfile(this.ctx.db, stationId);
    if (!p) throw notFound(stationId);
    return { securityProfile: p.profile, pendingSecurityProfile: p.pending, hasPassword: p.hasPassword };
  }

  /** The station was told to move to a higher profile (SetNetworkProfile, ChangeConfiguration SecurityProfile). */
  async upgradeRequested(stationId: string, profile: number): Promise<void> {
    const p = await repo.findProfile(this.ctx.db, stationId);
    if (!p || profile <= p.profile || profile > 3) return;
    await repo.setPendingProfile(this.ctx.db, stationId, profile);
    this.ctx.log.info({ stationId, from: p.profile, to: profile }, 'security profile upgrade pending until the station reconnects with it');
  }

  /** SignedFirmwareStatusNotification: the firmware status column, as FirmwareStatusNotification. */
  async firmwareStatus(stationId: string, status: string, at: Date): Promise<void> {
    await repo.setFirmwareStatus(this.ctx.db, stationId, status, at);
    this.ctx.events.emit('firmware.status', { stationId, status });
  }

  private async assertStation(stationId: string): Promise<void> {
    if (!(await repo.findProfile(this.ctx.db, stationId))) throw notFound(stationId);
  }
}
