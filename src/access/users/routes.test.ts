/**
 * users/routes.test.ts — account administration: disabling a user ends every credential at
 * once, and the last active admin stays.
 * Each attack gets the right status and problem type, and nothing stored changes.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  type AccessHarness,
  loginAs,
  makeUser,
  openAccessHarness,
  problemType as problem,
  sessionHeaders,
  TEST_HOST,
} from '../../../test/support/access.js';
import { DIALECTS, type TestStore } from '../../../test/support/stores.js';
import { createApiToken } from '../tokens/service.js';

const T0 = '2016-12-15T06:00:00.000Z';
const _at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

for (const dialect of DIALECTS) {
  describe(`${dialect}: user administration`, () => {
    let h: AccessHarness;
    let s: TestStore;
    let app: FastifyInstance;
    const me: AccessHarness['me'] = (...a) => h.me(...a);

    before(async () => {
      h = await openAccessHarness(dialect);
      ({ s, app } = h);
    });
    after(() => h.close());
    beforeEach(() => s.setTime(T0));

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
  });
}
