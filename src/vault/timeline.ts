/**
 * timeline.ts — an item's custody timeline: each log entry about it with its RFC 6962 §2.1.1
 * inclusion proof to the latest signed checkpoint (signed now if the log grew), and the log's
 * verifier key, so a reader can check every step offline.
 */
import type { Ctx } from '../ctx.js';
import { itemEntries, proveInclusion, signCheckpoint } from '../custody/index.js';
import type { Item } from './item.js';

export async function custodyTimeline(ctx: Ctx, item: Item) {
  const checkpoint = (await signCheckpoint(ctx)) ?? null;
  const entries = await itemEntries(ctx, item.id);
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
