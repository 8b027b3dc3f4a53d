/**
 * tokens/service.ts — API tokens for scripts and devices: `att_` + 32 random bytes (base64url), shown
 * once, stored as SHA-256. A token carries one role in a list of compartments and acts with
 * whatever part of that its user still holds at the time of the request (so taking a grant from
 * the user narrows their tokens too); it never exceeds its user. Tokens expire, record when they
 * were last used, and can be revoked; disabling the user revokes them all.
 */
import { randomUUID } from 'node:crypto';
import { type Ctx, nowIso } from '../../ctx.js';
import type { Access, Grant } from '../access.js';
import { type AuditSource, auditFrom } from '../audit/service.js';
import { accessChanged } from '../change-bus.js';
import { AccessError } from '../errors.js';
import { grantsOf } from '../grants/service.js';
import { MAX_TOKEN_DAYS } from '../limits.js';
import { ALL_COMPARTMENTS, COMPARTMENT_PATTERN, isRole, type Role } from '../permissions.js';
import { API_TOKEN_PREFIX, isSecretShaped, newSecret, secretHash } from '../secrets.js';

const COMPARTMENT = new RegExp(COMPARTMENT_PATTERN);
const TOUCH_EVERY_SECONDS = 60;

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly compartments: string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt: string | null;
  readonly revoked: boolean;
}

/** effectiveGrants is the part of a token's scope its user holds: (role, c) for each c. */
export function effectiveGrants(
  userGrants: readonly Grant[],
  role: Role,
  compartments: readonly string[],
): Grant[] {
  const held = userGrants.filter((g) => g.role === role).map((g) => g.compartment);
  const everywhere = held.includes(ALL_COMPARTMENTS);
  const out: Grant[] = [];
  for (const c of compartments) {
    if (c === ALL_COMPARTMENTS) {
      for (const h of held) out.push({ role, compartment: h });
    } else if (everywhere || held.includes(c)) {
      out.push({ role, compartment: c });
    }
  }
  const seen = new Set<string>();
  return out.filter((g) => !seen.has(g.compartment) && seen.add(g.compartment));
}

/** createApiToken issues a token for `userId`; the scope must be within the user's grants. */
export async function createApiToken(
  ctx: Ctx,
  userId: string,
  input: { name: string; role: string; compartments: readonly string[]; expiresInDays: number },
): Promise<{ token: string; info: ApiToken }> {
  if (!isRole(input.role)) throw new AccessError('INVALID_INPUT', `unknown role ${input.role}`);
  const role = input.role;
  const compartments = [...new Set(input.compartments)].sort();
  if (compartments.length === 0 || compartments.some((c) => !COMPARTMENT.test(c))) {
    throw new AccessError('INVALID_INPUT', 'compartments must be compartment names or *');
  }
  if (
    !Number.isInteger(input.expiresInDays) ||
    input.expiresInDays < 1 ||
    input.expiresInDays > MAX_TOKEN_DAYS
  ) {
    throw new AccessError('INVALID_INPUT', `a token expires within 1 to ${MAX_TOKEN_DAYS} days`);
  }
  const grants = await grantsOf(ctx.db, userId);
  const held = grants.filter((g) => g.role === role).map((g) => g.compartment);
  const within = (c: string) =>
    held.includes(ALL_COMPARTMENTS) || (c !== ALL_COMPARTMENTS && held.includes(c));
  if (!compartments.every(within)) {
    throw new AccessError(
      'SCOPE_EXCEEDED',
      'a token cannot hold a role or compartment its user does not hold',
    );
  }
  const token = `${API_TOKEN_PREFIX}${newSecret()}`;
  const now = ctx.clock();
  const info: ApiToken = {
    id: randomUUID(),
    name: input.name,
    role,
    compartments,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString(),
    lastUsedAt: null,
    revoked: false,
  };
  await ctx.db
    .insertInto('api_token')
    .values({
      id: info.id,
      user_id: userId,
      name: info.name,
      token_hash: secretHash(token),
      role,
      compartments: JSON.stringify(compartments),
      created_at: info.createdAt,
      expires_at: info.expiresAt,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { token, info };
}

/**
 * issueOwnToken makes an API token for the signed-in caller, audited. A token cannot mint
 * tokens: a leaked script token must not be able to outlive itself.
 */
export async function issueOwnToken(
  ctx: Ctx,
  access: Access,
  input: { name: string; role: string; compartments: readonly string[]; expiresInDays: number },
  source: AuditSource,
): Promise<{ token: string; info: ApiToken }> {
  if (access.via !== 'session') throw new AccessError('FORBIDDEN', 'sign in to create tokens');
  const created = await createApiToken(ctx, access.userId!, input);
  await auditFrom(ctx, source, 'token-create', 'ok', access.userId);
  return created;
}

/** revokeOwnToken revokes the caller's token `id`, audited (NOT_FOUND for anyone else's). */
export async function revokeOwnToken(
  ctx: Ctx,
  access: Access,
  id: string,
  source: AuditSource,
): Promise<void> {
  await revokeApiToken(ctx, access.userId!, id);
  await auditFrom(ctx, source, 'token-revoke', 'ok', access.userId);
  accessChanged(ctx, access.userId!);
}

/** listApiTokens returns the tokens of `userId`, newest first (never the secrets). */
export async function listApiTokens(ctx: Ctx, userId: string): Promise<ApiToken[]> {
  const rows = await ctx.db
    .selectFrom('api_token')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role as Role,
    compartments: JSON.parse(r.compartments) as string[],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revoked: r.revoked_at !== null,
  }));
}

