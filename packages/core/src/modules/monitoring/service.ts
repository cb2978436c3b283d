import type { V201 } from '@voltlane/ocpp';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import type { HandlerRegistry } from '../../registry.js';
import { page } from '../../rows.js';
import { keyOf, type ComponentVariable } from '../device-model/component-variable.js';
import * as reports from '../device-model/report-requests.js';
import { notFound } from '../stations/service.js';
import { registerMonitoring201 } from './ocpp201.js';
import * as repo from './repository.js';

/** Customer information a station sent for one CustomerInformation request (N09/N10). */
export interface CustomerInformation extends reports.ReportRequest {
  /** The chunks joined in seqNo order. */
  data: string;
  chunks: repo.CustomerPart[];
}

/**
 * Diagnostics of OCPP 2.x stations (N): the events they notify, the variable monitors they run,
 * and the customer information they send on request.
 * @example const { items } = await monitoring.events('CP1', { trigger: 'Alerting' });
 */
export class MonitoringService {
  constructor(private readonly ctx: CoreContext) {}

  register201(reg: HandlerRegistry): void {
    registerMonitoring201(reg, this);
  }

  /** NotifyEvent (N07, N08): every event is stored once, even when the message is retried. */
  async notifyEvent(stationId: string, req: V201.NotifyEventRequest): Promise<void> {
    const rows = req.eventData.map((e): repo.EventRow => ({
      ...cvColumns(e),
      eventId: e.eventId,
      timestamp: e.timestamp,
      trigger: e.trigger,
      cause: e.cause ?? null,
      actualValue: e.actualValue,
      techCode: e.techCode ?? null,
      techInfo: e.techInfo ?? null,
      cleared: e.cleared ?? null,
      transactionId: e.transactionId ?? null,
      variableMonitoringId: e.variableMonitoringId ?? null,
      eventNotificationType: e.eventNotificationType,
      severity: (e as { severity?: number }).severity ?? null, // OCPP 2.1
    }));
    await repo.insertEvents(this.ctx.db, stationId, rows, req.generatedAt);
  }

  /** NotifyMonitoringReport (N02): stores the monitors of one part; a whole-station report replaces the stored list. */
  async monitoringReport(stationId: string, req: V201.NotifyMonitoringReportRequest, at: Date): Promise<void> {
    const byId = new Map<number, repo.MonitorRow>();
    for (const m of req.monitor ?? []) {
      for (const v of m.variableMonitoring) {
        byId.set(v.id, {
          ...cvColumns(m), id: v.id, type: v.type, value: v.value, severity: v.severity, transaction: v.transaction,
          eventNotificationType: (v as { eventNotificationType?: string }).eventNotificationType ?? null, // OCPP 2.1
        });
      }
    }
    await repo.upsertMonitors(this.ctx.db, stationId, [...byId.values()], 'report', at);
    const tracked = await reports.recordPart(this.ctx.db, stationId, 'NotifyMonitoringReport', {
      requestId: req.requestId, seqNo: req.seqNo, tbc: req.tbc ?? false, at,
    });
    await this.pruneIfWhole(stationId, tracked);
  }

  /** The reply to GetMonitoringReport (N02): the parts follow in NotifyMonitoringReport. */
  async monitoringReportRequested(stationId: string, req: V201.GetMonitoringReportRequest, status: string): Promise<void> {
    const tracked = await reports.recordRequest(this.ctx.db, stationId, 'NotifyMonitoringReport', {
      requestId: req.requestId, kind: 'GetMonitoringReport', request: req, responseStatus: status,
    });
    await this.pruneIfWhole(stationId, tracked);
  }

  /** The reply to SetVariableMonitoring (N04): accepted monitors are stored with the id the station gave them. */
  async monitorsSet(stationId: string, req: V201.SetVariableMonitoringRequest, res: V201.SetVariableMonitoringResponse): Promise<void> {
    const rows: repo.MonitorRow[] = [];
    res.setMonitoringResult.forEach((r, i) => {
      if (r.status !== 'Accepted' || r.id === undefined) return;
      const d = matchRequest(req.setMonitoringData, r, i);
      if (!d) return;
      rows.push({
        ...cvColumns(r), id: r.id, type: r.type, value: d.value, severity: r.severity, transaction: d.transaction ?? false,
        eventNotificationType: null,
      });
    });
    const unique = [...new Map(rows.map((m) => [m.id, m])).values()];
    await repo.upsertMonitors(this.ctx.db, stationId, unique, 'set', new Date());
  }

  /** The reply to ClearVariableMonitoring (N06): cleared and unknown monitors are removed. */
  async monitorsCleared(stationId: string, res: V201.ClearVariableMonitoringResponse): Promise<void> {
    const gone = res.clearMonitoringResult.filter((r) => r.status === 'Accepted' || r.status === 'NotFound').map((r) => r.id);
    await repo.deleteMonitors(this.ctx.db, stationId, gone);
  }

