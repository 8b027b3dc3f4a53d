/**
 * catch-up.ts — an upgraded deployment re-indexes by itself (issue 15). A migration that empties
 * the index (0022, 0026, 0028 moved names to their own index) or an analyser change (a new
 * INDEX_VERSION) used to leave search answering from a partial index until someone ran
 * `attest index --rebuild`: the catch-up before each search reads 1,000 items at most.
 *
 * Now `attest serve` and `attest worker` call queueSearchCatchUp on start: when items were added
 * past the index's high-water mark, or the index was written by another INDEX_VERSION, one
 * durable `search-catch-up` job is queued. Each run indexes new items (syncIndex) and then walks
 * every indexed item again from a cursor kept in the database (`search-rebuild-seq`) when the
 * version changed — an item whose indexed content is the same is skipped — PER_RUN items at a
 * time, and queues its own continuation until the index is current; then the version is
 * recorded. Restart-safe (the marks are rows, the job is a row) and visible: searchIndexState
 * feeds the server-health screen (how far behind, rebuilding, the job's state).
 */
import type { Ctx } from '../ctx.js';
import type { JobKind } from '../store/job-worker.js';
import { enqueueJobs } from '../store/jobs.js';
import { INDEX_VERSION, INDEX_VERSION_COUNTER, indexItems, syncIndex } from './indexer.js';

export const SEARCH_CATCH_UP_JOB = 'search-catch-up';
/** The counters: the version the whole index was written at, and the rebuild's cursor (ern_seq). */
const VERSION = INDEX_VERSION_COUNTER;
const REBUILD = 'search-rebuild-seq';
const HIGH_WATER = 'search-indexed-seq';
/** Items looked at per job run (a run then queues its continuation). */
const PER_RUN = 2_000;
const BATCH = 200;

export interface SearchIndexState {
  /** The newest item's sequence number (items and derived items). */
  readonly items: number;
  /** Items (roots) not in the index yet, counted up to BEHIND_COUNTED. */
  readonly behind: number;
  /** The version the index was last fully written at (null: not recorded yet) and this code's. */
  readonly version: number | null;
  readonly currentVersion: number;
  /** Items still to read again for a version change (0 when the version is current). */
  readonly rebuildRemaining: number;
  /** The catch-up job, when one is queued or running. */
  readonly catchUp: 'queued' | 'running' | null;
}

async function counter(ctx: Ctx, name: string): Promise<number | null> {
  const row = await ctx.db.selectFrom('counter').select('value').where('name', '=', name).executeTakeFirst();
  return row ? Number(row.value) : null;
}

async function setCounter(ctx: Ctx, name: string, value: number): Promise<void> {
  await ctx.db
    .insertInto('counter')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
    .execute();
}

/** Unindexed items are counted up to this many (a count is a walk; "at least" past it). */
export const BEHIND_COUNTED = 100_000;

/**
 * unindexedAfter counts the root items past the high-water mark that have no document (derived
 * items fold into their roots; a root the search-index job already wrote is not behind).
 */