/** revokeApiToken revokes token `id` of `userId`, or throws NOT_FOUND (also for others' tokens). */
export async function revokeApiToken(ctx: Ctx, userId: string, id: string): Promise<void> {
  const res = await ctx.db
    .updateTable('api_token')
    .set({ revoked_at: nowIso(ctx) })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw new AccessError('NOT_FOUND', 'no such token');
}

export interface ResolvedToken {
  readonly tokenId: string;
  readonly userId: string;
  readonly username: string;
  readonly grants: readonly Grant[];
}

/**
 * resolveApiToken returns the caller behind bearer `token`, or null when it is malformed,
 * unknown, expired, revoked, or its user is disabled.
 */
export async function resolveApiToken(ctx: Ctx, token: string): Promise<ResolvedToken | null> {
  // Attacker-controlled: only a well-formed token is hashed and looked up.
  if (!token.startsWith(API_TOKEN_PREFIX) || !isSecretShaped(token.slice(API_TOKEN_PREFIX.length)))
    return null;
  return liveToken(ctx, { hash: secretHash(token) }, { touch: true });
}

/**
 * liveToken returns the caller behind the token stored with `hash` or `id` while it is usable
 * (the rules of resolveApiToken), with the grants its user holds now. `touch` records the use
 * (a request); a re-check of a long-lived answer (an event stream) does not.
 */
export async function liveToken(
  ctx: Ctx,
  which: { readonly hash: string } | { readonly id: string },
  { touch }: { touch: boolean },
): Promise<ResolvedToken | null> {
  // One query, not two: the token with its user, and each grant the user holds (a row per grant,
  // none joined when it holds none). Every request with a token runs it, and on PostgreSQL each
  // statement is a round trip (a third of a GET /api/items' statements: bench/RESULTS.md, scale).
  const rows = await ctx.db
    .selectFrom('api_token')
    .innerJoin('app_user', 'app_user.id', 'api_token.user_id')
    .leftJoin('access_grant', 'access_grant.user_id', 'api_token.user_id')
    .select([
      'api_token.id',
      'api_token.user_id',
      'api_token.role',
      'api_token.compartments',
      'api_token.expires_at',
      'api_token.revoked_at',
      'api_token.last_used_at',
      'app_user.username',
      'app_user.disabled_at',
      'access_grant.role as grant_role',
      'access_grant.compartment as grant_compartment',
    ])
    .where(
      'hash' in which ? 'api_token.token_hash' : 'api_token.id',
      '=',
      'hash' in which ? which.hash : which.id,
    )
    .orderBy('access_grant.role')
    .orderBy('access_grant.compartment')
    .execute();
  const row = rows[0];
  const now = ctx.clock();
  if (
    !row ||
    row.revoked_at !== null ||
    row.disabled_at !== null ||
    now.getTime() >= Date.parse(row.expires_at)
  ) {
    return null;
  }
  if (!isRole(row.role)) return null;
  if (
    touch &&
    (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) >= TOUCH_EVERY_SECONDS * 1000)
  ) {
    await ctx.db
      .updateTable('api_token')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', row.id)
      .execute();
  }
  // As grantsOf reads them: ordered by role and compartment, unknown roles left out.
  const userGrants: Grant[] = [];
  for (const r of rows)
    if (r.grant_role !== null && r.grant_compartment !== null && isRole(r.grant_role))
      userGrants.push({ role: r.grant_role, compartment: r.grant_compartment });
  const grants = effectiveGrants(userGrants, row.role, JSON.parse(row.compartments) as string[]);
  return { tokenId: row.id, userId: row.user_id, username: row.username, grants };
}
