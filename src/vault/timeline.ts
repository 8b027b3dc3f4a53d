/**
 * timeline.ts — an item's custody timeline: each log entry about it with its RFC 6962 §2.1.1
 * inclusion proof to the latest signed checkpoint (signed now if the log grew), and the log's
 * verifier key, so a reader can check every step offline. Each entry names its actor by id, as
 * the log does (DESIGN rule 4: no personal data in entries), and by username when the actor is
 * an account, because "who handled it" is what a reader of custody asks (README, "Custody
 * timeline"); the name is outside the hashed entry, so it changes nothing that is verified.
 *
 * Only the entries the reader may read are listed (src/custody/entry-access.ts, the rule of
 * GET /api/log/entries/:index): an analysis record or a case in a compartment the reader cannot
 * see that touches this item leaves no line here — not even a redacted one, whose place in the
 * item's history would tell that something happened behind the wall (DESIGN rule 7, issue #7).
 */
import { usernamesOf } from '../access/index.js';
import type { Ctx } from '../ctx.js';
import {
  itemEntries,
  type LogReach,
  mayReadEntries,
  proveInclusion,
  signCheckpoint,
} from '../custody/index.js';
import type { Item } from './item.js';

/** custodyTimeline lists `item`'s entries that a reader with log:read in `reach` may read. */
export async function custodyTimeline(ctx: Ctx, item: Item, reach: LogReach) {
  const checkpoint = (await signCheckpoint(ctx)) ?? null;
  const all = await itemEntries(ctx, item.id);
  const readable = await mayReadEntries(ctx, all, reach);
  const entries = all.filter((_, i) => readable[i]);
  const names = await usernamesOf(
    ctx,
    entries.map((e) => e.actor),
  );
  return {
    ern: item.ern,
    checkpoint,
    key: ctx.logKey.verifierKey,
    entries: await Promise.all(
      entries.map(async (e) => ({
        seq: e.seq,
        at: e.at,
        kind: e.kind,
        actor: e.actor,
        actorName: names.get(e.actor) ?? null,
        leafHash: e.leafHash,
        // Entries after the checkpoint are not in its tree yet: no proof until the next one.
        proof:
          checkpoint && e.seq < checkpoint.size
            ? (await proveInclusion(ctx, e.seq, checkpoint.size)).proof
            : null,
      })),
    ),
  };
}
