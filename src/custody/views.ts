/**
 * views.ts — reads of evidence, audited without letting the log grow without bound (issue 12.14).
 * The first read of an item's `detail` or `content` by one actor in one UTC hour appends a `view`
 * entry (with the hour in `window`); later reads in that hour only count in the window's row,
 * which points at that entry. So 200 one-byte Range reads are one entry plus a count of 200, and
 * an auditor still sees who read what, and when to the hour. The window row is claimed in the
 * same transaction as the entry, under the log's counter lock, so concurrent reads append exactly
 * one entry on both dialects.
 */
import { type Ctx, nowIso } from '../ctx.js';
import { nextValues } from '../store/counters.js';
import { appendEntries, maybeCheckpoint } from './service.js';

/** What was read: the item's metadata, or its bytes (whole or a range). */
export type ViewPart = 'detail' | 'content';

export interface ViewInput {
  readonly actor: string;
  readonly itemId: string;
  readonly ern: string;
  readonly part: ViewPart;
}

/** hourOf returns the start of the UTC hour of `iso`. */
export function hourOf(iso: string): string {
  return `${iso.slice(0, 13)}:00:00Z`;
}

/**
 * recordView audits one read; it returns the seq of the `view` entry that covers it and whether
 * this read appended it.
 */
export async function recordView(ctx: Ctx, view: ViewInput): Promise<{ seq: number; appended: boolean }> {
  const at = nowIso(ctx);
  const hour = hourOf(at);
  const key = { actor_id: view.actor, item_id: view.itemId, part: view.part, hour };
  const result = await ctx.db.transaction().execute(async (trx) => {
    // Take the log's counter row first: concurrent first reads of one window then queue here,
    // and the second finds the window the first claimed (no duplicate entry, no key conflict).
    await nextValues(trx, 'custody', 0);
    const existing = await trx
      .updateTable('custody_view_window')
      .set((eb) => ({ reads: eb('reads', '+', 1), last_at: at }))
      .where('actor_id', '=', key.actor_id)
      .where('item_id', '=', key.item_id)
      .where('part', '=', key.part)
      .where('hour', '=', key.hour)
      .returning('seq')
      .executeTakeFirst();
    if (existing) return { seq: Number(existing.seq), appended: false };
    const [entry] = await appendEntries(
      trx,
      [
        {
          kind: 'view',
          actor: view.actor,
          itemId: view.itemId,
          data: { ern: view.ern, part: view.part, window: hour },
        },
      ],
      at,
    );
    await trx
      .insertInto('custody_view_window')
      .values({ ...key, seq: entry!.seq, reads: 1, last_at: at })
      .execute();
    return { seq: entry!.seq, appended: true };
  });
  if (result.appended) await maybeCheckpoint(ctx);
  return result;
}
