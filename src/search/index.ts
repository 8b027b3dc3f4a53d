/**
 * index.ts — what other domains and the app layers may import from src/search: its routes, its
 * CLI commands, its error codes, its job kinds (search-index, search-entity, search-catch-up)
 * and how to queue them after an analysis change or an upgrade, the index's state for health, its tables' types, and the
 * gazetteer (places by P-code and the admin units around them) for domains that record places.
 */

export {
  queueSearchCatchUp,
  SEARCH_CATCH_UP_JOB,
  type SearchIndexState,
  searchCatchUpJob,
  searchIndexState,
} from './catch-up.js';
export { registerSearch } from './cli.js';
export { SearchError, type SearchErrorCode } from './errors.js';
export { ancestors, loadGazetteer, type Place } from './gazetteer/places.js';
export {
  queueSearchUpdates,
  SEARCH_ENTITY_JOB,
  SEARCH_INDEX_JOB,
  searchEntityJob,
  searchIndexJob,
} from './job.js';
export { searchRoutes } from './routes.js';
export { forgetSaved, listSaved, type SavedSearch, saveSearch } from './saved.js';
export { savedSearchRoutes } from './saved-routes.js';
export type { SearchTables } from './tables.js';
