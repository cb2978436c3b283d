import { RpcError, type V16 } from '@voltlane/ocpp';
import type { SimStation } from '../station.js';
import { core } from './core.js';
import { firmware } from './firmware.js';
import { localList } from './local-list.js';
import { remoteTrigger } from './remote-trigger.js';
import { reservation } from './reservation.js';
import { security } from './security.js';
import { smartCharging } from './smart-charging.js';

/** Every action the CSMS sends to a 1.6 charge point (feature profiles and security whitepaper). */
export type CsmsAction =
  | 'CancelReservation' | 'CertificateSigned' | 'ChangeAvailability' | 'ChangeConfiguration' | 'ClearCache'
  | 'ClearChargingProfile' | 'DataTransfer' | 'DeleteCertificate' | 'ExtendedTriggerMessage' | 'GetCompositeSchedule'
  | 'GetConfiguration' | 'GetDiagnostics' | 'GetInstalledCertificateIds' | 'GetLocalListVersion' | 'GetLog'
  | 'InstallCertificate' | 'RemoteStartTransaction' | 'RemoteStopTransaction' | 'ReserveNow' | 'Reset'
  | 'SendLocalList' | 'SetChargingProfile' | 'SignedUpdateFirmware' | 'TriggerMessage' | 'UnlockConnector'
  | 'UpdateFirmware';

/** Answers one CSMS call; side effects that send messages run after the answer (see {@link SimStation.later}). */
export type Handler<A extends CsmsAction> = (
  st: SimStation,
  req: V16.Actions[A]['request'],
) => V16.Actions[A]['response'] | Promise<V16.Actions[A]['response']>;

/** Handlers of some actions, one object per functional block. */
export type Handlers<K extends CsmsAction> = { [A in K]: Handler<A> };

// One table shared by every station: no per-instance closures.
const HANDLERS: Handlers<CsmsAction> = { ...core, ...firmware, ...localList, ...reservation, ...smartCharging, ...remoteTrigger, ...security };

/**
 * Answers a CSMS-initiated call (already validated against the 1.6 schema by the RPC layer).
 * @example dispatch(station, 'GetLocalListVersion', {}) // -> { listVersion: 0 }
 */
export function dispatch(st: SimStation, action: string, payload: Record<string, unknown>): unknown {
  const handler = (HANDLERS as Record<string, (st: SimStation, req: unknown) => unknown>)[action];
  if (!handler) throw new RpcError('NotImplemented', `${action} is not implemented by the simulator`);
  return handler(st, payload);
}
