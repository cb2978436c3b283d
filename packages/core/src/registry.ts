import type { V16, V201, V21 } from '@voltlane/ocpp';
import type { OcppVersion } from '@voltlane/ocpp';
import type { CallContext } from './context.js';

/** Handles one station CALL of a version; returns the response payload. */
export type CallHandlerFn = (call: CallContext, payload: never) => Promise<unknown>;
/** Runs after a command the CSMS sent was answered, to keep Voltlane's view in step with the charger. */
export type CommandEffectFn = (stationId: string, request: never, response: never) => Promise<void>;

/**
 * Where modules declare what they handle, per OCPP version and action (like `@on('BootNotification')`).
 * @example registry.on16('Heartbeat', async () => ({ currentTime: new Date().toISOString() }));
 */
export class HandlerRegistry {
  private readonly handlers = new Map<string, CallHandlerFn>();
  private readonly effects = new Map<string, CommandEffectFn[]>();

  /** Declares the handler of a CALL a 1.6 station sends. */
  on16<A extends V16.Action>(
    action: A,
    fn: (call: CallContext, req: V16.Actions[A]['request']) => Promise<V16.Actions[A]['response']>,
  ): void {
    this.handlers.set(key('ocpp1.6', action), fn as CallHandlerFn);
  }

  /** Declares a side effect of a 1.6 command once the charger answered it. */
  effect16<A extends V16.Action>(
    action: A,
    fn: (stationId: string, req: V16.Actions[A]['request'], res: V16.Actions[A]['response']) => Promise<void>,
  ): void {
    const k = key('ocpp1.6', action);
    this.effects.set(k, [...(this.effects.get(k) ?? []), fn as CommandEffectFn]);
  }

  /**
   * Declares the handler of a CALL a 2.0.1 or 2.1 station sends. OCPP 2.1 serves everything
   * 2.0.1 offers; its payloads are validated against the 2.1 schemas at the edge.
   */
  on201<A extends V201.Action>(
    action: A,
    fn: (call: CallContext, req: V201.Actions[A]['request']) => Promise<V201.Actions[A]['response']>,
  ): void {
    for (const v of V2X) this.handlers.set(key(v, action), fn as CallHandlerFn);
  }

  /** Declares the handler of a CALL only a 2.1 station sends (2.0.1 has no such action). */
  on21<A extends V21.Action>(
    action: A,
    fn: (call: CallContext, req: V21.Actions[A]['request']) => Promise<V21.Actions[A]['response']>,
  ): void {
    this.handlers.set(key('ocpp2.1', action), fn as CallHandlerFn);
  }

  /** Declares a side effect of a 2.0.1/2.1 command once the charger answered it. */
  effect201<A extends V201.Action>(
    action: A,
    fn: (stationId: string, req: V201.Actions[A]['request'], res: V201.Actions[A]['response']) => Promise<void>,
  ): void {
    for (const v of V2X) {
      const k = key(v, action);
      this.effects.set(k, [...(this.effects.get(k) ?? []), fn as CommandEffectFn]);
    }
  }

  /** Actions with a handler for a version (for docs and conformance checks). */
  handledActions(version: OcppVersion): string[] {
    const prefix = `${version}|`;
    return [...this.handlers.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort();
  }

  handler(version: OcppVersion, action: string): CallHandlerFn | undefined {
    return this.handlers.get(key(version, action));
  }

  effectsOf(version: OcppVersion, action: string): CommandEffectFn[] {
    return this.effects.get(key(version, action)) ?? [];
  }
}

const V2X: readonly OcppVersion[] = ['ocpp2.0.1', 'ocpp2.1'];

function key(version: OcppVersion, action: string): string {
  return `${version}|${action}`;
}
