/**
 * The custody log over HTTP (app.inject): the public key, checkpoints, entries and proofs, and
 * how each refuses what it cannot answer — as problem+json with the documented type.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, type TestCaller, tokenAs } from '../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import { verifyConsistency, verifyInclusion } from '../lib/merkle.js';
import { openNote, parseVerifierKey } from '../lib/note.js';
import { addContent } from '../vault/index.js';
import { appendEntry, leafHashOf, signCheckpoint } from './service.js';

const PROBLEM = 'https://attest.example/problems/';

for (const dialect of DIALECTS) {
  describe(`${dialect}: custody log over HTTP`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let auditor: TestCaller;
    const get = (url: string, headers = auditor.headers) => app.inject({ method: 'GET', url, headers });

    before(async () => {
      s = await openTestStore(dialect);
      app = await buildApp(s.ctx, { webDist: false });
      auditor = await tokenAs(s.ctx, 'auditor', ['general']);
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    it('serves the verifier key to anyone', async () => {
      const res = await get('/api/log/key', {});
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().key, s.ctx.logKey.verifierKey);
      // Issue #14: the key alone — the live log size is not public (the signed checkpoint tells it).
      assert.deepEqual(Object.keys(res.json()).sort(), ['key', 'origin']);
    });

    it('proves inclusion and consistency for entries it holds', async () => {
      for (let i = 0; i < 5; i++)
        await appendEntry(s.ctx, { kind: 'annotate', actor: 'u-test', data: { n: i } });
      await signCheckpoint(s.ctx);
      const note = openNote((await get('/api/log/checkpoint')).body, [
        parseVerifierKey(s.ctx.logKey.verifierKey),
      ]);
      const [, sizeLine, rootLine] = note.text.split('\n');
      const size = Number(sizeLine);
      const cp = { root: Buffer.from(rootLine!, 'base64').toString('hex') };
      assert.ok(size >= 5);
      const inc = await get(`/api/log/proofs/inclusion?index=2&size=${size}`);
      assert.equal(inc.statusCode, 200, inc.body);
      const p = inc.json();
      const root = Buffer.from(cp.root, 'hex');
      const proof = p.proof.map((h: string) => Buffer.from(h, 'hex'));
      assert.ok(verifyInclusion(Buffer.from(p.leafHash, 'hex'), 2, size, proof, root));
      const con = (await get(`/api/log/proofs/consistency?old=3&new=${size}`)).json();
      const conProof = con.proof.map((h: string) => Buffer.from(h, 'hex'));
      assert.ok(verifyConsistency(3, size, Buffer.from(con.oldRoot, 'hex'), root, conProof));
    });

    it('refuses sizes out of range, non-canonical numbers and unknown parameters as invalid-request', async () => {
      for (const url of [
        '/api/log/proofs/inclusion?index=9&size=3',
        '/api/log/proofs/inclusion?index=01&size=3',
        '/api/log/proofs/inclusion?index=1e0&size=3',
        '/api/log/proofs/inclusion?index=1&size=3&colour=red',
        '/api/log/proofs/consistency?old=-1&new=3',
        '/api/log/entries/0x1',
      ]) {
        const res = await get(url);
        assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
        assert.equal(res.json().type, `${PROBLEM}invalid-request`, url);
      }
    });

    it('answers not-found for an entry or checkpoint it does not hold', async () => {
      for (const url of ['/api/log/entries/999999', '/api/log/checkpoints/999999']) {
        const res = await get(url);
        assert.equal(res.statusCode, 404, url);
        assert.equal(res.json().type, `${PROBLEM}not-found`);
      }
    });

    it('needs log:read for entries and proofs (the key and signed checkpoints are public)', async () => {
      for (const url of ['/api/log/entries/0', '/api/log/proofs/inclusion?index=0&size=1']) {
        const res = await get(url, {});
        assert.equal(res.statusCode, 401, url);
        assert.equal(res.json().type, `${PROBLEM}unauthenticated`);
      }
    });
  });
}

describe('custody log over HTTP, empty log', () => {
  it('answers not-found (NO_CHECKPOINT) for the checkpoint of an empty log', async () => {
    const s = await openTestStore('sqlite');
    const app = await buildApp(s.ctx, { webDist: false });
    try {
      const auditor = await tokenAs(s.ctx, 'auditor', ['general']);
      // Making the auditor writes no custody entry: access events live in their own audit.
      const res = await app.inject({ method: 'GET', url: '/api/log/checkpoint', headers: auditor.headers });
      assert.equal(res.headers['content-type']?.toString().startsWith('application/problem+json'), true);
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().type, `${PROBLEM}not-found`);
    } finally {
      await app.close();
      await s.close();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: the log over HTTP — public checkpoints, entries by compartment (issues 18.6, 12.5)`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    before(async () => {
      s = await openTestStore(dialect);
      for (const compartment of ['alpha', 'witness']) {
        await addContent(s.ctx, Readable.from([Buffer.from(`bytes of ${compartment}`)]), {
          originalName: `${compartment}.txt`,
          provenance: { source: 'synthetic', collectedAt: 'unknown', collectedBy: 'unknown' },
          compartment,
          actor: 'user-1',
        });
      }
      await signCheckpoint(s.ctx);
      app = await buildApp(s.ctx, { webDist: false });
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    it('serves the signed checkpoint note to anyone, as text, and nothing else', async () => {
      for (const url of ['/api/log/checkpoint', '/api/log/checkpoints/2']) {
        const res = await app.inject({ method: 'GET', url, headers: { host: 'attest.test' } });
        assert.equal(res.statusCode, 200, url);
        assert.match(res.headers['content-type'] as string, /^text\/plain; charset=utf-8/);
        const note = openNote(res.body, [parseVerifierKey(s.ctx.logKey.verifierKey)]);
        assert.equal(note.text.split('\n')[1], '2');
        assert.doesNotMatch(res.body, /"at"|2016/);
      }
      const missing = await app.inject({
        method: 'GET',
        url: '/api/log/checkpoints/99',
        headers: { host: 'attest.test' },
      });
      assert.equal(missing.statusCode, 404);
    });

    it("shows an entry's content only to readers of its subject; others get its index and leaf hash", async () => {
      const alpha = await loginAs(app, s.ctx, 'investigator', ['alpha']);
      const auditor = await loginAs(app, s.ctx, 'auditor', ['*']);
      const witness = await loginAs(app, s.ctx, 'legal', ['witness']);
      const get = async (who: { headers: Record<string, string> }, seq: number) =>
        (await app.inject({ method: 'GET', url: `/api/log/entries/${seq}`, headers: who.headers })).json();
      const own = await get(alpha, 0);
      assert.equal(own.kind, 'ingest');
      assert.match(own.salt, /^[0-9a-f]{32}$/);
      const hidden = await get(alpha, 1);
      assert.deepEqual(Object.keys(hidden).sort(), ['leafHash', 'redacted', 'seq']);
      const full = await get(auditor, 1);
      assert.equal(full.leafHash, hidden.leafHash);
      assert.equal(full.itemId !== undefined && full.data.ern, 'ATT-000002');
      assert.equal((await get(witness, 1)).kind, 'ingest');
      assert.equal((await get(witness, 0)).redacted, true);
      // Whoever may see the content can recompute the leaf hash from it (the salt is in the payload).
      const row = await s.ctx.db
        .selectFrom('custody_entry')
        .select('payload')
        .where('seq', '=', 1)
        .executeTakeFirstOrThrow();
      assert.equal(leafHashOf(row.payload).toString('hex'), hidden.leafHash);
      assert.ok(row.payload.includes(full.salt));
    });
  });
}
