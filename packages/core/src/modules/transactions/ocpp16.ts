import type { HandlerRegistry } from '../../registry.js';
import { toIdTagInfo } from '../authorization/service.js';
import type { TransactionService } from './service.js';

/** OCPP 1.6 StartTransaction, MeterValues, StopTransaction. Connector n is EVSE n, connector 1. */
export function registerTransactions16(reg: HandlerRegistry, txs: TransactionService): void {
  reg.on16('StartTransaction', async (call, req) => {
    const r = await txs.start({
      stationId: call.stationId,
      evseId: req.connectorId,
      connectorId: 1,
      idToken: req.idTag,
      meterStartWh: req.meterStart,
      startedAt: new Date(req.timestamp),
      reservationId: req.reservationId,
    });
    return { transactionId: r.transactionId, idTagInfo: toIdTagInfo(r.idTokenInfo) };
  });

  reg.on16('MeterValues', async (call, req) => {
    await txs.meterValues(call.stationId, req.connectorId, req.transactionId ?? null, req.meterValue);
    return {};
  });

  reg.on16('StopTransaction', async (call, req) => {
    const r = await txs.stop({
      stationId: call.stationId,
      transactionId: req.transactionId,
      meterStopWh: req.meterStop,
      stoppedAt: new Date(req.timestamp),
      // 1.6: an absent reason means Local
      reason: req.reason ?? 'Local',
      idToken: req.idTag,
      meterValues: req.transactionData,
    });
    return r.idTokenInfo ? { idTagInfo: toIdTagInfo(r.idTokenInfo) } : {};
  });
}
