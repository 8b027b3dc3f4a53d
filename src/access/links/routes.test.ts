/**
 * links/routes.test.ts — first-run setup and one-time password links through the API:
 * a link works once, within its time, and sets only a password that meets the rules.
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
  sessionHeaders,
  TEST_HOST,
} from '../../../test/support/access.js';
import { DIALECTS, type TestStore } from '../../../test/support/stores.js';
import { issueSetupLink } from './service.js';

const T0 = '2016-12-15T06:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

for (const dialect of DIALECTS) {
  describe(`${dialect}: first-run setup and password links`, () => {
    let h: AccessHarness;
    let s: TestStore;
    let app: FastifyInstance;
    const makeAccount: AccessHarness['makeAccount'] = (...a) => h.makeAccount(...a);
    const login: AccessHarness['login'] = (...a) => h.login(...a);
    const me: AccessHarness['me'] = (...a) => h.me(...a);

    before(async () => {
      h = await openAccessHarness(dialect);
      ({ s, app } = h);
    });
    after(() => h.close());
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

      it('a reset ends every session and revokes every API token made before it (issue 12.8)', async () => {
        const admin = await loginAs(app, s.ctx, 'admin');
        const victim = await makeAccount('reset-victim', 'monitor', 'general');
        // What an attacker holding the old password made: a session (say, on a stolen phone) and a token.
        const phone = await sessionHeaders(s.ctx, victim);
        const minted = await app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: phone,
          payload: { name: 'sync', role: 'monitor', compartments: ['general'], expiresInDays: 300 },
        });
        assert.equal(minted.statusCode, 201, minted.body);
        const bearer = { host: TEST_HOST, authorization: `Bearer ${JSON.parse(minted.body).token}` };
        assert.equal((await me(bearer)).statusCode, 200);

        const link = await app.inject({
          method: 'POST',
          url: `/api/admin/users/${victim}/password-link`,
          headers: admin.headers,
        });
        assert.equal(link.statusCode, 201);
        const reset = await app.inject({
          method: 'POST',
          url: '/api/password-reset',
          payload: { token: JSON.parse(link.body).passwordToken, password: 'Khan-al-Asal-fresh-2016' },
        });
        assert.equal(reset.statusCode, 204, reset.body);
        for (const [name, headers] of [
          ['session', phone],
          ['token', bearer],
        ] as const) {
          const res = await me(headers);
          assert.equal(res.statusCode, 401, `${name} after the reset`);
          assert.equal(problem(res), 'unauthenticated');
        }
        const tokens = await s.ctx.db
          .selectFrom('api_token')
          .select('revoked_at')
          .where('user_id', '=', victim)
          .execute();
        assert.ok(
          tokens.length === 1 && tokens.every((t) => t.revoked_at !== null),
          'the token is revoked, not just hidden',
        );
        assert.equal((await login('reset-victim', 'Khan-al-Asal-fresh-2016')).statusCode, 200);
      });
    });
  });
}
