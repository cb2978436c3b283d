import type { ApiOptions, App } from '../server.js';
import { AnyObject, List, Nullable, Paging, Type } from '../schemas.js';

const tags = ['tariffs'];
const err = { $ref: 'Error#' };
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 36 }) });

const StoredTariff = Type.Object({
  id: Type.String(),
  currency: Type.String({ description: 'ISO 4217' }),
  tariff: Type.Object({}, { additionalProperties: true, description: 'The OCPI 2.2.1 Tariff object as stored' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const Assignment = Type.Object({
  stationId: Type.String(),
  evseId: Nullable(Type.Integer()),
  idTokenGroup: Nullable(Type.String()),
  tariffId: Type.String(),
  timeZone: Type.String(),
});

const OCPI = 'An OCPI 2.2.1 Tariff object ({id, currency, elements[{price_components[{type, price, vat?, step_size}], restrictions?}], min_price?, max_price?, ...}); see docs/tariffs.md.';

/**
 * Tariffs (OCPI 2.2.1 Tariff objects) and their assignment to stations, EVSEs and id token
 * groups. The tariff body is checked by @voltlane/billing, whose messages name the field.
 */
export function tariffRoutes(app: App, { core }: ApiOptions): void {
  app.get('/tariffs', {
    config: { access: 'operator' },
    schema: { tags, summary: 'List tariffs', querystring: Type.Object({ ...Paging }), response: { 200: List(StoredTariff) } },
  }, async (req) => core.tariffs.list(req.query));

  app.post('/tariffs', {
    config: { access: 'operator' },
    schema: { tags, summary: 'Create a tariff', description: OCPI, body: AnyObject, response: { 201: StoredTariff, 400: err, 409: err } },
  }, async (req, reply) => reply.code(201).send(await core.tariffs.create(req.body)));

  app.get('/tariffs/:id', {
    config: { access: 'operator' },
    schema: { tags, summary: 'A tariff', params: Id, response: { 200: StoredTariff, 404: err } },
  }, async (req) => core.tariffs.get(req.params.id));

  app.put('/tariffs/:id', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'Replace a tariff', description: `${OCPI} Running transactions are priced with the new version; completed ones keep their cost.`,
      params: Id, body: AnyObject, response: { 200: StoredTariff, 400: err, 404: err },
    },
  }, async (req) => core.tariffs.update(req.params.id, req.body));

  app.delete('/tariffs/:id', {
    config: { access: 'operator' },
    schema: { tags, summary: 'Delete a tariff and its assignments', params: Id, response: { 204: Type.Null(), 404: err } },
  }, async (req, reply) => {
    await core.tariffs.remove(req.params.id);
    return reply.code(204).send(null);
  });

  app.put('/stations/:id/tariff', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'Assign a tariff to a station, one EVSE, and/or one id token group',
      description: 'Replaces the assignment of the same scope. The most specific assignment applies: EVSE + group > EVSE > station + group > station. ' +
        'idTokenGroup is the parent id token of the driver\'s token. timeZone (IANA, default UTC) is the location\'s: tariff times, dates and weekdays are local to it.',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }) }),
      body: Type.Object({
        tariffId: Type.String({ minLength: 1, maxLength: 36 }),
        evseId: Type.Optional(Type.Integer({ minimum: 1 })),
        idTokenGroup: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Assignment) }), 400: err, 404: err },
    },
  }, async (req) => ({ items: await core.tariffs.assign(req.params.id, req.body) }));

  app.get('/stations/:id/tariff', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'Tariff assignments of a station, most specific first',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }) }),
      response: { 200: Type.Object({ items: Type.Array(Assignment) }) },
    },
  }, async (req) => ({ items: await core.tariffs.assignments(req.params.id) }));

  app.put('/stations/:id/tariff-fallback', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'Set the fallback tariff and cost messages and the currency on a 2.x station (I04, I05)',
      description: 'Sends SetVariables for TariffCostCtrlr.TariffFallbackMessage, TotalCostFallbackMessage and Currency: what the station shows ' +
        'when it cannot get a driver\'s tariff or a session\'s cost from Voltlane (offline). Absent values are derived: the tariff text of the ' +
        'station-wide tariff (its tariff_alt_text, else a generated summary), that tariff\'s currency, and a default total cost message. ' +
        'Returns the station\'s answer per variable; accepted values are kept in its device model.',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }) }),
      body: Type.Object({
        tariffFallbackMessage: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
        totalCostFallbackMessage: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
        currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3, description: 'ISO 4217' })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            variable: Type.String({ description: 'TariffCostCtrlr.<name>' }),
            value: Type.String(),
            status: Type.String({ description: 'SetVariableStatusEnumType: Accepted, Rejected, UnknownComponent, UnknownVariable, NotSupportedAttributeType, RebootRequired' }),
            statusInfo: Type.Optional(Type.Object({}, { additionalProperties: true })),
          })),
        }),
        400: err, 404: err, 409: err, 502: err, 504: err,
      },
    },
  }, async (req) => ({ items: await core.tariffs.setFallbackMessages(req.params.id, req.body) }));
}
