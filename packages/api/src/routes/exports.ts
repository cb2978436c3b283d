import { EXPORT_FORMATS, EXPORT_KINDS } from '@voltlane/core';
import type { ApiOptions, App } from '../server.js';
import { List, Nullable, Paging, Type } from '../schemas.js';

const tags = ['exports'];
const err = { $ref: 'Error#' };
const operator = { access: 'operator' as const };
const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const Filter = Type.Object({
  from: Type.Optional(Type.String({ maxLength: 40, description: 'Start of the period, inclusive (ISO 8601 date or date-time; a date is 00:00 UTC)' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'End of the period, exclusive' })),
  stationId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  userId: Type.Optional(Type.Integer({ minimum: 1, description: 'Customer: the user owning the id token' })),
  partner: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Partner: the group id token (1.6 parentIdTag, 2.x groupIdToken)' })),
}, { additionalProperties: false });

const ExportJob = Type.Object({
  id: Type.Integer(),
  kind: Type.String({ enum: [...EXPORT_KINDS] }),
  format: Type.String({ enum: [...EXPORT_FORMATS] }),
  filter: Type.Object({}, { additionalProperties: true }),
  status: Type.String({ enum: ['queued', 'running', 'done', 'failed'] }),
  rows: Type.Integer({ description: 'Rows written so far; all rows once done' }),
  totalRows: Nullable(Type.Integer({ description: 'Rows the filter selects, once counted' })),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  error: Nullable(Type.String()),
  sizeBytes: Nullable(Type.Integer()),
  createdBy: Nullable(Type.Integer({ description: 'User id; null for the admin token' })),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
});

const KINDS_DOC =
  'sessions: one row per transaction with owner (userId), partner (group token), energy and cost; the period is the start. ' +
  'cdrs: one row per CDR with totals; the period is the session end. meter-values: one row per MeterValue with its samples as JSON; the period is the reading time. ' +
  'CSV is UTF-8 with a byte order mark, a header row, RFC 4180 quoting, times in ISO 8601 UTC and decimals with a point (ready for Excel); ' +
  'XLSX starts a new sheet every 1,048,576 rows (header included). A filter that matches nothing (from after to, an unknown station) gives a file with only the header.';

/** Background exports of sessions, CDRs and meter values as CSV or XLSX (operators). */
export function exportRoutes(app: App, { core }: ApiOptions): void {
  app.post('/exports', {
    config: operator,
    schema: {
      tags, summary: 'Start an export', description: `Runs in the background: poll GET /exports/{id} until status is done, then download. ${KINDS_DOC}`,
      body: Type.Object({
        kind: Type.String({ enum: [...EXPORT_KINDS] }),
        format: Type.String({ enum: [...EXPORT_FORMATS] }),
        filter: Type.Optional(Filter),
      }, { additionalProperties: false }),
      response: { 202: ExportJob, 400: err },
    },
  }, async (req, reply) => {
    const body = req.body as { kind: (typeof EXPORT_KINDS)[number]; format: (typeof EXPORT_FORMATS)[number]; filter?: Record<string, never> };
    const job = await core.exports.create(body, req.principal?.userId ?? null);
    return reply.code(202).header('location', `/api/v1/exports/${job.id}`).send(job);
  });

  app.get('/exports', {
    config: operator,
    schema: { tags, summary: 'List exports, newest first', querystring: Type.Object({ ...Paging }), response: { 200: List(ExportJob) } },
  }, async (req) => core.exports.list(req.query));

  app.get('/exports/:id', {
    config: operator,
    schema: { tags, summary: 'An export with its status and progress', params: Id, response: { 200: ExportJob, 404: err } },
  }, async (req) => core.exports.get(req.params.id));

  app.get('/exports/:id/download', {
    config: operator,
    schema: {
      tags, summary: 'Download a finished export', description: 'text/csv or XLSX as an attachment; 409 EXPORT_NOT_READY while queued or running, or when it failed.',
      params: Id, response: { 404: err, 409: err },
    },
  }, async (req, reply) => {
    const file = await core.exports.file(req.params.id);
    return reply
      .header('content-type', file.contentType)
      .header('content-length', String(file.size))
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('cache-control', 'no-store')
      .send(file.stream);
  });

  app.delete('/exports/:id', {
    config: operator,
    schema: { tags, summary: 'Delete an export and its file (a running one is cancelled)', params: Id, response: { 204: Type.Null(), 404: err } },
  }, async (req, reply) => {
    await core.exports.remove(req.params.id);
    return reply.code(204).send(null);
  });
}
