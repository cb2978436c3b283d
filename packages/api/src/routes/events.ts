import type { Core, LiveEventName } from '@voltlane/core';
import type { ApiOptions, App } from '../server.js';

/** Events every logged-in user may see: whether stations and connectors are available. */
const AVAILABILITY = new Set<LiveEventName>(['station.connected', 'station.disconnected', 'connector.status']);
/** A "not yours" answer is re-checked after this long (a 2.x transaction may get its id token later). */
const NOT_OWNED_TTL_MS = 3000;

/**
 * Which events a driver receives: availability events, and events about transactions started with
 * an id token they own. Ownership is looked up once per transaction and cached per stream.
 */
function driverFilter(core: Core, userId: number): (name: LiveEventName, data: unknown) => Promise<boolean> {
  const owned = new Set<number>();
  const notOwned = new Map<number, number>();
  return async (name, data) => {
    if (AVAILABILITY.has(name)) return true;
    const d = data as { transactionId?: number | null; idToken?: string | null };
    if (typeof d.transactionId !== 'number') return false;
    if (owned.has(d.transactionId)) return true;
    if ((notOwned.get(d.transactionId) ?? 0) > Date.now()) return false;
    const mine = name === 'transaction.started' && d.idToken
      ? await core.driver.ownsIdToken(userId, d.idToken)
      : await core.driver.owns(userId, d.transactionId);
    if (mine) owned.add(d.transactionId);
    else notOwned.set(d.transactionId, Date.now() + NOT_OWNED_TTL_MS);
    return mine;
  };
}

/**
 * GET /events: live events as Server-Sent Events (station connected, status, meter values,
 * transactions). Operators and admins get every event; drivers only availability events and
 * those of their own transactions.
 */
export function eventRoutes(app: App, { core }: ApiOptions): void {
  app.get('/events', {
    config: { access: 'user' },
    schema: {
      tags: ['events'],
      summary: 'Live events (text/event-stream). Browsers use the session cookie; API clients may pass their token as ?token= since EventSource cannot set headers. ' +
        'Drivers receive station/connector availability and events of their own transactions only.',
    },
  }, (req, reply) => {
    const principal = req.principal!;
    const filter = principal.role === 'driver' && principal.userId !== null ? driverFilter(core, principal.userId) : undefined;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const send = (name: string, data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    // Filtered events go through one chain so they keep their order.
    let chain = Promise.resolve();
    const off = core.ctx.events.onAny((name, data) => {
      if (!filter) return void send(name, data);
      chain = chain
        .then(async () => {
          if (await filter(name, data)) send(name, data);
        })
        .catch((err: unknown) => req.log.error({ err }, 'live event filter failed'));
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.raw.on('close', () => {
      off();
      clearInterval(keepAlive);
    });
  });
}
