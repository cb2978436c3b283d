import { existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from './server.js';

/** Where `vite build` puts the web app (packages/web/dist). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Serves the React web app under /app/: hashed assets cached for a year, every other /app/ path
 * answered with index.html so the app's own router takes it (deep links, QR start URLs). Files are
 * looked up on disk per request, so a rebuild while Voltlane runs is picked up without a restart.
 */
export async function webAppRoutes(app: App, dir = WEB_DIST): Promise<void> {
  await app.register(fastifyStatic, { root: dir, serve: false, cacheControl: false });
  app.get('/app', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/app/'));
  app.get('/app/*', { schema: { hide: true } }, async (req, reply) => {
    if (!existsSync(join(dir, 'index.html'))) {
      return reply.code(503).type('text/plain').send('The web app is not built. Run `npm run build:web` (npm install and npm start do it).');
    }
    const rel = normalize(decodeURIComponent((req.params as { '*': string })['*'] ?? '')).replace(/^(\.\.[/\\])+/, '');
    const file = rel && !rel.startsWith('..') ? join(dir, rel) : '';
    if (file && existsSync(file) && statSync(file).isFile()) {
      const hashed = rel.startsWith('assets/');
      return reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache').sendFile(rel);
    }
    // A missing hashed asset is a stale page asking for an old build: 404, not the app's HTML.
    if (rel.startsWith('assets/')) return reply.code(404).type('text/plain').send('Not found');
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
