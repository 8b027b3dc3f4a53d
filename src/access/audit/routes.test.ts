/**
 * audit/routes.test.ts — the access audit: denials and sign-ins recorded without secrets,
 * paged with a cursor, exported as CSV, readable only with audit:read.
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
  TEST_HOST,
} from '../../../test/support/access.js';
import { DIALECTS, type TestStore } from '../../../test/support/stores.js';

const T0 = '2016-12-15T06:00:00.000Z';
const _at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

for (const dialect of DIALECTS) {
  describe(`${dialect}: access audit`, () => {
    let h: AccessHarness;
    let s: TestStore;
    let app: FastifyInstance;
    const makeAccount: AccessHarness['makeAccount'] = (...a) => h.makeAccount(...a);
    const login: AccessHarness['login'] = (...a) => h.login(...a);

    before(async () => {
      h = await openAccessHarness(dialect);
      ({ s, app } = h);
    });
    after(() => h.close());
    beforeEach(() => s.setTime(T0));

    describe('the access audit', () => {
      before(() => makeAccount('amal'));

      it('records denials and auth events without secrets, pages with a cursor, exports CSV', async () => {
        await login('amal', PASSWORD);
        await app.inject({ method: 'GET', url: '/api/audit', headers: { host: TEST_HOST } });
        const auditor = await loginAs(app, s.ctx, 'auditor', ['*']);
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
        assert.equal(
          lines[0],
          'seq,at,kind,outcome,actor_id,target_id,ip,method,route,status,request_id,compartment',
        );
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
  });
}
