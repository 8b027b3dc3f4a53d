/**
 * jobs.ts — durable jobs in the record database: the queue every domain's background work goes
 * through (intake extraction, search indexing, exports). A job is a row; it is
 *
 *   queued ──claim (lease)──▶ running ──complete──▶ done
 *      ▲                        │ fail: attempts left → queued again after a back-off
 *      └──── retry on demand ───┤ fail: permanent, or no attempts left → failed (reason kept)
 *                               └ lease expired (worker died) → claimable again
 *
 * - Enqueue takes the caller's transaction, so a job exists exactly when the change that needs it
 *   committed (an item and its intake job commit together).
 * - A claim is one `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING *`: on
 *   PostgreSQL concurrent workers skip each other's rows; SQLite has a single writer.
 * - Every later write by a worker is fenced by its lease (`lease_owner`), so a worker whose lease
 *   expired and was taken over cannot complete or fail the job it lost.
 * - Time is the context's clock (tests step it; nothing sleeps).
 *
 * The worker that runs jobs and the registry of job kinds are in job-worker.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Ctx } from '../ctx.js';
import { skipLocked } from './db.js';
import type { Database } from './schema.js';
import type { JobTable } from './tables.js';

export type JobState = JobTable['state'];
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'failed'];

/** A job as services and clients see it. */
export interface Job {
  readonly id: string;
  readonly kind: string;
  readonly itemId: string | null;
  readonly compartment: string | null;
  readonly payload: Record<string, unknown>;
  readonly state: JobState;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly runAfter: string;
  readonly leaseOwner: string | null;
  readonly leaseUntil: string | null;
  readonly progress: number;
  readonly progressNote: string | null;
  readonly errorCode: string | null;
  readonly error: string | null;
  readonly result: Record<string, unknown> | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

export interface NewJob {
  readonly kind: string;
  readonly itemId?: string | null;
  readonly compartment?: string | null;
  /** Ids and settings only (no personal data): it is shown to operators. */
  readonly payload?: Record<string, unknown>;
  /** Lower runs first (default 0). */
  readonly priority?: number;
  readonly maxAttempts?: number;
  /** Not before this time (default: now). */
  readonly runAfter?: string;
}

type Db = Kysely<Database> | Transaction<Database>;

/** The job every new item gets when it is recorded (run by src/intake). */
export const INTAKE_JOB = 'intake';
/**
 * The job that (re)indexes an item's root for search (run by src/search): named here so that a
 * domain search depends on (the vault) can ask for it, e.g. after an amendment.
 */
export const SEARCH_INDEX_JOB = 'search-index';
export const DEFAULT_MAX_ATTEMPTS = 5;
/** Back-off after failed attempt n: BASE · 2^(n-1), at most MAX. */
export const BACKOFF_BASE_MS = 10_000;
export const BACKOFF_MAX_MS = 60 * 60_000;
const MAX_ERROR_CHARS = 1000;
const MAX_NOTE_CHARS = 200;

/** backoffMs is how long a job waits after its `attempt`-th failed attempt. */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1), BACKOFF_MAX_MS);
}

