/**
 * users/service.ts — accounts: create one (with a first grant and a one-time link to set its
 * password; no password ever passes through an admin), list, look up and disable. Each change is
 * written to the access audit by the service, so the API and the CLI audit alike.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { type Ctx, nowIso } from '../../ctx.js';
import type { Database } from '../../store/schema.js';
import type { Grant } from '../access.js';
import { type AuditSource, auditFrom } from '../audit/service.js';
import { accessChanged } from '../change-bus.js';
import { AccessError } from '../errors.js';
import {
  type AdminScope,
  activeAdminCount,
  assertManages,
  assertMayGrant,
  checkGrant,
  grantsOf,
  managedBy,
} from '../grants/service.js';
import { EXERCISE_ACTOR, EXERCISE_USERNAME_PREFIX, USERNAME_PATTERN } from '../limits.js';
import { insertOneTimeToken, RESET_LINK_SECONDS } from '../links/one-time.js';
import { ALL_COMPARTMENTS, isRole, type Role } from '../permissions.js';

const USERNAME = new RegExp(USERNAME_PATTERN);

export interface User {
  readonly id: string;
  readonly username: string;
  readonly createdAt: string;
  readonly disabled: boolean;
  readonly hasPassword: boolean;
  readonly grants: Grant[];
}

export interface CreatedUser {
  readonly user: User;
  /** The one-time token for the password link (shown once). */
  readonly passwordToken: string;
  readonly passwordTokenExpiresAt: string;
}

/**
 * normaliseUsername lowercases `raw` and checks it, or throws INVALID_USERNAME; a name with the
 * exercise prefix throws RESERVED_USERNAME (only createExerciseUser makes those).
 */
export function normaliseUsername(raw: string): string {
  const u = raw.trim().toLowerCase();
  if (!USERNAME.test(u)) {
    throw new AccessError(
      'INVALID_USERNAME',
      'a username is 2–63 lowercase letters, digits, dots, dashes or underscores',
    );
  }
  if (isExerciseUsername(u)) {
    throw new AccessError(
      'RESERVED_USERNAME',
      `usernames starting with ${EXERCISE_USERNAME_PREFIX} are reserved for exercise replays`,
    );
  }
  return u;
}

/** isExerciseUsername tells whether `username` is in the exercise replays' reserved namespace. */
export function isExerciseUsername(username: string): boolean {
  return username.trim().toLowerCase().startsWith(EXERCISE_USERNAME_PREFIX);
}

/** assertUsernameFree throws USER_EXISTS when `username` is taken (inside the creating transaction). */
export async function assertUsernameFree(trx: Transaction<Database>, username: string): Promise<void> {
  const exists = await trx
    .selectFrom('app_user')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirst();
  if (exists) throw new AccessError('USER_EXISTS', `a user ${username} already exists`);
}

/** createUser adds an account with one grant and no password, issues its password link, audited. */
export async function createUser(
  ctx: Ctx,
  input: { username: string; role: string; compartment: string },
  source: AuditSource,
  scope: AdminScope = 'all',
): Promise<CreatedUser> {
  const username = normaliseUsername(input.username);
  checkGrant(input.role, input.compartment);
  assertMayGrant(scope, input.compartment);
  const role = input.role;
  const at = nowIso(ctx);
  const id = randomUUID();
  const createdBy = source.actorId ?? 'cli';
  const created = await ctx.db.transaction().execute(async (trx) => {
    await assertUsernameFree(trx, username);
    await trx
      .insertInto('app_user')
      .values({ id, username, password_hash: null, created_at: at, created_by: createdBy, disabled_at: null })
      .execute();
    await trx
      .insertInto('access_grant')
      .values({ user_id: id, role, compartment: input.compartment, created_at: at, created_by: createdBy })
      .execute();
    const link = await insertOneTimeToken(ctx, trx, 'reset', id, RESET_LINK_SECONDS);
    const user: User = {
      id,
      username,
      createdAt: at,
      disabled: false,
      hasPassword: false,
      grants: [{ role, compartment: input.compartment }],
    };
    return { user, passwordToken: link.token, passwordTokenExpiresAt: link.expiresAt };
  });
  await auditFrom(ctx, source, 'user-create', 'ok', id, input.compartment);
  return created;
}

