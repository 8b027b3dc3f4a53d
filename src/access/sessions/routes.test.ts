/**
 * sessions/routes.test.ts — signing in and out: the session cookie, no fixation, idle and
 * absolute expiry, logout, changing one's own password, and the login throttle.
 * Each attack gets the right status and problem type, and nothing stored changes.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  type AccessHarness,
  loginAs,
  openAccessHarness,
  TEST_PASSWORD as PASSWORD,
  problemType as problem,
  sessionCookieOf as sessionCookie,
  sessionHeaders,
  TEST_HOST,
} from '../../../test/support/access.js';
import { DIALECTS, type TestStore } from '../../../test/support/stores.js';
import { SESSION_COOKIE } from './store.js';
import { ACCOUNT_RULE, lockSeconds } from './throttle.js';

const T0 = '2016-12-15T06:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

for (const dialect of DIALECTS) {
  describe(`${dialect}: sessions and sign-in`, () => {
    let h: AccessHarness;
    let s: TestStore;
    let app: FastifyInstance;
    const makeAccount: AccessHarness['makeAccount'] = (...a) => h.makeAccount(...a);
    const login: AccessHarness['login'] = (...a) => h.login(...a);
    const me: AccessHarness['me'] = (...a) => h.me(...a);
    const count: AccessHarness['count'] = (...a) => h.count(...a);

    before(async () => {
      h = await openAccessHarness(dialect);
      ({ s, app } = h);
    });
    after(() => h.close());
    beforeEach(() => s.setTime(T0));

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

      it('does not let an attacker lock a user out from elsewhere; many addresses lock the account, audited (issue 12.16)', async () => {
        const victim = await makeAccount('besieged');
        const attacker = '203.0.113.50';
        for (let i = 0; i < 5; i++)
          assert.equal((await login('besieged', `guess-${i}`, {}, attacker)).statusCode, 401);
        const blocked = await login('besieged', PASSWORD, {}, attacker);
        assert.equal(blocked.statusCode, 429, 'the guessing address is locked for this account');
        assert.equal(problem(blocked), 'rate-limited');
        assert.equal(blocked.headers['retry-after'], '30');
        assert.equal(JSON.parse(blocked.body).retryAfter, 30);
        const fromHome = await login('besieged', PASSWORD, {}, '198.51.100.20');
        assert.equal(fromHome.statusCode, 200, 'the owner still signs in from their own address');

        // A distributed guess: one failure from each of 100 addresses locks the account everywhere.
        for (let batch = 0; batch < 10; batch++) {
          await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              login('besieged', 'spray-guess', {}, `10.9.${batch}.${i + 1}`),
            ),
          );
        }
        const everywhere = await login('besieged', PASSWORD, {}, '198.51.100.21');
        assert.equal(
          everywhere.statusCode,
          429,
          'past the global threshold the account is locked for everyone',
        );
        // 5 + 100 failures on the account: at most ACCOUNT_RULE's cap, 15 minutes.
        const wait = lockSeconds(ACCOUNT_RULE, 105);
        assert.equal(everywhere.headers['retry-after'], String(wait));
        s.setTime(new Date(Date.parse(T0) + (wait + 1) * 1000).toISOString());
        assert.equal(
          (await login('besieged', PASSWORD, {}, '198.51.100.21')).statusCode,
          200,
          'then it opens',
        );

        const lockouts = await s.ctx.db
          .selectFrom('access_event')
          .select(['outcome', 'target_id', 'ip'])
          .where('kind', '=', 'lockout')
          .where('target_id', '=', victim)
          .orderBy('seq')
          .execute();
        assert.deepEqual(lockouts[0], { outcome: 'account-address', target_id: victim, ip: attacker });
        const global = lockouts.slice(1);
        // Failures that land while the account is locked extend the lock; each is audited.
        assert.ok(
          global.length >= 1 && global.every((e) => e.outcome === 'account' && /^10\.9\./.test(String(e.ip))),
        );
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
  });
}
