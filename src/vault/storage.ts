/** storage.ts — how much the vault holds: distinct blobs (content-addressed) and their bytes. */
import type { Ctx } from '../ctx.js';

export interface StorageUsed {
  readonly blobs: number;
  readonly bytes: number;
  readonly items: number;
}

/** storageUsed counts the stored blobs, their bytes and the items that name them. */
export async function storageUsed(ctx: Pick<Ctx, 'db'>): Promise<StorageUsed> {
  const blobs = await ctx.db
    .selectFrom('blob')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size').as('bytes')])
    .executeTakeFirstOrThrow();
  const items = await ctx.db
    .selectFrom('item')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { blobs: Number(blobs.n), bytes: Number(blobs.bytes ?? 0), items: Number(items.n) };
}