/** listUsers returns the accounts `scope` manages, with their grants, by username. */
export async function listUsers(ctx: Ctx, scope: AdminScope = 'all'): Promise<User[]> {
  const users = await managedBy(ctx.db.selectFrom('app_user').selectAll(), scope)
    .orderBy('username')
    .execute();
  const ids = users.map((u) => u.id);
  const grants =
    ids.length === 0
      ? []
      : await ctx.db
          .selectFrom('access_grant')
          .select(['user_id', 'role', 'compartment'])
          .where('user_id', 'in', ids)
          .execute();
  return users.map((u) => ({
    id: u.id,
    username: u.username,
    createdAt: u.created_at,
    disabled: u.disabled_at !== null,
    hasPassword: u.password_hash !== null,
    grants: grants
      .filter((g) => g.user_id === u.id && isRole(g.role))
      .map((g) => ({ role: g.role as Role, compartment: g.compartment }))
      .sort((a, b) => `${a.role} ${a.compartment}`.localeCompare(`${b.role} ${b.compartment}`)),
  }));
}

/** getUser returns one account or throws NOT_FOUND. */
export async function getUser(ctx: Ctx, userId: string): Promise<User> {
  const u = await ctx.db.selectFrom('app_user').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!u) throw new AccessError('NOT_FOUND', 'no such user');
  return {
    id: u.id,
    username: u.username,
    createdAt: u.created_at,
    disabled: u.disabled_at !== null,
    hasPassword: u.password_hash !== null,
    grants: await grantsOf(ctx.db, u.id),
  };
}

/** findUserId returns the id of `username` (any case), or undefined. */
export async function findUserId(ctx: Ctx, username: string): Promise<string | undefined> {
  const row = await ctx.db
    .selectFrom('app_user')
    .select('id')
    .where('username', '=', username.trim().toLowerCase())
    .executeTakeFirst();
  return row?.id;
}

/**
 * usernamesOf maps those of `ids` that are accounts to their usernames (disabled accounts
 * included: a name in a custody timeline stays the name of whoever acted then). Ids that are
 * not accounts (`cli`, a job, a device) are absent from the map.
 */
export async function usernamesOf(ctx: Ctx, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await ctx.db
      .selectFrom('app_user')
      .select(['id', 'username'])
      .where('id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, r.username);
  }
  return out;
}

/**
 * revokeCredentials ends every way `userId` is signed in: sessions (browsers and the monitor
 * app on their phones), API tokens, and unused password links. Used when an account is
 * disabled and when its password is reset (a reset answers a suspected compromise).
 */
export async function revokeCredentials(ctx: Ctx, trx: Transaction<Database>, userId: string): Promise<void> {
  await trx.deleteFrom('session').where('user_id', '=', userId).execute();
  await trx
    .updateTable('api_token')
    .set({ revoked_at: nowIso(ctx) })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** disableUser blocks an account, audited: its sessions end and its API tokens are revoked at once. */
export async function disableUser(
  ctx: Ctx,
  userId: string,
  source: AuditSource,
  scope: AdminScope = 'all',
): Promise<void> {
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await assertManages(trx, scope, userId);
    const res = await trx
      .updateTable('app_user')
      .set({ disabled_at: at })
      .where('id', '=', userId)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) {
      const exists = await trx
        .selectFrom('app_user')
        .select('id')
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!exists) throw new AccessError('NOT_FOUND', 'no such user');
      return;
    }
    if ((await activeAdminCount(trx)) === 0) {
      throw new AccessError('LAST_ADMIN', 'the last active admin cannot be disabled');
    }
    await revokeCredentials(ctx, trx, userId);
    await trx
      .deleteFrom('one_time_token')
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
  });
  await auditFrom(ctx, source, 'user-disable', 'ok', userId);
  accessChanged(ctx, userId);
}

