/**
 * exercise-end.ts — closing an exercise's accounts. A replay (replay.ts) ends the accounts it made
 * when its exercise ends or is stopped (endExercise). A replay that never reached its end (the
 * process was killed) leaves accounts nobody can use — no password, a token and a device key that
 * lived only in its memory — but that still hold a grant: `attest ops exercise-end` closes them
 * (endStaleExercises), and also undoes what replays before the reserved namespace did to accounts
 * they did not make (a `monitor` grant handed to whoever held the name `exercise-monitor-NN`, and
 * a device key derived from the public seed).
 */
import {
  EXERCISE_ACTOR,
  EXERCISE_USERNAME_PREFIX,
  endExerciseAccount,
  recordAccessEvent,
  revokeRole,
} from '../access/index.js';
import type { Ctx } from '../ctx.js';
import { listAllDeviceKeys, revokeDeviceKey } from '../ops/index.js';

const ACTOR = { actorId: EXERCISE_ACTOR } as const;
/** The label every replay gave its device keys (replay.ts), before and after this module. */
const DEVICE_LABEL_PREFIX = 'exercise device (';

/** ExerciseEnded counts what was revoked. */
export interface ExerciseEnded {
  accounts: number;
  grants: number;
  tokens: number;
  sessions: number;
  devices: number;
}

const none = (): ExerciseEnded => ({ accounts: 0, grants: 0, tokens: 0, sessions: 0, devices: 0 });

/**
 * endAccount closes one exercise account: grants, sessions, tokens (access layer, audited), then
 * its device keys, and records an `exercise-end` access event counting what went.
 */
async function endAccount(ctx: Ctx, userId: string, compartment: string | null, total: ExerciseEnded) {
  const ended = await endExerciseAccount(ctx, userId, ACTOR);
  let devices = 0;
  for (const d of await listAllDeviceKeys(ctx, userId)) {
    if (d.revokedAt === null && (await revokeDeviceKey(ctx, d.id, userId))) devices += 1;
  }
  await recordAccessEvent(ctx, {
    kind: 'exercise-end',
    outcome: `grants=${ended.grants.length} tokens=${ended.tokens} sessions=${ended.sessions} devices=${devices}`,
    actorId: ACTOR.actorId,
    targetId: userId,
    compartment: compartment ?? ended.grants[0]?.compartment ?? null,
  });
  total.accounts += 1;
  total.grants += ended.grants.length;
  total.tokens += ended.tokens;
  total.sessions += ended.sessions;
  total.devices += devices;
}

/**
 * endExercise closes the accounts a replay made for its exercise when it ends or is stopped: their
 * grants go, sessions end, tokens and device keys are revoked and the accounts are disabled (kept,
 * so the observations they sent keep their author). Each is in the access audit (`revoke-grant`,
 * `user-disable`, `exercise-end`). Running it again revokes nothing more.
 */
export async function endExercise(
  ctx: Ctx,
  prepared: { readonly compartment: string; readonly accounts: ReadonlyMap<string, { userId: string }> },
): Promise<ExerciseEnded> {
  const total = none();
  for (const account of prepared.accounts.values())
    await endAccount(ctx, account.userId, prepared.compartment, total);
  return total;
}

/**
 * endStaleExercises closes every account a replay made that still holds a grant or an active
 * device key (or only those of run `tag`), and — with no tag — revokes what older replays handed
 * to accounts they did not make: grants recorded as given by a replay, and device keys the replay
 * registered for them. It must not run while an exercise is being played (it would end it).
 */
export async function endStaleExercises(
  ctx: Ctx,
  options: { tag?: string } = {},
): Promise<ExerciseEnded & { foreignGrants: number }> {
  const total = { ...none(), foreignGrants: 0 };
  const namePrefix = `${EXERCISE_USERNAME_PREFIX}${options.tag === undefined ? '' : `${options.tag}-`}`;
  const own = await ctx.db
    .selectFrom('app_user')
    .select(['id', 'username', 'disabled_at'])
    .where('created_by', '=', EXERCISE_ACTOR)
    .orderBy('username')
    .execute();
  for (const u of own) {
    if (!u.username.startsWith(namePrefix)) continue;
    const [grant, devices] = await Promise.all([
      ctx.db.selectFrom('access_grant').select('role').where('user_id', '=', u.id).executeTakeFirst(),
      listAllDeviceKeys(ctx, u.id),
    ]);
    if (grant || devices.some((d) => d.revokedAt === null) || u.disabled_at === null)
      await endAccount(ctx, u.id, null, total);
  }
  if (options.tag !== undefined) return total;
  // Accounts a replay did not make but gave a grant (before the reserved namespace).
  const foreign = await ctx.db
    .selectFrom('access_grant')
    .innerJoin('app_user', 'app_user.id', 'access_grant.user_id')
    .select(['access_grant.user_id', 'access_grant.role', 'access_grant.compartment'])
    .where('access_grant.created_by', '=', EXERCISE_ACTOR)
    .where('app_user.created_by', '!=', EXERCISE_ACTOR)
    .execute();
  const touched = new Set<string>();
  for (const g of foreign) {
    await revokeRole(ctx, g.user_id, g.role, g.compartment, ACTOR);
    total.foreignGrants += 1;
    touched.add(g.user_id);
  }
  for (const userId of touched) {
    let devices = 0;
    for (const d of await listAllDeviceKeys(ctx, userId)) {
      if (d.revokedAt === null && d.label.startsWith(DEVICE_LABEL_PREFIX)) {
        if (await revokeDeviceKey(ctx, d.id, userId)) devices += 1;
      }
    }
    total.devices += devices;
    await recordAccessEvent(ctx, {
      kind: 'exercise-end',
      outcome: `foreign-account devices=${devices}`,
      actorId: ACTOR.actorId,
      targetId: userId,
    });
  }
  return total;
}
