/**
 * grants/service.ts — grants: a user holds a role in a compartment (`*` = every compartment).
 * Granting and revoking are audited with the compartment they concern; the last active admin
 * keeps its admin grant.
 */
import type { Kysely, Transaction } from 'kysely';
import { type Ctx, nowIso } from '../../ctx.js';
import type { Database } from '../../store/schema.js';
import type { Grant } from '../access.js';
import { type AuditSource, auditFrom } from '../audit/service.js';
import { AccessError } from '../errors.js';
import { COMPARTMENT_PATTERN, isRole, type Role } from '../permissions.js';

const COMPARTMENT = new RegExp(COMPARTMENT_PATTERN);

type Db = Kysely<Database> | Transaction<Database>;

/** checkGrant throws INVALID_INPUT unless `role` is a role and `compartment` a compartment name. */
export function checkGrant(role: string, compartment: string): asserts role is Role {
  if (!isRole(role)) throw new AccessError('INVALID_INPUT', `unknown role ${role}`);
  if (!COMPARTMENT.test(compartment)) throw new AccessError('INVALID_INPUT', 'not a compartment name');
}

/** grantsOf returns the grants held by `userId`, by role then compartment. */
export async function grantsOf(db: Db, userId: string): Promise<Grant[]> {
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

/** activeAdminCount counts enabled users holding `admin` (except `exceptUserId`). */
export async function activeAdminCount(db: Db, exceptUserId?: string): Promise<number> {
  let q = db
    .selectFrom('access_grant')
    .innerJoin('app_user', 'app_user.id', 'access_grant.user_id')
    .select((eb) => eb.fn.count<number>('app_user.id').distinct().as('n'))
    .where('access_grant.role', '=', 'admin')
    .where('app_user.disabled_at', 'is', null);
  if (exceptUserId !== undefined) q = q.where('app_user.id', '!=', exceptUserId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** grantRole gives `userId` `role` in `compartment` (no-op when already held), audited. */
export async function grantRole(
  ctx: Ctx,
  userId: string,
  role: string,
  compartment: string,
  source: AuditSource,
): Promise<void> {
  checkGrant(role, compartment);
  const user = await ctx.db.selectFrom('app_user').select('id').where('id', '=', userId).executeTakeFirst();
  if (!user) throw new AccessError('NOT_FOUND', 'no such user');
  await ctx.db
    .insertInto('access_grant')
    .values({
      user_id: userId,
      role,
      compartment,
      created_at: nowIso(ctx),
      created_by: source.actorId ?? 'cli',
    })
    .onConflict((oc) => oc.columns(['user_id', 'role', 'compartment']).doNothing())
    .execute();
  await auditFrom(ctx, source, 'grant', role, userId, compartment);
}

/** revokeRole takes a grant away, audited; the last active admin's admin grant cannot go. */
export async function revokeRole(
  ctx: Ctx,
  userId: string,
  role: string,
  compartment: string,
  source: AuditSource,
): Promise<void> {
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
  await auditFrom(ctx, source, 'revoke-grant', role, userId, compartment);
}
