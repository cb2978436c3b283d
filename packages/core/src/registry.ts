import type { V16 } from '@voltlane/ocpp';
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

  handler(version: OcppVersion, action: string): CallHandlerFn | undefined {
    return this.handlers.get(key(version, action));
  }

  effectsOf(version: OcppVersion, action: string): CommandEffectFn[] {
    return this.effects.get(key(version, action)) ?? [];
  }
}

function key(version: OcppVersion, action: string): string {
  return `${version}|${action}`;
}
