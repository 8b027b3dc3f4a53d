/**
 * search-upgrade.test.ts — issue 15: an upgrade that empties the search index (migration 0028
 * moved entity names to their own index) or changes what it holds (INDEX_VERSION) re-indexes by
 * itself. On start (`attest serve`, `attest worker`: queueStartupJobs) one search-catch-up job is
 * queued; server health shows how far behind the index is and the job; the worker brings the
 * index back. The upgrade is the real migration's SQL run over a populated index; both dialects.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { queueStartupJobs } from '../src/cli/job-kinds.js';
import { serverHealth } from '../src/health/index.js';
import { INTAKE_JOB_KINDS } from '../src/intake/index.js';
import {
  queueSearchCatchUp,
  SEARCH_CATCH_UP_JOB,
  searchCatchUpJob,
  searchIndexJob,
} from '../src/search/index.js';
import { JobRegistry, Worker } from '../src/store/job-worker.js';
import * as m0028 from '../src/store/migrations/0028-search-names.js';
import { addContent } from '../src/vault/index.js';
import { DIALECTS, openTestStore, type TestStore } from './support/stores.js';

const ITEMS = 7;

for (const dialect of DIALECTS) {
  describe(`${dialect}: an upgraded deployment re-indexes by itself (issue 15)`, () => {
    let s: TestStore;
    const docs = async () =>
      Number(
        (
          await s.ctx.db
            .selectFrom('search_doc')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const catchUpJobs = () =>
      s.ctx.db
        .selectFrom('job')
        .select(['id', 'state'])
        .where('kind', '=', SEARCH_CATCH_UP_JOB)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    const health = async () => (await serverHealth(s.ctx, undefined, 'all')).search;
    const drain = async () => {
      const worker = new Worker(
        s.ctx,
        new JobRegistry([...INTAKE_JOB_KINDS, searchIndexJob, searchCatchUpJob]),
        { id: 'worker:upgrade' },
      );
      while (await worker.runOnce()) {}
    };
    const start = async () => {
      const said: string[] = [];
      await queueStartupJobs(
        s.ctx,
        (m) => said.push(m),
        (err) => assert.fail(err as Error),
      );
      return said;
    };

    before(async () => {
      s = await openTestStore(dialect);
    });
    after(() => s.close());

    it('a new deployment is current: nothing is queued on start', async () => {
      assert.deepEqual(await start(), []);
      assert.deepEqual(await catchUpJobs(), []);
      const h = await health();
      assert.deepEqual(h, {
        items: 0,
        behind: 0,
        version: h?.currentVersion,
        currentVersion: h?.currentVersion,
        rebuildRemaining: 0,
        catchUp: null,
      });
    });

    it('after migration 0028 empties the index, start queues the catch-up, health shows it, the worker restores it', async () => {
      for (let i = 0; i < ITEMS; i++)
        await addContent(
          s.ctx,
          Readable.from([Buffer.from(`Report ${i}: the convoy waited at the orchard checkpoint.`)]),
          {
            originalName: `r${i}.txt`,
            provenance: { source: 'field team 3', collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
            compartment: 'general',
            actor: 'user-test',
          },
        );
      await drain();
      assert.equal(await docs(), ITEMS, 'indexed after intake');
      assert.equal((await health())?.behind, 0);
      assert.equal(await queueSearchCatchUp(s.ctx), false, 'current: nothing to queue');

      // The upgrade: migration 0028 as it ran on deployments (the index emptied, its mark gone).
      const db = s.ctx.db as unknown as Kysely<unknown>;
      await m0028.down(db);
      await m0028.up(db);
      assert.equal(await docs(), 0, 'the upgrade left the index empty');
      const behind = await health();
      assert.equal(behind?.behind, ITEMS, 'health says how many items are not findable');
      assert.equal(behind?.catchUp, null);

      const said = await start();
      assert.equal(said.length, 1, 'the start says it re-indexes');
      assert.match(said[0]!, /re-indexing in the background/);
      assert.equal((await health())?.catchUp, 'queued');
      await start();
      assert.equal((await catchUpJobs()).length, 1, 'a second start queues no second job');

      await drain();
      assert.equal(await docs(), ITEMS, 'every item is back in the index');
      assert.deepEqual(
        (await catchUpJobs()).map((j) => j.state),
        ['done'],
      );
      const after = await health();
      assert.equal(after?.behind, 0);
      assert.equal(after?.catchUp, null);
      assert.deepEqual(await start(), [], 'current again: nothing queued');
    });

    it('an index written by an older version is read again, item by item, and its version recorded', async () => {
      const current = (await health())!.currentVersion;
      // What an older indexer wrote: other bodies and hashes, and its version.
      await s.ctx.db.updateTable('search_doc').set({ body: 'stale', text_sha256: 'old' }).execute();
      await s.ctx.db
        .updateTable('counter')
        .set({ value: current - 1 })
        .where('name', '=', 'search-index-version')
        .execute();
      const stale = await health();
      assert.equal(stale?.version, current - 1);
      assert.ok((stale?.rebuildRemaining ?? 0) >= ITEMS, 'every item (and its derived texts) to read again');
      assert.equal((await start()).length, 1);
      await drain();
      const bodies = await s.ctx.db.selectFrom('search_doc').select('body').execute();
      assert.equal(bodies.length, ITEMS);
      assert.ok(
        bodies.every((b) => /orchard checkpoint/.test(b.body)),
        'every body written again',
      );
      const done = await health();
      assert.equal(done?.version, current);
      assert.equal(done?.rebuildRemaining, 0);
      assert.equal(done?.catchUp, null);
    });

    it('health shows no search counts to an administrator of some compartments', async () => {
      assert.equal((await serverHealth(s.ctx, ['general'], ['general'])).search, null);
    });
  });
}
