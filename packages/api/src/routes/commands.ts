import { schemasFor } from '@voltlane/ocpp';
import type { ApiOptions, App } from '../server.js';
import { AnyObject, Type } from '../schemas.js';

/** POST /stations/{id}/commands/{Action}: any CSMS-initiated OCPP action, answered with the charger's reply. */
export function commandRoutes(app: App, { core }: ApiOptions): void {
  const actions = schemasFor('ocpp1.6').csmsActions();
  const actions201 = schemasFor('ocpp2.0.1').csmsActions();
  const only21 = schemasFor('ocpp2.1').csmsActions().filter((a) => !actions201.includes(a));
  app.post('/stations/:id/commands/:action', {
    config: { access: 'operator' },
    schema: {
      tags: ['commands'],
      summary: 'Send an OCPP command to a station and return its reply',
      description:
        `The body is the OCPP request payload of the station's version, checked against the official JSON schema. ` +
        `OCPP 1.6 actions: ${actions.join(', ')}. OCPP 2.0.1 actions: ${actions201.join(', ')}. ` +
        `OCPP 2.1 adds: ${only21.join(', ')}. ` +
        '200 `{"response": {...}}` with the charger reply; 400 invalid payload (names the field) or unknown action; ' +
        '404 unknown station; 409 station offline; 502 charger CALLERROR (code and text in the error) or invalid reply; 504 charger timeout.',
      params: Type.Object({ id: Type.String(), action: Type.String({ examples: [...new Set([...actions, ...actions201])] }) }),
      body: Type.Object({}, { additionalProperties: true }),
      response: {
        200: Type.Object({ response: AnyObject }),
        400: { $ref: 'Error#' }, 404: { $ref: 'Error#' }, 409: { $ref: 'Error#' }, 502: { $ref: 'Error#' }, 504: { $ref: 'Error#' },
      },
    },
  }, async (req) => ({ response: await core.commands.send(req.params.id, req.params.action, (req.body ?? {}) as Record<string, unknown>) }));
}
