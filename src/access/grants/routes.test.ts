/**
 * grants/routes.test.ts — giving and taking roles through the API: the grant takes effect at
 * once, the access audit names the compartment of every grant and revoked grant (issue 12.12),
 * and the last active admin keeps its admin grant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type AccessHarness,
  loginAs,
  makeUser,
  openAccessHarness,
  problemType as problem,
  sessionHeaders,
} from '../../../test/support/access.js';
import { DIALECTS } from '../../../test/support/stores.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: grants`, () => {
    let h: AccessHarness;
    before(async () => {
      h = await openAccessHarness(dialect);
    });
    after(() => h.close());

    it('grants and revokes a role, and the audit names its compartment', async () => {
      const admin = await loginAs(h.app, h.s.ctx, 'admin');
      const { userId } = await makeUser(h.s.ctx, 'monitor', ['general']);
      const member = await sessionHeaders(h.s.ctx, userId);
      assert.equal(
        (await h.app.inject({ method: 'GET', url: '/api/items', headers: member })).statusCode,
        403,
      );

      const granted = await h.app.inject({
        method: 'POST',
        url: `/api/admin/users/${userId}/grants`,
        headers: admin.headers,
        payload: { role: 'investigator', compartment: 'witness' },
      });
      assert.equal(granted.statusCode, 204, granted.body);
      assert.equal(
        (await h.app.inject({ method: 'GET', url: '/api/items', headers: member })).statusCode,
        200,
      );

      const revoked = await h.app.inject({
        method: 'DELETE',
        url: `/api/admin/users/${userId}/grants/investigator/witness`,
        headers: admin.headers,
      });
      assert.equal(revoked.statusCode, 204, revoked.body);
      assert.equal(
        (await h.app.inject({ method: 'GET', url: '/api/items', headers: member })).statusCode,
        403,
      );
      const again = await h.app.inject({
        method: 'DELETE',
        url: `/api/admin/users/${userId}/grants/investigator/witness`,
        headers: admin.headers,
      });
      assert.equal(again.statusCode, 404);
      assert.equal(problem(again), 'not-found');

      const rows = await h.s.ctx.db
        .selectFrom('access_event')
        .select(['kind', 'outcome', 'actor_id', 'target_id', 'compartment', 'route'])
        .where('kind', 'in', ['grant', 'revoke-grant'])
        .where('target_id', '=', userId)
        .orderBy('seq')
        .execute();
      assert.deepEqual(rows, [
        {
          kind: 'grant',
          outcome: 'investigator',
          actor_id: admin.userId,
          target_id: userId,
          compartment: 'witness',
          route: '/api/admin/users/:id/grants',
        },
        {
          kind: 'revoke-grant',
          outcome: 'investigator',
          actor_id: admin.userId,
          target_id: userId,
          compartment: 'witness',
          route: '/api/admin/users/:id/grants/:role/:compartment',
        },
      ]);
      const audit = await h.app.inject({
        method: 'GET',
        url: '/api/audit?kind=grant',
        headers: admin.headers,
      });
      assert.ok(
        JSON.parse(audit.body).events.some(
          (e: { target_id: string; compartment: string }) =>
            e.target_id === userId && e.compartment === 'witness',
        ),
        'the audit API shows the compartment',
      );
    });

    it('keeps the last active admin’s admin grant', async () => {
      const admins = await h.s.ctx.db
        .selectFrom('access_grant')
        .select('user_id')
        .where('role', '=', 'admin')
        .execute();
      for (const a of admins) {
        await h.s.ctx.db.deleteFrom('access_grant').where('user_id', '=', a.user_id).execute();
      }
      const admin = await loginAs(h.app, h.s.ctx, 'admin');
      const res = await h.app.inject({
        method: 'DELETE',
        url: `/api/admin/users/${admin.userId}/grants/admin/*`,
        headers: admin.headers,
      });
      assert.equal(res.statusCode, 409);
      assert.equal(problem(res), 'last-admin');
    });
  });
}
