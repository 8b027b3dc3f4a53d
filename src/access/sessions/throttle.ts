/**
 * sessions/throttle.ts — sign-in rate limiting, kept in the database so it survives restarts and
 * holds across server processes.
 *
 * Each failed attempt counts against three keys. Past a key's free attempts, the key locks for
 * BASE · 2^(failures − free) seconds, capped at CAP; counts fade after DECAY without failures.
 *
 * - `pair:<username>|<address>` (PAIR_RULE, 5 free): what stops guessing. It locks the account
 *   *for that address only*, so an attacker who types a victim's username five times does not
 *   lock the victim out from anywhere else (issue 12.16).
 * - `account:<username>` (ACCOUNT_RULE, 100 free): locks the account for everyone, only when
 *   failures come from many addresses at once (a distributed guess), and never for long.
 * - `ip:<address>` (ADDRESS_RULE, 50 free): one address guessing across many accounts.
 *
 * A success clears only its own pair: it must not reset what an attacker elsewhere has counted.
 * Every lock is written to the access audit (`lockout`). Time comes from the context clock, so
 * tests move it instead of sleeping.
 */
import { type Ctx, nowIso } from '../../ctx.js';

export interface ThrottleRule {
  /** Failures allowed before the first lock. */
  readonly free: number;
  readonly baseSeconds: number;
  readonly capSeconds: number;
  /** A count older than this (since the last failure) starts again from zero. */
  readonly decaySeconds: number;
}

export const PAIR_RULE: ThrottleRule = Object.freeze({
  free: 5,
  baseSeconds: 30,
  capSeconds: 15 * 60,
  decaySeconds: 60 * 60,
});
export const ACCOUNT_RULE: ThrottleRule = Object.freeze({
  free: 100,
  baseSeconds: 60,
  capSeconds: 15 * 60,
  decaySeconds: 60 * 60,
});
export const ADDRESS_RULE: ThrottleRule = Object.freeze({
  free: 50,
  baseSeconds: 30,
  capSeconds: 60 * 60,
  decaySeconds: 60 * 60,
});

export function accountKey(username: string): string {
  return `account:${username.toLowerCase().slice(0, 200)}`;
}

export function addressKey(ip: string): string {
  return `ip:${ip.slice(0, 100)}`;
}

export function pairKey(username: string, ip: string): string {
  return `pair:${username.toLowerCase().slice(0, 200)}|${ip.slice(0, 100)}`;
}

/** A key with its rule and the audit outcome of its lock. */
export interface ThrottleKey {
  readonly key: string;
  readonly rule: ThrottleRule;
  /** What a lock of this key means, as the `lockout` audit outcome. */
  readonly scope: 'account-address' | 'account' | 'address';
}

/** signInKeys are the keys one sign-in of `username` from `ip` counts against. */
export function signInKeys(username: string, ip: string): readonly ThrottleKey[] {
  return [
    { key: pairKey(username, ip), rule: PAIR_RULE, scope: 'account-address' },
    { key: accountKey(username), rule: ACCOUNT_RULE, scope: 'account' },
    { key: addressKey(ip), rule: ADDRESS_RULE, scope: 'address' },
  ];
}

/** lockSeconds is how long a key with `failures` stays locked (0 while still free). */
export function lockSeconds(rule: ThrottleRule, failures: number): number {
  if (failures < rule.free) return 0;
  const doublings = Math.min(failures - rule.free, 30);
  return Math.min(rule.baseSeconds * 2 ** doublings, rule.capSeconds);
}

/** lockedFor returns the seconds until the first of `keys` unlocks, or 0 when none is locked. */
export async function lockedFor(ctx: Ctx, keys: readonly string[]): Promise<number> {
  const now = ctx.clock().getTime();
  const rows = await ctx.db
    .selectFrom('login_throttle')
    .select(['locked_until'])
    .where('key', 'in', [...keys])
    .execute();
  let wait = 0;
  for (const r of rows) {
    if (r.locked_until === null) continue;
    wait = Math.max(wait, Math.ceil((Date.parse(r.locked_until) - now) / 1000));
  }
  return wait;
}

/**
 * recordFailure counts one failed attempt against `key` under `rule` and locks it if due;
 * it returns the seconds of the lock this failure set (0 when the key stays free).
 */
export async function recordFailure(ctx: Ctx, key: string, rule: ThrottleRule): Promise<number> {
  const now = ctx.clock();
  const at = nowIso(ctx);
  const staleBefore = new Date(now.getTime() - rule.decaySeconds * 1000).toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    // Fade an old count first, then add one atomically (safe across processes).
    await trx
      .updateTable('login_throttle')
      .set({ failures: 0, locked_until: null })
      .where('key', '=', key)
      .where('last_failure_at', '<', staleBefore)
      .execute();
    const row = await trx
      .insertInto('login_throttle')
      .values({ key, failures: 1, last_failure_at: at, locked_until: null })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          failures: eb('login_throttle.failures', '+', 1),
          last_failure_at: at,
        })),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    const seconds = lockSeconds(rule, Number(row.failures));
    if (seconds > 0) {
      await trx
        .updateTable('login_throttle')
        .set({ locked_until: new Date(now.getTime() + seconds * 1000).toISOString() })
        .where('key', '=', key)
        .execute();
    }
    return seconds;
  });
}

/** clearFailures forgets the failures of `key` (a pair, after a successful sign-in from it). */
export async function clearFailures(ctx: Ctx, key: string): Promise<void> {
  await ctx.db.deleteFrom('login_throttle').where('key', '=', key).execute();
}
