/**
 * index.ts — what other domains and the app layers may import from src/search: its routes, its
 * CLI commands, its error codes, its job kind (search-index), its tables' types, and the
 * gazetteer (places by P-code and the admin units around them) for domains that record places.
 */
export { registerSearch } from './cli.js';
export { SearchError, type SearchErrorCode } from './errors.js';
export { ancestors, loadGazetteer, type Place } from './gazetteer/places.js';
export { SEARCH_INDEX_JOB, searchIndexJob } from './job.js';
export { searchRoutes } from './routes.js';
export type { SearchTables } from './tables.js';
