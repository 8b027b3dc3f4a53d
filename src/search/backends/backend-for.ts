/**
 * backend-for.ts — chooses the full-text engine of the deployment's database (kept apart from
 * backend.ts, the interface both engines implement, so no engine imports its chooser).
 */
import type { DialectName } from '../../store/db.js';
import type { SearchBackend } from './backend.js';
import { postgresBackend } from './postgres-backend.js';
import { sqliteBackend } from './sqlite-backend.js';

/** backendFor chooses the full-text engine of the deployment's database. */
export function backendFor(dialect: DialectName): SearchBackend {
  return dialect === 'postgres' ? postgresBackend : sqliteBackend;
}
