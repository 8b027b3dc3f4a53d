/**
 * users.ts — accounts and their grants: create (with a one-time link to set the password),
 * list, grant and revoke roles per compartment, disable, change and reset passwords, and the
 * first-run setup that creates the first admin.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { type Ctx, nowIso } from '../ctx.js';
import type { Database } from '../store/schema.js';
import type { Grant } from './access.js';
import { AccessError } from './errors.js';
import { checkNewPassword, hashPassword, verifyPassword } from './password.js';
import { ALL_COMPARTMENTS, COMPARTMENT_PATTERN, isRole, type Role } from './permissions.js';
import { isSecretShaped, newSecret, secretHash } from './secrets.js';
import { deleteUserSessions } from './sessions.js';

export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{1,62}$';
const USERNAME = new RegExp(USERNAME_PATTERN);
const COMPARTMENT = new RegExp(COMPARTMENT_PATTERN);
/** A first-run setup link lives an hour; a password link (new user, reset) a day. */
export const SETUP_LINK_SECONDS = 60 * 60;
export const RESET_LINK_SECONDS = 24 * 60 * 60;

export interface User {
  readonly id: string;
  readonly username: string;
  readonly createdAt: string;
  readonly disabled: boolean;
  readonly hasPassword: boolean;
  readonly grants: Grant[];
}

/** normaliseUsername lowercases `raw` and checks it, or throws INVALID_USERNAME. */
export function normaliseUsername(raw: string): string {
  const u = raw.trim().toLowerCase();
  if (!USERNAME.test(u)) {
    throw new AccessError(
      'INVALID_USERNAME',
      'a username is 2–63 lowercase letters, digits, dots, dashes or underscores',
    );
  }
  return u;
}

function checkGrant(role: string, compartment: string): asserts role is Role {
  if (!isRole(role)) throw new AccessError('INVALID_INPUT', `unknown role ${role}`);
  if (!COMPARTMENT.test(compartment)) throw new AccessError('INVALID_INPUT', 'not a compartment name');
}

/** grantsOf returns the grants held by `userId`. */
export async function grantsOf(
  db: Kysely<Database> | Transaction<Database>,
  userId: string,
): Promise<Grant[]> {
  const rows = await db
    .selectFrom('access_grant')
    .select(['role', 'compartment'])
    .where('user_id', '=', userId)
    .orderBy('role')
    .orderBy('compartment')
    .execute();
  return rows
    .filter((r) => isRole(r.role))
    .map((r) => ({ role: r.role as Role, compartment: r.compartment }));
}

export interface CreatedUser {
  readonly user: User;
  /** The one-time token for the password link (shown once). */
  readonly passwordToken: string;
  readonly passwordTokenExpiresAt: string;
}

/** createUser adds an account with one grant and no password, and issues its password link. */
export async function createUser(
  ctx: Ctx,
  input: { username: string; role: string; compartment: string; actor: string },
): Promise<CreatedUser> {
  const username = normaliseUsername(input.username);
  checkGrant(input.role, input.compartment);
  const at = nowIso(ctx);
  const id = randomUUID();
  return ctx.db.transaction().execute(async (trx) => {
    await assertUsernameFree(trx, username);
    await trx
      .insertInto('app_user')
      .values({
        id,
        username,
        password_hash: null,
        created_at: at,
        created_by: input.actor,
        disabled_at: null,
      })
      .execute();
    await trx
      .insertInto('access_grant')
      .values({
        user_id: id,
        role: input.role,
        compartment: input.compartment,
        created_at: at,
        created_by: input.actor,
      })
      .execute();
    const link = await insertOneTimeToken(ctx, trx, 'reset', id, RESET_LINK_SECONDS);
    const user: User = {
      id,
      username,
      createdAt: at,
      disabled: false,
      hasPassword: false,
      grants: [{ role: input.role as Role, compartment: input.compartment }],
    };
    return { user, passwordToken: link.token, passwordTokenExpiresAt: link.expiresAt };
  });
}

