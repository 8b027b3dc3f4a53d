import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { openTestStore, type TestStore } from '../../test/support/stores.js';
import type { Ctx } from '../ctx.js';
import { buildApp } from './server.js';
import type { AttestPlugin } from './type-provider.js';

// A route shaped like every JSON route: a body, a query string and a path parameter.
const probe: AttestPlugin<{ ctx: Ctx }> = async (app) => {
  app.post(
    '/api/test/probe/:n',
    {
      config: { policy: { public: true } },
      schema: {
        operationId: 'probe',
        summary: 'test probe',
        params: Type.Object({ n: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, default: 10 })),
            flag: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        body: Type.Object(
          {
            count: Type.Integer(),
            note: Type.Optional(Type.String()),
            nested: Type.Optional(Type.Object({ a: Type.String() }, { additionalProperties: false })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            n: Type.Integer(),
            limit: Type.Integer(),
            flag: Type.Union([Type.Boolean(), Type.Null()]),
            body: Type.Unknown(),
          }),
        },
      },
    },
    async (req) => ({
      n: req.params.n,
      limit: req.query.limit ?? 0,
      flag: req.query.flag ?? null,
      body: req.body,
    }),
  );
};

describe('strict request parsing (issue 11.2)', () => {
  let s: TestStore;
  let app: FastifyInstance;
  before(async () => {
    s = await openTestStore('sqlite');
    app = await buildApp(s.ctx, { plugins: [probe], webDist: false });
  });
  after(async () => {
    await app.close();
    await s.close();
  });

  const post = (url: string, body: unknown) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('coerces the path and the query string, which are text, and fills defaults', async () => {
    const res = await post('/api/test/probe/7?flag=true', { count: 1 });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { n: 7, limit: 10, flag: true, body: { count: 1 } });
  });

  it('refuses an unknown body field, naming it, instead of dropping it', async () => {
    const res = await post('/api/test/probe/1', { count: 1, colour: 'red' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(res.json().type, 'https://attest.example/problems/invalid-request');
    assert.match(res.json().detail, /body: unknown field "colour"/);
  });

  it('refuses an unknown field in a nested object', async () => {
    const res = await post('/api/test/probe/1', { count: 1, nested: { a: 'x', b: 'y' } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().detail, /body\.nested: unknown field "b"/);
  });

  it('refuses an unknown query parameter', async () => {
    const res = await post('/api/test/probe/1?limit=5&colour=red', { count: 1 });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().detail, /querystring: unknown field "colour"/);
  });

  it('does not coerce JSON body types: "5" is not an integer, 1 is not a string', async () => {
    for (const body of [{ count: '5' }, { count: 1, note: 1 }, { count: true }, { count: null }]) {
      const res = await post('/api/test/probe/1', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(res.json().type, 'https://attest.example/problems/invalid-request');
    }
  });

  it('bounds and cleans a hostile unknown field name before echoing it', async () => {
    const res = await post('/api/test/probe/1', { count: 1, [`x\u0000\u001b[31m${'y'.repeat(500)}`]: 1 });
    assert.equal(res.statusCode, 400);
    const detail: string = res.json().detail;
    assert.ok(detail.length < 120, detail);
    assert.doesNotMatch(detail, /[\u0000-\u001f]/);
  });

  it('accepts one spelling of a number in the path and query: 1e3, 0x10, 010, " 10" are refused', async () => {
    for (const n of ['1e3', '0x10', '010', '%2010', '1.0']) {
      const res = await post(`/api/test/probe/${n}`, { count: 1 });
      assert.equal(res.statusCode, 400, n);
    }
    const res = await post('/api/test/probe/1?limit=1e1', { count: 1 });
    assert.equal(res.statusCode, 400);
  });
});
