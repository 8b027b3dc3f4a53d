/**
 * sessions/service.ts — signing in and out, the caller's profile, and changing one's own
 * password. Sign-in runs under the login throttle (throttle.ts); every outcome takes about one
 * password check, whether or not the account exists, so response times do not reveal which
 * usernames are real, and every outcome is in the access audit.
 */
import type { Ctx } from '../../ctx.js';
import { type Access, accessFor, type Grant } from '../access.js';
import { type AuditSource, auditFrom } from '../audit/service.js';
import { accessChanged } from '../change-bus.js';
import { AccessError } from '../errors.js';
import { grantsOf } from '../grants/service.js';
import {
  burnPasswordCheck,
  checkNewPassword,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  verifyPassword,
} from '../password.js';
import { PERMISSIONS, type Permission } from '../permissions.js';
import { createSession, deleteSession, deleteUserSessions, type NewSession } from './store.js';
import { clearFailures, lockedFor, recordFailure, signInKeys, type ThrottleKey } from './throttle.js';

export interface Profile {
  readonly id: string;
  readonly username: string;
  readonly via: 'session' | 'token';
  readonly grants: Grant[];
  readonly permissions: Permission[];
  readonly csrfToken?: string;
}

/** profile is what `GET /api/me` tells a caller about itself. */
export function profile(access: Access, csrfToken?: string): Profile {
  return {
    id: access.userId!,
    username: access.username!,
    via: access.via!,
    grants: access.grants.map((g) => ({ ...g })),
    permissions: PERMISSIONS.filter((p) => access.canAnywhere(p)),
    ...(csrfToken ? { csrfToken } : {}),
  };
}

function locked(retryAfter: number): AccessError {
  return new AccessError('LOCKED', 'too many failed attempts; wait and retry', { retryAfter });
}

/** countFailure counts a failed attempt against `keys` and audits every lock it sets. */
async function countFailure(
  ctx: Ctx,
  keys: readonly ThrottleKey[],
  source: AuditSource,
  userId: string | undefined,
): Promise<void> {
  for (const k of keys) {
    const seconds = await recordFailure(ctx, k.key, k.rule);
    if (seconds > 0) await auditFrom(ctx, source, 'lockout', k.scope, userId);
  }
}

/**
 * signIn checks `username`/`password` from `source.ip` and starts a new session (never one the
 * client presented: no fixation). Refusals are LOCKED (with `retryAfter`) or
 * INVALID_CREDENTIALS, the same for an unknown user, a wrong password and a disabled account.
 */
export async function signIn(
  ctx: Ctx,
  input: { username: string; password: string },
  source: AuditSource & { readonly ip: string },
): Promise<{ session: NewSession; profile: Profile }> {
  const name = input.username.trim().toLowerCase();
  const keys = signInKeys(name, source.ip);
  const user = await ctx.db
    .selectFrom('app_user')
    .select(['id', 'username', 'password_hash', 'disabled_at'])
    .where('username', '=', name)
    .executeTakeFirst();
  const wait = await lockedFor(
    ctx,
    keys.map((k) => k.key),
  );
  if (wait > 0) {
    await auditFrom(ctx, source, 'login', 'locked', user?.id);
    throw locked(wait);
  }
  let ok = false;
  if (user?.password_hash && input.password.length <= MAX_PASSWORD_LENGTH) {
    ok = await verifyPassword(input.password, user.password_hash);
  } else {
    await burnPasswordCheck(input.password);
  }
  if (!ok || !user || user.disabled_at !== null) {
    await auditFrom(ctx, source, 'login', ok ? 'disabled' : 'failed', user?.id);
    await countFailure(ctx, keys, source, user?.id);
    throw new AccessError('INVALID_CREDENTIALS', 'the username or password is not right');
  }
  await clearFailures(ctx, keys[0]!.key);
  const session = await createSession(ctx, user.id);
  await auditFrom(ctx, { ...source, actorId: user.id }, 'login', 'ok', user.id);
  const access = accessFor(
    { userId: user.id, username: user.username, via: 'session', credentialId: session.idHash },
    await grantsOf(ctx.db, user.id),
  );
  return { session, profile: profile(access, session.csrfToken) };
}

/** signOut ends the caller's session (a token caller has none to end), audited. */
export async function signOut(ctx: Ctx, access: Access, source: AuditSource): Promise<void> {
  if (access.via === 'session') await deleteSession(ctx, access.credentialId!);
  await auditFrom(ctx, source, 'logout', 'ok', access.userId);
  if (access.userId) accessChanged(ctx, access.userId);
}

/** signOutEverywhere ends every session of the caller, audited. */
export async function signOutEverywhere(ctx: Ctx, access: Access, source: AuditSource): Promise<void> {
  await deleteUserSessions(ctx, access.userId!);
  await auditFrom(ctx, source, 'logout-everywhere', 'ok', access.userId);
  accessChanged(ctx, access.userId!);
}

/**
 * changeOwnPassword replaces the caller's password after checking the current one (a wrong one
 * counts towards the account's sign-in lock); the caller's other sessions end, this one stays.
 * Only a signed-in person may do it, never an API token.
 */
export async function changeOwnPassword(
  ctx: Ctx,
  access: Access,
  input: { oldPassword: string; newPassword: string },
  source: AuditSource,
): Promise<void> {
  if (access.via !== 'session') throw new AccessError('FORBIDDEN', 'sign in to change your password');
  // The same keys as a sign-in: a stolen session must not guess the password faster than a login.
  const keys = signInKeys(access.username!, source.ip ?? '').slice(0, 2);
  const wait = await lockedFor(
    ctx,
    keys.map((k) => k.key),
  );
  if (wait > 0) throw locked(wait);
  const user = await ctx.db
    .selectFrom('app_user')
    .select(['username', 'password_hash'])
    .where('id', '=', access.userId!)
    .executeTakeFirst();
  if (!user?.password_hash || !(await verifyPassword(input.oldPassword, user.password_hash))) {
    await auditFrom(ctx, source, 'password-change', 'failed', access.userId);
    await countFailure(ctx, keys, source, access.userId!);
    throw new AccessError('WRONG_PASSWORD', 'the current password is not right');
  }
  checkNewPassword(input.newPassword, user.username);
  await ctx.db
    .updateTable('app_user')
    .set({ password_hash: await hashPassword(input.newPassword) })
    .where('id', '=', access.userId!)
    .execute();
  await deleteUserSessions(ctx, access.userId!, access.credentialId!);
  await auditFrom(ctx, source, 'password-change', 'ok', access.userId);
  accessChanged(ctx, access.userId!);
}
