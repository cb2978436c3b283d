import type { ApiOptions, App } from '../server.js';
import { List, Paging, Type } from '../schemas.js';

const tags = ['cdrs'];
const err = { $ref: 'Error#' };
const operator = { access: 'operator' as const };
const open = { additionalProperties: true } as const;

const OcpiPrice = Type.Object({ excl_vat: Type.Number(), incl_vat: Type.Optional(Type.Number()) });

/** The OCPI 2.2.1 CDR object (main fields declared; every field of the stored object is returned). */
export const CdrSchema = Type.Object({
  country_code: Type.String(),
  party_id: Type.String(),
  id: Type.String({ description: 'CDR-<transaction id>; a credit CDR appends -C' }),
  start_date_time: Type.String({ format: 'date-time' }),
  end_date_time: Type.String({ format: 'date-time' }),
  session_id: Type.Optional(Type.String({ description: "Voltlane's transaction id" })),
  cdr_token: Type.Object({}, open),
  auth_method: Type.String({ enum: ['AUTH_REQUEST', 'COMMAND', 'WHITELIST'] }),
  cdr_location: Type.Object({}, { ...open, description: 'The station; fields Voltlane does not know are "#NA" (OCPI "No data available")' }),
  currency: Type.String(),
  tariffs: Type.Optional(Type.Array(Type.Object({}, open))),
  charging_periods: Type.Array(Type.Object({
    start_date_time: Type.String({ format: 'date-time' }),
    dimensions: Type.Array(Type.Object({ type: Type.String(), volume: Type.Number() })),
    tariff_id: Type.Optional(Type.String()),
  })),
  total_cost: OcpiPrice,
  total_energy: Type.Number({ description: 'kWh' }),
  total_time: Type.Number({ description: 'hours' }),
  credit: Type.Optional(Type.Boolean()),
  credit_reference_id: Type.Optional(Type.String()),
  last_updated: Type.String({ format: 'date-time' }),
}, { ...open, description: 'OCPI 2.2.1 CDR (mod_cdrs): also total_fixed_cost, total_energy_cost, total_time_cost, total_parking_time, total_parking_cost, total_reservation_cost, meter_id, remark when they apply' });

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 39 }) });

/** `?from=` / `?to=` (ISO 8601) as a Date. */
export const toDate = (v: string | undefined) => (v === undefined ? undefined : new Date(v));

/**
 * Charge Detail Records in the OCPI 2.2.1 shape, one per completed session (made when the
 * session ends), read-only; a correction is a credit CDR.
 */
export function cdrRoutes(app: App, { core }: ApiOptions): void {
  app.get('/cdrs', {
    config: operator,
    schema: {
      tags, summary: 'List CDRs (OCPI 2.2.1), newest session end first',
      description: '`from`/`to` select by session end (end_date_time): from inclusive, to exclusive. `idToken` matches any case; `userId` is the driver who owned the id token when the session ended.',
      querystring: Type.Object({
        ...Paging,
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        stationId: Type.Optional(Type.String({ minLength: 1, maxLength: 48 })),
        idToken: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        userId: Type.Optional(Type.Integer({ minimum: 1 })),
      }),
      response: { 200: List(CdrSchema), 400: err },
    },
  }, async (req) => {
    const q = req.query;
    const r = await core.cdrs.list({ ...q, from: toDate(q.from), to: toDate(q.to) });
    return { items: r.items.map((c) => c.cdr), total: r.total };
  });

  app.get('/cdrs/:id', {
    config: operator,
    schema: { tags, summary: 'A CDR (OCPI 2.2.1 JSON)', params: Id, response: { 200: CdrSchema, 404: err } },
  }, async (req) => (await core.cdrs.get(req.params.id)).cdr);

  app.post('/cdrs/:id/credit', {
    config: operator,
    schema: {
      tags, summary: 'Credit a CDR',
      description: 'Issues the OCPI credit CDR `<id>-C`: the same data with total_cost negated, `credit: true`, `credit_reference_id` = the original. A CDR is credited once; the credit goes on the customer\'s next invoice.',
      params: Id,
      body: Type.Object({ remark: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }, { additionalProperties: false }),
      response: { 201: CdrSchema, 400: err, 404: err, 409: err },
    },
  }, async (req, reply) => reply.code(201).send((await core.cdrs.credit(req.params.id, req.body.remark)).cdr));
}
