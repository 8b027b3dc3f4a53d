/**
 * job.ts — the search job kinds.
 * - `search-index`: after an item's intake job completes (its text, OCR, page text, attachments
 *   and members are recorded as derived items), the worker indexes the item's root in the same
 *   background queue, so search results include extracted text without waiting for the
 *   catch-up that runs before each search (indexer.ts, syncIndex). A new link to an item
 *   queues one too (its entity names changed).
 * - `search-entity`: after an entity changes (names, pseudonym, protection), every item linked
 *   to it is indexed again, so its names and who may match them (entity-terms.ts) follow.
 */
import type { Kysely, Transaction } from 'kysely';
import { JobFailure, type JobKind } from '../store/job-worker.js';
import { enqueueJobs, INTAKE_JOB, SEARCH_INDEX_JOB } from '../store/jobs.js';
import type { Database } from '../store/schema.js';
import { indexItem, indexItems } from './indexer.js';

export { SEARCH_INDEX_JOB };
export const SEARCH_ENTITY_JOB = 'search-entity';

/** searchIndexJob indexes one item (through its root); enqueued after each intake job. */
export const searchIndexJob: JobKind = {
  name: SEARCH_INDEX_JOB,
  after: [INTAKE_JOB],
  maxAttempts: 5,
  timeoutMs: 5 * 60_000,
  run: async (ctx, job) => ({ outcome: job.itemId ? await indexItem(ctx, job.itemId) : 'missing' }),
};

/** Items indexed per transaction by the entity job. */
const BATCH = 100;

/** searchEntityJob indexes again every item linked to one entity (payload.entity). */
export const searchEntityJob: JobKind = {
  name: SEARCH_ENTITY_JOB,
  maxAttempts: 5,
  timeoutMs: 30 * 60_000,
  run: async (ctx, job) => {
    const id = job.payload.entity;
    if (typeof id !== 'string' || !/^ent-[0-9a-f-]{36}$/.test(id))
      throw new JobFailure('INVALID_JOB', 'payload.entity is not an entity id');
    const links = await ctx.db
      .selectFrom('link')
      .select(['from_type', 'from_id', 'to_type', 'to_id', 'basis_item_id'])
      .where((eb) =>
        eb.or([
          eb.and([eb('from_type', '=', 'entity'), eb('from_id', '=', id)]),
          eb.and([eb('to_type', '=', 'entity'), eb('to_id', '=', id)]),
        ]),
      )
      .execute();
    const items = new Set<string>();
    for (const l of links) {
      if (l.from_type === 'item') items.add(l.from_id);
      if (l.to_type === 'item') items.add(l.to_id);
      if (l.basis_item_id) items.add(l.basis_item_id);
    }
    const all = [...items].sort();
    let indexed = 0;
    for (let i = 0; i < all.length; i += BATCH) indexed += await indexItems(ctx, all.slice(i, i + BATCH));
    return { items: all.length, indexed };
  },
};

/**
 * queueSearchUpdates enqueues, inside the caller's transaction, the indexing that a change of
 * analysis records calls for: the items whose linked names changed (`itemIds`) and the
 * entities whose names or protection changed. Ids only in the job rows; each job carries the
 * compartment of its item or entity, so the jobs API scopes it.
 */
export async function queueSearchUpdates(
  db: Kysely<Database> | Transaction<Database>,
  change: {
    readonly itemIds?: readonly string[];
    readonly entities?: ReadonlyArray<{ readonly id: string; readonly compartment: string }>;
  },
  at: string,
): Promise<void> {
  const ids = [...new Set(change.itemIds ?? [])];
  const items =
    ids.length === 0
      ? []
      : await db.selectFrom('item').select(['id', 'compartment']).where('id', 'in', ids).execute();
  await enqueueJobs(
    db,
    [
      ...items.map((i) => ({ kind: SEARCH_INDEX_JOB, itemId: i.id, compartment: i.compartment })),
      ...(change.entities ?? []).map((e) => ({
        kind: SEARCH_ENTITY_JOB,
        compartment: e.compartment,
        payload: { entity: e.id },
      })),
    ],
    at,
  );
}
