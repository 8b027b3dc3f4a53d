/**
 * index.ts — what other domains and the app layers may import from src/search: its routes, its
 * CLI commands, its error codes and its tables' types.
 */
export { registerSearch } from './cli.js';
export { SearchError, type SearchErrorCode } from './errors.js';
export { searchRoutes } from './routes.js';
export type { SearchTables } from './tables.js';
