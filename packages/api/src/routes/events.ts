import type { ApiOptions, App } from '../server.js';

/** GET /events: live events as Server-Sent Events (station connected, status, meter values, transactions). */
export function eventRoutes(app: App, { core }: ApiOptions): void {
  app.get('/events', {
    schema: {
      tags: ['events'],
      summary: 'Live events (text/event-stream). Browsers may pass the token as ?token= since EventSource cannot set headers.',
    },
  }, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const off = core.ctx.events.onAny((name, data) => {
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.raw.on('close', () => {
      off();
      clearInterval(keepAlive);
    });
  });
}