async function unindexedAfter(ctx: Ctx, after: number): Promise<number> {
  const inner = ctx.db
    .selectFrom('item as i')
    .select('i.id')
    .where('i.ern_seq', '>', after)
    .where('i.parent_item_id', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(eb.selectFrom('search_doc as d').select('d.item_id').whereRef('d.item_id', '=', 'i.id')),
      ),
    )
    .limit(BEHIND_COUNTED)
    .as('u');
  const row = await ctx.db
    .selectFrom(inner)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function itemsAfter(ctx: Ctx, after: number, upTo?: number): Promise<number> {
  let q = ctx.db
    .selectFrom('item')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ern_seq', '>', after);
  if (upTo !== undefined) q = q.where('ern_seq', '<=', upTo);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** searchIndexState reports how far the index is from the vault (deployment-wide counts). */
export async function searchIndexState(ctx: Ctx): Promise<SearchIndexState> {
  const top = await ctx.db
    .selectFrom('item')
    .select((eb) => eb.fn.max('ern_seq').as('top'))
    .executeTakeFirst();
  const mark = (await counter(ctx, HIGH_WATER)) ?? 0;
  const version = await counter(ctx, VERSION);
  const cursor = (await counter(ctx, REBUILD)) ?? 0;
  const job = await ctx.db
    .selectFrom('job')
    .select('state')
    .where('kind', '=', SEARCH_CATCH_UP_JOB)
    .where('state', 'in', ['queued', 'running'])
    .orderBy('state', 'desc')
    .orderBy('id')
    .executeTakeFirst();
  return {
    items: Number(top?.top ?? 0),
    behind: await unindexedAfter(ctx, mark),
    version,
    currentVersion: INDEX_VERSION,
    rebuildRemaining: version === INDEX_VERSION ? 0 : await itemsAfter(ctx, cursor, mark),
    catchUp: (job?.state as 'queued' | 'running' | undefined) ?? null,
  };
}

/**
 * queueSearchCatchUp queues one `search-catch-up` job when the index is behind the vault or was
 * written at another version and none is queued or running; it returns whether it queued one.
 * A deployment with no items yet is current: its version is recorded.
 */
export async function queueSearchCatchUp(ctx: Ctx): Promise<boolean> {
  const state = await searchIndexState(ctx);
  if (state.items === 0 && state.version !== INDEX_VERSION) {
    await setCounter(ctx, VERSION, INDEX_VERSION);
    return false;
  }
  if (state.behind === 0 && state.version === INDEX_VERSION) return false;
  if (state.catchUp !== null) return false;
  await enqueueJobs(ctx.db, [{ kind: SEARCH_CATCH_UP_JOB, payload: {} }], ctx.clock().toISOString());
  return true;
}

/** rebuildStep reads again up to `budget` indexed items past the rebuild cursor; true when done. */
async function rebuildStep(
  ctx: Ctx,
  budget: number,
): Promise<{ seen: number; indexed: number; done: boolean }> {
  const mark = (await counter(ctx, HIGH_WATER)) ?? 0;
  let cursor = (await counter(ctx, REBUILD)) ?? 0;
  let seen = 0;
  let indexed = 0;
  while (seen < budget) {
    const rows = await ctx.db
      .selectFrom('item')
      .select(['id', 'ern_seq'])
      .where('ern_seq', '>', cursor)
      .where('ern_seq', '<=', mark)
      .orderBy('ern_seq')
      .limit(Math.min(BATCH, budget - seen))
      .execute();
    if (rows.length === 0) {
      await setCounter(ctx, VERSION, INDEX_VERSION);
      await ctx.db.deleteFrom('counter').where('name', '=', REBUILD).execute();
      return { seen, indexed, done: true };
    }
    indexed += await indexItems(
      ctx,
      rows.map((r) => r.id),
    );
    cursor = Number(rows[rows.length - 1]!.ern_seq);
    await setCounter(ctx, REBUILD, cursor);
    seen += rows.length;
  }
  return { seen, indexed, done: false };
}

/** searchCatchUpJob brings the index up to the vault, PER_RUN items a run, then queues the next run. */
export const searchCatchUpJob: JobKind = {
  name: SEARCH_CATCH_UP_JOB,
  maxAttempts: 10,
  timeoutMs: 30 * 60_000,
  run: async (ctx, job) => {
    const added = await syncIndex(ctx, { maxItems: PER_RUN });
    let rebuilt = { seen: 0, indexed: 0, done: true };
    if ((await counter(ctx, VERSION)) !== INDEX_VERSION && added < PER_RUN)
      rebuilt = await rebuildStep(ctx, PER_RUN - added);
    const state = await searchIndexState(ctx);
    await job.report(100, `${state.behind} new and ${state.rebuildRemaining} indexed items left`);
    // This run is still `running`: the next is queued beside it, not refused as a duplicate.
    const more = state.behind > 0 || state.version !== INDEX_VERSION;
    if (more)
      await enqueueJobs(ctx.db, [{ kind: SEARCH_CATCH_UP_JOB, payload: {} }], ctx.clock().toISOString());
    return { added, rebuilt: rebuilt.seen, rewritten: rebuilt.indexed, behind: state.behind, more };
  },
};
