/**
 * links/service.ts — what one-time links do: first-run setup (creates the first admin, who
 * holds `admin` in every compartment), admin-issued password links, and setting a password
 * through a link. Each outcome, also a refused one, is written to the access audit.
 */
import { randomUUID } from 'node:crypto';
import { type Ctx, nowIso } from '../../ctx.js';
import { type AuditSource, auditFrom } from '../audit/service.js';
import { accessChanged } from '../change-bus.js';
import { AccessError } from '../errors.js';
import { type AdminScope, activeAdminCount, assertManages } from '../grants/service.js';
import { checkNewPassword, hashPassword } from '../password.js';
import { ALL_COMPARTMENTS } from '../permissions.js';
import {
  assertUsernameFree,
  getUser,
  isExerciseUsername,
  normaliseUsername,
  revokeCredentials,
  type User,
} from '../users/service.js';
import {
  consumeOneTimeToken,
  insertOneTimeToken,
  invalidLink,
  type OneTimeLink,
  RESET_LINK_SECONDS,
  SETUP_LINK_SECONDS,
} from './one-time.js';

/** auditOutcome records a refused link use under its error code (`invalid-link`, `weak-password`…). */
async function audited<T>(
  ctx: Ctx,
  source: AuditSource,
  kind: 'setup' | 'password-reset',
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AccessError)
      await auditFrom(ctx, source, kind, err.code.toLowerCase().replaceAll('_', '-'));
    throw err;
  }
}

/** setupNeeded tells whether the deployment has no active admin yet (first run). */
export async function setupNeeded(ctx: Ctx): Promise<boolean> {
  return (await activeAdminCount(ctx.db)) === 0;
}

/** issueSetupLink creates the first-run token (valid an hour), replacing any earlier one. */
export async function issueSetupLink(ctx: Ctx): Promise<OneTimeLink> {
  return ctx.db
    .transaction()
    .execute((trx) => insertOneTimeToken(ctx, trx, 'setup', null, SETUP_LINK_SECONDS));
}

/** completeSetup creates the first admin (admin in every compartment) with a setup token. */
export async function completeSetup(
  ctx: Ctx,
  input: { token: string; username: string; password: string },
  source: AuditSource,
): Promise<User> {
  const user = await audited(ctx, source, 'setup', async () => {
    const username = normaliseUsername(input.username);
    checkNewPassword(input.password, username);
    const hash = await hashPassword(input.password);
    const at = nowIso(ctx);
    const id = randomUUID();
    return ctx.db.transaction().execute(async (trx) => {
      await consumeOneTimeToken(ctx, trx, 'setup', input.token);
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
      const created: User = {
        id,
        username,
        createdAt: at,
        disabled: false,
        hasPassword: true,
        grants: [{ role: 'admin', compartment: ALL_COMPARTMENTS }],
      };
      return created;
    });
  });
  await auditFrom(ctx, source, 'setup', 'ok', user.id);
  return user;
}

/** issuePasswordLink gives `userId` a fresh one-time link to set a password (admin reset), audited. */
export async function issuePasswordLink(
  ctx: Ctx,
  userId: string,
  source: AuditSource,
  scope: AdminScope = 'all',
): Promise<OneTimeLink> {
  await assertManages(ctx.db, scope, userId);
  const user = await getUser(ctx, userId);
  if (user.disabled) throw new AccessError('FORBIDDEN', 'the user is disabled');
  // An exercise account never has a password: a link would hand it to whoever holds the link.
  if (isExerciseUsername(user.username))
    throw new AccessError('RESERVED_USERNAME', 'exercise accounts never have a password');
  const link = await ctx.db
    .transaction()
    .execute((trx) => insertOneTimeToken(ctx, trx, 'reset', userId, RESET_LINK_SECONDS));
  await auditFrom(ctx, source, 'reset-link', 'ok', userId);
  return link;
}

/**
 * resetPassword sets a password through a one-time link, audited. Every session of the user
 * ends and every API token is revoked: a reset answers a forgotten or compromised password, and
 * what was signed in with the old one must not outlive it.
 */
export async function resetPassword(
  ctx: Ctx,
  input: { token: string; password: string },
  source: AuditSource,
): Promise<string> {
  const userId = await audited(ctx, source, 'password-reset', () =>
    ctx.db.transaction().execute(async (trx) => {
      const row = await consumeOneTimeToken(ctx, trx, 'reset', input.token);
      const user = await trx
        .selectFrom('app_user')
        .select(['id', 'username', 'disabled_at'])
        .where('id', '=', row.user_id ?? '')
        .executeTakeFirst();
      if (!user || user.disabled_at !== null) throw invalidLink();
      checkNewPassword(input.password, user.username);
      await trx
        .updateTable('app_user')
        .set({ password_hash: await hashPassword(input.password) })
        .where('id', '=', user.id)
        .execute();
      await revokeCredentials(ctx, trx, user.id);
      return user.id;
    }),
  );
  await auditFrom(ctx, source, 'password-reset', 'ok', userId);
  accessChanged(ctx, userId);
  return userId;
}
