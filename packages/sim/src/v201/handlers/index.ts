import { RpcError, type V201 } from '@voltlane/ocpp';
import type { Ocpp2 } from '../ocpp2.js';
import { authorization } from './authorization.js';
import { availability } from './availability.js';
import { diagnostics } from './diagnostics.js';
import { display } from './display.js';
import { firmware } from './firmware.js';
import { provisioning } from './provisioning.js';
import { remoteControl } from './remote-control.js';
import { reservation } from './reservation.js';
import { security } from './security.js';
import { smartCharging } from './smart-charging.js';
import { transactions } from './transactions.js';

/** Every action the CSMS sends to a 2.0.1 charging station that the simulator answers. */
export type CsmsAction201 =
  | 'CancelReservation' | 'CertificateSigned' | 'ChangeAvailability' | 'ClearCache' | 'ClearChargingProfile'
  | 'ClearDisplayMessage' | 'ClearVariableMonitoring' | 'CostUpdated' | 'CustomerInformation' | 'DataTransfer'
  | 'DeleteCertificate' | 'GetBaseReport' | 'GetChargingProfiles' | 'GetCompositeSchedule' | 'GetDisplayMessages'
  | 'GetInstalledCertificateIds' | 'GetLocalListVersion' | 'GetLog' | 'GetMonitoringReport' | 'GetReport'
  | 'GetTransactionStatus' | 'GetVariables' | 'InstallCertificate' | 'RequestStartTransaction' | 'RequestStopTransaction'
  | 'ReserveNow' | 'Reset' | 'SendLocalList' | 'SetChargingProfile' | 'SetDisplayMessage' | 'SetMonitoringBase'
  | 'SetMonitoringLevel' | 'SetNetworkProfile' | 'SetVariableMonitoring' | 'SetVariables' | 'TriggerMessage'
  | 'UnlockConnector' | 'UpdateFirmware';

/** Answers one CSMS call; side effects that send messages run after the answer (see SimStation.later). */
export type Handler201<A extends CsmsAction201> = (
  o: Ocpp2,
  req: V201.Actions[A]['request'],
) => V201.Actions[A]['response'] | Promise<V201.Actions[A]['response']>;

/** Handlers of some actions, one object per functional block. */
export type Handlers201<K extends CsmsAction201> = { [A in K]: Handler201<A> };

// One table shared by every station: no per-instance closures.
const HANDLERS: Handlers201<CsmsAction201> = {
  ...security, ...provisioning, ...authorization, ...transactions, ...remoteControl, ...availability,
  ...reservation, ...smartCharging, ...firmware, ...diagnostics, ...display,
};

/**
 * Answers a CSMS-initiated 2.x call (already validated against the schema by the RPC layer).
 * PublishFirmware and UnpublishFirmware (local controllers only) answer NotImplemented.
 * @example dispatch201(station.ocpp2!, 'GetLocalListVersion', {}) // -> { versionNumber: 0 }
 */
export function dispatch201(o: Ocpp2, action: string, payload: Record<string, unknown>): unknown {
  const handler = (HANDLERS as Record<string, (o: Ocpp2, req: unknown) => unknown>)[action];
  if (!handler) throw new RpcError('NotImplemented', `${action} is not implemented by the simulator`);
  return handler(o, payload);
}
