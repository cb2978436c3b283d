import { toMainUnitNumber } from '@voltlane/billing';
import type { HandlerRegistry } from '../../registry.js';
import { toIdTokenInfo2x } from '../authorization/service.js';
import type { TariffService } from '../tariffs/service.js';
import type { TransactionService } from './service.js';

/**
 * OCPP 2.0.1/2.1 transactions (E) and meter values (J): TransactionEvent and MeterValues.
 * GetTransactionStatus, RequestStartTransaction and RequestStopTransaction are commands
 * (POST /api/v1/stations/{id}/commands/{Action}); the remoteStartId a started transaction
 * reports is stored with it. With tariffs: the running cost goes out as CostUpdated (I02), an
 * accepted token gets its tariff as personalMessage (I01), and after a tariff change the new
 * tariff as updatedPersonalMessage (I06).
 */
export function registerTransactions201(
  reg: HandlerRegistry,
  txs: TransactionService,
  tariffs?: Pick<TariffService, 'sendRunningCost' | 'driverInfoForTransaction' | 'tariffChangeMessage'>,
): void {
  reg.on201('TransactionEvent', async (call, req) => {
    const info = req.transactionInfo;
    const r = await txs.event({
      stationId: call.stationId,
      eventType: req.eventType,
      ocppTransactionId: info.transactionId,
      seqNo: req.seqNo,
      timestamp: new Date(req.timestamp),
      triggerReason: req.triggerReason,
      offline: req.offline ?? false,
      evseId: req.evse?.id,
      connectorId: req.evse?.connectorId,
      idToken: req.idToken && { idToken: req.idToken.idToken, type: req.idToken.type },
      chargingState: info.chargingState,
      stoppedReason: info.stoppedReason,
      remoteStartId: info.remoteStartId,
      reservationId: req.reservationId,
      timeSpentChargingSec: info.timeSpentCharging,
      meterValues: req.meterValue,
    });
    const totalCost = r.cost ? toMainUnitNumber(r.cost.inclVat, r.cost.currency) : undefined;
    // The response's totalCost "SHALL only be sent when charging has ended" (final cost; absent
    // means "not free"); while charging, the running cost goes out as CostUpdated (I02).
    if (totalCost !== undefined && req.eventType === 'Updated') tariffs?.sendRunningCost(call.stationId, info.transactionId, totalCost);
    let idTokenInfo = r.idTokenInfo && toIdTokenInfo2x(r.idTokenInfo, call.version);
    if (idTokenInfo && tariffs && req.idToken && idTokenInfo.status === 'Accepted') {
      // A message set on the token itself wins over the tariff text.
      idTokenInfo = { ...(await tariffs.driverInfoForTransaction(call.stationId, info.transactionId, req.idToken.idToken, call.version)), ...idTokenInfo };
    }
    const updatedPersonalMessage = r.cost && tariffs && req.eventType !== 'Ended'
      ? await tariffs.tariffChangeMessage(call.stationId, info.transactionId, call.version)
      : undefined;
    return {
      ...(totalCost !== undefined && req.eventType === 'Ended' ? { totalCost } : {}),
      ...(idTokenInfo ? { idTokenInfo } : {}),
      ...(updatedPersonalMessage ? { updatedPersonalMessage } : {}),
    };
  });

  // Meter values outside transactions (J01; evseId 0 is the station's main meter): transaction
  // meter values travel in TransactionEvent.
  reg.on201('MeterValues', async (call, req) => {
    await txs.meterValues(call.stationId, req.evseId, null, req.meterValue);
    return {};
  });
}