export function jobFromRow(row: Selectable<JobTable>): Job {
  return {
    id: row.id,
    kind: row.kind,
    itemId: row.item_id,
    compartment: row.compartment,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    state: row.state,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAfter: row.run_after,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    progress: Number(row.progress),
    progressNote: row.progress_note,
    errorCode: row.error_code,
    error: row.error,
    result: row.result === null ? null : (JSON.parse(row.result) as Record<string, unknown>),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

/** enqueueJobs adds jobs inside the caller's transaction (or on `db`) and returns their ids. */
export async function enqueueJobs(db: Db, jobs: readonly NewJob[], at: string): Promise<string[]> {
  if (jobs.length === 0) return [];
  const rows = jobs.map((j) => ({
    id: randomUUID(),
    kind: j.kind,
    item_id: j.itemId ?? null,
    compartment: j.compartment ?? null,
    payload: JSON.stringify(j.payload ?? {}),
    state: 'queued' as const,
    priority: j.priority ?? 0,
    attempts: 0,
    max_attempts: j.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    run_after: j.runAfter ?? at,
    progress: 0,
    created_at: at,
    updated_at: at,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('job')
      .values(rows.slice(i, i + 200))
      .execute();
  }
  return rows.map((r) => r.id);
}

/**
 * claimJob takes the next runnable job of one of `kinds` for `worker` under a lease of
 * `leaseMs`: a queued job that is due, or a running job whose lease expired (its worker died or
 * hung). It returns undefined when nothing is runnable.
 */
export async function claimJob(
  ctx: Pick<Ctx, 'db' | 'dialect' | 'clock'>,
  worker: string,
  kinds: readonly string[],
  leaseMs: number,
): Promise<Job | undefined> {
  if (kinds.length === 0) return undefined;
  const now = ctx.clock();
  const at = now.toISOString();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  const next = skipLocked(
    ctx.dialect,
    ctx.db
      .selectFrom('job')
      .select('id')
      .where('kind', 'in', [...kinds])
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', at)]),
          eb.and([eb('state', '=', 'running'), eb('lease_until', '<', at)]),
        ]),
      )
      .orderBy('priority')
      .orderBy('run_after')
      .orderBy('id')
      .limit(1),
  );
  const row = await ctx.db
    .updateTable('job')
    .set((eb) => ({
      state: 'running',
      lease_owner: worker,
      lease_until: until,
      attempts: eb('attempts', '+', 1),
      updated_at: at,
    }))
    .where('id', '=', next)
    .returningAll()
    .executeTakeFirst();
  return row ? jobFromRow(row) : undefined;
}

/** renewLease extends `worker`'s lease on job `id`; false when the lease was lost. */
export async function renewLease(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  id: string,
  worker: string,
  leaseMs: number,
): Promise<boolean> {
  const now = ctx.clock();
  const r = await ctx.db
    .updateTable('job')
    .set({ lease_until: new Date(now.getTime() + leaseMs).toISOString(), updated_at: now.toISOString() })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .where('lease_owner', '=', worker)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** reportProgress records how far a running job is (0–100) with a short note (no personal data). */
export async function reportProgress(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  id: string,
  worker: string,
  percent: number,
  note?: string,
): Promise<boolean> {
  const r = await ctx.db
    .updateTable('job')
    .set({
      progress: Math.max(0, Math.min(100, Math.round(percent))),
      progress_note: note === undefined ? null : note.slice(0, MAX_NOTE_CHARS),
      updated_at: ctx.clock().toISOString(),
    })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .where('lease_owner', '=', worker)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * completeJob marks job `id` done with `result`, if `worker` still holds it, inside `trx` (so
 * follow-up jobs can be enqueued in the same transaction). False when the lease was lost.
 */
export async function completeJob(
  trx: Db,
  id: string,
  worker: string,
  result: Record<string, unknown>,
  at: string,
): Promise<boolean> {
  const r = await trx
    .updateTable('job')
    .set({
      state: 'done',
      progress: 100,
      lease_owner: null,
      lease_until: null,
      result: JSON.stringify(result),
      error_code: null,
      error: null,
      updated_at: at,
      finished_at: at,
    })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .where('lease_owner', '=', worker)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface JobFailureReport {
  /** A stable code (e.g. ZIP_BOMB, TIMEOUT, ERROR). */
  readonly code: string;
  /** A sentence for operators; ids and limits only. */
  readonly message: string;
  /** No retry: the input itself is the problem (retrying cannot help). */
  readonly permanent: boolean;
}

/**
 * failJob records a failed attempt of job `id` by `worker`: queued again after a back-off while
 * attempts remain and the failure is not permanent, else failed with the reason. Returns the new
 * state, or 'lost' when `worker` no longer held the lease.
 */
export async function failJob(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  id: string,
  worker: string,
  failure: JobFailureReport,
): Promise<'queued' | 'failed' | 'lost'> {
  const now = ctx.clock();
  const at = now.toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('job')
      .select(['attempts', 'max_attempts'])
      .where('id', '=', id)
      .where('state', '=', 'running')
      .where('lease_owner', '=', worker)
      .executeTakeFirst();
    if (!row) return 'lost';
    const attempts = Number(row.attempts);
    const final = failure.permanent || attempts >= Number(row.max_attempts);
    await trx
      .updateTable('job')
      .set({
        state: final ? 'failed' : 'queued',
        run_after: final ? at : new Date(now.getTime() + backoffMs(attempts)).toISOString(),
        lease_owner: null,
        lease_until: null,
        error_code: failure.code.slice(0, 64),
        error: failure.message.slice(0, MAX_ERROR_CHARS),
        updated_at: at,
        finished_at: final ? at : null,
      })
      .where('id', '=', id)
      .execute();
    return final ? 'failed' : 'queued';
  });
}

/**
 * releaseJob gives job `id` back to the queue without counting the attempt (the worker is
 * stopping; the input is not at fault). False when `worker` no longer held it.
 */
export async function releaseJob(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  id: string,
  worker: string,
): Promise<boolean> {
  const at = ctx.clock().toISOString();
  const r = await ctx.db
    .updateTable('job')
    .set((eb) => ({
      state: 'queued',
      attempts: eb('attempts', '-', 1),
      run_after: at,
      lease_owner: null,
      lease_until: null,
      updated_at: at,
    }))
    .where('id', '=', id)
    .where('state', '=', 'running')
    .where('lease_owner', '=', worker)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface JobScope {
  /** Only jobs in these compartments (undefined: all, for operators on the CLI). */
  readonly compartments?: readonly string[] | undefined;
}

/**
 * retryJob puts a failed (or done) job back in the queue now, with its attempts reset: re-run on
 * demand. A job outside `scope` is treated as absent. Returns undefined when there is no such job
 * or it is queued or running already.
 */
export async function retryJob(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  id: string,
  scope: JobScope = {},
): Promise<Job | undefined> {
  const at = ctx.clock().toISOString();
  let q = ctx.db
    .updateTable('job')
    .set({
      state: 'queued',
      attempts: 0,
      run_after: at,
      progress: 0,
      progress_note: null,
      error_code: null,
      error: null,
      result: null,
      finished_at: null,
      updated_at: at,
    })
    .where('id', '=', id)
    .where('state', 'in', ['failed', 'done']);
  if (scope.compartments !== undefined) {
    if (scope.compartments.length === 0) return undefined;
    q = q.where('compartment', 'in', [...scope.compartments]);
  }
  const row = await q.returningAll().executeTakeFirst();
  return row ? jobFromRow(row) : undefined;
}

/** getJob returns job `id` if it is within `scope`. */
export async function getJob(
  ctx: Pick<Ctx, 'db'>,
  id: string,
  scope: JobScope = {},
): Promise<Job | undefined> {
  let q = ctx.db.selectFrom('job').selectAll().where('id', '=', id);
  if (scope.compartments !== undefined) {
    if (scope.compartments.length === 0) return undefined;
    q = q.where('compartment', 'in', [...scope.compartments]);
  }
  const row = await q.executeTakeFirst();
  return row ? jobFromRow(row) : undefined;
}

export interface JobListOptions extends JobScope {
  readonly state?: JobState;
  readonly kind?: string;
  readonly itemId?: string;
  /** Cursor: continue after this job (by creation time, then id). */
  readonly after?: { readonly createdAt: string; readonly id: string };
  readonly limit?: number;
}

/** listJobs returns jobs oldest first, a page at a time. */
export async function listJobs(ctx: Pick<Ctx, 'db'>, options: JobListOptions = {}): Promise<Job[]> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
  let q = ctx.db.selectFrom('job').selectAll().orderBy('created_at').orderBy('id').limit(limit);
  if (options.state !== undefined) q = q.where('state', '=', options.state);
  if (options.kind !== undefined) q = q.where('kind', '=', options.kind);
  if (options.itemId !== undefined) q = q.where('item_id', '=', options.itemId);
  if (options.after !== undefined) {
    const { createdAt, id } = options.after;
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '>', createdAt),
        eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)]),
      ]),
    );
  }
  if (options.compartments !== undefined) {
    if (options.compartments.length === 0) return [];
    q = q.where('compartment', 'in', [...options.compartments]);
  }
  return (await q.execute()).map(jobFromRow);
}

export type QueueDepth = Readonly<Record<JobState, number>>;

/** queueDepth counts jobs by state within `scope`. */
export async function queueDepth(ctx: Pick<Ctx, 'db'>, scope: JobScope = {}): Promise<QueueDepth> {
  const depth: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0 };
  if (scope.compartments !== undefined && scope.compartments.length === 0) return depth;
  let q = ctx.db
    .selectFrom('job')
    .select((eb) => ['state', eb.fn.countAll<number>().as('n')])
    .groupBy('state');
  if (scope.compartments !== undefined) q = q.where('compartment', 'in', [...scope.compartments]);
  for (const row of await q.execute()) depth[row.state] = Number(row.n);
  return depth;
}
