import { useEffect, useRef } from 'react';

/** Live event names streamed by GET /api/v1/events (see packages/core/src/events.ts). */
export type LiveEventName =
  | 'station.connected'
  | 'station.disconnected'
  | 'station.booted'
  | 'connector.status'
  | 'transaction.started'
  | 'transaction.stopped'
  | 'meter.values'
  | 'firmware.status'
  | 'diagnostics.status';

type Handler = (name: LiveEventName, data: Record<string, unknown>) => void;

const NAMES: LiveEventName[] = [
  'station.connected', 'station.disconnected', 'station.booted', 'connector.status', 'transaction.started',
  'transaction.stopped', 'meter.values', 'firmware.status', 'diagnostics.status',
];

// One EventSource for the whole page, shared by every component that listens.
let source: EventSource | null = null;
const handlers = new Set<Handler>();

function ensureSource(): void {
  if (source) return;
  source = new EventSource('/api/v1/events', { withCredentials: true });
  for (const name of NAMES) {
    source.addEventListener(name, (e) => {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse((e as MessageEvent<string>).data) as Record<string, unknown>;
      } catch {
        return;
      }
      for (const h of handlers) h(name, data);
    });
  }
}

/**
 * Calls `onEvent` for every live event while the component is mounted.
 * @example useLiveEvents((name, data) => { if (name === 'connector.status') reload(); });
 */
export function useLiveEvents(onEvent: Handler): void {
  const ref = useRef(onEvent);
  ref.current = onEvent;
  useEffect(() => {
    const h: Handler = (n, d) => ref.current(n, d);
    handlers.add(h);
    ensureSource();
    return () => {
      handlers.delete(h);
      if (handlers.size === 0 && source) {
        source.close();
        source = null;
      }
    };
  }, []);
}
