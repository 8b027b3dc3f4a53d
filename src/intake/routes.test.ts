/**
 * routes.test.ts — intake over HTTP: an item's intake state with the failure reason, the job
 * queue (list, depth, one job, re-run on demand), captures, and the walls between compartments
 * (jobs, counts and duplicates of another compartment do not exist for the caller).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, type TestCaller } from '../../test/support/access.js';
import { makeZip } from '../../test/support/intake-fixtures.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import { JobRegistry, Worker } from '../store/job-worker.js';
import { addContent } from '../vault/index.js';
import { INTAKE_JOB_KINDS } from './index.js';

let page: Server;
let pageUrl: string;
before(async () => {
  page = createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('evacuation notice'),
  );
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
  pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/notice`;
});
after(async () => {
  page.closeAllConnections();
  await new Promise((r) => page.close(r));
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: intake over HTTP`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let general: TestCaller;
    let witness: TestCaller;
    let bombErn: string;
    let hiddenErn: string;
    before(async () => {
      s = await openTestStore(dialect, { ATTEST_CAPTURE_ALLOW_PRIVATE: '1' });
      app = await buildApp(s.ctx, { webDist: false });
      general = await loginAs(app, s.ctx, 'investigator', ['general']);
      witness = await loginAs(app, s.ctx, 'investigator', ['witness']);
      const add = async (bytes: Buffer, name: string, compartment: string) =>
        (
          await addContent(s.ctx, Readable.from([bytes]), {
            originalName: name,
            provenance: { source: 'field team 3', collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
            compartment,
            actor: 'user-test',
          })
        ).item.ern;
      bombErn = await add(
        makeZip([{ name: 'z', data: Buffer.alloc(8 * 1024 * 1024) }]),
        'bomb.zip',
        'general',
      );
      hiddenErn = await add(Buffer.from('protected statement'), 'w.txt', 'witness');
      const worker = new Worker(s.ctx, new JobRegistry(INTAKE_JOB_KINDS), { id: 'worker:routes' });
      while (await worker.runOnce()) {}
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    const call = (method: 'GET' | 'POST', url: string, caller: TestCaller, payload?: unknown) =>
      app.inject({
        method,
        url,
        headers: caller.headers,
        ...(payload ? { payload: payload as object } : {}),
      });

    it("shows an item's failed intake with its reason", async () => {
      const res = await call('GET', `/api/items/${bombErn}/intake`, general);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.state, 'failed');
      assert.equal(body.job.errorCode, 'ZIP_BOMB');
      assert.match(body.job.error, /expands/);
      assert.equal(body.job.leaseOwner, undefined, 'worker ids are not shown');
    });

    it('lists, counts and re-runs jobs only inside the caller’s compartments', async () => {
      const mine = (await call('GET', '/api/jobs', general)).json().jobs as { id: string; itemId: string }[];
      const theirs = (await call('GET', '/api/jobs', witness)).json().jobs as { id: string }[];
      assert.equal(mine.length, 1);
      assert.equal(theirs.length, 1);
      assert.notEqual(mine[0]!.id, theirs[0]!.id);
      const depth = (await call('GET', '/api/jobs/depth', general)).json();
      assert.deepEqual(depth, { queued: 0, running: 0, done: 0, failed: 1 });
      const other = await call('GET', `/api/jobs/${theirs[0]!.id}`, general);
      assert.equal(other.statusCode, 404, 'another compartment’s job does not exist');
      assert.equal((await call('POST', `/api/jobs/${theirs[0]!.id}/retry`, general)).statusCode, 404);
      assert.equal((await call('GET', `/api/items/${hiddenErn}/intake`, general)).statusCode, 404);

      const retried = await call('POST', `/api/jobs/${mine[0]!.id}/retry`, general);
      assert.equal(retried.statusCode, 200, retried.body);
      assert.equal(retried.json().state, 'queued');
      const again = await call('POST', `/api/jobs/${mine[0]!.id}/retry`, general);
      assert.equal(again.statusCode, 409);
      assert.match(String(again.headers['content-type']), /^application\/problem\+json/);
      assert.equal(again.json().type, 'https://attest.example/problems/conflict');
    });

    it('captures a page (201) into a compartment the caller may write, and refuses others', async () => {
      const res = await call('POST', '/api/captures', general, { url: pageUrl, source: 'tip line' });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json();
      assert.equal(body.mediaType, 'application/warc');
      assert.equal(body.status, 200);
      assert.equal(body.finalUrl, pageUrl);
      const intake = await call('GET', `/api/items/${body.ern}/intake`, general);
      assert.equal(intake.json().state, 'queued', 'the WARC gets its intake job');

      const forbidden = await call('POST', '/api/captures', general, {
        url: pageUrl,
        compartment: 'witness',
      });
      assert.equal(forbidden.statusCode, 403);
      const bad = await call('POST', '/api/captures', general, { url: 'gopher://example.org/' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().type, 'https://attest.example/problems/invalid-request');
      const extra = await call('POST', '/api/captures', general, { url: pageUrl, depth: 3 });
      assert.equal(extra.statusCode, 400, 'unknown fields are refused');
    });
  });
}
