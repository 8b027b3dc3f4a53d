import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeUser } from '../../../test/support/access.js';
import { caseFixture } from '../../../test/support/cases.js';
import { DIALECTS, openTestStore, scratchDir, type TestStore } from '../../../test/support/stores.js';
import { accessFor, grantsOf } from '../../access/index.js';
import { JobRegistry, Worker } from '../../store/job-worker.js';
import { claimJob, getJob } from '../../store/jobs.js';
import { CASES_JOB_KINDS } from '../index.js';
import { type Viewer, viewerOf } from '../viewer.js';
import { extractArchive } from './archive.js';
import { exportPackage } from './build.js';
import { EXPORT_JOB, exportArchive, getExport, queueExport } from './jobs.js';
import { PACKAGE_INFO } from './layout.js';
import { verifyPackage } from './verify.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: export jobs`, () => {
    let s: TestStore;
    let dir: string;
    let viewer: Viewer;
    let caseRef: string;
    before(async () => {
      s = await openTestStore(dialect);
      dir = scratchDir('attest-export-jobs-');
      caseRef = (await caseFixture(s.ctx)).caseRef;
      const { userId, username } = await makeUser(s.ctx, 'investigator', ['general']);
      viewer = viewerOf(
        accessFor({ userId, username, via: 'token', credentialId: 't' }, await grantsOf(s.ctx.db, userId)),
      );
    });
    after(async () => {
      await s.close();
    });

    const worker = (id: string) =>
      new Worker(s.ctx, new JobRegistry(CASES_JOB_KINDS), { id, leaseMs: 60_000 });

    const exportEntriesOf = async (packageId: string) =>
      (await s.ctx.db.selectFrom('custody_entry').select('payload').where('kind', '=', 'export').execute())
        .map((r) => JSON.parse(r.payload) as { package: string; item: string })
        .filter((e) => e.package === packageId);

    it('queues a durable job that a worker runs to a verified package, reporting progress', async () => {
      const id = await queueExport(s.ctx, viewer, caseRef, false);
      const queued = await getExport(s.ctx, viewer, id);
      assert.equal(queued.status, 'queued');
      assert.ok(queued.jobId);
      const job = await getJob(s.ctx, queued.jobId!);
      assert.equal(job?.kind, EXPORT_JOB);
      assert.deepEqual(job?.payload, { package: id }, 'the job carries ids only');
      assert.equal(job?.compartment, 'general');
      assert.equal(await worker('w1').runOnce(), true);
      const done = await getExport(s.ctx, viewer, id);
      assert.equal(done.status, 'done', JSON.stringify(done));
      assert.equal(done.progress, 100);
      const archive = await exportArchive(s.ctx, viewer, id);
      const bag = await extractArchive(archive.path, join(dir, 'done'), 'zip');
      assert.deepEqual((await verifyPackage(bag, { key: s.ctx.logKey.verifierKey })).failures, []);
      assert.equal((await exportEntriesOf(id)).length, 3);
    });

    it('resumes a job whose worker died: the lease expires, another worker rebuilds the same package', async () => {
      const id = await queueExport(s.ctx, viewer, caseRef, false);
      // A worker claims the job and dies after appending the export entries (its first steps).
      const claimed = await claimJob(s.ctx, 'dead-worker', [EXPORT_JOB], 60_000);
      assert.ok(claimed);
      await exportPackage(s.ctx, viewer, { target: caseRef, out: join(dir, 'half-done'), packageId: id });
      await s.ctx.db
        .updateTable('export_package')
        .set({ status: 'running', sha256: null, file: null })
        .where('id', '=', id)
        .execute();
      assert.equal(await worker('w2').runOnce(), false, 'the dead worker still holds the lease');
      assert.equal((await getExport(s.ctx, viewer, id)).status, 'running');
      s.setTime('2016-12-15T06:05:00Z');
      assert.equal(await worker('w2').runOnce(), true, 'the expired lease is taken over');
      const done = await getExport(s.ctx, viewer, id);
      assert.equal(done.status, 'done', JSON.stringify(done));
      assert.equal(done.attempts, 2);
      // The entries the first attempt appended were reused, not appended twice.
      assert.equal((await exportEntriesOf(id)).length, 3);
      const bag = await extractArchive(
        (await exportArchive(s.ctx, viewer, id)).path,
        join(dir, 'resumed'),
        'zip',
      );
      assert.deepEqual((await verifyPackage(bag, { key: s.ctx.logKey.verifierKey })).failures, []);
      const info = JSON.parse(readFileSync(join(bag, PACKAGE_INFO), 'utf8')) as {
        packageId: string;
      };
      assert.equal(info.packageId, id);
    });

    it('fails for good, with its reason, when the case is no longer visible to the requester', async () => {
      const id = await queueExport(s.ctx, viewer, caseRef, false);
      await s.ctx.db
        .updateTable('legal_case')
        .set({ compartment: 'witness' })
        .where('ref', '=', caseRef)
        .execute();
      try {
        assert.equal(await worker('w3').runOnce(), true);
      } finally {
        await s.ctx.db
          .updateTable('legal_case')
          .set({ compartment: 'general' })
          .where('ref', '=', caseRef)
          .execute();
      }
      const failed = await getExport(s.ctx, viewer, id);
      assert.equal(failed.status, 'failed');
      assert.equal(failed.attempts, 1);
      assert.equal((await getJob(s.ctx, failed.jobId!))?.errorCode, 'CASE_NOT_FOUND');
      assert.deepEqual(await exportEntriesOf(id), [], 'nothing was logged for a package never built');
    });
  });
}
