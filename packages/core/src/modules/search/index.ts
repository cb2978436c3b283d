/** One ranked search across stations, sessions, id tokens, users and CDRs. */
export { SEARCH_TYPES, type SearchHit, type SearchType } from './service.js';
