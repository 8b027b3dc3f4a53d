import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { loadConfig } from '../config.js';
import { openDatabase } from './db.js';
import { JobFailure, type JobKind, JobRegistry, Worker } from './job-worker.js';
import {
  backoffMs,
  claimJob,
  completeJob,
  enqueueJobs,
  failJob,
  getJob,
  listJobs,
  queueDepth,
  reportProgress,
  retryJob,
} from './jobs.js';

const T0 = '2016-12-15T06:00:00.000Z';
const plus = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

for (const dialect of DIALECTS) {
  describe(`${dialect}: durable jobs`, () => {
    let store: TestStore;
    before(async () => {
      store = await openTestStore(dialect);
    });
    after(() => store.close());

    const fresh = async () => {
      store.setTime(T0);
      await store.ctx.db.deleteFrom('job').execute();
    };

    it('enqueues inside the caller transaction: a rollback leaves no job', async () => {
      await fresh();
      await assert.rejects(
        store.ctx.db.transaction().execute(async (trx) => {
          await enqueueJobs(trx, [{ kind: 'test.a' }], T0);
          throw new Error('roll back');
        }),
      );
      assert.equal((await listJobs(store.ctx)).length, 0);
      await store.ctx.db.transaction().execute((trx) => enqueueJobs(trx, [{ kind: 'test.a' }], T0));
      assert.equal((await listJobs(store.ctx)).length, 1);
    });

    it('claims under a lease, reports progress and completes', async () => {
      await fresh();
      const [id] = await enqueueJobs(store.ctx.db, [{ kind: 'test.a', payload: { n: 1 } }], T0);
      assert.equal(await claimJob(store.ctx, 'w1', ['test.b'], 60_000), undefined, 'other kinds only');
      const job = await claimJob(store.ctx, 'w1', ['test.a'], 60_000);
      assert.equal(job?.id, id);
      assert.equal(job?.state, 'running');
      assert.equal(job?.attempts, 1);
      assert.equal(job?.leaseUntil, plus(60_000));
      assert.deepEqual(job?.payload, { n: 1 });
      assert.equal(await claimJob(store.ctx, 'w2', ['test.a'], 60_000), undefined, 'held by w1');
      assert.equal(await reportProgress(store.ctx, id!, 'w1', 42, 'page 3 of 7'), true);
      assert.equal(await reportProgress(store.ctx, id!, 'w2', 50), false, 'not the holder');
      assert.equal((await getJob(store.ctx, id!))?.progress, 42);
      assert.equal(await completeJob(store.ctx.db, id!, 'w2', {}, T0), false, 'not the holder');
      assert.equal(await completeJob(store.ctx.db, id!, 'w1', { pages: 7 }, T0), true);
      const done = await getJob(store.ctx, id!);
      assert.equal(done?.state, 'done');
      assert.deepEqual(done?.result, { pages: 7 });
      assert.equal(done?.progress, 100);
    });

    it('retries with back-off, then fails for good with the reason', async () => {
      await fresh();
      const [id] = await enqueueJobs(store.ctx.db, [{ kind: 'test.a', maxAttempts: 2 }], T0);
      await claimJob(store.ctx, 'w1', ['test.a'], 60_000);
      const failure = { code: 'ERROR', message: 'Error: disk hiccup', permanent: false };
      assert.equal(await failJob(store.ctx, id!, 'w1', failure), 'queued');
      const waiting = await getJob(store.ctx, id!);
      assert.equal(waiting?.runAfter, plus(backoffMs(1)));
      assert.equal(waiting?.errorCode, 'ERROR');
      assert.equal(await claimJob(store.ctx, 'w1', ['test.a'], 60_000), undefined, 'not before the back-off');
      store.setTime(plus(backoffMs(1)));
      const again = await claimJob(store.ctx, 'w1', ['test.a'], 60_000);
      assert.equal(again?.attempts, 2);
      assert.equal(await failJob(store.ctx, id!, 'w1', failure), 'failed');
      const failed = await getJob(store.ctx, id!);
      assert.equal(failed?.state, 'failed');
      assert.equal(failed?.error, 'Error: disk hiccup');
      assert.equal(await claimJob(store.ctx, 'w1', ['test.a'], 60_000), undefined);
      assert.ok(backoffMs(2) === 2 * backoffMs(1) && backoffMs(30) === backoffMs(31), 'doubling, capped');
    });

    it('fails at once on a permanent failure, and re-runs on demand', async () => {
      await fresh();
      const [id] = await enqueueJobs(store.ctx.db, [{ kind: 'test.a', compartment: 'witness' }], T0);
      await claimJob(store.ctx, 'w1', ['test.a'], 60_000);
      const r = await failJob(store.ctx, id!, 'w1', {
        code: 'ZIP_BOMB',
        message: 'ratio 1000',
        permanent: true,
      });
      assert.equal(r, 'failed');
      assert.equal(await retryJob(store.ctx, id!, { compartments: ['general'] }), undefined, 'outside scope');
      const again = await retryJob(store.ctx, id!, { compartments: ['witness'] });
      assert.equal(again?.state, 'queued');
      assert.equal(again?.attempts, 0);
      assert.equal(again?.errorCode, null);
      assert.equal(await retryJob(store.ctx, id!), undefined, 'a queued job is not re-queued');
    });

    it('gives an expired lease to another worker; the first can no longer finish it', async () => {
      await fresh();
      const [id] = await enqueueJobs(store.ctx.db, [{ kind: 'test.a' }], T0);
      await claimJob(store.ctx, 'w1', ['test.a'], 1000);
      store.setTime(plus(999));
      assert.equal(await claimJob(store.ctx, 'w2', ['test.a'], 1000), undefined);
      store.setTime(plus(1001));
      const taken = await claimJob(store.ctx, 'w2', ['test.a'], 1000);
      assert.equal(taken?.id, id);
      assert.equal(taken?.attempts, 2);
      assert.equal(await completeJob(store.ctx.db, id!, 'w1', {}, T0), false);
      assert.equal(await failJob(store.ctx, id!, 'w1', { code: 'X', message: 'x', permanent: true }), 'lost');
      assert.equal(await completeJob(store.ctx.db, id!, 'w2', {}, T0), true);
    });

    it('scopes lists, single jobs and queue depth to compartments', async () => {
      await fresh();
      await enqueueJobs(
        store.ctx.db,
        [
          { kind: 'test.a', compartment: 'general' },
          { kind: 'test.a', compartment: 'witness' },
          { kind: 'test.a', compartment: 'witness' },
        ],
        T0,
      );
      assert.deepEqual(await queueDepth(store.ctx, { compartments: ['general'] }), {
        queued: 1,
        running: 0,
        done: 0,
        failed: 0,
      });
      assert.equal((await queueDepth(store.ctx)).queued, 3);
      assert.equal((await queueDepth(store.ctx, { compartments: [] })).queued, 0);
      const witness = await listJobs(store.ctx, { compartments: ['witness'] });
      assert.equal(witness.length, 2);
      assert.equal(await getJob(store.ctx, witness[0]!.id, { compartments: ['general'] }), undefined);
      const page1 = await listJobs(store.ctx, { limit: 2 });
      const page2 = await listJobs(store.ctx, {
        limit: 2,
        after: { createdAt: page1[1]!.createdAt, id: page1[1]!.id },
      });
      assert.equal(new Set([...page1, ...page2].map((j) => j.id)).size, 3);
    });

    it('never gives one job to two concurrent claimers (separate connections)', async () => {
      await fresh();
      const n = 60;
      await enqueueJobs(
        store.ctx.db,
        Array.from({ length: n }, () => ({ kind: 'test.c' })),
        T0,
      );
      // Each claimer is its own connection pool, as separate worker processes would be.
      const handles = await Promise.all(
        Array.from({ length: 6 }, () =>
          openDatabase({ databaseUrl: store.config.databaseUrl, dataDir: store.dir, migrate: false }),
        ),
      );
      try {
        const claimed: string[][] = await Promise.all(
          handles.map(async (h, w) => {
            const mine: string[] = [];
            const ctx = { db: h.db, dialect: h.dialect, clock: () => new Date(T0) };
            for (;;) {
              const job = await claimJob(ctx, `w${w}`, ['test.c'], 60_000);
              if (!job) return mine;
              mine.push(job.id);
            }
          }),
        );
        const all = claimed.flat();
        assert.equal(all.length, n, 'every job claimed');
        assert.equal(new Set(all).size, n, 'no job claimed twice');
        if (dialect === 'postgres')
          assert.ok(claimed.filter((c) => c.length > 0).length > 1, 'claims interleaved');
      } finally {
        await Promise.all(handles.map((h) => h.close()));
      }
    });

    describe('Worker', () => {
      const ran: string[] = [];
      const kinds: JobKind[] = [
        {
          name: 'test.ok',
          async run(_ctx, job) {
            await job.report(50, 'half');
            ran.push(job.id);
            return { ok: true };
          },
        },
        {
          name: 'test.flaky',
          maxAttempts: 3,
          async run() {
            throw new Error('temporary');
          },
        },
        {
          name: 'test.hostile',
          async run() {
            throw new JobFailure('ZIP_BOMB', 'member 1 expands 1000× (limit 200×)');
          },
        },
        {
          name: 'test.hang',
          timeoutMs: 50,
          run: () => new Promise(() => {}),
        },
        { name: 'test.next', after: ['test.ok'], run: async () => ({ followed: true }) },
      ];
      const registry = new JobRegistry(kinds);

      it('records success, follow-ups, retries, permanent failures and time-outs, and keeps serving', async () => {
        await fresh();
        const [ok, flaky, hostile, hang, ok2] = await enqueueJobs(
          store.ctx.db,
          ['test.ok', 'test.flaky', 'test.hostile', 'test.hang', 'test.ok'].map((kind, i) => ({
            kind,
            itemId: `item-${i}`,
            compartment: 'general',
          })),
          T0,
        );
        const worker = new Worker(store.ctx, registry, { id: 'worker:test', leaseMs: 60_000 });
        while (await worker.runOnce()) {}
        assert.equal((await getJob(store.ctx, ok!))?.state, 'done');
        assert.deepEqual((await getJob(store.ctx, ok!))?.result, { ok: true });
        assert.equal(
          (await getJob(store.ctx, ok2!))?.state,
          'done',
          'served after the hostile and hung jobs',
        );
        const f = await getJob(store.ctx, flaky!);
        assert.equal(f?.state, 'queued', 'retried later');
        assert.equal(f?.errorCode, 'ERROR');
        assert.match(f?.error ?? '', /temporary/);
        const h = await getJob(store.ctx, hostile!);
        assert.equal(h?.state, 'failed');
        assert.equal(h?.errorCode, 'ZIP_BOMB');
        const t = await getJob(store.ctx, hang!);
        assert.equal(t?.state, 'failed');
        assert.equal(t?.errorCode, 'TIMEOUT');
        const next = await listJobs(store.ctx, { kind: 'test.next' });
        assert.equal(next.length, 2, 'one follow-up per completed test.ok job');
        assert.deepEqual(
          next.map((j) => j.state),
          ['done', 'done'],
        );
        assert.deepEqual(new Set(next.map((j) => j.itemId)), new Set(['item-0', 'item-4']));
        assert.deepEqual(ran.sort(), [ok, ok2].sort());
      });

      it('takes over the job of a worker that died once its lease expires', async () => {
        await fresh();
        const [id] = await enqueueJobs(store.ctx.db, [{ kind: 'test.ok' }], T0);
        // A worker that claimed it and then died (no heartbeat, no completion).
        await claimJob(store.ctx, 'worker:dead', ['test.ok'], 30_000);
        const worker = new Worker(store.ctx, registry, { id: 'worker:new', leaseMs: 30_000 });
        assert.equal(await worker.runOnce(), false, 'still leased');
        store.setTime(plus(30_001));
        assert.equal(await worker.runOnce(), true);
        const job = await getJob(store.ctx, id!);
        assert.equal(job?.state, 'done');
        assert.equal(job?.attempts, 2);
      });

      it('start() polls in the background and stop() waits for the loops', async () => {
        await fresh();
        const [id] = await enqueueJobs(store.ctx.db, [{ kind: 'test.ok' }], T0);
        const worker = new Worker(store.ctx, registry, { pollMs: 10, concurrency: 2 });
        worker.start();
        for (let i = 0; i < 200 && (await getJob(store.ctx, id!))?.state !== 'done'; i++) {
          await new Promise((r) => setTimeout(r, 10));
        }
        await worker.stop();
        assert.equal((await getJob(store.ctx, id!))?.state, 'done');
      });

      it('refuses bad or repeated kind names', () => {
        assert.throws(() => new JobRegistry([{ name: 'Bad Name', run: async () => ({}) }]));
        assert.throws(() => new JobRegistry([kinds[0]!, kinds[0]!]));
      });
    });
  });
}

describe('config', () => {
  it('reads ATTEST_WORKERS, 0 meaning none', () => {
    assert.equal(loadConfig({ ATTEST_WORKERS: '0' }).workers, 0);
    assert.equal(loadConfig({}).workers, 1);
    assert.throws(() => loadConfig({ ATTEST_WORKERS: '-1' }));
  });
});
