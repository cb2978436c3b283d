import { AppError } from '@voltlane/core';
import type { ApiOptions, App } from '../server.js';
import { AnyObject, List, Type } from '../schemas.js';

const Name = Type.String({ minLength: 1, maxLength: 200 });

/**
 * Files chargers fetch and send over HTTP: firmware images (operators upload, chargers download
 * from the UpdateFirmware location) and diagnostics (chargers upload to the GetDiagnostics location).
 */
export function fileRoutes(app: App, { core }: ApiOptions): void {
  // Operator side, under /api/v1 (admin token).
  app.put('/api/v1/files/firmware/:name', {
    config: { access: 'operator' },
    schema: {
      tags: ['firmware'], summary: 'Upload a firmware image (raw body); returns the URL to use in UpdateFirmware',
      params: Type.Object({ name: Name }), consumes: ['application/octet-stream'],
    },
  }, async (req, reply) => {
    const body = req.body;
    if (!Buffer.isBuffer(body)) throw new AppError('VALIDATION_FAILED', 'Send the file as the raw body with Content-Type: application/octet-stream');
    return reply.code(201).send(await core.firmware.put('firmware', req.params.name, body, { contentType: 'application/octet-stream' }));
  });

  app.get('/api/v1/files', {
    config: { access: 'operator' },
    schema: {
      tags: ['firmware'], summary: 'List firmware and diagnostics files',
      querystring: Type.Object({ kind: Type.Optional(Type.String({ enum: ['firmware', 'diagnostics'] })), stationId: Type.Optional(Type.String()) }),
      response: { 200: List(AnyObject) },
    },
  }, async (req) => {
    const items = await core.firmware.list(req.query as never);
    return { items, total: items.length };
  });

  app.get('/api/v1/files/diagnostics/:stationId/:name', {
    config: { access: 'operator' },
    schema: { tags: ['diagnostics'], summary: 'Download a diagnostics file a station uploaded', params: Type.Object({ stationId: Type.String(), name: Name }) },
  }, async (req, reply) => {
    const { file, data } = await core.firmware.read('diagnostics', `${req.params.stationId}/${req.params.name}`);
    return reply.header('content-type', file.contentType ?? 'application/octet-stream').header('content-disposition', `attachment; filename="${req.params.name}"`).send(data);
  });

  // Charger side, public: chargers cannot send the admin token.
  app.get('/files/firmware/:name', { config: { access: 'public' }, schema: { hide: true, params: Type.Object({ name: Name }) } }, async (req, reply) => {
    const { file, data } = await core.firmware.read('firmware', req.params.name);
    return reply.header('content-type', 'application/octet-stream').header('x-checksum-sha256', file.sha256).send(data);
  });

  const upload = async (req: { params: { stationId: string; name: string }; body: unknown; headers: Record<string, unknown> }) => {
    // Only known stations may upload; unknown ones get 404 rather than free storage.
    await core.stations.get(req.params.stationId);
    const body = req.body;
    if (!Buffer.isBuffer(body) && typeof body !== 'string') throw new AppError('VALIDATION_FAILED', 'Empty diagnostics upload');
    const data = Buffer.isBuffer(body) ? body : Buffer.from(body);
    return core.firmware.put('diagnostics', req.params.name, data, {
      stationId: req.params.stationId,
      contentType: String(req.headers['content-type'] ?? 'application/octet-stream'),
    });
  };
  const params = Type.Object({ stationId: Type.String({ minLength: 1, maxLength: 48 }), name: Name });
  app.put('/files/diagnostics/:stationId/:name', { config: { access: 'public' }, schema: { hide: true, params } }, async (req, reply) => reply.code(201).send(await upload(req as never)));
  app.post('/files/diagnostics/:stationId/:name', { config: { access: 'public' }, schema: { hide: true, params } }, async (req, reply) => reply.code(201).send(await upload(req as never)));
}
