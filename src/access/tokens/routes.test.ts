/**
 * tokens/routes.test.ts — API tokens: Bearer use, hashed storage, expiry and revocation, and
 * a scope that never exceeds the user's, at creation or later.
 * Each attack gets the right status and problem type, and nothing stored changes.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import {
  type AccessHarness,
  makeUser,
  openAccessHarness,
  problemType as problem,
  sessionHeaders,
  TEST_ACTOR,
  TEST_HOST,
  tokenAs,
} from '../../../test/support/access.js';
import { DIALECTS, type TestStore } from '../../../test/support/stores.js';
import { grantRole, grantsOf, revokeRole } from '../grants/service.js';
import type { Role } from '../permissions.js';
import { effectiveGrants, resolveApiToken } from './service.js';

const T0 = '2016-12-15T06:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

for (const dialect of DIALECTS) {
  describe(`${dialect}: API tokens`, () => {
    let h: AccessHarness;
    let s: TestStore;
    let app: FastifyInstance;
    const me: AccessHarness['me'] = (...a) => h.me(...a);
    const count: AccessHarness['count'] = (...a) => h.count(...a);
    /** effectiveGrantsOf is what a token of role investigator over `compartments` holds, by grantsOf. */
    const effectiveGrantsOf = async (userId: string, compartments: string[]) =>
      effectiveGrants(await grantsOf(s.ctx.db, userId), 'investigator' as Role, compartments);

    before(async () => {
      h = await openAccessHarness(dialect);
      ({ s, app } = h);
    });
    after(() => h.close());
    beforeEach(() => s.setTime(T0));

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
        await revokeRole(s.ctx, userId, 'investigator', 'general', TEST_ACTOR);
        await grantRole(s.ctx, userId, 'monitor', 'general', TEST_ACTOR);
        const narrowed = await app.inject({ method: 'GET', url: '/api/items', headers: bearer });
        assert.equal(narrowed.statusCode, 403, 'the user lost the role, so the token did too');
      });

      it('resolves a token with all its user’s grants in one statement (a round trip per request saved)', async () => {
        const caller = await tokenAs(s.ctx, 'investigator', ['general']);
        const { userId } = caller;
        await grantRole(s.ctx, userId, 'investigator', 'witness', TEST_ACTOR);
        await grantRole(s.ctx, userId, 'monitor', 'ops', TEST_ACTOR);
        const token = caller.headers.authorization!.slice('Bearer '.length);
        await resolveApiToken(s.ctx, token); // its first use is recorded (at most once a minute)
        let statements = 0;
        const counting = {
          transformQuery: (a: { node: RootOperationNode }) => {
            statements++;
            return a.node;
          },
          transformResult: async (a: { result: QueryResult<UnknownRow> }) => a.result,
        };
        const resolved = await resolveApiToken({ ...s.ctx, db: s.ctx.db.withPlugin(counting) }, token);
        assert.equal(statements, 1, 'the token, its user and every grant: one statement');
        // The token is scoped to general: of the user's grants only general's apply, as before.
        assert.deepEqual(resolved?.grants, await effectiveGrantsOf(userId, ['general']));
        const wide = await tokenAs(s.ctx, 'investigator', ['*']);
        await grantRole(s.ctx, wide.userId, 'monitor', 'ops', TEST_ACTOR);
        const all = await resolveApiToken(s.ctx, wide.headers.authorization!.slice('Bearer '.length));
        assert.deepEqual(all?.grants, await effectiveGrantsOf(wide.userId, ['*']));
        // A user with no grant left still resolves (the grant join is outer), holding nothing.
        await revokeRole(s.ctx, wide.userId, 'investigator', '*', TEST_ACTOR);
        await revokeRole(s.ctx, wide.userId, 'monitor', 'ops', TEST_ACTOR);
        const none = await resolveApiToken(s.ctx, wide.headers.authorization!.slice('Bearer '.length));
        assert.deepEqual(none?.grants, []);
      });
    });
  });
}
