import { EventEmitter } from 'node:events';

/** Live events the API streams to clients (SSE) and the web app listens to. */
export interface LiveEventMap {
  'station.connected': { stationId: string; version: string };
  'station.disconnected': { stationId: string; reason?: string };
  'station.booted': { stationId: string; status: string };
  'connector.status': { stationId: string; evseId: number; connectorId: number; status: string; errorCode?: string };
  'transaction.started': { stationId: string; transactionId: number; evseId: number; idToken: string | null };
  'transaction.stopped': { stationId: string; transactionId: number; energyWh: number | null; stopReason: string | null };
  'meter.values': { stationId: string; evseId: number; transactionId: number | null; energyWh?: number; powerW?: number };
  'firmware.status': { stationId: string; status: string };
  'diagnostics.status': { stationId: string; status: string };
}
export type LiveEventName = keyof LiveEventMap;

/**
 * Typed in-process event hub.
 * @example events.emit('station.connected', { stationId: 'CP1', version: 'ocpp1.6' });
 */
export class LiveEvents {
  private readonly ee = new EventEmitter();
  constructor() {
    this.ee.setMaxListeners(0);
  }
  emit<K extends LiveEventName>(name: K, data: LiveEventMap[K]): void {
    this.ee.emit(name, data);
    this.ee.emit('*', name, data);
  }
  /** Subscribes to every event; returns the unsubscribe function. */
  onAny(fn: (name: LiveEventName, data: unknown) => void): () => void {
    this.ee.on('*', fn);
    return () => this.ee.off('*', fn);
  }
  on<K extends LiveEventName>(name: K, fn: (data: LiveEventMap[K]) => void): () => void {
    this.ee.on(name, fn);
    return () => this.ee.off(name, fn);
  }
}
