import type { HandlerRegistry } from '../../registry.js';
import type { MonitoringService } from './service.js';

/**
 * OCPP 2.0.1/2.1 diagnostics (N): NotifyEvent, NotifyMonitoringReport and NotifyCustomerInformation
 * from the station, and the effects of the monitoring and customer information commands.
 * LogStatusNotification belongs to the firmware module.
 */
export function registerMonitoring201(reg: HandlerRegistry, monitoring: MonitoringService): void {
  reg.on201('NotifyEvent', async (call, req) => {
    await monitoring.notifyEvent(call.stationId, req);
    return {};
  });
  reg.on201('NotifyMonitoringReport', async (call, req) => {
    await monitoring.monitoringReport(call.stationId, req, call.receivedAt);
    return {};
  });
  reg.on201('NotifyCustomerInformation', async (call, req) => {
    await monitoring.customerInformationPart(call.stationId, req, call.receivedAt);
    return {};
  });

  reg.effect201('GetMonitoringReport', (stationId, req, res) => monitoring.monitoringReportRequested(stationId, req, res.status));
  reg.effect201('SetVariableMonitoring', (stationId, req, res) => monitoring.monitorsSet(stationId, req, res));
  reg.effect201('ClearVariableMonitoring', (stationId, _req, res) => monitoring.monitorsCleared(stationId, res));
  reg.effect201('SetMonitoringBase', (stationId, req, res) => monitoring.monitoringBaseSet(stationId, req.monitoringBase, res.status));
  reg.effect201('SetMonitoringLevel', (stationId, req, res) => monitoring.monitoringLevelSet(stationId, req.severity, res.status));
  reg.effect201('CustomerInformation', (stationId, req, res) => monitoring.customerInformationRequested(stationId, req, res.status));
}
