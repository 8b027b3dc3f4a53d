/**
 * index.ts — what other domains and the app layers may import from src/search: its routes, its
 * CLI commands, its error codes, its job kind (search-index) and its tables' types.
 */
export { registerSearch } from './cli.js';
export { SearchError, type SearchErrorCode } from './errors.js';
export { SEARCH_INDEX_JOB, searchIndexJob } from './job.js';
export { searchRoutes } from './routes.js';
export type { SearchTables } from './tables.js';
