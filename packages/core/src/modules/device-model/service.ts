import type { V201 } from '@voltlane/ocpp';
import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';
import { page } from '../../rows.js';
import { notFound } from '../stations/service.js';
import { keyColumns, keyOf } from './component-variable.js';
import { registerDeviceModel201 } from './ocpp201.js';
import * as reports from './report-requests.js';
import * as repo from './repository.js';

/** Variables whose value is a secret: never stored, whatever the charger says (write-only ones neither). */
const SECRET_VARIABLES = new Set(['SecurityCtrlr/BasicAuthPassword']);

function isSecret(cv: { component: { name: string }; variable: { name: string } }): boolean {
  return SECRET_VARIABLES.has(`${cv.component.name}/${cv.variable.name}`);
}

/**
 * The device model each OCPP 2.x station reports (B05-B08): components, variables and their
 * attributes from NotifyReport, kept in step by the replies to GetVariables and SetVariables.
 * @example const { items } = await deviceModel.list('CP1', { component: 'OCPPCommCtrlr' });
 */
export class DeviceModelService {
  constructor(private readonly ctx: CoreContext) {}

  register201(reg: HandlerRegistry): void {
    registerDeviceModel201(reg, this);
  }

  /** NotifyReport (B07/B08): stores one part and tracks the request; a full inventory replaces the stored model. */
  async report(stationId: string, req: V201.NotifyReportRequest, at: Date): Promise<void> {
    const rows = new Map<string, repo.ReportedAttribute>();
    for (const d of req.reportData ?? []) {
      const c = d.variableCharacteristics;
      for (const a of d.variableAttribute) {
        const attributeType = a.type ?? 'Actual';
        rows.set(keyOf(d, attributeType), {
          ...keyColumns(d),
          attributeType,
          value: isSecret(d) || a.mutability === 'WriteOnly' ? null : (a.value ?? null),
          mutability: a.mutability ?? null,
          persistent: a.persistent ?? null,
          constant: a.constant ?? null,
          unit: c?.unit ?? null,
          dataType: c?.dataType ?? null,
          minLimit: c?.minLimit ?? null,
          maxLimit: c?.maxLimit ?? null,
          maxElements: (c as { maxElements?: number } | undefined)?.maxElements ?? null, // OCPP 2.1
          valuesList: c?.valuesList ?? null,
          supportsMonitoring: c?.supportsMonitoring ?? null,
        });
      }
    }
    await repo.upsertReported(this.ctx.db, stationId, [...rows.values()], at);
    const tracked = await reports.recordPart(this.ctx.db, stationId, 'NotifyReport', {
      requestId: req.requestId, seqNo: req.seqNo, tbc: req.tbc ?? false, at,
    });
    await this.pruneIfFull(stationId, tracked);
  }

  /** The reply to GetBaseReport or GetReport (B06/B08): the parts follow in NotifyReport. */
  async reportRequested(stationId: string, kind: 'GetBaseReport' | 'GetReport', req: { requestId: number }, status: string): Promise<void> {
    const tracked = await reports.recordRequest(this.ctx.db, stationId, 'NotifyReport', {
      requestId: req.requestId, kind, request: req, responseStatus: status,
    });
    await this.pruneIfFull(stationId, tracked);
  }

  /** The reply to GetVariables (B06): accepted values are stored. */
  async variablesRead(stationId: string, res: V201.GetVariablesResponse): Promise<void> {
    for (const r of res.getVariableResult) {
      if (r.attributeStatus !== 'Accepted') continue;
      await repo.upsertValue(this.ctx.db, stationId, {
        ...keyColumns(r),
        attributeType: r.attributeType ?? 'Actual',
        value: isSecret(r) ? null : (r.attributeValue ?? null),
        source: 'get',
        rebootRequired: false,
      });
    }
  }

  /** The reply to SetVariables (B05): Accepted and RebootRequired values are what the station now holds. */
  async variablesSet(stationId: string, req: V201.SetVariablesRequest, res: V201.SetVariablesResponse): Promise<void> {
    const sent = new Map(req.setVariableData.map((d) => [keyOf(d, d.attributeType ?? 'Actual'), d]));
    for (const r of res.setVariableResult) {
      if (r.attributeStatus !== 'Accepted' && r.attributeStatus !== 'RebootRequired') continue;
      const attributeType = r.attributeType ?? 'Actual';
      const d = sent.get(keyOf(r, attributeType));
      if (!d) continue; // a result for something not asked: nothing known to store
      await repo.upsertValue(this.ctx.db, stationId, {
        ...keyColumns(r),
        attributeType,
        value: isSecret(r) ? null : d.attributeValue,
        source: 'set',
        rebootRequired: r.attributeStatus === 'RebootRequired',
      });
    }
  }

  /** Variables of a station's device model, one item per component/variable. */
  async list(stationId: string, q: repo.VariableFilter & { limit?: number; offset?: number }) {
    await this.assertStation(stationId);
    return repo.listVariables(this.ctx.db, stationId, { ...q, ...page(q) });
  }

  /** Distinct components of a station's device model with their variable counts. */
  async components(stationId: string): Promise<repo.DeviceModelComponent[]> {
    await this.assertStation(stationId);
    return repo.listComponents(this.ctx.db, stationId);
  }

  /** GetBaseReport/GetReport requests and where their NotifyReport parts stand, newest first. */
  async reports(stationId: string, limit = 50): Promise<reports.ReportRequest[]> {
    await this.assertStation(stationId);
    return reports.listRequests(this.ctx.db, stationId, 'NotifyReport', limit);
  }

  /** Throws STATION_NOT_FOUND for an unknown station (lists of a known one may be empty). */
  async assertStation(stationId: string): Promise<void> {
    const r = await this.ctx.db.query('select 1 from stations where id = $1', [stationId]);
    if (r.rowCount === 0) throw notFound(stationId);
  }

  /**
   * A complete FullInventory lists everything the station has, so what it did not list is gone.
   * Runs once, after both the request's reply and the last part were seen (in either order).
   */
  private async pruneIfFull(stationId: string, tracked: Record<string, unknown>): Promise<void> {
    const request = tracked.request as { reportBase?: string } | null;
    if (!tracked.complete || tracked.kind !== 'GetBaseReport' || request?.reportBase !== 'FullInventory') return;
    const removed = await this.ctx.db.transaction(async (tx) => {
      const since = await reports.claimPrune(tx, stationId, 'NotifyReport', tracked.request_id as number);
      return since ? repo.deleteNotReportedSince(tx, stationId, since) : 0;
    });
    if (removed > 0) this.ctx.log.info({ stationId, removed }, 'device model: variables no longer in the full inventory removed');
  }
}
