import type { V16, V201 } from '@voltlane/ocpp';
import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';
import { deleteProfiles, listProfiles, profileKey, setProfile, upsertProfile, type ProfileCriteria, type ProfileRow } from './profiles.js';
import { clearLimit, listLimits, listNeeds, putEvSchedule, putLimit, putNeeds } from './limits.js';
import { ReportTracker } from './report-tracker.js';

export type { StoredChargingProfile } from './profiles.js';
export type { ChargingLimit, EvChargingNeeds } from './limits.js';

/**
 * Smart charging: the charging profiles each station accepted (SetChargingProfile) or reported
 * (ReportChargingProfiles), removed as ClearChargingProfile says; the last composite schedule each
 * station reported; external charging limits; and what ISO 15118 EVs asked for. All queryable.
 */
export class SmartChargingService {
  private readonly composite = new Map<string, { at: string; request: unknown; response: unknown }>();
  private readonly reports = new ReportTracker<ProfileCriteria>((stationId, c, keep) => deleteProfiles(this.ctx.db, stationId, c, keep));
  constructor(private readonly ctx: CoreContext) {}

  /** OCPP 2.0.1/2.1 (K01-K17). */
  register201(reg: HandlerRegistry): void {
    reg.effect201('SetChargingProfile', async (stationId, req, res) => {
      if (res.status === 'Accepted') await this.ctx.db.transaction((tx) => setProfile(tx, stationId, fromProfile201(req.evseId, 'CSO', req.chargingProfile)));
    });
    // Accepted or Unknown (nothing matched on the station): either way nothing matching is left there.
    // Only the CSMS's own profiles can be cleared; external constraints stay (K10).
    reg.effect201('ClearChargingProfile', async (stationId, req) => {
      const c = req.chargingProfileCriteria;
      await deleteProfiles(this.ctx.db, stationId, {
        sources: ['CSO'],
        ...(req.chargingProfileId !== undefined
          ? { ids: [req.chargingProfileId] }
          : { evseId: c?.evseId, purpose: c?.chargingProfilePurpose, stackLevel: c?.stackLevel }),
      });
    });
    reg.effect201('GetChargingProfiles', async (stationId, req, res) => {
      const c = req.chargingProfile;
      const criteria: ProfileCriteria = {
        evseId: req.evseId, purpose: c.chargingProfilePurpose, stackLevel: c.stackLevel, ids: c.chargingProfileId, sources: c.chargingLimitSource,
      };
      if (res.status === 'NoProfiles') await deleteProfiles(this.ctx.db, stationId, criteria);
      else await this.reports.requested(stationId, req.requestId, criteria);
    });
    // The station's own list replaces the stored one for what the request asked (see ReportTracker).
    reg.on201('ReportChargingProfiles', async (call, req) => {
      const rows = req.chargingProfile.map((p) => fromProfile201(req.evseId, req.chargingLimitSource, p));
      await this.ctx.db.transaction(async (tx) => {
        for (const row of rows) await upsertProfile(tx, call.stationId, row);
      });
      await this.reports.reported(call.stationId, req.requestId, rows.map((r) => profileKey(r.source, r.id)), !req.tbc);
      return {};
    });
    reg.effect201('GetCompositeSchedule', async (stationId, req, res) => {
      this.composite.set(stationId, { at: new Date().toISOString(), request: req, response: res });
    });
    // K05: a TxProfile sent with RequestStartTransaction is on the station once it accepted the
    // request, for the EVSE the transaction starts on (0: the station picks one).
    reg.effect201('RequestStartTransaction', async (stationId, req, res) => {
      const p = req.chargingProfile;
      if (res.status !== 'Accepted' || !p) return;
      const row = fromProfile201(req.evseId ?? 0, 'CSO', p);
      await this.ctx.db.transaction((tx) => setProfile(tx, stationId, { ...row, transactionId: res.transactionId ?? p.transactionId }));
    });

    reg.on201('NotifyChargingLimit', async (call, req) => {
      await putLimit(this.ctx.db, call.stationId, {
        evseId: req.evseId ?? 0, source: req.chargingLimit.chargingLimitSource,
        isGridCritical: req.chargingLimit.isGridCritical, schedule: req.chargingSchedule,
      });
      return {};
    });
    reg.on201('ClearedChargingLimit', async (call, req) => {
      await clearLimit(this.ctx.db, call.stationId, req.chargingLimitSource, req.evseId);
      return {};
    });
    // Stored for the operator and a future scheduler; Accepted tells the station a schedule may follow.
    reg.on201('NotifyEVChargingNeeds', async (call, req) => {
      await putNeeds(this.ctx.db, call.stationId, req.evseId, req.chargingNeeds, req.maxScheduleTuples, call.receivedAt);
      return { status: 'Accepted' };
    });
    reg.on201('NotifyEVChargingSchedule', async (call, req) => {
      await putEvSchedule(this.ctx.db, call.stationId, req.evseId, req.timeBase, req.chargingSchedule, call.receivedAt);
      return { status: 'Accepted' };
    });
  }

