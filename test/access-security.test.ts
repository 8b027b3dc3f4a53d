/**
 * access-security.test.ts — the attacks the access layer must turn away, on both databases,
 * with a fixed clock: session fixation, expired/revoked/foreign credentials, disabled users,
 * CSRF, brute-force login, hostile paths and bodies. Each gets the right status and problem
 * type, and nothing stored changes.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SESSION_COOKIE } from '../src/access/sessions.js';
import { createApiToken } from '../src/access/tokens.js';
import { createUser, grantRole, issueSetupLink, resetPassword, revokeRole } from '../src/access/users.js';
import { PROBLEM_CONTENT_TYPE } from '../src/api/problems.js';
import { buildApp } from '../src/api/server.js';
import { loginAs, makeUser, sessionHeaders, TEST_HOST, TEST_ORIGIN, tokenAs } from './support/access.js';
import { DIALECTS, openTestStore, type TestStore } from './support/stores.js';

const PASSWORD = 'Rashideen-convoy-2016-12';
const T0 = '2016-12-15T06:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

function problem(res: LightMyRequestResponse): string {
  assert.ok(
    String(res.headers['content-type']).startsWith(PROBLEM_CONTENT_TYPE),
    `content type of ${res.statusCode} reply`,
  );
  const body = JSON.parse(res.body) as { type: string; requestId: string; stack?: unknown };
  assert.equal(body.requestId, res.headers['x-request-id'], 'problem carries the request id');
  assert.equal(body.stack, undefined);
  return body.type.replace(/^.*\/problems\//, '');
}

function sessionCookie(res: LightMyRequestResponse): string | undefined {
  return (res.cookies as { name: string; value: string }[]).find((c) => c.name === SESSION_COOKIE)?.value;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: access security`, () => {
    let s: TestStore;
    let app: FastifyInstance;

    /** makeAccount creates a user with PASSWORD and returns its id and name. */
    async function makeAccount(name: string, role: 'investigator' | 'admin' | 'monitor' = 'investigator') {
      const created = await createUser(s.ctx, { username: name, role, compartment: '*', actor: 'test' });
      await resetPassword(s.ctx, created.passwordToken, PASSWORD);
      return created.user.id;
    }
    const login = (
      username: string,
      password: string,
      headers: Record<string, string> = {},
      remoteAddress?: string,
    ) =>
      app.inject({
        method: 'POST',
        url: '/api/login',
        headers: { host: TEST_HOST, ...headers },
        payload: { username, password },
        ...(remoteAddress ? { remoteAddress } : {}),
      });
    const me = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/me', headers });
    const count = async (table: 'api_token' | 'app_user' | 'session' | 'access_grant') =>
      Number(
        (
          await s.ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    before(async () => {
      s = await openTestStore(dialect);
      app = await buildApp(s.ctx);
    });
    after(async () => {
      await app.close();
      await s.close();
    });
    beforeEach(() => s.setTime(T0));

    describe('first-run setup', () => {
      it('creates the first admin once with the printed token, then refuses', async () => {
        assert.deepEqual(JSON.parse((await app.inject({ method: 'GET', url: '/api/setup' })).body), {
          needed: true,
        });
        const { token } = await issueSetupLink(s.ctx);
        const bad = await app.inject({
          method: 'POST',
          url: '/api/setup',
          payload: { token: 'A'.repeat(43), username: 'root-admin', password: PASSWORD },
        });
        assert.equal(bad.statusCode, 400);
        assert.equal(problem(bad), 'invalid-link');
        const weak = await app.inject({
          method: 'POST',
          url: '/api/setup',
          payload: { token, username: 'root-admin', password: 'password1234' },
        });
        assert.equal(problem(weak), 'weak-password');
        const ok = await app.inject({
          method: 'POST',
          url: '/api/setup',
          payload: { token, username: 'root-admin', password: PASSWORD },
        });
        assert.equal(ok.statusCode, 201, ok.body);
        assert.deepEqual(JSON.parse(ok.body).user.grants, [{ role: 'admin', compartment: '*' }]);
        assert.deepEqual(JSON.parse((await app.inject({ method: 'GET', url: '/api/setup' })).body), {
          needed: false,
        });
        const again = await app.inject({
          method: 'POST',
          url: '/api/setup',
          payload: { token, username: 'second-admin', password: PASSWORD },
        });
        assert.equal(problem(again), 'invalid-link');
      });

      it('refuses a setup token after its hour', async () => {
        const { token } = await issueSetupLink(s.ctx);
        s.setTime(at(61));
        const res = await app.inject({
          method: 'POST',
          url: '/api/setup',
          payload: { token, username: 'late-admin', password: PASSWORD },
        });
        assert.equal(problem(res), 'invalid-link');
      });
    });

    describe('login and sessions', () => {
      let userId: string;
      before(async () => {
        userId = await makeAccount('amal');
      });

      it('sets an HttpOnly, SameSite=Strict session cookie and returns the CSRF token', async () => {
        const res = await login('Amal', PASSWORD);
        assert.equal(res.statusCode, 200, res.body);
        const raw = String(res.headers['set-cookie']);
        assert.match(raw, /^attest_session=[A-Za-z0-9_-]{43};/);
        assert.match(raw, /HttpOnly/);
        assert.match(raw, /SameSite=Strict/);
        assert.match(raw, /Path=\//);
        assert.doesNotMatch(raw, /Secure/, 'plain HTTP: no Secure flag');
        const body = JSON.parse(res.body);
        assert.equal(body.id, userId);
        assert.equal(typeof body.csrfToken, 'string');
        const stored = await s.ctx.db
          .selectFrom('session')
          .select('id_hash')
          .where('user_id', '=', userId)
          .execute();
        assert.ok(
          stored.every((r) => r.id_hash !== sessionCookie(res)),
          'the session id is stored only hashed',
        );
      });

      it('issues a new session id at login and ignores a planted one (no fixation)', async () => {
        const attacker = await loginAs(app, s.ctx, 'monitor', ['general']);
        const planted = /attest_session=([^;]+)/.exec(attacker.headers.cookie!)![1]!;
        const res = await login('amal', PASSWORD, { cookie: `${SESSION_COOKIE}=${planted}` });
        assert.equal(res.statusCode, 200);
        const issued = sessionCookie(res)!;
        assert.notEqual(issued, planted);
        // The planted id still belongs to the attacker, not to the victim.
        const who = JSON.parse((await me({ host: TEST_HOST, cookie: `${SESSION_COOKIE}=${planted}` })).body);
        assert.equal(who.id, attacker.userId);
        // A made-up id is never adopted either.
        const forged = 'F'.repeat(43);
        const res2 = await login('amal', PASSWORD, { cookie: `${SESSION_COOKIE}=${forged}` });
        assert.notEqual(sessionCookie(res2), forged);
        const anon = await me({ host: TEST_HOST, cookie: `${SESSION_COOKIE}=${forged}` });
        assert.equal(anon.statusCode, 401);
        assert.equal(problem(anon), 'unauthenticated');
      });

      it('ends a session after 30 idle minutes and after 12 hours in any case', async () => {
        const headers = await sessionHeaders(s.ctx, userId);
        s.setTime(at(29));
        assert.equal((await me(headers)).statusCode, 200);
        s.setTime(at(29 + 31));
        const idle = await me(headers);
        assert.equal(idle.statusCode, 401);
        assert.equal(problem(idle), 'unauthenticated');

        s.setTime(T0);
        const busy = await sessionHeaders(s.ctx, userId);
        for (let m = 20; m < 12 * 60; m += 20) {
          s.setTime(at(m));
          assert.equal((await me(busy)).statusCode, 200, `in use at +${m} min`);
        }
        s.setTime(at(12 * 60));
        assert.equal((await me(busy)).statusCode, 401, 'absolute expiry');
      });

      it('logs out one session, or every session', async () => {
        const a = await sessionHeaders(s.ctx, userId);
        const b = await sessionHeaders(s.ctx, userId);
        const c = await sessionHeaders(s.ctx, userId);
        const out = await app.inject({ method: 'POST', url: '/api/logout', headers: a });
        assert.equal(out.statusCode, 204);
        assert.match(String(out.headers['set-cookie']), /attest_session=;/);
        assert.equal((await me(a)).statusCode, 401);
        assert.equal((await me(b)).statusCode, 200);
        assert.equal(
          (await app.inject({ method: 'POST', url: '/api/logout-everywhere', headers: b })).statusCode,
          204,
        );
        assert.equal((await me(b)).statusCode, 401);
        assert.equal((await me(c)).statusCode, 401);
      });

      it('changes a password only with the old one, ending the other sessions', async () => {
        const id = await makeAccount('changer');
        const mine = await sessionHeaders(s.ctx, id);
        const other = await sessionHeaders(s.ctx, id);
        const wrong = await app.inject({
          method: 'POST',
          url: '/api/me/password',
          headers: mine,
          payload: { oldPassword: 'not-the-password', newPassword: 'Jibreen-arrivals-0001' },
        });
        assert.equal(wrong.statusCode, 403, wrong.body);
        assert.equal(problem(wrong), 'wrong-password');
        const common = await app.inject({
          method: 'POST',
          url: '/api/me/password',
          headers: mine,
          payload: { oldPassword: PASSWORD, newPassword: 'Password2024!' },
        });
        assert.equal(problem(common), 'weak-password');
        const ok = await app.inject({
          method: 'POST',
          url: '/api/me/password',
          headers: mine,
          payload: { oldPassword: PASSWORD, newPassword: 'Jibreen-arrivals-0001' },
        });
        assert.equal(ok.statusCode, 204);
        assert.equal((await me(mine)).statusCode, 200);
        assert.equal((await me(other)).statusCode, 401);
        assert.equal((await login('changer', PASSWORD)).statusCode, 401);
        assert.equal((await login('changer', 'Jibreen-arrivals-0001')).statusCode, 200);
      });
    });

    describe('brute-force login', () => {
      it('locks an account after 5 failures with doubling, capped back-off, even for the right password', async () => {
        await makeAccount('target');
        for (let i = 0; i < 4; i++) {
          const r = await login('target', `wrong-${i}`);
          assert.equal(r.statusCode, 401);
          assert.equal(problem(r), 'invalid-credentials');
        }
        assert.equal(
          (await login('target', 'wrong-5')).statusCode,
          401,
          '5th failure: still 401, now locked',
        );
        const locked = await login('target', PASSWORD);
        assert.equal(locked.statusCode, 429);
        assert.equal(problem(locked), 'rate-limited');
        assert.equal(locked.headers['retry-after'], '30');
        const sessionsBefore = await count('session');
        s.setTime(new Date(Date.parse(T0) + 31_000).toISOString());
        assert.equal((await login('target', 'wrong-6')).statusCode, 401);
        const again = await login('target', PASSWORD);
        assert.equal(again.headers['retry-after'], '60', 'back-off doubles');
        assert.equal(await count('session'), sessionsBefore, 'no session while locked');
        // Many more failures: the lock never exceeds 15 minutes.
        let t = Date.parse(T0) + 31_000;
        for (let i = 0; i < 8; i++) {
          t += 3_600_000 / 4; // 15 min: past any lock, within the decay hour
          s.setTime(new Date(t).toISOString());
          await login('target', `wrong-x${i}`);
        }
        const capped = await login('target', PASSWORD);
        assert.equal(capped.statusCode, 429);
        assert.equal(capped.headers['retry-after'], '900');
        s.setTime(new Date(t + 901_000).toISOString());
        assert.equal((await login('target', PASSWORD)).statusCode, 200, 'unlocks after the lock');
        const events = await s.ctx.db
          .selectFrom('access_event')
          .select(['outcome'])
          .where('kind', '=', 'login')
          .execute();
        assert.ok(events.some((e) => e.outcome === 'locked'));
        assert.ok(events.some((e) => e.outcome === 'failed'));
      });

      it('locks a client address after 50 failures across accounts, not other addresses', async () => {
        await makeAccount('bystander');
        for (let i = 0; i < 50; i++) await login(`nobody-${i}`, 'guess-guess-guess', {}, '203.0.113.9');
        const fromAttacker = await login('bystander', PASSWORD, {}, '203.0.113.9');
        assert.equal(fromAttacker.statusCode, 429);
        const fromElsewhere = await login('bystander', PASSWORD, {}, '198.51.100.7');
        assert.equal(fromElsewhere.statusCode, 200);
      });

      it('says the same thing for an unknown user, a wrong password and a disabled user', async () => {
        const id = await makeAccount('leaver');
        await s.ctx.db.updateTable('app_user').set({ disabled_at: T0 }).where('id', '=', id).execute();
        const types = await Promise.all([
          login('no-such-user', PASSWORD, {}, '192.0.2.1'),
          login('amal', 'wrong-password!', {}, '192.0.2.2'),
          login('leaver', PASSWORD, {}, '192.0.2.3'),
        ]);
        assert.deepEqual(
          types.map((r) => [r.statusCode, problem(r)]),
          Array(3).fill([401, 'invalid-credentials']),
        );
      });
    });

    describe('API tokens', () => {
      it('works as Bearer, is stored hashed, and dies when revoked or expired', async () => {
        const caller = await tokenAs(s.ctx, 'investigator', ['general']);
        const token = caller.headers.authorization!.slice('Bearer '.length);
        assert.match(token, /^att_[A-Za-z0-9_-]{43}$/);
        const rows = await s.ctx.db.selectFrom('api_token').select('token_hash').execute();
        assert.ok(rows.every((r) => !r.token_hash.includes(token)));
        const ok = await me(caller.headers);
        assert.equal(JSON.parse(ok.body).via, 'token');
        s.setTime(at(60 * 24 * 31));
        const expired = await me(caller.headers);
        assert.equal(expired.statusCode, 401);
        assert.equal(problem(expired), 'unauthenticated');

        s.setTime(T0);
        const second = await tokenAs(s.ctx, 'legal', ['general']);
        const [row] = await s.ctx.db
          .selectFrom('api_token')
          .select('id')
          .where('user_id', '=', second.userId)
          .execute();
        const owner = await sessionHeaders(s.ctx, second.userId);
        const revoke = await app.inject({ method: 'DELETE', url: `/api/tokens/${row!.id}`, headers: owner });
        assert.equal(revoke.statusCode, 204);
        assert.equal((await me(second.headers)).statusCode, 401);
        const failed = await s.ctx.db
          .selectFrom('access_event')
          .selectAll()
          .where('kind', '=', 'token-failed')
          .execute();
        assert.ok(failed.length >= 2);
      });

      it('never holds more than its user: scope checked at creation and narrowed with the user', async () => {
        const { userId } = await makeUser(s.ctx, 'investigator', ['general']);
        const headers = await sessionHeaders(s.ctx, userId);
        const before = await count('api_token');
        for (const body of [
          { name: 'x', role: 'investigator', compartments: ['witness'] },
          { name: 'x', role: 'investigator', compartments: ['*'] },
          { name: 'x', role: 'admin', compartments: ['general'] },
        ]) {
          const res = await app.inject({ method: 'POST', url: '/api/tokens', headers, payload: body });
          assert.equal(res.statusCode, 403, JSON.stringify(body));
          assert.equal(problem(res), 'scope-exceeded');
        }
        assert.equal(await count('api_token'), before);
        const created = await app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers,
          payload: { name: 'sync', role: 'investigator', compartments: ['general'], expiresInDays: 7 },
        });
        assert.equal(created.statusCode, 201);
        const bearer = { host: TEST_HOST, authorization: `Bearer ${JSON.parse(created.body).token}` };
        assert.equal(
          (await app.inject({ method: 'GET', url: '/api/items', headers: bearer })).statusCode,
          200,
        );
        // A token cannot mint tokens.
        const mint = await app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: bearer,
          payload: { name: 'child', role: 'investigator', compartments: ['general'] },
        });
        assert.equal(mint.statusCode, 403);
        await revokeRole(s.ctx, userId, 'investigator', 'general');
        await grantRole(s.ctx, userId, 'monitor', 'general', 'test');
        const narrowed = await app.inject({ method: 'GET', url: '/api/items', headers: bearer });
        assert.equal(narrowed.statusCode, 403, 'the user lost the role, so the token did too');
      });
    });

    describe('disabling a user', () => {
      it('kills their sessions and tokens at once', async () => {
        const admin = await loginAs(app, s.ctx, 'admin');
        const victim = await makeUser(s.ctx, 'investigator', ['*']);
        const session = await sessionHeaders(s.ctx, victim.userId);
        const { token } = await createApiToken(s.ctx, victim.userId, {
          name: 'n',
          role: 'investigator',
          compartments: ['*'],
          expiresInDays: 30,
        });
        const bearer = { host: TEST_HOST, authorization: `Bearer ${token}` };
        assert.equal((await me(session)).statusCode, 200);
        assert.equal((await me(bearer)).statusCode, 200);
        const res = await app.inject({
          method: 'POST',
          url: `/api/admin/users/${victim.userId}/disable`,
          headers: admin.headers,
        });
        assert.equal(res.statusCode, 204);
        assert.equal((await me(session)).statusCode, 401);
        assert.equal((await me(bearer)).statusCode, 401);
      });

      it('will not disable the last active admin', async () => {
        const users = await s.ctx.db
          .selectFrom('access_grant')
          .innerJoin('app_user', 'app_user.id', 'access_grant.user_id')
          .select('app_user.id')
          .where('role', '=', 'admin')
          .where('disabled_at', 'is', null)
          .execute();
        const admin = await loginAs(app, s.ctx, 'admin');
        for (const u of users) {
          await app.inject({
            method: 'POST',
            url: `/api/admin/users/${u.id}/disable`,
            headers: admin.headers,
          });
        }
        const last = await app.inject({
          method: 'POST',
          url: `/api/admin/users/${admin.userId}/disable`,
          headers: admin.headers,
        });
        assert.equal(last.statusCode, 409);
        assert.equal(problem(last), 'last-admin');
      });
    });

    describe('CSRF', () => {
      it('refuses cookie-authenticated unsafe requests without same Origin and token; Bearer is exempt', async () => {
        const caller = await loginAs(app, s.ctx, 'investigator', ['general']);
        const body = { name: 'csrf', role: 'investigator', compartments: ['general'] };
        const { origin: _o, 'x-csrf-token': csrf, ...bare } = caller.headers;
        const before = await count('api_token');
        const cases: [string, Record<string, string>][] = [
          ['no Origin, no token', bare],
          ['Origin, no token', { ...bare, origin: TEST_ORIGIN }],
          ['token, no Origin or Referer', { ...bare, 'x-csrf-token': csrf! }],
          ['token, foreign Origin', { ...bare, 'x-csrf-token': csrf!, origin: 'https://evil.example' }],
          ['token, foreign Referer', { ...bare, 'x-csrf-token': csrf!, referer: 'https://evil.example/x' }],
          ['Origin, wrong token', { ...bare, origin: TEST_ORIGIN, 'x-csrf-token': 'A'.repeat(43) }],
        ];
        for (const [name, headers] of cases) {
          const res = await app.inject({ method: 'POST', url: '/api/tokens', headers, payload: body });
          assert.equal(res.statusCode, 403, name);
          assert.equal(problem(res), 'csrf-failed', name);
        }
        assert.equal(await count('api_token'), before, 'nothing stored');
        const viaReferer = await app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: { ...bare, 'x-csrf-token': csrf!, referer: `${TEST_ORIGIN}/settings` },
          payload: body,
        });
        assert.equal(viaReferer.statusCode, 201);
        const bearer = await tokenAs(s.ctx, 'admin');
        const res = await app.inject({
          method: 'POST',
          url: '/api/admin/users',
          headers: bearer.headers,
          payload: { username: 'made-by-script', role: 'monitor', compartment: 'general' },
        });
        assert.equal(res.statusCode, 201);
        const denials = await s.ctx.db
          .selectFrom('access_event')
          .selectAll()
          .where('outcome', '=', 'csrf-failed')
          .execute();
        assert.equal(denials.length, cases.length);
        assert.equal(denials[0]!.route, '/api/tokens');
      });

      it('refuses a login posted from a foreign origin', async () => {
        const res = await login('amal', PASSWORD, { origin: 'https://evil.example' });
        assert.equal(problem(res), 'csrf-failed');
      });
    });

    describe('hostile requests', () => {
      let admin: Awaited<ReturnType<typeof loginAs>>;
      before(async () => {
        admin = await loginAs(app, s.ctx, 'admin');
      });

      it('rejects path traversal in path parameters with 400 and changes nothing', async () => {
        const investigator = await loginAs(app, s.ctx, 'investigator');
        const before = [await count('api_token'), await count('access_grant')];
        // %2e%2e is normalised away by URL parsing (inject parses like a browser): no such route.
        for (const [url, status, type] of [
          ['/api/admin/users/..%2F..%2Fetc%2Fpasswd/disable', 400, 'invalid-request'],
          ['/api/admin/users/%2e%2e/disable', 404, 'not-found'],
          ['/api/admin/users/00000000-0000-0000-0000-000000000000%00/grants', 400, 'invalid-request'],
          ['/api/tokens/..%2f..%2fadmin', 400, 'invalid-request'],
          ['/api/items/..%2F..%2Fblobs', 400, 'invalid-request'],
        ] as const) {
          const method = url.startsWith('/api/tokens')
            ? 'DELETE'
            : url.startsWith('/api/items')
              ? 'GET'
              : 'POST';
          const headers = url.startsWith('/api/items') ? investigator.headers : admin.headers;
          const res = await app.inject({
            method,
            url,
            headers,
            ...(url.endsWith('/grants') ? { payload: { role: 'admin', compartment: '*' } } : {}),
          });
          assert.equal(res.statusCode, status, url);
          assert.equal(problem(res), type, url);
        }
        const traversal = await app.inject({
          method: 'DELETE',
          url: '/api/admin/users/00000000-0000-0000-0000-000000000000/grants/admin/..%2F..',
          headers: admin.headers,
        });
        assert.equal(traversal.statusCode, 400);
        assert.deepEqual([await count('api_token'), await count('access_grant')], before);
      });

      it('refuses an oversized body with 413', async () => {
        const before = await count('app_user');
        const big = await app.inject({
          method: 'POST',
          url: '/api/admin/users',
          headers: { ...admin.headers, 'content-type': 'application/json' },
          payload: JSON.stringify({
            username: 'big',
            role: 'monitor',
            compartment: 'general',
            pad: 'x'.repeat(20_000),
          }),
        });
        assert.equal(big.statusCode, 413);
        assert.equal(problem(big), 'payload-too-large');
        const huge = await login('amal', 'x'.repeat(2 * 1024 * 1024));
        assert.equal(huge.statusCode, 413);
        assert.equal(await count('app_user'), before);
      });

      it('refuses malformed JSON with 400 malformed-json', async () => {
        for (const payload of [
          '{"username": "x",',
          '{"__proto__": {"admin": true}, "username": "a", "password": "b"}',
        ]) {
          const res = await app.inject({
            method: 'POST',
            url: '/api/login',
            headers: { host: TEST_HOST, 'content-type': 'application/json' },
            payload,
          });
          assert.equal(res.statusCode, 400, payload);
          assert.equal(problem(res), 'malformed-json');
        }
      });

      it('refuses a wrong content type with 415', async () => {
        const before = await count('app_user');
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
          const res = await app.inject({
            method: 'POST',
            url: '/api/admin/users',
            headers: { ...admin.headers, 'content-type': type },
            payload: 'username=x&role=admin&compartment=*',
          });
          assert.equal(res.statusCode, 415, type);
          assert.equal(problem(res), 'unsupported-media-type');
        }
        assert.equal(await count('app_user'), before);
      });

      it('refuses unknown fields and bad values with 400 invalid-request', async () => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/admin/users',
          headers: admin.headers,
          payload: { username: 'ok-name', role: 'superuser', compartment: 'general' },
        });
        assert.equal(res.statusCode, 400);
        assert.equal(problem(res), 'invalid-request');
      });
    });

    describe('headers and the access audit', () => {
      it('sends security headers and a request id, and no CORS', async () => {
        const res = await app.inject({
          method: 'GET',
          url: '/api/version',
          headers: { origin: 'https://evil.example' },
        });
        assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
        assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
        assert.equal(res.headers['access-control-allow-origin'], undefined);
      });

      it('serves OpenAPI 3.1 and the docs UI without authentication', async () => {
        const doc = JSON.parse((await app.inject({ method: 'GET', url: '/api/openapi.json' })).body);
        assert.equal(doc.openapi, '3.1.0');
        assert.ok(doc.paths['/api/login'].post);
        assert.deepEqual(doc.paths['/api/audit'].get['x-permission'], 'audit:read');
        assert.equal((await app.inject({ method: 'GET', url: '/api/docs' })).statusCode, 200);
      });

      it('records denials and auth events without secrets, pages with a cursor, exports CSV', async () => {
        await login('amal', PASSWORD);
        await app.inject({ method: 'GET', url: '/api/audit', headers: { host: TEST_HOST } });
        const auditor = await loginAs(app, s.ctx, 'auditor', ['general']);
        const page1 = await app.inject({
          method: 'GET',
          url: '/api/audit?limit=3',
          headers: auditor.headers,
        });
        assert.equal(page1.statusCode, 200);
        const p1 = JSON.parse(page1.body);
        assert.equal(p1.events.length, 3);
        const page2 = JSON.parse(
          (
            await app.inject({
              method: 'GET',
              url: `/api/audit?limit=3&after=${p1.next}`,
              headers: auditor.headers,
            })
          ).body,
        );
        assert.equal(page2.events[0].seq, p1.events[2].seq + 1);
        const all = await s.ctx.db.selectFrom('access_event').selectAll().execute();
        const text = JSON.stringify(all);
        assert.ok(!text.includes(PASSWORD), 'no password in the audit');
        assert.ok(!/att_[A-Za-z0-9_-]{43}/.test(text), 'no token in the audit');
        assert.ok(all.some((e) => e.kind === 'denied' && e.status === 401 && e.route === '/api/audit'));
        const csv = await app.inject({
          method: 'GET',
          url: '/api/audit.csv?kind=login',
          headers: auditor.headers,
        });
        assert.equal(csv.statusCode, 200);
        assert.match(String(csv.headers['content-type']), /^text\/csv/);
        const lines = csv.body.trimEnd().split('\r\n');
        assert.equal(lines[0], 'seq,at,kind,outcome,actor_id,target_id,ip,method,route,status,request_id');
        assert.ok(lines.length > 1 && lines.slice(1).every((l) => l.split(',')[2] === 'login'));
        const forbidden = await app.inject({
          method: 'GET',
          url: '/api/audit.csv',
          headers: (await loginAs(app, s.ctx, 'investigator')).headers,
        });
        assert.equal(forbidden.statusCode, 403);
        assert.equal(problem(forbidden), 'forbidden');
      });
    });

    describe('password links', () => {
      it('sets a password once through the admin-issued link', async () => {
        const admin = await loginAs(app, s.ctx, 'admin');
        const created = await app.inject({
          method: 'POST',
          url: '/api/admin/users',
          headers: admin.headers,
          payload: { username: 'newcomer', role: 'legal', compartment: 'witness' },
        });
        assert.equal(created.statusCode, 201, created.body);
        const { link, user } = JSON.parse(created.body);
        assert.equal(link.passwordPath, `/reset#token=${link.passwordToken}`);
        assert.equal(user.hasPassword, false);
        const weak = await app.inject({
          method: 'POST',
          url: '/api/password-reset',
          payload: { token: link.passwordToken, password: 'qwertyuiop123' },
        });
        assert.equal(problem(weak), 'weak-password');
        const ok = await app.inject({
          method: 'POST',
          url: '/api/password-reset',
          payload: { token: link.passwordToken, password: PASSWORD },
        });
        assert.equal(ok.statusCode, 204);
        const reused = await app.inject({
          method: 'POST',
          url: '/api/password-reset',
          payload: { token: link.passwordToken, password: `${PASSWORD}x` },
        });
        assert.equal(problem(reused), 'invalid-link');
        assert.equal((await login('newcomer', PASSWORD)).statusCode, 200);
      });
    });
  });
}
