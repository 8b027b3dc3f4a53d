/**
 * routes.test.ts — server health over HTTP on both databases: a deployment administrator sees the
 * queue by state and kind, the failed jobs with their item's ERN, storage and the custody log's
 * checkpoint and age, and re-runs a failed job; an administrator of one compartment sees that
 * compartment's jobs only and no storage totals, and a job outside it does not exist for them;
 * other roles are refused. A failure's text (which may quote a file's name or content) is shown
 * only to callers who may read the job's item; other administrators get its code alone.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, makeUser, sessionHeaders, TEST_ACTOR, type TestCaller } from '../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { grantRole } from '../access/index.js';
import { buildApp } from '../api/server.js';
import { signCheckpoint } from '../custody/index.js';
import { addContent } from '../vault/index.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: GET /api/admin/health (issue 17)`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let admin: TestCaller;
    let scoped: TestCaller;
    let failedGeneral = '';
    let failedWitness = '';

    const add = async (name: string, compartment: string) =>
      (
        await addContent(s.ctx, Readable.from([Buffer.from(`synthetic ${name}`)]), {
          originalName: `${name}.txt`,
          provenance: { source: 'test', collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
          compartment,
          actor: 'test',
        })
      ).item;
    const failJobOf = async (itemId: string) => {
      const job = await s.ctx.db
        .selectFrom('job')
        .select('id')
        .where('item_id', '=', itemId)
        .executeTakeFirstOrThrow();
      await s.ctx.db
        .updateTable('job')
        .set({
          state: 'failed',
          attempts: 3,
          error_code: 'MALFORMED',
          error: `not a PDF after all: ${itemId}-secret-name.pdf`,
        })
        .where('id', '=', job.id)
        .execute();
      return job.id;
    };

    before(async () => {
      s = await openTestStore(dialect);
      s.setTime('2016-12-18T12:00:00Z');
      app = await buildApp(s.ctx);
      admin = await loginAs(app, s.ctx, 'admin', ['*']);
      scoped = await loginAs(app, s.ctx, 'admin', ['general']);
      const a = await add('report', 'general');
      await add('photo', 'general');
      const w = await add('statement', 'witness');
      failedGeneral = await failJobOf(a.id);
      failedWitness = await failJobOf(w.id);
      await signCheckpoint(s.ctx);
      s.setTime('2016-12-18T12:05:00Z');
      await add('late', 'general');
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    const get = (who: TestCaller) =>
      app.inject({ method: 'GET', url: '/api/admin/health', headers: who.headers });

    it('a deployment administrator sees queue, failures, storage and the checkpoint with its age', async () => {
      const res = await get(admin);
      assert.equal(res.statusCode, 200, res.body);
      const h = res.json();
      assert.equal(h.scope, 'deployment');
      assert.deepEqual([h.jobs.queued, h.jobs.failed], [2, 2]);
      assert.deepEqual(h.jobs.byKind, [{ kind: 'intake', queued: 2, running: 0, done: 0, failed: 2 }]);
      assert.equal(h.jobs.oldestQueuedAt, '2016-12-18T12:00:00.000Z');
      assert.deepEqual(
        h.failedJobs.map((j: { errorCode: string; itemErn: string }) => [
          j.errorCode,
          /^ATT-\d+$/.test(j.itemErn),
        ]),
        [
          ['MALFORMED', true],
          ['MALFORMED', true],
        ],
      );
      assert.equal(h.storage.items, 4);
      assert.ok(h.storage.bytes > 0 && h.storage.blobs === 4, JSON.stringify(h.storage));
      // The server's checkpoint timer may have signed the late entry already (at 12:05).
      const cp = h.log.checkpoint;
      if (cp.at === '2016-12-18T12:00:00.000Z') {
        assert.deepEqual([cp.ageSeconds, cp.behind], [300, 1], 'five minutes old, the late entry not in it');
      } else {
        assert.equal(cp.at, '2016-12-18T12:05:00.000Z');
        assert.deepEqual([cp.ageSeconds, cp.behind], [0, 0]);
      }
      assert.equal(h.log.size, cp.size + cp.behind);
      assert.equal(h.log.signer, 'ok');
      assert.equal(h.witnesses.configured, false);
    });

    it("a failure's text only for callers who may read its item; the code for every administrator (issue 14)", async () => {
      const texts = (h: { failedJobs: { id: string; errorCode: string; error: string | null }[] }) =>
        Object.fromEntries(h.failedJobs.map((j) => [j.id, [j.errorCode, j.error]]));
      // An administrator of every compartment holds no evidence permission: codes only.
      const bare = texts((await get(admin)).json());
      assert.deepEqual(bare[failedGeneral], ['MALFORMED', null]);
      assert.deepEqual(bare[failedWitness], ['MALFORMED', null]);
      assert.doesNotMatch((await get(admin)).body, /secret-name/);
      // The same kind of administrator who also investigates in `general` reads that failure only.
      const both = await makeUser(s.ctx, 'admin', ['*']);
      await grantRole(s.ctx, both.userId, 'investigator', 'general', TEST_ACTOR);
      const res = await app.inject({
        method: 'GET',
        url: '/api/admin/health',
        headers: await sessionHeaders(s.ctx, both.userId),
      });
      assert.equal(res.statusCode, 200, res.body);
      const mixed = texts(res.json());
      assert.match(String(mixed[failedGeneral]?.[1]), /^not a PDF after all: .*-secret-name\.pdf$/);
      assert.deepEqual(mixed[failedWitness], ['MALFORMED', null]);
      // An auditor of every compartment (items:read in `*`) who also administers reads both.
      const auditor = await makeUser(s.ctx, 'admin', ['*']);
      await grantRole(s.ctx, auditor.userId, 'auditor', '*', TEST_ACTOR);
      const all = texts(
        (
          await app.inject({
            method: 'GET',
            url: '/api/admin/health',
            headers: await sessionHeaders(s.ctx, auditor.userId),
          })
        ).json(),
      );
      assert.match(String(all[failedWitness]?.[1]), /secret-name/);
      assert.match(String(all[failedGeneral]?.[1]), /secret-name/);
    });

    it('an administrator of one compartment sees only its jobs and no storage totals', async () => {
      const h = (await get(scoped)).json();
      assert.equal(h.scope, 'compartments');
      assert.deepEqual([h.jobs.queued, h.jobs.failed], [2, 1]);
      assert.deepEqual(
        h.failedJobs.map((j: { id: string }) => j.id),
        [failedGeneral],
      );
      assert.equal(h.storage, null);
      const hidden = await app.inject({
        method: 'POST',
        url: `/api/admin/jobs/${failedWitness}/retry`,
        headers: scoped.headers,
      });
      assert.equal(hidden.statusCode, 404, 'a job outside the compartment does not exist');
    });

    it('re-runs a failed job; a queued one is not re-run; other roles are refused', async () => {
      const retry = (id: string, who = admin) =>
        app.inject({ method: 'POST', url: `/api/admin/jobs/${id}/retry`, headers: who.headers });
      const ok = await retry(failedWitness);
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual([ok.json().state, ok.json().attempts], ['queued', 0]);
      const again = await retry(failedWitness);
      assert.equal(again.statusCode, 409, again.body);
      const investigator = await loginAs(app, s.ctx, 'investigator', ['*']);
      assert.equal((await get(investigator)).statusCode, 403);
      assert.equal((await retry(failedGeneral, investigator)).statusCode, 403);
    });
  });
}