/**
 * createExerciseUser makes an account for an exercise replay (src/demo/replay.ts): a name in the
 * reserved namespace, `monitor` in the exercise's compartment only, no password and no password
 * link, `created_by` the replay's marker. A name already taken is USER_EXISTS: a replay never
 * adopts an account it did not make in this run (whoever made it could hold its password).
 */
export async function createExerciseUser(
  ctx: Ctx,
  input: { username: string; compartment: string },
  source: AuditSource,
): Promise<User> {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME.test(username) || !isExerciseUsername(username))
    throw new AccessError('INVALID_USERNAME', `an exercise account is named ${EXERCISE_USERNAME_PREFIX}…`);
  checkGrant('monitor', input.compartment);
  if (input.compartment === ALL_COMPARTMENTS)
    throw new AccessError('INVALID_INPUT', 'an exercise account holds one compartment, never *');
  const at = nowIso(ctx);
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await assertUsernameFree(trx, username);
    await trx
      .insertInto('app_user')
      .values({
        id,
        username,
        password_hash: null,
        created_at: at,
        created_by: EXERCISE_ACTOR,
        disabled_at: null,
      })
      .execute();
    await trx
      .insertInto('access_grant')
      .values({
        user_id: id,
        role: 'monitor',
        compartment: input.compartment,
        created_at: at,
        created_by: EXERCISE_ACTOR,
      })
      .execute();
  });
  await auditFrom(ctx, source, 'user-create', 'exercise', id, input.compartment);
  return {
    id,
    username,
    createdAt: at,
    disabled: false,
    hasPassword: false,
    grants: [{ role: 'monitor', compartment: input.compartment }],
  };
}

/** isExerciseAccount tells whether `userId` is an account an exercise replay made (name and marker). */
export async function isExerciseAccount(ctx: Ctx, userId: string): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('app_user')
    .select(['username', 'created_by'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return !!row && isExerciseUsername(row.username) && row.created_by === EXERCISE_ACTOR;
}

/**
 * endExerciseAccount closes an account an exercise replay made, when its exercise ends or stops:
 * its grants go, its sessions end, its API tokens and any password link are revoked and it is
 * disabled, in one transaction; each grant's revocation and the disabling are in the access audit.
 * The account stays (disabled) so the observations it sent keep their author. Its device keys are
 * the ops domain's: the caller revokes them. Refuses (RESERVED_USERNAME) any other account.
 */
export async function endExerciseAccount(
  ctx: Ctx,
  userId: string,
  source: AuditSource,
): Promise<{ grants: Grant[]; tokens: number; sessions: number }> {
  if (!(await isExerciseAccount(ctx, userId)))
    throw new AccessError('RESERVED_USERNAME', 'not an account an exercise replay made');
  const at = nowIso(ctx);
  const out = await ctx.db.transaction().execute(async (trx) => {
    const grants = await grantsOf(trx, userId);
    await trx.deleteFrom('access_grant').where('user_id', '=', userId).execute();
    const sessions = await trx.deleteFrom('session').where('user_id', '=', userId).executeTakeFirst();
    const tokens = await trx
      .updateTable('api_token')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    await trx
      .deleteFrom('one_time_token')
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
    await trx
      .updateTable('app_user')
      .set({ disabled_at: at })
      .where('id', '=', userId)
      .where('disabled_at', 'is', null)
      .execute();
    return { grants, tokens: Number(tokens.numUpdatedRows), sessions: Number(sessions.numDeletedRows) };
  });
  for (const g of out.grants) await auditFrom(ctx, source, 'revoke-grant', g.role, userId, g.compartment);
  await auditFrom(ctx, source, 'user-disable', 'exercise-ended', userId);
  accessChanged(ctx, userId);
  return out;
}
