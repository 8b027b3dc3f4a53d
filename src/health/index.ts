// health — server health for administrators: what other modules may import.
export { healthRoutes } from './routes.js';
export { retryFailedJob, serverHealth } from './service.js';
