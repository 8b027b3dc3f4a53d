/**
 * repo.ts — the job queue as an operator reads it: counts by kind and state, the oldest waiting
 * job, the latest failures with their item's ERN. Every query takes the caller's compartments
 * (undefined: the whole deployment); jobs outside them, and jobs of no compartment, are not
 * counted for a compartment-scoped caller (DESIGN rule 7). A failure's text is read only for a
 * caller who may read the job's item (below): it can quote a file name or the file's own words.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database>;

export type Scope = readonly string[] | undefined;
type JobState = 'queued' | 'running' | 'done' | 'failed';

export async function jobCountsByKind(db: Db, scope: Scope) {
  if (scope !== undefined && scope.length === 0) return [];
  let q = db
    .selectFrom('job')
    .select((eb) => ['kind', 'state', eb.fn.countAll<number>().as('n')])
    .groupBy(['kind', 'state']);
  if (scope !== undefined) q = q.where('compartment', 'in', [...scope]);
  const rows = await q.execute();
  const byKind = new Map<string, Record<JobState, number>>();
  for (const r of rows) {
    const k = byKind.get(r.kind) ?? { queued: 0, running: 0, done: 0, failed: 0 };
    k[r.state] = Number(r.n);
    byKind.set(r.kind, k);
  }
  return [...byKind].sort(([a], [b]) => a.localeCompare(b)).map(([kind, c]) => ({ kind, ...c }));
}

export async function oldestQueuedAt(db: Db, scope: Scope): Promise<string | null> {
  if (scope !== undefined && scope.length === 0) return null;
  let q = db
    .selectFrom('job')
    .select((eb) => eb.fn.min('created_at').as('at'))
    .where('state', '=', 'queued');
  if (scope !== undefined) q = q.where('compartment', 'in', [...scope]);
  const row = await q.executeTakeFirst();
  return row?.at ? String(row.at) : null;
}

/**
 * latestFailedJobs lists the newest failures within `scope`. The error text comes back only where
 * `readers` (the caller's `items:read` compartments, 'all' for every one) hold the job's item —
 * its compartment now, as the item page would judge it — or, for a job with no item, the job's
 * own compartment; everywhere else it is null and the caller gets the error code alone. The text
 * of an intake failure can carry a file's name or content (a parser's message, a quoted header),
 * which is evidence: administering accounts does not make one its reader (issue 14).
 */
export async function latestFailedJobs(
  db: Db,
  scope: Scope,
  readers: readonly string[] | 'all',
  limit: number,
) {
  if (scope !== undefined && scope.length === 0) return [];
  let q = db
    .selectFrom('job')
    .leftJoin('item', 'item.id', 'job.item_id')
    .select((eb) => [
      'job.id',
      'job.kind',
      'item.ern as item_ern',
      'job.attempts',
      'job.max_attempts',
      'job.error_code',
      readers === 'all'
        ? eb.ref('job.error').as('error')
        : readers.length === 0
          ? sql<string | null>`NULL`.as('error')
          : eb
              .case()
              .when(eb.fn.coalesce('item.compartment', 'job.compartment'), 'in', [...readers])
              .then(eb.ref('job.error'))
              .else(null)
              .end()
              .as('error'),
      'job.updated_at',
    ])
    .where('job.state', '=', 'failed')
    .orderBy('job.updated_at', 'desc')
    .orderBy('job.id')
    .limit(limit);
  if (scope !== undefined) q = q.where('job.compartment', 'in', [...scope]);
  return q.execute();
}
