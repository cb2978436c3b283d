import type { ApiOptions, App } from '../server.js';
import { List, Paging, Transaction, Type } from '../schemas.js';

const tags = ['transactions'];

/** Charging transactions of every OCPP version with energy, their meter values and 2.x events. */
export function transactionRoutes(app: App, { core }: ApiOptions): void {
  app.get('/transactions', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'List transactions (newest first)',
      querystring: Type.Object({
        ...Paging,
        stationId: Type.Optional(Type.String()),
        status: Type.Optional(Type.String({ enum: ['active', 'completed'] })),
        idToken: Type.Optional(Type.String()),
        ocppTransactionId: Type.Optional(Type.String({ description: 'OCPP 2.x transactionId (with stationId: one transaction)' })),
        from: Type.Optional(Type.String({ format: 'date-time', description: 'started at or after (ISO 8601 date-time with zone, e.g. 2026-01-01T00:00:00Z)' })),
        to: Type.Optional(Type.String({ format: 'date-time', description: 'started before (exclusive)' })),
      }),
      response: { 200: List(Transaction), 400: { $ref: 'Error#' } },
    },
  }, async (req) => {
    const { from, to, ...q } = req.query;
    return core.transactions.list({ ...q, ...(from ? { from: new Date(from) } : {}), ...(to ? { to: new Date(to) } : {}) });
  });

  app.get('/transactions/:id', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'A transaction with its meter values and (2.x) the events received',
      params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
      response: { 200: Transaction, 404: { $ref: 'Error#' } },
    },
  }, async (req) => core.transactions.get(req.params.id));
}
