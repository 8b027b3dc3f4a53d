/**
 * login.ts — checks a username and password under the login throttle (throttle.ts). Every
 * outcome takes about one password check, whether or not the account exists, so response times
 * do not reveal which usernames are real.
 */
import type { Ctx } from '../ctx.js';
import { burnPasswordCheck, MAX_PASSWORD_LENGTH, verifyPassword } from './password.js';
import {
  ACCOUNT_RULE,
  ADDRESS_RULE,
  accountKey,
  addressKey,
  clearFailures,
  lockedFor,
  recordFailure,
} from './throttle.js';

export type LoginOutcome =
  | { readonly status: 'ok'; readonly userId: string; readonly username: string }
  | {
      readonly status: 'failed';
      readonly userId: string | null;
      readonly reason: 'unknown' | 'password' | 'disabled';
    }
  | { readonly status: 'locked'; readonly userId: string | null; readonly retryAfterSeconds: number };

/** attemptLogin checks `username`/`password` from client address `ip`. */
export async function attemptLogin(
  ctx: Ctx,
  username: string,
  password: string,
  ip: string,
): Promise<LoginOutcome> {
  const name = username.trim().toLowerCase();
  const keys = [accountKey(name), addressKey(ip)];
  const user = await ctx.db
    .selectFrom('app_user')
    .select(['id', 'username', 'password_hash', 'disabled_at'])
    .where('username', '=', name)
    .executeTakeFirst();
  const wait = await lockedFor(ctx, keys);
  if (wait > 0) return { status: 'locked', userId: user?.id ?? null, retryAfterSeconds: wait };

  let ok = false;
  if (user?.password_hash && password.length <= MAX_PASSWORD_LENGTH) {
    ok = await verifyPassword(password, user.password_hash);
  } else {
    await burnPasswordCheck(password);
  }
  if (ok && user && user.disabled_at === null) {
    await clearFailures(ctx, keys[0]!);
    return { status: 'ok', userId: user.id, username: user.username };
  }
  await recordFailure(ctx, keys[0]!, ACCOUNT_RULE);
  await recordFailure(ctx, keys[1]!, ADDRESS_RULE);
  const reason = !user ? 'unknown' : ok ? 'disabled' : 'password';
  return { status: 'failed', userId: user?.id ?? null, reason };
}
