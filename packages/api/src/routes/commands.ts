import { schemasFor } from '@voltlane/ocpp';
import type { ApiOptions, App } from '../server.js';
import { AnyObject, Type } from '../schemas.js';

/** POST /stations/{id}/commands/{Action}: any CSMS-initiated OCPP action, answered with the charger's reply. */
export function commandRoutes(app: App, { core }: ApiOptions): void {
  const actions = schemasFor('ocpp1.6').csmsActions();
  app.post('/stations/:id/commands/:action', {
    schema: {
      tags: ['commands'],
      summary: 'Send an OCPP command to a station and return its reply',
      description:
        `The body is the OCPP request payload of the station's version, checked against the official JSON schema. ` +
        `OCPP 1.6 actions: ${actions.join(', ')}. ` +
        '200 `{"response": {...}}` with the charger reply; 400 invalid payload (names the field) or unknown action; ' +
        '404 unknown station; 409 station offline; 502 charger CALLERROR (code and text in the error) or invalid reply; 504 charger timeout.',
      params: Type.Object({ id: Type.String(), action: Type.String({ examples: actions }) }),
      body: Type.Object({}, { additionalProperties: true }),
      response: {
        200: Type.Object({ response: AnyObject }),
        400: { $ref: 'Error#' }, 404: { $ref: 'Error#' }, 409: { $ref: 'Error#' }, 502: { $ref: 'Error#' }, 504: { $ref: 'Error#' },
      },
    },
  }, async (req) => ({ response: await core.commands.send(req.params.id, req.params.action, (req.body ?? {}) as Record<string, unknown>) }));
}
