/**
 * links/one-time.ts — one-time tokens behind setup and password links: 32 random bytes, stored
 * only as SHA-256, valid once and for a limited time, one live link per purpose and user.
 */
import type { Transaction } from 'kysely';
import { type Ctx, nowIso } from '../../ctx.js';
import type { Database } from '../../store/schema.js';
import { AccessError } from '../errors.js';
import { isSecretShaped, newSecret, secretHash } from '../secrets.js';

/** A first-run setup link lives an hour; a password link (new user, reset) a day. */
export const SETUP_LINK_SECONDS = 60 * 60;
export const RESET_LINK_SECONDS = 24 * 60 * 60;

export type LinkPurpose = 'setup' | 'reset';

export interface OneTimeLink {
  /** The secret (shown once, never stored). */
  readonly token: string;
  readonly expiresAt: string;
}

/** insertOneTimeToken issues a link for `purpose` and `userId`, replacing its live predecessor. */
export async function insertOneTimeToken(
  ctx: Ctx,
  trx: Transaction<Database>,
  purpose: LinkPurpose,
  userId: string | null,
  seconds: number,
): Promise<OneTimeLink> {
  const token = newSecret();
  const now = ctx.clock();
  const expiresAt = new Date(now.getTime() + seconds * 1000).toISOString();
  let del = trx.deleteFrom('one_time_token').where('purpose', '=', purpose).where('used_at', 'is', null);
  del = userId === null ? del.where('user_id', 'is', null) : del.where('user_id', '=', userId);
  await del.execute();
  await trx
    .insertInto('one_time_token')
    .values({
      token_hash: secretHash(token),
      purpose,
      user_id: userId,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
    })
    .execute();
  return { token, expiresAt };
}

/** consumeOneTimeToken marks a live token used and returns its user, or throws INVALID_LINK. */
export async function consumeOneTimeToken(
  ctx: Ctx,
  trx: Transaction<Database>,
  purpose: LinkPurpose,
  token: string,
): Promise<{ user_id: string | null }> {
  // Attacker-controlled: only a well-formed secret is hashed and looked up.
  if (!isSecretShaped(token)) throw invalidLink();
  const at = nowIso(ctx);
  const row = await trx
    .updateTable('one_time_token')
    .set({ used_at: at })
    .where('token_hash', '=', secretHash(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .returning(['user_id'])
    .executeTakeFirst();
  if (!row) throw invalidLink();
  return row;
}

export function invalidLink(): AccessError {
  return new AccessError('INVALID_LINK', 'this link is not valid or has expired');
}
