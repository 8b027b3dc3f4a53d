/**
 * access.ts — sign in as someone in API tests. `loginAs(app, ctx, role, compartments)` makes a
 * fresh user holding `role` in each compartment, starts a session for them (without the cost of
 * a password) and returns the headers a same-origin browser would send: the session cookie,
 * Origin/Host, and the CSRF token. `tokenAs` does the same with an API token (Bearer).
 *
 *   const headers = await loginAs(app, s.ctx, 'investigator', ['witness-protection']);
 *   const res = await app.inject({ method: 'GET', url: '/api/items', headers });
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/access/permissions.js';
import { createSession, SESSION_COOKIE } from '../../src/access/sessions.js';
import { createApiToken } from '../../src/access/tokens.js';
import { createUser, grantRole } from '../../src/access/users.js';
import type { Ctx } from '../../src/ctx.js';

/** The Host every test request uses, and the Origin a same-origin browser sends with it. */
export const TEST_HOST = 'attest.test';
export const TEST_ORIGIN = `http://${TEST_HOST}`;

export interface TestCaller {
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  readonly compartments: readonly string[];
  /** Headers for app.inject: cookie + host + origin + x-csrf-token (or authorization). */
  readonly headers: Record<string, string>;
}

/** makeUser creates a user holding `role` in every one of `compartments`; returns its id. */
export async function makeUser(ctx: Ctx, role: Role, compartments: readonly string[], username?: string) {
  const name = username ?? `${role}-${randomBytes(5).toString('hex')}`;
  const [first, ...rest] = compartments;
  const { user } = await createUser(ctx, { username: name, role, compartment: first ?? '*', actor: 'test' });
  for (const c of rest) await grantRole(ctx, user.id, role, c, 'test');
  return { userId: user.id, username: user.username };
}

/** sessionHeaders returns the same-origin browser headers for a new session of `userId`. */
export async function sessionHeaders(ctx: Ctx, userId: string): Promise<Record<string, string>> {
  const session = await createSession(ctx, userId);
  return {
    host: TEST_HOST,
    origin: TEST_ORIGIN,
    cookie: `${SESSION_COOKIE}=${session.id}`,
    'x-csrf-token': session.csrfToken,
  };
}

/** loginAs signs in a fresh `role` user of `compartments` and returns its caller (headers). */
export async function loginAs(
  app: FastifyInstance,
  ctx: Ctx,
  role: Role,
  compartments: readonly string[] = ['*'],
): Promise<TestCaller> {
  const { userId, username } = await makeUser(ctx, role, compartments);
  const headers = await sessionHeaders(ctx, userId);
  const me = await app.inject({ method: 'GET', url: '/api/me', headers });
  if (me.statusCode !== 200) throw new Error(`loginAs: GET /api/me = ${me.statusCode}, want 200`);
  return { userId, username, role, compartments, headers };
}

/** tokenAs makes a fresh `role` user of `compartments` and returns Bearer headers for a token. */
export async function tokenAs(
  ctx: Ctx,
  role: Role,
  compartments: readonly string[] = ['*'],
): Promise<TestCaller> {
  const { userId, username } = await makeUser(ctx, role, compartments);
  const { token } = await createApiToken(ctx, userId, {
    name: 'test',
    role,
    compartments,
    expiresInDays: 30,
  });
  return {
    userId,
    username,
    role,
    compartments,
    headers: { host: TEST_HOST, authorization: `Bearer ${token}` },
  };
}
