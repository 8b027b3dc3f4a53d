import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, problemType, type TestCaller } from '../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import { MAX_SAVED, saveSearch } from './saved.js';

interface Saved {
  id: string;
  name: string;
  q: string;
  sort: string;
  updatedAt: string;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: saved searches`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let amal: TestCaller;
    let omar: TestCaller;

    before(async () => {
      s = await openTestStore(dialect);
      s.setTime('2017-01-10T09:00:00.000Z');
      app = await buildApp(s.ctx, { webDist: false });
      amal = await loginAs(app, s.ctx, 'investigator', ['general']);
      omar = await loginAs(app, s.ctx, 'legal', ['general']);
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    const call = (method: 'GET' | 'PUT' | 'DELETE', url: string, who: TestCaller, body?: unknown) =>
      app.inject({
        method,
        url,
        headers: who.headers,
        ...(body !== undefined ? { payload: body as object } : {}),
      });
    const listOf = async (who: TestCaller) =>
      ((await call('GET', '/api/saved-searches', who)).json() as { savedSearches: Saved[] }).savedSearches;

    it('keeps a user’s searches by name, newest first, replacing one of the same name', async () => {
      const first = await call('PUT', '/api/saved-searches', amal, {
        name: 'Convoys at Ramouseh',
        q: 'convoy place:C1007',
      });
      assert.equal(first.statusCode, 200, first.body);
      s.setTime('2017-01-10T09:01:00.000Z');
      await call('PUT', '/api/saved-searches', amal, {
        name: ' الحافلات  في الراموسة ',
        q: 'حافلات',
        sort: 'date',
      });
      let list = await listOf(amal);
      assert.deepEqual(
        list.map((x) => [x.name, x.q, x.sort]),
        [
          ['الحافلات في الراموسة', 'حافلات', 'date'],
          ['Convoys at Ramouseh', 'convoy place:C1007', 'relevance'],
        ],
      );
      s.setTime('2017-01-10T09:02:00.000Z');
      const replaced = (
        await call('PUT', '/api/saved-searches', amal, { name: 'Convoys at Ramouseh', q: 'convoy OR buses' })
      ).json() as Saved;
      assert.equal(replaced.id, (first.json() as Saved).id, 'same name, same saved search');
      list = await listOf(amal);
      assert.deepEqual(
        list.map((x) => x.q),
        ['convoy OR buses', 'حافلات'],
      );
      const custody = await s.ctx.db
        .selectFrom('custody_entry')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(custody.n), 0, 'saved searches are not evidence and are not logged');
    });

    it('shows, changes and forgets only the caller’s own', async () => {
      assert.deepEqual(await listOf(omar), []);
      const mine = (await listOf(amal))[0]!;
      const theirs = await call('DELETE', `/api/saved-searches/${mine.id}`, omar);
      assert.equal(problemType(theirs), 'not-found');
      const unknown = await call(
        'DELETE',
        '/api/saved-searches/srch-00000000-0000-0000-0000-000000000000',
        omar,
      );
      assert.equal(
        (theirs.json() as { detail: string }).detail,
        (unknown.json() as { detail: string }).detail,
      );
      await call('PUT', '/api/saved-searches', omar, { name: mine.name, q: 'elsewhere' });
      assert.equal((await listOf(amal))[0]?.q, mine.q, 'the same name of another user is another search');
      const gone = await call('DELETE', `/api/saved-searches/${mine.id}`, amal);
      assert.equal(gone.statusCode, 204);
      assert.ok(!(await listOf(amal)).some((x) => x.id === mine.id));
      const monitor = await loginAs(app, s.ctx, 'monitor', ['general']);
      assert.equal(problemType(await call('GET', '/api/saved-searches', monitor)), 'forbidden');
    });

    it('refuses a query that does not parse, a bad name, and more than the limit; stores nothing then', async () => {
      const before = (await listOf(amal)).length;
      const cases: [unknown, string][] = [
        [{ name: 'x', q: '"unclosed' }, 'invalid-query'],
        [{ name: 'x', q: 'a'.repeat(600) }, 'query-too-complex'],
        [{ name: 'x', q: '   ' }, 'invalid-saved-search'],
        [{ name: '  ', q: 'convoy' }, 'invalid-saved-search'],
        [{ name: 'a\u0000b', q: 'convoy' }, 'invalid-saved-search'],
        [{ name: 'a\u202Eb', q: 'convoy' }, 'invalid-saved-search'],
        [{ name: 'n'.repeat(101), q: 'convoy' }, 'invalid-saved-search'],
        [{ name: 'x', q: 'convoy', sort: 'random' }, 'invalid-request'],
        [{ name: 'x', q: 'convoy', userId: omar.userId }, 'invalid-request'],
        [{ name: 'x' }, 'invalid-request'],
      ];
      for (const [body, want] of cases) {
        const res = await call('PUT', '/api/saved-searches', amal, body);
        assert.equal(problemType(res), want, `${JSON.stringify(body).slice(0, 60)}: ${res.body}`);
      }
      assert.equal(problemType(await call('DELETE', '/api/saved-searches/..%2Fx', amal)), 'invalid-request');
      assert.equal((await listOf(amal)).length, before);
      for (let i = (await listOf(amal)).length; i < MAX_SAVED; i++)
        await saveSearch(s.ctx, amal.userId, ['general'], { name: `s${i}`, q: `word${i}` });
      const over = await call('PUT', '/api/saved-searches', amal, { name: 'one more', q: 'convoy' });
      assert.equal(problemType(over), 'too-many-saved-searches');
      const replace = await call('PUT', '/api/saved-searches', amal, { name: 's5', q: 'convoy' });
      assert.equal(replace.statusCode, 200, 'replacing one at the limit is still allowed');
      assert.equal((await listOf(amal)).length, MAX_SAVED);
    });

    it('refuses control and bidi characters in the query, as in the name', async () => {
      for (const q of ['abc \u202egnp.exe', 'convoy\u0007']) {
        const res = await call('PUT', '/api/saved-searches', amal, { name: 'odd', q });
        assert.equal(problemType(res), 'invalid-saved-search', JSON.stringify(q));
      }
    });

    it('a token scoped to fewer compartments neither sees, replaces nor forgets a search saved with wider access', async () => {
      const wide = await loginAs(app, s.ctx, 'investigator', ['general', 'witness']);
      const saved = await call('PUT', '/api/saved-searches', wide, {
        name: 'protected words',
        q: 'quokka commander',
      });
      assert.equal(saved.statusCode, 200, saved.body);
      const minted = await app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: wide.headers,
        payload: { name: 'narrow', role: 'investigator', compartments: ['general'] },
      });
      assert.equal(minted.statusCode, 201, minted.body);
      const narrow = {
        ...wide,
        headers: { host: wide.headers.host, authorization: `Bearer ${minted.json().token}` },
      } as TestCaller;
      assert.deepEqual(await listOf(narrow), []);
      // The name of a search it cannot see is free for the token (issue 15: "name taken" told
      // it that one exists): it saves its own, and the wider one is left as it was.
      const own = await call('PUT', '/api/saved-searches', narrow, {
        name: 'protected words',
        q: 'other',
      });
      assert.equal(own.statusCode, 200, own.body);
      assert.notEqual(own.json().id, saved.json().id);
      assert.deepEqual(
        (await listOf(narrow)).map((x) => [x.name, x.q]),
        [['protected words', 'other']],
      );
      assert.equal(
        (await call('DELETE', `/api/saved-searches/${own.json().id}`, narrow)).statusCode,
        204,
        'and forgets it',
      );
      const forgot = await call('DELETE', `/api/saved-searches/${saved.json().id}`, narrow);
      assert.equal(
        problemType(forgot),
        problemType(
          await call(
            'DELETE',
            `/api/saved-searches/srch-${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`,
            narrow,
          ),
        ),
      );
      // What the narrow token saves itself, it sees; the full session sees both.
      assert.equal(
        (await call('PUT', '/api/saved-searches', narrow, { name: 'mine', q: 'convoy' })).statusCode,
        200,
      );
      assert.deepEqual(
        (await listOf(narrow)).map((x) => x.name),
        ['mine'],
      );
      assert.deepEqual((await listOf(wide)).map((x) => x.name).sort(), ['mine', 'protected words']);
      assert.equal((await listOf(wide)).find((x) => x.name === 'protected words')?.q, 'quokka commander');
    });

    it('a token scoped to fewer compartments is never told of searches it cannot see: not by a name, not by the limit (issue 15)', async () => {
      const wide = await loginAs(app, s.ctx, 'investigator', ['general', 'witness']);
      const minted = await app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: wide.headers,
        payload: { name: 'narrow-2', role: 'investigator', compartments: ['general'] },
      });
      assert.equal(minted.statusCode, 201, minted.body);
      const narrow = {
        ...wide,
        headers: { host: wide.headers.host, authorization: `Bearer ${minted.json().token}` },
      } as TestCaller;
      // The wider session fills its limit; the token sees none of it and saves as if alone.
      for (let i = (await listOf(wide)).length; i < MAX_SAVED; i++)
        await saveSearch(s.ctx, wide.userId, ['general', 'witness'], { name: `w${i}`, q: `word${i}` });
      assert.equal(
        problemType(await call('PUT', '/api/saved-searches', wide, { name: 'one more', q: 'x' })),
        'too-many-saved-searches',
      );
      assert.deepEqual(await listOf(narrow), []);
      for (const name of ['w5', 'one more']) {
        const res = await call('PUT', '/api/saved-searches', narrow, { name, q: 'convoy' });
        assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
      }
      assert.deepEqual((await listOf(narrow)).map((x) => x.name).sort(), ['one more', 'w5']);
      const w5 = (await listOf(wide))
        .filter((x) => x.name === 'w5')
        .map((x) => x.q)
        .sort();
      assert.deepEqual(w5, ['convoy', 'word5'], 'the wider session sees both, each as saved');
    });
  });
}
