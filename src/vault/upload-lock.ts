/**
 * upload-lock.ts — the lock one request holds on a resumable upload while it writes to it or
 * consumes it (issue 12.6). Taking it is an atomic conditional UPDATE, so of two requests racing
 * on any number of processes exactly one wins; the loser is refused (409, which tus clients
 * retry). The lock is a lease: it runs out after LOCK_LEASE_MS without renewal, so an upload whose
 * writer died is not blocked for ever, and a writer that stalled past its lease finds out on
 * renewal and stops before writing another byte.
 */
import { randomBytes } from 'node:crypto';
import type { Ctx } from '../ctx.js';

/** LOCK_LEASE_MS is how long a lock holds without news from its holder (renewed as bytes arrive). */
export const LOCK_LEASE_MS = 60_000;

/**
 * tryLockUpload takes the lock of the caller's unexpired upload `id`; it returns the lock's token,
 * or undefined when the upload is locked by another request, is not the caller's, or is gone.
 */
export async function tryLockUpload(ctx: Ctx, id: string, userId: string): Promise<string | undefined> {
  const token = randomBytes(16).toString('hex');
  const now = ctx.clock();
  const result = await ctx.db
    .updateTable('upload')
    .set({ lock_token: token, locked_until: new Date(now.getTime() + LOCK_LEASE_MS).toISOString() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('expires_at', '>=', now.toISOString())
    .where((eb) => eb.or([eb('lock_token', 'is', null), eb('locked_until', '<', now.toISOString())]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? token : undefined;
}

/** renewLock extends the lease; false when the lock was lost (its lease ran out and was taken over). */
export async function renewLock(ctx: Ctx, id: string, token: string): Promise<boolean> {
  const until = new Date(ctx.clock().getTime() + LOCK_LEASE_MS).toISOString();
  const result = await ctx.db
    .updateTable('upload')
    .set({ locked_until: until })
    .where('id', '=', id)
    .where('lock_token', '=', token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** unlockUpload releases the lock if `token` still holds it. */
export async function unlockUpload(ctx: Ctx, id: string, token: string): Promise<void> {
  await ctx.db
    .updateTable('upload')
    .set({ lock_token: null, locked_until: null })
    .where('id', '=', id)
    .where('lock_token', '=', token)
    .execute();
}
