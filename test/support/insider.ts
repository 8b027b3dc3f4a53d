/**
 * insider.ts — tampering as an insider with database access would do it: the log's tables refuse
 * UPDATE and DELETE (migration 0007), so the insider drops the guards, changes rows, and puts the
 * guards back to cover the tracks. Tests use it to show that `attest verify` still names the change.
 */
import type { Kysely } from 'kysely';
import {
  createAppendOnlyGuards,
  dropAppendOnlyGuards,
} from '../../src/store/migrations/0007-custody-hardening.js';
import type { Database } from '../../src/store/schema.js';

/** asInsider runs `fn` with the append-only guards lifted, then restores them. */
export async function asInsider<T>(db: Kysely<Database>, fn: () => Promise<T>): Promise<T> {
  await dropAppendOnlyGuards(db as Kysely<unknown>);
  try {
    return await fn();
  } finally {
    await createAppendOnlyGuards(db as Kysely<unknown>);
  }
}