async function insertOneTimeToken(
  ctx: Ctx,
  trx: Transaction<Database>,
  purpose: 'setup' | 'reset',
  userId: string | null,
  seconds: number,
): Promise<{ token: string; expiresAt: string }> {
  const token = newSecret();
  const now = ctx.clock();
  const expiresAt = new Date(now.getTime() + seconds * 1000).toISOString();
  // One live link per purpose and user: a new link replaces the previous one.
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

/** consumeOneTimeToken marks a live token used and returns its row, or throws INVALID_LINK. */
async function consumeOneTimeToken(
  ctx: Ctx,
  trx: Transaction<Database>,
  purpose: 'setup' | 'reset',
  token: string,
) {
  // Attacker-controlled: only a well-formed secret is hashed and looked up.
  if (!isSecretShaped(token)) throw new AccessError('INVALID_LINK', 'this link is not valid or has expired');
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
  if (!row) throw new AccessError('INVALID_LINK', 'this link is not valid or has expired');
  return row;
}

/** listUsers returns every account with its grants, by username. */
export async function listUsers(ctx: Ctx): Promise<User[]> {
  const users = await ctx.db.selectFrom('app_user').selectAll().orderBy('username').execute();
  const grants = await ctx.db.selectFrom('access_grant').select(['user_id', 'role', 'compartment']).execute();
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

async function activeAdminCount(trx: Transaction<Database>, exceptUserId?: string): Promise<number> {
  let q = trx
    .selectFrom('access_grant')
    .innerJoin('app_user', 'app_user.id', 'access_grant.user_id')
    .select((eb) => eb.fn.count<number>('app_user.id').distinct().as('n'))
    .where('access_grant.role', '=', 'admin')
    .where('app_user.disabled_at', 'is', null);
  if (exceptUserId !== undefined) q = q.where('app_user.id', '!=', exceptUserId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** grantRole gives `userId` `role` in `compartment` (no-op when already held). */
export async function grantRole(
  ctx: Ctx,
  userId: string,
  role: string,
  compartment: string,
  actor: string,
): Promise<void> {
  checkGrant(role, compartment);
  await getUser(ctx, userId);
  await ctx.db
    .insertInto('access_grant')
    .values({ user_id: userId, role, compartment, created_at: nowIso(ctx), created_by: actor })
    .onConflict((oc) => oc.columns(['user_id', 'role', 'compartment']).doNothing())
    .execute();
}

/** revokeRole takes a grant away; the last active admin's admin grant cannot go. */
export async function revokeRole(ctx: Ctx, userId: string, role: string, compartment: string): Promise<void> {
  checkGrant(role, compartment);
  await ctx.db.transaction().execute(async (trx) => {
    const res = await trx
      .deleteFrom('access_grant')
      .where('user_id', '=', userId)
      .where('role', '=', role)
      .where('compartment', '=', compartment)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new AccessError('NOT_FOUND', 'no such grant');
    if (role === 'admin' && (await activeAdminCount(trx)) === 0) {
      throw new AccessError('LAST_ADMIN', 'the last active admin keeps the admin role');
    }
  });
}

/** disableUser blocks an account: its sessions end and its API tokens are revoked at once. */
export async function disableUser(ctx: Ctx, userId: string): Promise<void> {
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
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
    await trx.deleteFrom('session').where('user_id', '=', userId).execute();
    await trx
      .updateTable('api_token')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    await trx
      .deleteFrom('one_time_token')
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
  });
}

/** issuePasswordLink gives `userId` a fresh one-time link to set a password (admin reset). */
export async function issuePasswordLink(
  ctx: Ctx,
  userId: string,
): Promise<{ token: string; expiresAt: string }> {
  const user = await getUser(ctx, userId);
  if (user.disabled) throw new AccessError('FORBIDDEN', 'the user is disabled');
  return ctx.db
    .transaction()
    .execute((trx) => insertOneTimeToken(ctx, trx, 'reset', userId, RESET_LINK_SECONDS));
}

/** resetPassword sets a password through a one-time link; every session of the user ends. */
export async function resetPassword(ctx: Ctx, token: string, password: string): Promise<string> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await consumeOneTimeToken(ctx, trx, 'reset', token);
    const user = await trx
      .selectFrom('app_user')
      .select(['id', 'username', 'disabled_at'])
      .where('id', '=', row.user_id ?? '')
      .executeTakeFirst();
    if (!user || user.disabled_at !== null)
      throw new AccessError('INVALID_LINK', 'this link is not valid or has expired');
    checkNewPassword(password, user.username);
    await trx
      .updateTable('app_user')
      .set({ password_hash: await hashPassword(password) })
      .where('id', '=', user.id)
      .execute();
    await trx.deleteFrom('session').where('user_id', '=', user.id).execute();
    return user.id;
  });
}

