/**
 * sessions/store.ts — browser sessions. The cookie holds a random 32-byte id; the server keeps only its
 * SHA-256, with the user, the last time it was used and its absolute expiry. A session ends after
 * SESSION_IDLE_SECONDS without use or SESSION_ABSOLUTE_SECONDS after login, at logout, at logout
 * everywhere, at a password change or reset, or when the user is disabled.
 */
import { type Ctx, nowIso } from '../../ctx.js';
import { csrfTokenFor, isSecretShaped, newSecret, secretHash } from '../secrets.js';

export const SESSION_COOKIE = 'attest_session';
export const SESSION_IDLE_SECONDS = 30 * 60;
export const SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60;
/** last_seen_at is written at most this often, so reads do not each cost a write. */
const TOUCH_EVERY_SECONDS = 60;

export interface NewSession {
  /** The cookie value: shown to the browser once, never stored. */
  readonly id: string;
  readonly idHash: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

/** createSession starts a new session for `userId` (always a fresh id: no fixation). */
export async function createSession(ctx: Ctx, userId: string): Promise<NewSession> {
  const id = newSecret();
  const idHash = secretHash(id);
  const now = ctx.clock();
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_SECONDS * 1000).toISOString();
  await ctx.db
    .insertInto('session')
    .values({
      id_hash: idHash,
      user_id: userId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: expiresAt,
    })
    .execute();
  return { id, idHash, csrfToken: csrfTokenFor(id), expiresAt };
}

export interface ResolvedSession {
  readonly idHash: string;
  readonly userId: string;
  readonly username: string;
}

/**
 * resolveSession returns the live session for cookie value `id`, or null when it is malformed,
 * unknown, idle too long, past its absolute expiry, or its user is disabled. Expired rows are
 * deleted on sight.
 */
export async function resolveSession(ctx: Ctx, id: string): Promise<ResolvedSession | null> {
  // Attacker-controlled: only a well-formed secret is hashed and looked up.
  if (!isSecretShaped(id)) return null;
  return liveSession(ctx, secretHash(id), { touch: true });
}

/**
 * liveSession returns the session stored as `idHash` while it is live (the rules of
 * resolveSession). `touch` counts the call as use of the session (a request); a re-check of a
 * long-lived answer (an event stream) does not, so the session still ends when its person stops
 * using it.
 */
export async function liveSession(
  ctx: Ctx,
  idHash: string,
  { touch }: { touch: boolean },
): Promise<ResolvedSession | null> {
  const row = await ctx.db
    .selectFrom('session')
    .innerJoin('app_user', 'app_user.id', 'session.user_id')
    .select([
      'session.user_id',
      'session.last_seen_at',
      'session.expires_at',
      'app_user.username',
      'app_user.disabled_at',
    ])
    .where('session.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return null;
  const now = ctx.clock().getTime();
  const idleSince = Date.parse(row.last_seen_at);
  if (
    row.disabled_at !== null ||
    now >= Date.parse(row.expires_at) ||
    now - idleSince >= SESSION_IDLE_SECONDS * 1000
  ) {
    await deleteSession(ctx, idHash);
    return null;
  }
  if (touch && now - idleSince >= TOUCH_EVERY_SECONDS * 1000) {
    await ctx.db
      .updateTable('session')
      .set({ last_seen_at: nowIso(ctx) })
      .where('id_hash', '=', idHash)
      .execute();
  }
  return { idHash, userId: row.user_id, username: row.username };
}

/** deleteSession ends one session (logout). */
export async function deleteSession(ctx: Ctx, idHash: string): Promise<void> {
  await ctx.db.deleteFrom('session').where('id_hash', '=', idHash).execute();
}

/** deleteUserSessions ends every session of `userId`, except `keepIdHash` when given. */
export async function deleteUserSessions(ctx: Ctx, userId: string, keepIdHash?: string): Promise<number> {
  let q = ctx.db.deleteFrom('session').where('user_id', '=', userId);
  if (keepIdHash !== undefined) q = q.where('id_hash', '!=', keepIdHash);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}
