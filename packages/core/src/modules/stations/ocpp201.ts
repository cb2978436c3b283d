import type { HandlerRegistry } from '../../registry.js';
import { saveNetworkProfile } from './network-profiles.js';
import type { StationService } from './service.js';

/**
 * OCPP 2.0.1/2.1 provisioning (B01-B04, B09) and availability (G01): BootNotification, Heartbeat,
 * StatusNotification; the connection profiles sent with SetNetworkProfile and the answers.
 */
export function registerStations201(reg: HandlerRegistry, stations: StationService): void {
  reg.effect201('SetNetworkProfile', async (stationId, req, res) => {
    await saveNetworkProfile(stations.db, stationId, req.configurationSlot, req.connectionData as unknown as Record<string, unknown>, res.status, res.statusInfo);
  });

  reg.on201('BootNotification', async (call, req) => {
    const cs = req.chargingStation;
    const r = await stations.boot(
      call.stationId,
      call.version,
      {
        vendor: cs.vendorName,
        model: cs.model,
        serialNumber: cs.serialNumber,
        firmwareVersion: cs.firmwareVersion,
        iccid: cs.modem?.iccid,
        imsi: cs.modem?.imsi,
      },
      call.receivedAt,
    );
    return { status: r.status, interval: r.interval, currentTime: r.currentTime };
  });

  reg.on201('Heartbeat', async (call) => ({ currentTime: await stations.heartbeat(call.stationId, call.receivedAt) }));

  reg.on201('StatusNotification', async (call, req) => {
    await stations.status(call.stationId, {
      evseId: req.evseId,
      connectorId: req.connectorId,
      status: req.connectorStatus,
      errorCode: 'NoError',
      at: new Date(req.timestamp),
    });
    return {};
  });
}
