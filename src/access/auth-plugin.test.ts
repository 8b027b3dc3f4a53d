/**
 * auth-plugin.test.ts — what every request passes before its handler: CSRF on cookie-
 * authenticated unsafe requests and on sign-in, hostile paths and bodies, security headers and
 * the public OpenAPI document.
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
  TEST_ORIGIN,
  tokenAs,
} from '../../test/support/access.js';
import { DIALECTS, type TestStore } from '../../test/support/stores.js';

const T0 = '2016-12-15T06:00:00.000Z';
const _at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

for (const dialect of DIALECTS) {
  describe(`${dialect}: request guard (CSRF, hostile requests, headers)`, () => {
    let h: AccessHarness;
    let s: TestStore;
    let app: FastifyInstance;
    const login: AccessHarness['login'] = (...a) => h.login(...a);
    const count: AccessHarness['count'] = (...a) => h.count(...a);

    before(async () => {
      h = await openAccessHarness(dialect);
      ({ s, app } = h);
    });
    after(() => h.close());
    beforeEach(() => s.setTime(T0));

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

      it('refuses unknown fields and bad values with 400 invalid-request, storing nothing', async () => {
        const before = [await count('app_user'), await count('access_grant'), await count('api_token')];
        const cases: [string, string, Record<string, unknown>][] = [
          // An unknown field is refused, not dropped: a client that thinks it set `isAdmin` must learn it did not.
          [
            '/api/admin/users',
            'isAdmin',
            { username: 'ok-name', role: 'monitor', compartment: 'general', isAdmin: true },
          ],
          ['/api/admin/users', 'role', { username: 'ok-name', role: 'superuser', compartment: 'general' }],
          ['/api/tokens', 'scope', { name: 'x', role: 'admin', compartments: ['*'], scope: 'all' }],
          ['/api/login', 'remember', { username: 'amal', password: 'whatever-it-is', remember: true }],
        ];
        for (const [url, field, payload] of cases) {
          const res = await app.inject({ method: 'POST', url, headers: admin.headers, payload });
          assert.equal(res.statusCode, 400, `${url} ${field}: ${res.body}`);
          assert.equal(problem(res), 'invalid-request', `${url} ${field}`);
        }
        assert.deepEqual(
          [await count('app_user'), await count('access_grant'), await count('api_token')],
          before,
        );
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

      it('tells every cache not to keep API answers: Cache-Control no-store (issue 12.15)', async () => {
        const caller = await loginAs(app, s.ctx, 'investigator', ['general']);
        const answers = [
          await app.inject({ method: 'GET', url: '/api/me', headers: caller.headers }),
          await app.inject({ method: 'GET', url: '/api/tokens', headers: caller.headers }),
          await app.inject({ method: 'GET', url: '/api/items', headers: caller.headers }),
          await app.inject({ method: 'GET', url: '/api/items/ATT-000001/content', headers: caller.headers }),
          await app.inject({ method: 'GET', url: '/api/me', headers: { host: TEST_HOST } }),
          await login('amal', PASSWORD),
        ];
        for (const res of answers) {
          assert.equal(
            res.headers['cache-control'],
            'no-store',
            `${res.statusCode} ${res.body.slice(0, 80)}`,
          );
        }
      });

      it('serves OpenAPI 3.1 and the docs UI without authentication', async () => {
        const doc = JSON.parse((await app.inject({ method: 'GET', url: '/api/openapi.json' })).body);
        assert.equal(doc.openapi, '3.1.0');
        assert.ok(doc.paths['/api/login'].post);
        assert.deepEqual(doc.paths['/api/audit'].get['x-permission'], 'audit:read');
        assert.equal((await app.inject({ method: 'GET', url: '/api/docs' })).statusCode, 200);
      });
    });
  });
}
