import type { ApiOptions, App } from '../server.js';
import { List, Paging, Transaction, Type } from '../schemas.js';

const tags = ['transactions'];

/** Charging transactions of every OCPP version with energy, their meter values and 2.x events. */
export function transactionRoutes(app: App, { core }: ApiOptions): void {
  app.get('/transactions', {
    schema: {
      tags, summary: 'List transactions (newest first)',
      querystring: Type.Object({
        ...Paging,
        stationId: Type.Optional(Type.String()),
        status: Type.Optional(Type.String({ enum: ['active', 'completed'] })),
        idToken: Type.Optional(Type.String()),
        ocppTransactionId: Type.Optional(Type.String({ description: 'OCPP 2.x transactionId (with stationId: one transaction)' })),
      }),
      response: { 200: List(Transaction) },
    },
  }, async (req) => core.transactions.list(req.query));

  app.get('/transactions/:id', {
    schema: {
      tags, summary: 'A transaction with its meter values and (2.x) the events received',
      params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
      response: { 200: Transaction, 404: { $ref: 'Error#' } },
    },
  }, async (req) => core.transactions.get(req.params.id));
}
