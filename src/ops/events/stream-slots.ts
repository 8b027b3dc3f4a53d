/**
 * stream-slots.ts — the per-user limit on open event streams, counted across every server process
 * on the database (issue 21.2). Each open stream holds a row of `event_stream`; opening one counts
 * the user's live rows and inserts its own in one transaction, serialised per user (a PostgreSQL
 * advisory lock; SQLite runs one writer at a time), so concurrent opens on any number of
 * processes cannot all pass. A row is a lease renewed while its stream lives: when a process dies
 * without closing its streams, they stop counting once SLOT_LEASE_MS has passed.
 */
import { randomBytes } from 'node:crypto';
import type { Ctx } from '../../ctx.js';
import { lockKeysInTransaction } from '../../store/dialect.js';
import { OpsError } from '../errors.js';

/** A person has a few tabs and devices open; more streams than this is a leak or an attack. */
export const MAX_STREAMS_PER_USER = 16;
/** How long a stream counts without its process renewing it (streams renew every few seconds). */
export const SLOT_LEASE_MS = 60_000;

const leaseFrom = (ctx: Ctx) => new Date(ctx.clock().getTime() + SLOT_LEASE_MS).toISOString();

/** claimStreamSlot takes one of the user's stream slots, or throws TOO_MANY_STREAMS. */
export async function claimStreamSlot(ctx: Ctx, userId: string): Promise<string> {
  const id = randomBytes(12).toString('hex');
  const now = ctx.clock().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await lockKeysInTransaction(trx, 'event-stream', [userId]);
    // Leases that ran out belong to streams whose process is gone.
    await trx
      .deleteFrom('event_stream')
      .where('user_id', '=', userId)
      .where('lease_until', '<=', now)
      .execute();
    const { n } = await trx
      .selectFrom('event_stream')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (Number(n) >= MAX_STREAMS_PER_USER)
      throw new OpsError('TOO_MANY_STREAMS', `at most ${MAX_STREAMS_PER_USER} open event streams per user`);
    await trx
      .insertInto('event_stream')
      .values({ id, user_id: userId, opened_at: now, lease_until: leaseFrom(ctx) })
      .execute();
  });
  return id;
}

/** renewStreamSlot extends a live stream's lease. */
export async function renewStreamSlot(ctx: Ctx, id: string): Promise<void> {
  await ctx.db
    .updateTable('event_stream')
    .set({ lease_until: leaseFrom(ctx) })
    .where('id', '=', id)
    .execute();
}

/** releaseStreamSlot gives the slot back when its stream closes. */
export async function releaseStreamSlot(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.deleteFrom('event_stream').where('id', '=', id).execute();
}
