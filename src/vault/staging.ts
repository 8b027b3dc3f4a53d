/**
 * staging.ts — bytes between "stored in the blob store" and "recorded as an item" (issues 12.7,
 * 18.9). A blob nobody references is garbage, but a blob an ingest has just stored and is about
 * to record is not: `attest gc` and a refused request's clean-up must never take it.
 *
 * The rule, in full:
 * - Every put through stageContent *holds* its hash: a `blob_hold` row (id, sha256, holder =
 *   host/pid, expiry) is inserted in the same transaction in which the file takes its place under
 *   its hash (renamed from its temp file, or found already there). That transaction first takes
 *   the blob lock (a counter row), which every deletion takes too, so "is it held or referenced?"
 *   and "place the file" never interleave: a deletion that saw no hold has unlinked the file
 *   before a later stager looks for it (and the stager then writes it anew).
 * - recordItems releases the holds in the transaction that inserts the items, so at every instant
 *   a staged blob is held, referenced by an item, or neither (garbage). A record whose hold was
 *   taken from it (collected after expiry) is refused rather than pointing at missing bytes.
 * - A blob may be removed only under the blob lock, when no item and no blob row names it and no
 *   live hold does. Holds are read before items, each in its own statement: a record commits the
 *   item and the release together, so whoever no longer sees the hold sees the item.
 * - A hold is dead when it expired (HOLD_TTL_MS after staging, far longer than any ingest takes
 *   from staging to recording) or when its holder is a process on this host that no longer runs
 *   (a SIGKILL between staging and recording).
 * - A refused request (photo hash mismatch, not an image, over the limit, a file that changed
 *   while read, a failed record) discards what it staged at once, by the same rule: its own hold
 *   is dropped and the bytes go unless someone else holds or references them.
 * Uploads in progress (tus files, multipart temp files) are not in the blob store yet and are
 * never listed; intake jobs stage their outputs through stageContent and so hold them.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Transaction } from 'kysely';
import { type Ctx, nowIso } from '../ctx.js';
import type { PutGuard } from '../store/blobs.js';
import { nextValues } from '../store/counters.js';
import type { Database } from '../store/schema.js';
import { VaultError } from './errors.js';

/** HOLD_TTL_MS: how long a staged blob stays held without its item (then gc may take it). */
export const HOLD_TTL_MS = 24 * 60 * 60 * 1000;

/** BLOB_LOCK names the counter row whose lock serialises placing and removing blobs. */
const BLOB_LOCK = 'blob-lock';

/** HOLDER identifies this process to other processes reading its holds. */
const HOLDER = `${hostname()}/${process.pid}`;

/** lockBlobs takes the blob lock for the rest of `trx` (a row lock; SQLite's writer lock). */
export async function lockBlobs(trx: Transaction<Database>): Promise<void> {
  await nextValues(trx, BLOB_LOCK, 0);
}

/** newHoldId returns a fresh hold id (128 random bits). */
export function newHoldId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * holdGuard returns the put guard that holds the blob under `holdId` while it takes its place:
 * the hold row and the file appear together, under the blob lock.
 */
export function holdGuard(ctx: Ctx, holdId: string): PutGuard {
  return (sha256, place) =>
    ctx.db.transaction().execute(async (trx) => {
      await lockBlobs(trx);
      const at = nowIso(ctx);
      await trx
        .insertInto('blob_hold')
        .values({
          id: holdId,
          sha256,
          holder: HOLDER,
          held_at: at,
          expires_at: new Date(Date.parse(at) + HOLD_TTL_MS).toISOString(),
        })
        .execute();
      return place();
    });
}

/**
 * releaseHolds drops the holds of items being recorded, inside the recording transaction. It
 * refuses when a hold is gone: gc took the blob after the hold expired, and the item would point
 * at bytes that may no longer exist.
 */
