/**
 * gc.ts — blobs no item references (issues 18.9, 12.7): left by a process killed between storing
 * bytes and recording their item, or by a refused request whose clean-up failed. `attest verify`
 * reports them (findUnreferencedBlobs) and `attest gc --apply` removes them (collectGarbage),
 * each by the rule in staging.ts: never bytes an item or a blob row names, nor bytes a live hold
 * protects (an ingest between staging and recording). Removing them changes no record: they were
 * never evidence (no item, no ingest entry), so gc appends nothing to the custody log.
 */
import { type Ctx, nowIso } from '../ctx.js';
import { isSha256Hex } from '../lib/hash.js';
import { isLiveHold, removeIfUnused } from './staging.js';

/** An unreferenced blob: its hash and stored size. */
export interface UnreferencedBlob {
  readonly sha256: string;
  readonly size: number;
}

export interface GcResult {
  /** Unreferenced, unheld blobs found. */
  readonly found: readonly UnreferencedBlob[];
  /** Those removed (apply only): a blob staged again meanwhile is kept. */
  readonly removed: readonly UnreferencedBlob[];
  /** Dead holds (expired, or of a process that no longer runs) deleted (apply only). */
  readonly deadHolds: number;
}

const BATCH = 500;

/**
 * findUnreferencedBlobs lists the stored blobs that no item or blob row names and no live hold
 * protects. It reads; it changes nothing.
 */
export async function findUnreferencedBlobs(ctx: Ctx): Promise<UnreferencedBlob[]> {
  const found: UnreferencedBlob[] = [];
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    for (const sha256 of await unusedOf(ctx, batch)) {
      const size = await ctx.blobs.size(sha256);
      if (size !== undefined) found.push({ sha256, size });
    }
    batch = [];
  };
  for await (const name of ctx.blobs.list()) {
    // The store names files by their hash; anything else in a shard directory is not a blob.
    if (!isSha256Hex(name)) continue;
    batch.push(name);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return found;
}

/** unusedOf returns the hashes of `hashes` that nothing holds or references (holds read first). */
async function unusedOf(ctx: Ctx, hashes: readonly string[]): Promise<string[]> {
  const now = nowIso(ctx);
  const held = new Set(
    (
      await ctx.db
        .selectFrom('blob_hold')
        .select(['sha256', 'holder', 'expires_at'])
        .where('sha256', 'in', [...hashes])
        .execute()
    )
      .filter((h) => isLiveHold(h, now))
      .map((h) => h.sha256),
  );
  const named = new Set<string>();
  for (const r of await ctx.db
    .selectFrom('item')
    .select('blob_sha256 as sha256')
    .where('blob_sha256', 'in', [...hashes])
    .execute())
    named.add(r.sha256);
  for (const r of await ctx.db
    .selectFrom('blob')
    .select('sha256')
    .where('sha256', 'in', [...hashes])
    .execute())
    named.add(r.sha256);
  return hashes.filter((h) => !held.has(h) && !named.has(h));
}

/**
 * collectGarbage finds the unreferenced blobs and, with `apply`, removes each one after checking
 * again under the blob lock; it also deletes dead holds.
 */
export async function collectGarbage(ctx: Ctx, options: { apply: boolean }): Promise<GcResult> {
  const found = await findUnreferencedBlobs(ctx);
  if (!options.apply) return { found, removed: [], deadHolds: 0 };
  const removed: UnreferencedBlob[] = [];
  let deadHolds = 0;
  for (const blob of found) {
    const r = await removeIfUnused(ctx, blob.sha256);
    if (r.removed) removed.push(blob);
    deadHolds += r.deadHolds;
  }
  return { found, removed, deadHolds: deadHolds + (await deleteDeadHolds(ctx)) };
}

/** deleteDeadHolds removes hold rows that protect nothing any more. */
async function deleteDeadHolds(ctx: Ctx): Promise<number> {
  const now = nowIso(ctx);
  const dead = (await ctx.db.selectFrom('blob_hold').select(['id', 'holder', 'expires_at']).execute())
    .filter((h) => !isLiveHold(h, now))
    .map((h) => h.id);
  for (let i = 0; i < dead.length; i += BATCH) {
    await ctx.db
      .deleteFrom('blob_hold')
      .where('id', 'in', dead.slice(i, i + BATCH))
      .execute();
  }
  return dead.length;
}
