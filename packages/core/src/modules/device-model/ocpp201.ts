import type { HandlerRegistry } from '../../registry.js';
import type { DeviceModelService } from './service.js';

/**
 * OCPP 2.0.1/2.1 provisioning, device model part: NotifyReport from the station (B07/B08) and the
 * effects of GetBaseReport, GetReport, GetVariables and SetVariables (B05, B06, B08).
 */
export function registerDeviceModel201(reg: HandlerRegistry, deviceModel: DeviceModelService): void {
  reg.on201('NotifyReport', async (call, req) => {
    await deviceModel.report(call.stationId, req, call.receivedAt);
    return {};
  });

  reg.effect201('GetBaseReport', (stationId, req, res) => deviceModel.reportRequested(stationId, 'GetBaseReport', req, res.status));
  reg.effect201('GetReport', (stationId, req, res) => deviceModel.reportRequested(stationId, 'GetReport', req, res.status));
  reg.effect201('GetVariables', (stationId, _req, res) => deviceModel.variablesRead(stationId, res));
  reg.effect201('SetVariables', (stationId, req, res) => deviceModel.variablesSet(stationId, req, res));
}