export async function releaseHolds(trx: Transaction<Database>, holdIds: readonly string[]): Promise<void> {
  const unique = [...new Set(holdIds)];
  let released = 0;
  for (let i = 0; i < unique.length; i += 500) {
    const r = await trx
      .deleteFrom('blob_hold')
      .where('id', 'in', unique.slice(i, i + 500))
      .executeTakeFirst();
    released += Number(r.numDeletedRows);
  }
  if (released !== unique.length) {
    throw new VaultError(
      'STAGING_EXPIRED',
      'bytes staged for this item were collected before it was recorded (held too long); send them again',
    );
  }
}

/** isLiveHold: not expired at `now`, and (on this host) its process still runs. */
export function isLiveHold(hold: { holder: string; expires_at: string }, now: string): boolean {
  if (hold.expires_at <= now) return false;
  const slash = hold.holder.lastIndexOf('/');
  const host = hold.holder.slice(0, slash);
  const pid = Number(hold.holder.slice(slash + 1));
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return true;
  return isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * inUse tells whether `sha256` is held (live) or referenced, read in the order the rule needs:
 * holds first, then items and blob rows. Call it under the blob lock.
 */
export async function inUse(trx: Transaction<Database>, sha256: string, now: string): Promise<boolean> {
  const holds = await trx
    .selectFrom('blob_hold')
    .select(['holder', 'expires_at'])
    .where('sha256', '=', sha256)
    .execute();
  if (holds.some((h) => isLiveHold(h, now))) return true;
  const item = await trx.selectFrom('item').select('id').where('blob_sha256', '=', sha256).limit(1).execute();
  if (item.length > 0) return true;
  const blob = await trx.selectFrom('blob').select('sha256').where('sha256', '=', sha256).execute();
  return blob.length > 0;
}

/**
 * removeIfUnused removes the blob `sha256` when nothing holds or references it, first dropping
 * the holds `dropHolds` (the caller's own) and every dead hold of that hash. It returns whether
 * the bytes were removed and how many dead holds it dropped.
 */
export async function removeIfUnused(
  ctx: Ctx,
  sha256: string,
  dropHolds: readonly string[] = [],
): Promise<{ removed: boolean; deadHolds: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    await lockBlobs(trx);
    const now = nowIso(ctx);
    if (dropHolds.length > 0)
      await trx
        .deleteFrom('blob_hold')
        .where('id', 'in', [...dropHolds])
        .execute();
    const holds = await trx
      .selectFrom('blob_hold')
      .select(['id', 'holder', 'expires_at'])
      .where('sha256', '=', sha256)
      .execute();
    const dead = holds.filter((h) => !isLiveHold(h, now)).map((h) => h.id);
    if (dead.length > 0) await trx.deleteFrom('blob_hold').where('id', 'in', dead).execute();
    if (await inUse(trx, sha256, now)) return { removed: false, deadHolds: dead.length };
    // Unlinked inside the transaction, under the lock: no stager can find the file and then lose it.
    return { removed: await ctx.blobs.remove(sha256), deadHolds: dead.length };
  });
}

/**
 * discardStaged undoes stageContent for items that will not be recorded (a refused request):
 * each hold is dropped and its bytes removed unless another hold or an item still needs them.
 * It never throws: a failure to clean up must not hide the refusal that caused it (what it
 * leaves, `attest verify` reports and `attest gc` removes).
 */
export async function discardStaged(
  ctx: Ctx,
  staged: readonly { readonly blob: { readonly sha256: string }; readonly holdId: string }[],
): Promise<void> {
  const bySha = new Map<string, string[]>();
  for (const s of staged) bySha.set(s.blob.sha256, [...(bySha.get(s.blob.sha256) ?? []), s.holdId]);
  for (const [sha256, holds] of bySha) {
    try {
      await removeIfUnused(ctx, sha256, holds);
    } catch {
      // Left for gc (see above).
    }
  }
}

/** releaseStaged releases the holds of `staged` inside the transaction that records them. */
export function releaseStaged(
  trx: Transaction<Database>,
  staged: readonly { readonly holdId: string }[],
): Promise<void> {
  return releaseHolds(
    trx,
    staged.map((s) => s.holdId),
  );
}
