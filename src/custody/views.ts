/**
 * views.ts — reads of evidence, audited without letting the log grow without bound (issue 12.14).
 * The first read of an item's `detail` or `content` by one actor in one UTC hour appends a `view`
 * entry (with the hour in `window`); later reads in that hour only count in the window's row,
 * which points at that entry. So 200 one-byte Range reads are one entry plus a count of 200, and
 * an auditor still sees who read what, and when to the hour. The window row is claimed in the
 * same transaction as the entry, under the log's counter lock, so concurrent reads append exactly
 * one entry on both dialects. A reveal found by search (a protected person's real name met in
 * an item) follows the same rule (recordViews).
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
 * A read audited once per window: `actor` reading `part` of `subject` (an item id, or a record's
 * id when the read is of a record, not an item) in one UTC hour. `entry` is the `view` entry the
 * window's first read appends (the hour is added as `data.window`).
 */
export interface WindowedView {
  readonly actor: string;
  readonly subject: string;
  readonly part: string;
  readonly itemId?: string;
  readonly data: Readonly<Record<string, string | number | boolean>>;
}

/**
 * recordViews audits reads, each once per (actor, subject, part, hour): the first read of a
 * window appends its `view` entry and claims the window in the same transaction (so the entry
 * is never lost: no window row without its entry, no entry twice); later reads count in the
 * window's row. It returns, per view, the seq of the entry that covers it and whether this call
 * appended it. Item reads (recordView) and reveals found by search (src/search/reveal-log.ts)
 * share this rule.
 */
export async function recordViews(
  ctx: Ctx,
  views: readonly WindowedView[],
): Promise<Array<{ seq: number; appended: boolean }>> {
  if (views.length === 0) return [];
  const at = nowIso(ctx);
  const hour = hourOf(at);
  const result = await ctx.db.transaction().execute(async (trx) => {
    // Take the log's counter row first: concurrent first reads of one window then queue here,
    // and the second finds the window the first claimed (no duplicate entry, no key conflict).
    await nextValues(trx, 'custody', 0);
    const out: Array<{ seq: number; appended: boolean } | number> = [];
    const fresh: WindowedView[] = [];
    const inBatch = new Map<string, number>();
    for (const view of views) {
      const id = JSON.stringify([view.actor, view.subject, view.part]);
      const twin = inBatch.get(id);
      if (twin !== undefined) {
        out.push(twin);
        continue;
      }
      const existing = await trx
        .updateTable('custody_view_window')
        .set((eb) => ({ reads: eb('reads', '+', 1), last_at: at }))
        .where('actor_id', '=', view.actor)
        .where('item_id', '=', view.subject)
        .where('part', '=', view.part)
        .where('hour', '=', hour)
        .returning('seq')
        .executeTakeFirst();
      if (existing) {
        out.push({ seq: Number(existing.seq), appended: false });
        continue;
      }
      inBatch.set(id, fresh.length);
      out.push(fresh.length);
      fresh.push(view);
    }
    const appended = await appendEntries(
      trx,
      fresh.map((v) => ({
        kind: 'view' as const,
        actor: v.actor,
        ...(v.itemId ? { itemId: v.itemId } : {}),
        data: { ...v.data, window: hour },
      })),
      at,
    );
    if (fresh.length > 0) {
      await trx
        .insertInto('custody_view_window')
        .values(
          fresh.map((v, i) => ({
            actor_id: v.actor,
            item_id: v.subject,
            part: v.part,
            hour,
            seq: appended[i]!.seq,
            // A twin in the batch is a second read of the same window.
            reads: out.filter((o) => o === i).length,
            last_at: at,
          })),
        )
        .execute();
    }
    return out.map((o) => (typeof o === 'number' ? { seq: appended[o]!.seq, appended: true } : o));
  });
  if (result.some((r) => r.appended)) await maybeCheckpoint(ctx);
  return result;
}

/**
 * recordView audits one read of an item; it returns the seq of the `view` entry that covers it
 * and whether this read appended it.
 */
export async function recordView(ctx: Ctx, view: ViewInput): Promise<{ seq: number; appended: boolean }> {
  const [result] = await recordViews(ctx, [
    {
      actor: view.actor,
      subject: view.itemId,
      part: view.part,
      itemId: view.itemId,
      data: { ern: view.ern, part: view.part },
    },
  ]);
  return result!;
}
