import { AppError, SEARCH_TYPES, type SearchType } from '@voltlane/core';
import type { ApiOptions, App } from '../server.js';
import { Type } from '../schemas.js';

const err = { $ref: 'Error#' };

const Hit = Type.Object({
  type: Type.String({ enum: [...SEARCH_TYPES] }),
  id: Type.String({ description: 'The id the type\'s endpoint takes: /stations/{id}, /transactions/{id}, /id-tokens/{id}, /users/{id}, /cdrs/{id}' }),
  title: Type.String(),
  subtitle: Type.String(),
  score: Type.Number({ description: 'Relevance 0..1: 1 exact, ~0.85-0.95 prefix, ~0.7-0.8 part of the text, lower for typos' }),
});

/** `stations,sessions` -> the listed types; unknown names are a 400 naming them. */
function parseTypes(raw: string | undefined): SearchType[] {
  if (raw === undefined || raw.trim() === '') return [...SEARCH_TYPES];
  const names = raw.split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = names.filter((t) => !(SEARCH_TYPES as readonly string[]).includes(t));
  if (unknown.length) {
    throw new AppError('VALIDATION_FAILED', `querystring.types: unknown type ${unknown.join(', ')}; use ${SEARCH_TYPES.join(', ')}`, { field: 'querystring.types' });
  }
  return names as SearchType[];
}

/**
 * One search across stations, sessions, id tokens, users and CDRs (operators; drivers get 403:
 * their own sessions and tokens are under /me).
 */
export function searchRoutes(app: App, { core }: ApiOptions): void {
  app.get('/search', {
    config: { access: 'operator' },
    schema: {
      tags: ['search'],
      summary: 'Search everything, best match first',
      description: 'Tolerates typos and partial ids (trigram similarity, substrings) and matches words by prefix (full text). ' +
        'Stations: id, name, address, city, vendor, model, serial numbers. Sessions: id, 2.x transaction id (prefix), the newest sessions of an id token or station typed in full. ' +
        'Id tokens: token, group. Users: e-mail, name. CDRs: id, session id, id token.',
      querystring: Type.Object({
        q: Type.String({ minLength: 1, maxLength: 200 }),
        types: Type.Optional(Type.String({ maxLength: 100, description: `Comma-separated subset of ${SEARCH_TYPES.join(',')} (default all)` })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
      }),
      response: { 200: Type.Object({ items: Type.Array(Hit) }), 400: err },
    },
  }, async (req) => core.search.search(req.query.q, parseTypes(req.query.types), req.query.limit ?? 20));
}
