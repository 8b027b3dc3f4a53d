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

    it('a compartment admin manages its compartment only and can never grant beyond it (issue 12.4)', async () => {
      const alphaAdmin = await loginAs(h.app, h.s.ctx, 'admin', ['alpha']);
      const witnessUser = await makeUser(h.s.ctx, 'investigator', ['witness']);
      const both = await makeUser(h.s.ctx, 'monitor', ['alpha', 'witness']);
      const alphaUser = await makeUser(h.s.ctx, 'monitor', ['alpha']);
      const post = (url: string, payload?: unknown) =>
        h.app.inject({ method: 'POST', url, headers: alphaAdmin.headers, ...(payload ? { payload } : {}) });

      // The attack: grant itself global admin, then evidence in another compartment.
      for (const grant of [
        { role: 'admin', compartment: '*' },
        { role: 'investigator', compartment: 'witness' },
        { role: 'investigator', compartment: '*' },
      ]) {
        const res = await post(`/api/admin/users/${alphaAdmin.userId}/grants`, grant);
        assert.equal(res.statusCode, 403, JSON.stringify(grant));
        assert.equal(problem(res), 'scope-exceeded');
      }
      const made = await post('/api/admin/users', {
        username: 'w-spy',
        role: 'monitor',
        compartment: 'witness',
      });
      assert.equal(problem(made), 'scope-exceeded');
      const grants = await h.s.ctx.db
        .selectFrom('access_grant')
        .select(['role', 'compartment'])
        .where('user_id', '=', alphaAdmin.userId)
        .execute();
      assert.deepEqual(grants, [{ role: 'admin', compartment: 'alpha' }], 'nothing was granted');
      const items = await h.app.inject({ method: 'GET', url: '/api/items', headers: alphaAdmin.headers });
      assert.equal(items.statusCode, 403, 'still no evidence');

      // Users with any grant outside alpha are "not found": neither listed nor changeable.
      const list = JSON.parse(
        (await h.app.inject({ method: 'GET', url: '/api/admin/users', headers: alphaAdmin.headers })).body,
      ).users as { id: string; grants: { compartment: string }[] }[];
      const ids = list.map((u) => u.id);
      assert.ok(ids.includes(alphaUser.userId) && ids.includes(alphaAdmin.userId));
      assert.ok(!ids.includes(witnessUser.userId) && !ids.includes(both.userId));
      assert.ok(list.every((u) => u.grants.every((g) => g.compartment === 'alpha')));
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const id of [witnessUser.userId, both.userId, missing]) {
        for (const [url, payload] of [
          [`/api/admin/users/${id}/disable`, undefined],
          [`/api/admin/users/${id}/password-link`, undefined],
          [`/api/admin/users/${id}/grants`, { role: 'monitor', compartment: 'alpha' }],
        ] as const) {
          const res = await post(url, payload);
          assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
          assert.equal(problem(res), 'not-found');
          assert.equal(JSON.parse(res.body).detail, 'no such user', 'the same answer as for no user at all');
        }
      }
      const revoke = await h.app.inject({
        method: 'DELETE',
        url: `/api/admin/users/${both.userId}/grants/monitor/witness`,
        headers: alphaAdmin.headers,
      });
      assert.equal(revoke.statusCode, 404);

      // Within alpha it administers: create, grant, reset, disable.
      const created = await post('/api/admin/users', {
        username: 'alpha-new',
        role: 'monitor',
        compartment: 'alpha',
      });
      assert.equal(created.statusCode, 201, created.body);
      const newId = JSON.parse(created.body).user.id as string;
      assert.equal(
        (await post(`/api/admin/users/${newId}/grants`, { role: 'coordinator', compartment: 'alpha' }))
          .statusCode,
        204,
      );
      assert.equal((await post(`/api/admin/users/${newId}/password-link`)).statusCode, 201);
      assert.equal((await post(`/api/admin/users/${alphaUser.userId}/disable`)).statusCode, 204);
    });

    it('a compartment auditor reads only its compartment’s access events (issue 12.4)', async () => {
      const admin = await loginAs(h.app, h.s.ctx, 'admin');
      const { userId } = await makeUser(h.s.ctx, 'monitor', ['general']);
      for (const compartment of ['alpha', 'witness']) {
        await h.app.inject({
          method: 'POST',
          url: `/api/admin/users/${userId}/grants`,
          headers: admin.headers,
          payload: { role: 'legal', compartment },
        });
      }
      const alphaAuditor = await loginAs(h.app, h.s.ctx, 'auditor', ['alpha']);
      for (const url of ['/api/audit?limit=1000', '/api/audit?kind=login', '/api/audit?kind=grant']) {
        const events = JSON.parse(
          (await h.app.inject({ method: 'GET', url, headers: alphaAuditor.headers })).body,
        ).events as { compartment: string | null; kind: string }[];
        assert.ok(
          events.every((e) => e.compartment === 'alpha'),
          url,
        );
      }
      const grants = JSON.parse(
        (await h.app.inject({ method: 'GET', url: '/api/audit?kind=grant', headers: alphaAuditor.headers }))
          .body,
      ).events;
      assert.ok(grants.length >= 1, 'it does see its own compartment');
      const csv = await h.app.inject({ method: 'GET', url: '/api/audit.csv', headers: alphaAuditor.headers });
      assert.ok(!csv.body.includes('witness'), 'nor in the CSV export');
      const global = JSON.parse(
        (await h.app.inject({ method: 'GET', url: '/api/audit?kind=grant', headers: admin.headers })).body,
      ).events as { compartment: string | null }[];
      assert.ok(
        global.some((e) => e.compartment === 'witness'),
        'a deployment auditor sees everything',
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
