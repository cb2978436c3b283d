import type { HandlerRegistry } from '../../registry.js';
import type { StationService } from './service.js';

/** OCPP 1.6 provisioning messages: BootNotification, Heartbeat, StatusNotification. */
export function registerStations16(reg: HandlerRegistry, stations: StationService): void {
  reg.on16('BootNotification', async (call, req) =>
    stations.boot(
      call.stationId,
      call.version,
      {
        vendor: req.chargePointVendor,
        model: req.chargePointModel,
        serialNumber: req.chargePointSerialNumber,
        chargeBoxSerialNumber: req.chargeBoxSerialNumber,
        firmwareVersion: req.firmwareVersion,
        iccid: req.iccid,
        imsi: req.imsi,
        meterType: req.meterType,
        meterSerialNumber: req.meterSerialNumber,
      },
      call.receivedAt,
    ),
  );

  reg.on16('Heartbeat', async (call) => ({ currentTime: await stations.heartbeat(call.stationId, call.receivedAt) }));

  reg.on16('StatusNotification', async (call, req) => {
    // 1.6 connector n is EVSE n with a single connector 1; connector 0 is the whole station.
    await stations.status(call.stationId, {
      evseId: req.connectorId,
      connectorId: req.connectorId === 0 ? 0 : 1,
      status: req.status,
      errorCode: req.errorCode,
      info: req.info,
      vendorId: req.vendorId,
      vendorErrorCode: req.vendorErrorCode,
      at: req.timestamp ? new Date(req.timestamp) : call.receivedAt,
    });
    return {};
  });
}
