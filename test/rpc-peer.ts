/**
 * The independent charger for tests: an ocpp-rpc client in strict mode.
 *
 * Peer quirk (ocpp-rpc 2.2.1): its bundled OCPP 2.1 schemas have ids like `urn:BootNotificationRequest`
 * while its validator looks schemas up as `urn:BootNotification.req`, so strict mode fails every
 * 2.1 call. We give it a 2.1 validator built from the same, unmodified schemas with only the ids
 * normalised to the form it looks up.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const rpc = require('ocpp-rpc') as any;
const schemas21 = require('ocpp-rpc/lib/schemas/ocpp2_1.json') as { $id: string }[];

const v21 = rpc.createValidator(
  'ocpp2.1',
  schemas21.map((s) => ({ ...s, $id: s.$id.replace(/Request$/, '.req').replace(/Response$/, '.conf') })),
);

export const { createRPCError } = rpc;

/** A strict ocpp-rpc charger (not yet connected). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function rpcCharger(opts: { endpoint: string; identity: string; protocols: string[]; password?: string; callTimeoutMs?: number }): any {
  return new rpc.RPCClient({
    reconnect: false,
    callTimeoutMs: 5000,
    ...opts,
    strictMode: true,
    strictModeValidators: [v21],
  });
}
