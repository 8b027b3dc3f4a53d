/**
 * download.test.ts — the conditional-request matrix of RFC 9110 §13 on item content and on a JSON
 * resource (issue 19.2), over app.inject on both databases, and download file names (RFC 6266):
 * the media type's extension, and `filename*` carrying an Arabic original name intact.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type TestCaller, tokenAs } from '../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import type { Item } from './item.js';
import { addContent } from './service.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const TEXT = Buffer.from('checkpoint Ramouseh 2016-12-18: 12 buses observed');

for (const dialect of DIALECTS) {
  describe(`${dialect}: conditional requests and download names (issue 19.2)`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let caller: TestCaller;
    let text: Item;
    let photo: Item;

    before(async () => {
      s = await openTestStore(dialect);
      s.setTime('2016-12-18T09:30:00.000Z');
      app = await buildApp(s.ctx, { webDist: false });
      caller = await tokenAs(s.ctx, 'investigator', ['general']);
      const add = async (bytes: Buffer, name: string) =>
        (
          await addContent(s.ctx, Readable.from([bytes]), {
            originalName: name,
            provenance: { source: 'synthetic', collectedAt: '2016-12-18', collectedBy: 'monitor-01' },
            actor: caller.userId,
          })
        ).item;
      text = await add(TEXT, 'report');
      photo = await add(PNG, 'صورة الحاجز.jpeg');
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    const get = (url: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url, headers: { ...caller.headers, ...headers } });
    const views = async () =>
      Number(
        (
          await s.ctx.db
            .selectFrom('custody_entry')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('kind', '=', 'view')
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('sends a strong ETag, Last-Modified and the media type’s extension in the file name', async () => {
      const res = await get(`/api/items/${text.ern}/content`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers.etag, `"sha256:${text.sha256}"`);
      assert.equal(res.headers['last-modified'], 'Sun, 18 Dec 2016 09:30:00 GMT');
      assert.equal(res.headers['content-disposition'], `attachment; filename="${text.ern}-report.txt"`);
      assert.equal(res.headers['cache-control'], 'no-store');
    });

    it('names a download from an Arabic original with filename* (RFC 8187) and the sniffed extension', async () => {
      const res = await get(`/api/items/${photo.ern}/content`);
      const header = String(res.headers['content-disposition']);
      const star = /filename\*=UTF-8''([^;]+)$/.exec(header);
      assert.ok(star, header);
      assert.equal(
        decodeURIComponent(star[1]!),
        `${photo.ern}-صورة الحاجز.png`,
        'png from the bytes, not .jpeg',
      );
      assert.match(header, /^attachment; filename="[\x20-\x7e]+\.png"; /, 'an ASCII fallback');
    });

    it('answers If-None-Match (exact, weak, list, *) with 304 and no body, and records no view', async () => {
      const url = `/api/items/${text.ern}/content`;
      const tag = `"sha256:${text.sha256}"`;
      const before = await views();
      for (const inm of [tag, `W/${tag}`, `"other", ${tag}`, '*']) {
        const res = await get(url, { 'if-none-match': inm });
        assert.equal(res.statusCode, 304, inm);
        assert.equal(res.body, '', inm);
        assert.equal(res.headers.etag, tag, `${inm}: a 304 carries the ETag`);
      }
      assert.equal(await views(), before, 'a 304 is not a read of the bytes');
      assert.equal((await get(url, { 'if-none-match': '"other"' })).statusCode, 200);
      assert.equal(
        (await get(url, { 'if-modified-since': 'Mon, 19 Dec 2016 00:00:00 GMT' })).statusCode,
        304,
      );
    });

    it('refuses a mismatched If-Match or a stale If-Unmodified-Since with 412 precondition-failed', async () => {
      const url = `/api/items/${text.ern}/content`;
      for (const headers of <Record<string, string>[]>[
        { 'if-match': '"sha256:0000"' },
        { 'if-match': `W/"sha256:${text.sha256}"` },
        { 'if-unmodified-since': 'Sat, 17 Dec 2016 00:00:00 GMT' },
      ]) {
        const res = await get(url, headers);
        assert.equal(res.statusCode, 412, JSON.stringify(headers));
        assert.equal(res.json().type, 'https://attest.example/problems/precondition-failed');
      }
      assert.equal((await get(url, { 'if-match': `"sha256:${text.sha256}"` })).statusCode, 200);
    });

    it('honours Range only when If-Range names the current version; a stale one gets the whole item', async () => {
      const url = `/api/items/${text.ern}/content`;
      const current = await get(url, { range: 'bytes=11-18', 'if-range': `"sha256:${text.sha256}"` });
      assert.equal(current.statusCode, 206);
      assert.equal(current.body, 'Ramouseh');
      const byDate = await get(url, { range: 'bytes=11-18', 'if-range': 'Sun, 18 Dec 2016 09:30:00 GMT' });
      assert.equal(byDate.statusCode, 206);
      for (const stale of ['"sha256:0000"', 'Sat, 17 Dec 2016 00:00:00 GMT', `W/"sha256:${text.sha256}"`]) {
        const res = await get(url, { range: 'bytes=11-18', 'if-range': stale });
        assert.equal(res.statusCode, 200, stale);
        assert.equal(res.rawPayload.length, TEXT.length, `${stale}: the whole item`);
      }
    });

    it('gives JSON resources a weak ETag: If-None-Match → 304, a mismatched If-Match → 412', async () => {
      const url = `/api/items/${text.ern}/custody`;
      const first = await get(url);
      assert.equal(first.statusCode, 200);
      const etag = String(first.headers.etag);
      assert.match(etag, /^W\/"[A-Za-z0-9_-]{32}"$/);
      const again = await get(url, { 'if-none-match': etag });
      assert.equal(again.statusCode, 304);
      assert.equal(again.body, '');
      const mismatch = await get(url, { 'if-match': '"nope"' });
      assert.equal(mismatch.statusCode, 412);
      assert.equal(mismatch.json().type, 'https://attest.example/problems/precondition-failed');
      assert.equal((await get(url, { 'if-match': '*' })).statusCode, 200);
    });
  });
}