  /** The reply to SetMonitoringBase (N03): HardWiredOnly clears every custom monitor. */
  async monitoringBaseSet(stationId: string, base: V201.MonitoringBaseEnumType, status: string): Promise<void> {
    if (status !== 'Accepted') return;
    await repo.saveSettings(this.ctx.db, stationId, { monitoringBase: base });
    if (base === 'HardWiredOnly') await repo.deleteSetMonitors(this.ctx.db, stationId);
  }

  /** The reply to SetMonitoringLevel (N05). */
  async monitoringLevelSet(stationId: string, severity: number, status: string): Promise<void> {
    if (status === 'Accepted') await repo.saveSettings(this.ctx.db, stationId, { monitoringLevel: severity });
  }

  /** NotifyCustomerInformation (N09/N10): stores one chunk of a request's data. */
  async customerInformationPart(stationId: string, req: V201.NotifyCustomerInformationRequest, at: Date): Promise<void> {
    await this.ctx.db.transaction((tx) =>
      repo.putCustomerPart(tx, stationId, { requestId: req.requestId, seqNo: req.seqNo, data: req.data, generatedAt: req.generatedAt }),
    );
    await reports.recordPart(this.ctx.db, stationId, 'NotifyCustomerInformation', {
      requestId: req.requestId, seqNo: req.seqNo, tbc: req.tbc ?? false, at,
    });
  }

  /** The reply to CustomerInformation (N09/N10). */
  async customerInformationRequested(stationId: string, req: V201.CustomerInformationRequest, status: string): Promise<void> {
    await reports.recordRequest(this.ctx.db, stationId, 'NotifyCustomerInformation', {
      // Clearing without a report sends no NotifyCustomerInformation.
      requestId: req.requestId, kind: 'CustomerInformation', request: req, responseStatus: status, expectsParts: req.report,
    });
  }

  /** Events a station notified, newest first. */
  async events(stationId: string, q: repo.EventFilter & { limit?: number; offset?: number }) {
    await this.assertStation(stationId);
    return repo.listEvents(this.ctx.db, stationId, { ...q, ...page(q) });
  }

  /** A station's variable monitors, with the monitoring base and level it accepted last. */
  async monitors(stationId: string, q: { component?: string | undefined; variable?: string | undefined } = {}) {
    await this.assertStation(stationId);
    const items = await repo.listMonitors(this.ctx.db, stationId, q);
    return { items, total: items.length, ...(await repo.getSettings(this.ctx.db, stationId)) };
  }

  /** CustomerInformation requests and where their data stands, newest first. */
  async customerInformationRequests(stationId: string, limit = 50): Promise<reports.ReportRequest[]> {
    await this.assertStation(stationId);
    return reports.listRequests(this.ctx.db, stationId, 'NotifyCustomerInformation', limit);
  }

  /** The customer information of one request: status and the data received so far. */
  async customerInformation(stationId: string, requestId: number): Promise<CustomerInformation> {
    await this.assertStation(stationId);
    const request = await reports.findRequest(this.ctx.db, stationId, 'NotifyCustomerInformation', requestId);
    if (!request) {
      throw new AppError('NOT_FOUND', `Station ${stationId} has no customer information request ${requestId}: ` +
        `send one with POST /api/v1/stations/${stationId}/commands/CustomerInformation`);
    }
    const chunks = await repo.customerParts(this.ctx.db, stationId, requestId);
    return { ...request, data: chunks.map((c) => c.data).join(''), chunks };
  }

  private async assertStation(stationId: string): Promise<void> {
    const r = await this.ctx.db.query('select 1 from stations where id = $1', [stationId]);
    if (r.rowCount === 0) throw notFound(stationId);
  }

  /**
   * A complete GetMonitoringReport without criteria lists every monitor the station has, so
   * monitors it did not list are gone. Runs once, after both the reply and the last part were seen.
   */
  private async pruneIfWhole(stationId: string, tracked: Record<string, unknown>): Promise<void> {
    const request = tracked.request as V201.GetMonitoringReportRequest | null;
    if (!tracked.complete || tracked.kind !== 'GetMonitoringReport' || !request || request.componentVariable || request.monitoringCriteria) return;
    await this.ctx.db.transaction(async (tx) => {
      const since = await reports.claimPrune(tx, stationId, 'NotifyMonitoringReport', tracked.request_id as number);
      if (since) await repo.deleteMonitorsNotSeenSince(tx, stationId, since);
    });
  }
}

function cvColumns(cv: ComponentVariable): repo.CvColumns {
  return {
    componentName: cv.component.name,
    componentInstance: cv.component.instance ?? null,
    evseId: cv.component.evse?.id ?? null,
    connectorId: cv.component.evse?.connectorId ?? null,
    variableName: cv.variable.name,
    variableInstance: cv.variable.instance ?? null,
  };
}

/** The request entry a SetVariableMonitoring result answers: the one at the same position, else the first that fits. */
function matchRequest(
  data: V201.SetMonitoringDataType[], r: V201.SetMonitoringResultType, i: number,
): V201.SetMonitoringDataType | undefined {
  const fits = (d: V201.SetMonitoringDataType | undefined) =>
    d !== undefined && keyOf(d) === keyOf(r) && d.type === r.type && d.severity === r.severity;
  return fits(data[i]) ? data[i] : data.find(fits);
}
