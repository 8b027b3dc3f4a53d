/**
 * publish-witness.test.ts — issue 18: `attest log publish` with witnesses configured publishes the
 * checkpoint *cosigned* by them (C2SP tlog-cosignature lines after the log's signature), asking
 * them itself, bounded: a dead witness delays nothing past its own limit and the checkpoint goes
 * out with the cosignatures that came, the result saying the quorum was not met; the next
 * publish writes it again once the missing cosignature arrives, and a forked file is still
 * refused. Against the loopback witness written from the specs (test/support/tlog-witness.ts);
 * both dialects.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { DIALECTS, openTestStore, scratchDir, type TestStore } from '../../test/support/stores.js';
import { startTestWitness, type TestWitness } from '../../test/support/tlog-witness.js';
import type { Ctx } from '../ctx.js';
import { checkCosignatures, parseCosignerKey } from '../lib/cosignature.js';
import { openNote, parseVerifierKey } from '../lib/note.js';
import { readWitnessSettings } from '../lib/witness-config.js';
import { CustodyError } from './errors.js';
import { publishCheckpoints } from './publish.js';
import { appendEntry, signCheckpoint } from './service.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: log publish with witnesses writes the cosigned checkpoint (issue 18)`, () => {
    let s: TestStore | undefined;
    let dir = '';
    const witnesses: TestWitness[] = [];
    afterEach(async () => {
      for (const w of witnesses.splice(0)) await w.stop().catch(() => {});
      await s?.close();
      s = undefined;
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function setup(n: number, quorum: number): Promise<{ ctx: Ctx; ws: TestWitness[] }> {
      const store = await openTestStore(dialect);
      s = store;
      dir = scratchDir('publish-');
      const clock = () => Math.floor(store.ctx.clock().getTime() / 1000);
      const ws: TestWitness[] = [];
      for (let i = 0; i < n; i++) {
        const w = await startTestWitness({
          logs: { [store.ctx.logKey.origin]: store.ctx.logKey.verifierKey },
          clock,
        });
        ws.push(w);
        witnesses.push(w);
      }
      const env = {
        ATTEST_WITNESSES: ws.map((w) => `${w.vkey} ${w.url}`).join('\n'),
        ATTEST_WITNESS_QUORUM: String(quorum),
      };
      return {
        ctx: { ...store.ctx, config: { ...store.ctx.config, witnesses: readWitnessSettings(env) } },
        ws,
      };
    }
    const grow = async (ctx: Ctx, n: number) => {
      for (let i = 0; i < n; i++)
        await appendEntry(ctx, { kind: 'annotate', actor: 'u-test', data: { n: i } });
    };
    const cosigners = (note: string, ws: readonly TestWitness[]) =>
      checkCosignatures(
        note,
        ws.map((w) => parseCosignerKey(w.vkey)),
      )
        .cosigned.map((c) => c.name)
        .sort();

    it('asks the witnesses and writes the checkpoint with their cosignatures', async () => {
      const { ctx, ws } = await setup(2, 2);
      await grow(ctx, 5);
      const r = await publishCheckpoints(ctx, dir);
      assert.deepEqual(r.published.at(-1), 5, 'the fresh log has a checkpoint of its first entry too');
      assert.deepEqual(r.witnesses, { quorum: 2, configured: 2, cosignedBy: 2, quorumMet: true });
      const latest = readFileSync(join(dir, 'checkpoint'), 'utf8');
      assert.equal(readFileSync(join(dir, 'checkpoints', '5'), 'utf8'), latest);
      openNote(latest, [parseVerifierKey(ctx.logKey.verifierKey)]);
      assert.deepEqual(cosigners(latest, ws), ws.map((w) => w.name).sort(), 'both cosignatures in the file');
      for (const w of ws) assert.equal(w.state.get(ctx.logKey.origin)?.size, 5, 'each witness was asked');
    });

    it('a dead witness does not block publishing; the next publish adds its cosignature when it comes', async () => {
      const { ctx, ws } = await setup(2, 2);
      const [alive, dead] = ws as [TestWitness, TestWitness];
      await dead.stop();
      await grow(ctx, 3);
      const first = await publishCheckpoints(ctx, dir, { waitMs: 0 });
      assert.equal(first.published.at(-1), 3);
      assert.deepEqual(first.witnesses, { quorum: 2, configured: 2, cosignedBy: 1, quorumMet: false });
      const partial = readFileSync(join(dir, 'checkpoints', '3'), 'utf8');
      assert.deepEqual(cosigners(partial, ws), [alive.name], 'published with the cosignature that came');

      // The witness is back: the same checkpoint is written again, now with both.
      await dead.start();
      const second = await publishCheckpoints(ctx, dir, { waitMs: 0 });
      assert.deepEqual(second.published, []);
      assert.deepEqual(second.updated, [3]);
      assert.equal(second.witnesses?.quorumMet, true);
      const full = readFileSync(join(dir, 'checkpoints', '3'), 'utf8');
      assert.ok(full.startsWith(partial.slice(0, partial.indexOf('\n\n') + 2)), 'the same signed note');
      assert.deepEqual(cosigners(full, ws), ws.map((w) => w.name).sort());
      assert.equal(readFileSync(join(dir, 'checkpoint'), 'utf8'), full);

      // Nothing new: nothing written; a file for another tree of that size is still a fork.
      const third = await publishCheckpoints(ctx, dir, { waitMs: 0 });
      assert.deepEqual([third.published, third.updated], [[], []]);
      writeFileSync(join(dir, 'checkpoints', '3'), full.replace(/\n\n/, '\nextra\n\n'));
      await assert.rejects(
        publishCheckpoints(ctx, dir, { waitMs: 0 }),
        (e: unknown) => e instanceof CustodyError && e.code === 'PUBLISHED_DIFFERS',
      );
    });

    it('to a URL: POSTs the cosigned checkpoint, and again when a cosignature arrives', async () => {
      const { ctx, ws } = await setup(2, 2);
      const [, late] = ws as [TestWitness, TestWitness];
      await late.stop();
      await grow(ctx, 4);
      await signCheckpoint(ctx);
      const bodies: string[] = [];
      const fetchImpl = (async (_url: string | URL | Request, init?: RequestInit) => {
        bodies.push(String(init?.body));
        return new Response(null, { status: 204 });
      }) as typeof fetch;
      const first = await publishCheckpoints(ctx, 'https://checkpoints.example/attest', {
        waitMs: 0,
        fetchImpl,
      });
      assert.deepEqual([first.published.at(-1), first.updated], [4, []]);
      assert.equal(cosigners(bodies.at(-1)!, ws).length, 1);
      await late.start();
      const second = await publishCheckpoints(ctx, 'https://checkpoints.example/attest', {
        waitMs: 0,
        fetchImpl,
      });
      assert.deepEqual([second.published, second.updated], [[], [4]]);
      assert.deepEqual(cosigners(bodies.at(-1)!, ws), ws.map((w) => w.name).sort());
      const third = await publishCheckpoints(ctx, 'https://checkpoints.example/attest', {
        waitMs: 0,
        fetchImpl,
      });
      assert.deepEqual([third.published, third.updated], [[], []]);
      assert.equal(bodies.length, first.published.length + 1);
    });

    it('without witnesses, publishes the log-signed checkpoint as before', async () => {
      const store = await openTestStore(dialect);
      s = store;
      dir = scratchDir('publish-');
      await grow(store.ctx, 2);
      const r = await publishCheckpoints(store.ctx, dir);
      assert.deepEqual([r.published.at(-1), r.witnesses], [2, null]);
      const note = readFileSync(join(dir, 'checkpoint'), 'utf8');
      assert.equal(openNote(note, [parseVerifierKey(store.ctx.logKey.verifierKey)]).sigs.length, 1);
    });
  });
}
