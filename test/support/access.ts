/**
 * access.ts — sign in as someone in API tests. `loginAs(app, ctx, role, compartments)` makes a
 * fresh user holding `role` in each compartment, starts a session for them (without the cost of
 * a password) and returns the headers a same-origin browser would send: the session cookie,
 * Origin/Host, and the CSRF token. `tokenAs` does the same with an API token (Bearer).
 *
 *   const headers = await loginAs(app, s.ctx, 'investigator', ['witness-protection']);
 *   const res = await app.inject({ method: 'GET', url: '/api/items', headers });
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import {
  createApiToken,
  createSession,
  createUser,
  grantRole,
  type Role,
  resetPassword,
  SESSION_COOKIE,
} from '../../src/access/index.js';
import { PROBLEM_CONTENT_TYPE } from '../../src/api/problems.js';
import { buildApp } from '../../src/api/server.js';
import type { Ctx } from '../../src/ctx.js';
import type { DialectName } from '../../src/store/db.js';
import { openTestStore, type TestStore } from './stores.js';

/** The Host every test request uses, and the Origin a same-origin browser sends with it. */
export const TEST_HOST = 'attest.test';
export const TEST_ORIGIN = `http://${TEST_HOST}`;
/** The audit source of set-up done by tests (not through a request). */
export const TEST_ACTOR = { actorId: 'test' } as const;

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
  const { user } = await createUser(ctx, { username: name, role, compartment: first ?? '*' }, TEST_ACTOR);
  for (const c of rest) await grantRole(ctx, user.id, role, c, TEST_ACTOR);
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

/** problemType checks that `res` is problem+json with its request id, and returns its code. */
export function problemType(res: LightMyRequestResponse): string {
  assert.ok(
    String(res.headers['content-type']).startsWith(PROBLEM_CONTENT_TYPE),
    `content type of ${res.statusCode} reply: ${res.headers['content-type']}`,
  );
  const body = JSON.parse(res.body) as { type: string; requestId: string; stack?: unknown };
  assert.equal(body.requestId, res.headers['x-request-id'], 'problem carries the request id');
  assert.equal(body.stack, undefined);
  return body.type.replace(/^.*\/problems\//, '');
}

/** sessionCookieOf returns the session cookie a response sets, if any. */
export function sessionCookieOf(res: LightMyRequestResponse): string | undefined {
  return (res.cookies as { name: string; value: string }[]).find((c) => c.name === SESSION_COOKIE)?.value;
}

/** The password the access route tests give their accounts. */
export const TEST_PASSWORD = 'Rashideen-convoy-2016-12';

/**
 * AccessHarness is one deployment and app for an access route suite: a store on `dialect` with a
 * fixed clock, and helpers for the requests those suites repeat.
 */
export interface AccessHarness {
  readonly s: TestStore;
  readonly app: FastifyInstance;
  /** makeAccount creates a `role`@* user with TEST_PASSWORD and returns its id. */
  makeAccount(name: string, role?: Role, compartment?: string): Promise<string>;
  login(
    username: string,
    password: string,
    headers?: Record<string, string>,
    remoteAddress?: string,
  ): Promise<LightMyRequestResponse>;
  me(headers: Record<string, string>): Promise<LightMyRequestResponse>;
  count(table: 'api_token' | 'app_user' | 'session' | 'access_grant'): Promise<number>;
  close(): Promise<void>;
}

/** openAccessHarness opens a fresh deployment on `dialect` and builds its app. */
export async function openAccessHarness(dialect: DialectName): Promise<AccessHarness> {
  const s = await openTestStore(dialect);
  const app = await buildApp(s.ctx);
  return {
    s,
    app,
    async makeAccount(name, role = 'investigator', compartment = '*') {
      const created = await createUser(s.ctx, { username: name, role, compartment }, TEST_ACTOR);
      await resetPassword(s.ctx, { token: created.passwordToken, password: TEST_PASSWORD }, TEST_ACTOR);
      return created.user.id;
    },
    login: (username, password, headers = {}, remoteAddress) =>
      app.inject({
        method: 'POST',
        url: '/api/login',
        headers: { host: TEST_HOST, ...headers },
        payload: { username, password },
        ...(remoteAddress ? { remoteAddress } : {}),
      }),
    me: (headers) => app.inject({ method: 'GET', url: '/api/me', headers }),
    count: async (table) =>
      Number(
        (
          await s.ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    async close() {
      await app.close();
      await s.close();
    },
  };
}
