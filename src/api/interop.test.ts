/**
 * interop.test.ts — what standard HTTP clients expect of every API answer (issue 19.5): a 401
 * carries a WWW-Authenticate challenge (Bearer, RFC 6750 §3), JSON is compressed for clients that
 * accept br or gzip (evidence bytes never are), and the OpenAPI document names ATTEST_PUBLIC_URL
 * as its server.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { type TestCaller, tokenAs } from '../../test/support/access.js';
import { openTestStore, type TestStore } from '../../test/support/stores.js';
import { addContent } from '../vault/index.js';
import { buildApp } from './server.js';

describe('HTTP interoperability (issue 19.5)', () => {
  let s: TestStore;
  let app: FastifyInstance;
  let caller: TestCaller;

  before(async () => {
    s = await openTestStore('sqlite', { ATTEST_PUBLIC_URL: 'https://attest.example.org' });
    app = await buildApp(s.ctx, { webDist: false });
    caller = await tokenAs(s.ctx, 'investigator', ['general']);
    for (let i = 0; i < 30; i++) {
      await addContent(s.ctx, Readable.from([Buffer.from(`synthetic note ${i}: ${'x'.repeat(200)}`)]), {
        originalName: `note-${i}.txt`,
        provenance: { source: 'synthetic', collectedAt: '2016-12-18', collectedBy: 'monitor-01' },
        actor: caller.userId,
      });
    }
  });
  after(async () => {
    await app.close();
    await s.close();
  });

  it('answers 401 with a Bearer challenge, naming invalid_token when a token was presented', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/items' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="attest"');
    const bad = await app.inject({
      method: 'GET',
      url: '/api/items',
      headers: { authorization: 'Bearer att_not-a-real-token' },
    });
    assert.equal(bad.statusCode, 401);
    assert.equal(bad.headers['www-authenticate'], 'Bearer realm="attest", error="invalid_token"');
    const ok = await app.inject({ method: 'GET', url: '/api/items', headers: caller.headers });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['www-authenticate'], undefined);
  });

  it('compresses JSON with br or gzip as the client accepts, and never evidence bytes', async () => {
    const plain = await app.inject({ method: 'GET', url: '/api/items?limit=30', headers: caller.headers });
    assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding, no compression');
    for (const [accept, want, decode] of [
      ['gzip, br', 'br', brotliDecompressSync],
      ['gzip', 'gzip', gunzipSync],
    ] as const) {
      const res = await app.inject({
        method: 'GET',
        url: '/api/items?limit=30',
        headers: { ...caller.headers, 'accept-encoding': accept },
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-encoding'], want, accept);
      assert.match(String(res.headers.vary), /accept-encoding/i);
      assert.deepEqual(JSON.parse(decode(res.rawPayload).toString('utf8')), plain.json());
      assert.equal(res.headers.etag, plain.headers.etag, 'one weak ETag for every encoding');
    }
    const ern = plain.json().items[0].ern as string;
    const bytes = await app.inject({
      method: 'GET',
      url: `/api/items/${ern}/content`,
      headers: { ...caller.headers, 'accept-encoding': 'gzip, br' },
    });
    assert.equal(bytes.statusCode, 200);
    assert.equal(bytes.headers['content-encoding'], undefined, 'evidence leaves as stored');
    assert.equal(Number(bytes.headers['content-length']), bytes.rawPayload.length);
  });

  it('documents ATTEST_PUBLIC_URL as the server of the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    assert.deepEqual(
      doc.servers.map((x: { url: string }) => x.url),
      ['https://attest.example.org'],
    );
  });
});
