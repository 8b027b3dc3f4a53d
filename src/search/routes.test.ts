import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, type TestCaller } from '../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import { addContent } from '../vault/index.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: search over HTTP`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let general: TestCaller;
    let hidden: string;
    before(async () => {
      s = await openTestStore(dialect);
      app = await buildApp(s.ctx, { webDist: false });
      general = await loginAs(app, s.ctx, 'investigator', ['general']);
      const add = (text: string, compartment: string) =>
        addContent(s.ctx, Readable.from([Buffer.from(text)]), {
          originalName: 'n.txt',
          title: text.slice(0, 20),
          provenance: { source: 'field team 3', collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
          compartment,
          actor: 'user-test',
        });
      await add('Buses left Foua at dawn.', 'general');
      hidden = (await add('A protected witness describes the buses leaving Foua.', 'witness')).item.ern;
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    const get = (url: string, headers = general.headers) => app.inject({ method: 'GET', url, headers });

    it('returns results, total, facets and next', async () => {
      const res = await get(`/api/search?q=${encodeURIComponent('الفوعة')}`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as {
        results: { ern: string; snippet: string }[];
        total: number;
        facets: { admin1: unknown[] };
        next: null;
      };
      assert.equal(body.total, 1);
      assert.equal(body.next, null);
      assert.match(body.results[0]!.snippet, /<mark>Foua<\/mark>/);
      assert.ok(!JSON.stringify(body).includes(hidden));
    });

    it('answers hostile queries with a 400 problem naming what is wrong', async () => {
      const cases: Array<[string, string]> = [
        ['"unclosed', 'invalid-query'],
        [`${'('.repeat(50)}a${')'.repeat(50)}`, 'query-too-complex'],
        ['a '.repeat(300), 'query-too-complex'],
        ['x'.repeat(3000), 'query-too-complex'],
        ['title:secret', 'invalid-query'],
        ['convoy place:Atlantis', 'unknown-place'],
        ['after:2016-99', 'invalid-query'],
        ['', 'invalid-query'],
      ];
      for (const [q, type] of cases) {
        const res = await get(`/api/search?q=${encodeURIComponent(q)}`);
        assert.equal(res.statusCode, 400, `${q.slice(0, 20)}: ${res.body}`);
        assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
        assert.equal(res.json().type, `https://attest.example/problems/${type}`, q.slice(0, 20));
      }
      const huge = await get(`/api/search?q=${'y'.repeat(5000)}`);
      assert.equal(huge.statusCode, 400);
      const badCursor = await get('/api/search?q=buses&cursor=not-ours');
      assert.equal(badCursor.json().type, 'https://attest.example/problems/invalid-cursor');
    });

    it("hides another compartment's item mentions as not found", async () => {
      const res = await get(`/api/items/${hidden}/places`);
      assert.equal(res.statusCode, 404);
      const own = await get('/api/items/ATT-000001/places');
      assert.equal(own.statusCode, 200);
      assert.equal(own.json().mentions[0].pcode, 'C3905');
    });

    it('resolves place names and shows a place', async () => {
      const res = await get(`/api/places?q=${encodeURIComponent("al-Fu'ah")}`);
      assert.equal(res.json().candidates[0].place.pcode, 'C3905');
      const place = await get('/api/places/C3905');
      assert.deepEqual(
        place.json().within.map((p: { pcode: string }) => p.pcode),
        ['SY07', 'SY0700', 'SY070002'],
      );
      assert.equal((await get('/api/places/C9999999')).statusCode, 400);
      assert.equal((await get('/api/places/C99999')).statusCode, 404);
    });
  });
}
