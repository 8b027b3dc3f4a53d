/**
 * static.test.ts — the web app's files from the API server: precompressed variants chosen by
 * Accept-Encoding (RFC 9110 §12.5.3) with `Vary: Accept-Encoding`, immutable caching for hashed
 * assets, and no way to fetch a variant or anything outside the build by its own path.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { openTestStore, scratchDir, type TestStore } from '../../test/support/stores.js';
import { buildApp } from './server.js';
import { acceptedCodings } from './static.js';

const SCRIPT = `console.log(${JSON.stringify('attest '.repeat(400))});\n`;
const HTML = `<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body>${'<p>x</p>'.repeat(200)}</body></html>`;

function fakeBuild(): string {
  const dir = scratchDir('web-dist-');
  mkdirSync(join(dir, 'assets'));
  const put = (rel: string, body: string | Buffer) => writeFileSync(join(dir, rel), body);
  put('index.html', HTML);
  put('index.html.br', brotliCompressSync(HTML));
  put('index.html.gz', gzipSync(HTML));
  put('assets/app-1a2b3c.js', SCRIPT);
  put('assets/app-1a2b3c.js.br', brotliCompressSync(SCRIPT));
  put('assets/app-1a2b3c.js.gz', gzipSync(SCRIPT));
  // Only gzip was worth writing for this one.
  put('assets/only-gz-9f8e.css', 'body{margin:0}'.repeat(50));
  put('assets/only-gz-9f8e.css.gz', gzipSync('body{margin:0}'.repeat(50)));
  put('icon-192.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  return dir;
}

describe('static web app', () => {
  let s: TestStore;
  let app: FastifyInstance;

  before(async () => {
    s = await openTestStore('sqlite');
    app = await buildApp(s.ctx, { webDist: fakeBuild() });
  });
  after(async () => {
    await app?.close();
    await s?.close();
  });

  const get = (url: string, acceptEncoding?: string) =>
    app.inject({
      method: 'GET',
      url,
      headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
    });

  describe('when the browser accepts brotli and gzip', () => {
    it('sends the brotli variant with Vary and immutable caching for a hashed asset', async () => {
      const res = await get('/assets/app-1a2b3c.js', 'gzip, deflate, br, zstd');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-encoding'], 'br');
      assert.equal(res.headers.vary, 'Accept-Encoding');
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.match(String(res.headers['content-type']), /^text\/javascript/);
      assert.ok(res.rawPayload.length < SCRIPT.length / 5, `br body: got ${res.rawPayload.length} bytes`);
    });

    it('sends index.html compressed but revalidated on every load, for client routes too', async () => {
      for (const url of ['/', '/operations/op-1']) {
        const res = await get(url, 'br, gzip');
        assert.equal(res.headers['content-encoding'], 'br', `GET ${url}: content-encoding`);
        assert.equal(res.headers['cache-control'], 'no-cache', `GET ${url}: cache-control`);
        assert.equal(res.headers.vary, 'Accept-Encoding');
      }
    });
  });

  describe('when the browser prefers or accepts only gzip', () => {
    it('sends gzip when brotli is refused with q=0', async () => {
      const res = await get('/assets/app-1a2b3c.js', 'br;q=0, gzip');
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.equal(gunzipSync(res.rawPayload).toString(), SCRIPT);
    });

    it('follows q-values: gzip;q=1 beats br;q=0.5', async () => {
      const res = await get('/assets/app-1a2b3c.js', 'br;q=0.5, gzip;q=1');
      assert.equal(res.headers['content-encoding'], 'gzip');
    });

    it('sends gzip when that is the only variant the build wrote', async () => {
      const res = await get('/assets/only-gz-9f8e.css', 'br, gzip');
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.equal(res.headers.vary, 'Accept-Encoding');
    });
  });

  describe('when the browser accepts no compression', () => {
    it('sends the file as it is, still with Vary', async () => {
      for (const header of [undefined, '', 'identity', 'deflate', 'br;q=0, gzip;q=0', '*;q=0']) {
        const res = await get('/assets/app-1a2b3c.js', header);
        assert.equal(
          res.headers['content-encoding'],
          undefined,
          `Accept-Encoding ${header}: content-encoding`,
        );
        assert.equal(res.body, SCRIPT, `Accept-Encoding ${header}: body`);
        assert.equal(res.headers.vary, 'Accept-Encoding');
      }
    });

    it('sends a file that has no variants without Vary', async () => {
      const res = await get('/icon-192.png', 'br');
      assert.equal(res.headers['content-encoding'], undefined);
      assert.equal(res.headers.vary, undefined);
    });
  });

  describe('when a request names a variant or a missing file', () => {
    it('does not serve .br/.gz files under their own names', async () => {
      for (const url of ['/assets/app-1a2b3c.js.br', '/assets/app-1a2b3c.js.gz', '/index.html.br']) {
        const res = await get(url, 'br');
        assert.equal(res.statusCode, 404, `GET ${url}: got ${res.statusCode}, want 404`);
      }
    });

    it('answers a missing hashed asset with 404, not the app', async () => {
      const res = await get('/assets/old-000000.js', 'br');
      assert.equal(res.statusCode, 404);
    });
  });
});

describe('acceptedCodings', () => {
  it('reads q-values, * and x-gzip', () => {
    assert.deepEqual(
      [...acceptedCodings('gzip;q=0.8, br')],
      [
        ['br', 1],
        ['gzip', 0.8],
      ],
    );
    assert.deepEqual(
      [...acceptedCodings('*;q=0.3')],
      [
        ['br', 0.3],
        ['gzip', 0.3],
      ],
    );
    assert.deepEqual(
      [...acceptedCodings('x-gzip')],
      [
        ['br', 0],
        ['gzip', 1],
      ],
    );
  });

  describe('with hostile input', () => {
    it('treats malformed q-values as q=1 of the named coding and never throws', () => {
      for (const header of [
        'br;q=abc',
        'br;q=2',
        'br;;;;q',
        ';;;,,,',
        '\u0000br',
        `${'br;q=0.5,'.repeat(10_000)}gzip`,
        'BR',
      ]) {
        const got = acceptedCodings(header);
        assert.equal(got.size, 2, `acceptedCodings(${JSON.stringify(header.slice(0, 30))}): size`);
        for (const q of got.values()) assert.ok(q >= 0 && q <= 1, `q out of range: ${q}`);
      }
    });

    it('reads only the first KiB of a long header', () => {
      const got = acceptedCodings(`${'x'.repeat(2000)}, br`);
      assert.equal(got.get('br'), 0);
    });
  });
});
