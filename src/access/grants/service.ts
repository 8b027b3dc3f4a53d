/**
 * grants/service.ts — grants: a user holds a role in a compartment (`*` = every compartment).
 * Granting and revoking are audited with the compartment they concern; the last active admin
 * keeps its admin grant.
 */
import { type Kysely, type SelectQueryBuilder, sql, type Transaction } from 'kysely';
import { type Ctx, nowIso } from '../../ctx.js';
import type { Database } from '../../store/schema.js';
import type { Grant } from '../access.js';
import { type AuditSource, auditFrom } from '../audit/service.js';
import { accessChanged } from '../change-bus.js';
import { AccessError } from '../errors.js';
import { EXERCISE_USERNAME_PREFIX } from '../limits.js';
import { ALL_COMPARTMENTS, COMPARTMENT_PATTERN, isRole, type Role } from '../permissions.js';

const COMPARTMENT = new RegExp(COMPARTMENT_PATTERN);

type Db = Kysely<Database> | Transaction<Database>;

/**
 * AdminScope is where an administrator may manage accounts: 'all' for `admin@*` (and the CLI),
 * else the compartments of its `admin` grants (`request.access.compartmentsFor('users:admin')`).
 *
 * A compartment admin manages only the users whose every grant lies in its compartments, and
 * grants and revokes roles only there: it never sees that a user holds access elsewhere, never
 * grants `*`, and never reaches beyond its compartments (issue 12.4).
 */
export type AdminScope = 'all' | readonly string[];

/** inScope tells whether `scope` may grant or revoke roles in `compartment`. */
export function inScope(scope: AdminScope, compartment: string): boolean {
  return scope === 'all' || (compartment !== ALL_COMPARTMENTS && scope.includes(compartment));
}

/**
 * managedBy narrows a query on `app_user` to the users `scope` manages: every user for 'all';
 * else users holding at least one grant, all of them inside `scope`. Applied in the database
 * query, so nothing outside the scope is even counted.
 */
export function managedBy<QB extends SelectQueryBuilder<Database, 'app_user', O>, O>(
  qb: QB,
  scope: AdminScope,
): QB {
  if (scope === 'all') return qb;
  if (scope.length === 0) return qb.where(sql<boolean>`1 = 0`) as QB;
  return qb
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('access_grant as g').select('g.user_id').whereRef('g.user_id', '=', 'app_user.id')),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('access_grant as g')
            .select('g.user_id')
            .whereRef('g.user_id', '=', 'app_user.id')
            .where('g.compartment', 'not in', [...scope]),
        ),
      ),
    ) as QB;
}

/** assertManages throws NOT_FOUND unless `userId` exists and `scope` manages it. */
export async function assertManages(db: Db, scope: AdminScope, userId: string): Promise<void> {
  const row = await managedBy(db.selectFrom('app_user').select('app_user.id'), scope)
    .where('app_user.id', '=', userId)
    .executeTakeFirst();
  // Outside the scope is "no such user", exactly as for an id that does not exist.
  if (!row) throw new AccessError('NOT_FOUND', 'no such user');
}

/** assertMayGrant throws SCOPE_EXCEEDED unless `scope` may grant in `compartment`. */
export function assertMayGrant(scope: AdminScope, compartment: string): void {
  if (!inScope(scope, compartment)) {
    throw new AccessError('SCOPE_EXCEEDED', 'you manage roles only in the compartments where you are admin');
  }
}

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

/**
 * activeAdminCount counts enabled deployment admins (`admin@*`), except `exceptUserId`:
 * a compartment admin cannot administer the deployment, so it does not count.
 */
export async function activeAdminCount(db: Db, exceptUserId?: string): Promise<number> {
  let q = db
    .selectFrom('access_grant')
    .innerJoin('app_user', 'app_user.id', 'access_grant.user_id')
    .select((eb) => eb.fn.count<number>('app_user.id').distinct().as('n'))
    .where('access_grant.role', '=', 'admin')
    .where('access_grant.compartment', '=', ALL_COMPARTMENTS)
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
  scope: AdminScope = 'all',
): Promise<void> {
  checkGrant(role, compartment);
  await assertManages(ctx.db, scope, userId);
  assertMayGrant(scope, compartment);
  // An exercise account holds only the grant its replay gave it (users/service.ts).
  const target = await ctx.db
    .selectFrom('app_user')
    .select('username')
    .where('id', '=', userId)
    .executeTakeFirst();
  if (target?.username.startsWith(EXERCISE_USERNAME_PREFIX))
    throw new AccessError('RESERVED_USERNAME', 'exercise accounts are managed by their exercise replay only');
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
  accessChanged(ctx, userId);
}

/** revokeRole takes a grant away, audited; the last active admin's admin grant cannot go. */
export async function revokeRole(
  ctx: Ctx,
  userId: string,
  role: string,
  compartment: string,
  source: AuditSource,
  scope: AdminScope = 'all',
): Promise<void> {
  checkGrant(role, compartment);
  await ctx.db.transaction().execute(async (trx) => {
    await assertManages(trx, scope, userId);
    if (!inScope(scope, compartment)) throw new AccessError('NOT_FOUND', 'no such grant');
    const res = await trx
      .deleteFrom('access_grant')
      .where('user_id', '=', userId)
      .where('role', '=', role)
      .where('compartment', '=', compartment)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new AccessError('NOT_FOUND', 'no such grant');
    if (role === 'admin' && compartment === ALL_COMPARTMENTS && (await activeAdminCount(trx)) === 0) {
      throw new AccessError('LAST_ADMIN', 'the last active admin keeps the admin role');
    }
  });
  await auditFrom(ctx, source, 'revoke-grant', role, userId, compartment);
  accessChanged(ctx, userId);
}