/**
 * changePassword replaces the password of `userId` after checking the old one; the user's other
 * sessions end (the current one, `keepSessionHash`, stays).
 */
export async function changePassword(
  ctx: Ctx,
  userId: string,
  oldPassword: string,
  newPassword: string,
  keepSessionHash?: string,
): Promise<void> {
  const user = await ctx.db
    .selectFrom('app_user')
    .select(['username', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user?.password_hash || !(await verifyPassword(oldPassword, user.password_hash))) {
    throw new AccessError('WRONG_PASSWORD', 'the current password is not right');
  }
  checkNewPassword(newPassword, user.username);
  await ctx.db
    .updateTable('app_user')
    .set({ password_hash: await hashPassword(newPassword) })
    .where('id', '=', userId)
    .execute();
  await deleteUserSessions(ctx, userId, keepSessionHash);
}

/** setupNeeded tells whether the deployment has no active admin yet (first run). */
export async function setupNeeded(ctx: Ctx): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => (await activeAdminCount(trx)) === 0);
}

/** issueSetupLink creates the first-run token (valid an hour), replacing any earlier one. */
export async function issueSetupLink(ctx: Ctx): Promise<{ token: string; expiresAt: string }> {
  return ctx.db
    .transaction()
    .execute((trx) => insertOneTimeToken(ctx, trx, 'setup', null, SETUP_LINK_SECONDS));
}

/** completeSetup creates the first admin (admin in every compartment) with a setup token. */
export async function completeSetup(
  ctx: Ctx,
  token: string,
  rawUsername: string,
  password: string,
): Promise<User> {
  const username = normaliseUsername(rawUsername);
  checkNewPassword(password, username);
  const hash = await hashPassword(password);
  const at = nowIso(ctx);
  const id = randomUUID();
  return ctx.db.transaction().execute(async (trx) => {
    await consumeOneTimeToken(ctx, trx, 'setup', token);
    if ((await activeAdminCount(trx)) > 0)
      throw new AccessError('SETUP_DONE', 'this deployment already has an admin');
    await assertUsernameFree(trx, username);
    await trx
      .insertInto('app_user')
      .values({ id, username, password_hash: hash, created_at: at, created_by: 'setup', disabled_at: null })
      .execute();
    await trx
      .insertInto('access_grant')
      .values({
        user_id: id,
        role: 'admin',
        compartment: ALL_COMPARTMENTS,
        created_at: at,
        created_by: 'setup',
      })
      .execute();
    return {
      id,
      username,
      createdAt: at,
      disabled: false,
      hasPassword: true,
      grants: [{ role: 'admin', compartment: ALL_COMPARTMENTS }],
    };
  });
}

/** assertUsernameFree throws USER_EXISTS when `username` is taken (inside the creating transaction). */
async function assertUsernameFree(trx: Transaction<Database>, username: string): Promise<void> {
  const exists = await trx
    .selectFrom('app_user')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirst();
  if (exists) throw new AccessError('USER_EXISTS', `a user ${username} already exists`);
}
