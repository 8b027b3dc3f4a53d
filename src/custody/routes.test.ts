/**
 * The custody log over HTTP (app.inject): the public key, checkpoints, entries and proofs, and
 * how each refuses what it cannot answer — as problem+json with the documented type.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type TestCaller, tokenAs } from '../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import { verifyConsistency, verifyInclusion } from '../lib/merkle.js';
import { appendEntry } from './service.js';

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
    });

    it('proves inclusion and consistency for entries it holds', async () => {
      for (let i = 0; i < 5; i++)
        await appendEntry(s.ctx, { kind: 'annotate', actor: 'u-test', data: { n: i } });
      const cp = (await get('/api/log/checkpoint')).json();
      const size: number = cp.size;
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

    it('needs log:read for everything but the key', async () => {
      const res = await get('/api/log/checkpoint', {});
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().type, `${PROBLEM}unauthenticated`);
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
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().type, `${PROBLEM}not-found`);
    } finally {
      await app.close();
      await s.close();
    }
  });
});
