/**
 * upload-quota.test.ts — a user cannot open resumable uploads without bound (tus creation could
 * reserve the disk for a day per upload): over HTTP on both databases, with the limits lowered to
 * 3 open uploads and 1,000 declared bytes per user. Past either, creation is 429 `upload-quota`
 * (problem+json) and nothing is created; another user is not affected; finishing, ending
 * (DELETE) or expiry frees a place; a final concatenation upload is not counted twice; parallel
 * creations cannot all take the last place.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type TestCaller, tokenAs } from '../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';

const TUS = { 'tus-resumable': '1.0.0' };
const b64 = (v: string) => Buffer.from(v).toString('base64');
const META = [
  `filename ${b64('report.txt')}`,
  `source ${b64('field team 3')}`,
  `collectedAt ${b64('2016-12-18')}`,
  `collectedBy ${b64('monitor-07')}`,
].join(',');

for (const dialect of DIALECTS) {
  describe(`${dialect}: per-user quota on open tus uploads`, () => {
    let s: TestStore;
    let app: FastifyInstance;

    before(async () => {
      s = await openTestStore(dialect, { ATTEST_UPLOAD_MAX_OPEN: '3', ATTEST_UPLOAD_MAX_OPEN_BYTES: '1000' });
      s.setTime('2016-12-18T12:00:00Z');
      app = await buildApp(s.ctx);
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    const create = (who: TestCaller, length: number, extra: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/api/uploads',
        headers: {
          ...who.headers,
          ...TUS,
          'upload-length': String(length),
          'upload-metadata': META,
          ...extra,
        },
      });
    const quotaRefused = (res: LightMyRequestResponse) => {
      assert.equal(res.statusCode, 429, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.json().type, 'https://attest.example/problems/upload-quota');
    };
    const rowsOf = async (who: TestCaller) =>
      Number(
        (
          await s.ctx.db
            .selectFrom('upload')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('user_id', '=', who.userId)
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('refuses a fourth open upload with upload-quota, creating nothing; another user is not affected', async () => {
      const me = await tokenAs(s.ctx, 'investigator', ['general']);
      for (let i = 0; i < 3; i++) assert.equal((await create(me, 10)).statusCode, 201);
      quotaRefused(await create(me, 10));
      assert.equal(await rowsOf(me), 3, 'nothing created by the refused request');
      const other = await tokenAs(s.ctx, 'investigator', ['general']);
      assert.equal((await create(other, 10)).statusCode, 201);
    });

    it('finishing, ending (DELETE) and expiry each free a place', async () => {
      const me = await tokenAs(s.ctx, 'investigator', ['general']);
      const urls: string[] = [];
      for (let i = 0; i < 3; i++) urls.push(String((await create(me, 10)).headers.location));
      quotaRefused(await create(me, 10));
      // Finished: the last byte makes an item; the upload no longer counts.
      const done = await app.inject({
        method: 'PATCH',
        url: urls[0]!,
        headers: {
          ...me.headers,
          ...TUS,
          'upload-offset': '0',
          'content-type': 'application/offset+octet-stream',
        },
        payload: Buffer.from('0123456789'),
      });
      assert.equal(done.statusCode, 204, done.body);
      assert.ok(done.headers['attest-item-ern']);
      assert.equal((await create(me, 10)).statusCode, 201);
      quotaRefused(await create(me, 10));
      // Ended by the client (tus termination).
      const ended = await app.inject({ method: 'DELETE', url: urls[1]!, headers: { ...me.headers, ...TUS } });
      assert.equal(ended.statusCode, 204, ended.body);
      assert.equal((await create(me, 10)).statusCode, 201);
      quotaRefused(await create(me, 10));
      // Expired (24 h after creation): free at once, and swept away.
      s.setTime('2016-12-19T12:00:01Z');
      assert.equal((await create(me, 10)).statusCode, 201);
      assert.equal(await rowsOf(me), 1, 'every earlier upload expired and was swept; the new one is left');
      s.setTime('2016-12-18T12:00:00Z');
    });

    it('bounds the bytes all open uploads declare', async () => {
      const me = await tokenAs(s.ctx, 'investigator', ['general']);
      assert.equal((await create(me, 900)).statusCode, 201);
      quotaRefused(await create(me, 101));
      assert.match((await create(me, 101)).json().detail, /900 bytes.*1000/);
      assert.equal((await create(me, 100)).statusCode, 201);
      quotaRefused(await create(me, 1));
      assert.equal(await rowsOf(me), 2);
    });

    it('a concatenation counts its partials once: the final upload is not counted again', async () => {
      const me = await tokenAs(s.ctx, 'investigator', ['general']);
      const parts: string[] = [];
      for (const text of ['first half, ', 'second half']) {
        const res = await create(me, text.length, { 'upload-concat': 'partial' });
        assert.equal(res.statusCode, 201, res.body);
        const url = String(res.headers.location);
        const sent = await app.inject({
          method: 'PATCH',
          url,
          headers: {
            ...me.headers,
            ...TUS,
            'upload-offset': '0',
            'content-type': 'application/offset+octet-stream',
          },
          payload: Buffer.from(text),
        });
        assert.equal(sent.statusCode, 204, sent.body);
        parts.push(url);
      }
      assert.equal((await create(me, 10)).statusCode, 201, 'two partials and one more: three open');
      const final = await app.inject({
        method: 'POST',
        url: '/api/uploads',
        headers: {
          ...me.headers,
          ...TUS,
          'upload-metadata': META,
          'upload-concat': `final;${parts.join(' ')}`,
        },
      });
      assert.equal(final.statusCode, 201, final.body);
      assert.ok(final.headers['attest-item-ern']);
      // The partials are spent: two places free again.
      assert.equal((await create(me, 10)).statusCode, 201);
      assert.equal((await create(me, 10)).statusCode, 201);
      quotaRefused(await create(me, 10));
    });

    it('ten creations at once: three are created, the others refused', async () => {
      const me = await tokenAs(s.ctx, 'investigator', ['general']);
      const all = await Promise.all(Array.from({ length: 10 }, () => create(me, 10)));
      assert.deepEqual(
        all.map((r) => r.statusCode).sort(),
        [201, 201, 201, 429, 429, 429, 429, 429, 429, 429],
      );
      assert.equal(await rowsOf(me), 3);
    });
  });
}