  register16(reg: HandlerRegistry): void {
    reg.effect16('SetChargingProfile', async (stationId, req, res) => {
      if (res.status === 'Accepted') await this.ctx.db.transaction((tx) => setProfile(tx, stationId, fromProfile16(req)));
    });
    // As in 2.x: Accepted or Unknown, nothing matching is left on the station.
    reg.effect16('ClearChargingProfile', async (stationId, req) => {
      await deleteProfiles(this.ctx.db, stationId,
        req.id !== undefined
          ? { ids: [req.id] }
          : { evseId: req.connectorId, purpose: req.chargingProfilePurpose, stackLevel: req.stackLevel });
    });
    reg.effect16('GetCompositeSchedule', async (stationId, req, res) => {
      this.composite.set(stationId, { at: new Date().toISOString(), request: req, response: res });
    });
    // 1.6 RemoteStartTransaction with a TxProfile (the 2.x K05 case).
    reg.effect16('RemoteStartTransaction', async (stationId, req, res) => {
      const p = req.chargingProfile;
      if (res.status !== 'Accepted' || !p) return;
      await this.ctx.db.transaction((tx) => setProfile(tx, stationId, fromProfile16({ connectorId: req.connectorId ?? 0, csChargingProfiles: p })));
    });
  }

  async list(stationId: string) {
    return listProfiles(this.ctx.db, stationId);
  }

  /** External charging limits in force (NotifyChargingLimit, until ClearedChargingLimit). */
  async limits(stationId: string) {
    return listLimits(this.ctx.db, stationId);
  }

  /** Per EVSE, the EV's last charging needs and chosen schedule (ISO 15118). */
  async evChargingNeeds(stationId: string) {
    return listNeeds(this.ctx.db, stationId);
  }

  /** The composite schedule the station last reported (GetCompositeSchedule reply). */
  lastComposite(stationId: string) {
    return this.composite.get(stationId) ?? null;
  }
}

function fromProfile16(req: V16.SetChargingProfileRequest): ProfileRow {
  const p = req.csChargingProfiles;
  return {
    evseId: req.connectorId, id: p.chargingProfileId, stackLevel: p.stackLevel, purpose: p.chargingProfilePurpose,
    kind: p.chargingProfileKind, recurrencyKind: p.recurrencyKind, validFrom: p.validFrom, validTo: p.validTo,
    transactionId: p.transactionId?.toString(), source: 'CSO', profile: p,
  };
}

function fromProfile201(evseId: number, source: string, p: V201.ChargingProfileType): ProfileRow {
  return {
    evseId, id: p.id, stackLevel: p.stackLevel, purpose: p.chargingProfilePurpose, kind: p.chargingProfileKind,
    recurrencyKind: p.recurrencyKind, validFrom: p.validFrom, validTo: p.validTo, transactionId: p.transactionId, source, profile: p,
  };
}
