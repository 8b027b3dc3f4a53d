/**
 * upload-quota.ts — how much one user may hold open in resumable uploads (tus 1.0). An open
 * upload reserves its declared `Upload-Length` in the shared store for up to a day (EXPIRY_MS)
 * whether or not its bytes ever come, so without a bound one account — a stolen token, a
 * looping client — could open uploads until the disk is spoken for. Per user, at most
 * `maxOpen` uploads are open at once and their declared lengths add up to at most
 * `maxOpenBytes` (config.ts `uploadQuota`; ATTEST_UPLOAD_MAX_OPEN, ATTEST_UPLOAD_MAX_OPEN_BYTES).
 *
 * Open means: not expired, not yet an item, and not a *final* concatenation upload (it holds no
 * bytes of its own — its partials are counted, and it becomes an item or is removed within the
 * request that creates it). A completed upload, one ended by the client (tus termination) and
 * one past its expiry stop counting at once, before the sweep removes its row and parts.
 * The count and the insert are one transaction, serialised per user (a PostgreSQL advisory
 * lock; SQLite's single writer), so parallel creations cannot both take the last place.
 */
import type { Selectable } from 'kysely';
import type { Ctx } from '../ctx.js';
import { lockKeysInTransaction } from '../store/dialect.js';
import { VaultError } from './errors.js';
import type { UploadTable } from './tables.js';

/** insertWithinQuota records the new upload `row` if its user's open uploads leave room for it. */
export async function insertWithinQuota(ctx: Ctx, row: Selectable<UploadTable>): Promise<void> {
  const { maxOpen, maxOpenBytes } = ctx.config.uploadQuota;
  await ctx.db.transaction().execute(async (trx) => {
    await lockKeysInTransaction(trx, 'upload-quota', [row.user_id]);
    const open = await trx
      .selectFrom('upload')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.coalesce(eb.fn.sum<number>('length'), eb.lit(0)).as('bytes'),
      ])
      .where('user_id', '=', row.user_id)
      .where('expires_at', '>=', row.created_at)
      .where('item_ern', 'is', null)
      .where((eb) => eb.or([eb('concat', 'is', null), eb('concat', '!=', 'final')]))
      .executeTakeFirstOrThrow();
    const n = Number(open.n);
    const bytes = Number(open.bytes);
    if (n + 1 > maxOpen)
      throw new VaultError(
        'UPLOAD_QUOTA',
        `you have ${n} uploads open, the most allowed (${maxOpen}): finish one, end one (DELETE), or wait until one expires`,
      );
    if (bytes + Number(row.length) > maxOpenBytes)
      throw new VaultError(
        'UPLOAD_QUOTA',
        `your open uploads declare ${bytes} bytes; ${row.length} more would pass the limit of ${maxOpenBytes}: finish or end (DELETE) an upload first`,
      );
    await trx.insertInto('upload').values(row).execute();
  });
}
