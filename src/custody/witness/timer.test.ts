/**
 * timer.test.ts — the witness side of `attest serve` (issue 18): the periodic submission
 * (startWitnessTimer) sends each new checkpoint without being asked; only one process talks to a
 * witness at a time (the lease on its row: another process's lease means "busy", nothing sent;
 * concurrent runs send one request); and a witness that never answers blocks neither signing nor
 * the other witnesses. Against the loopback witness (test/support/tlog-witness.ts); conditions
 * are awaited with generous limits, never slept on. Both dialects.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../../test/support/stores.js';
import { startTestWitness, type TestWitness } from '../../../test/support/tlog-witness.js';
import type { Ctx } from '../../ctx.js';
import { readWitnessSettings } from '../../lib/witness-config.js';
import { appendEntry, signCheckpoint } from '../service.js';
import { witnessHealth } from './health.js';
import { startWitnessTimer, type WitnessOutcome, witnessLatest } from './service.js';

/** until resolves once `check` holds, polling; it fails after `limitMs` (generous: CI may be slow). */
async function until(check: () => boolean | Promise<boolean>, what: string, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: the witness timer and lease of attest serve (issue 18)`, () => {
    let s: TestStore | undefined;
    const witnesses: TestWitness[] = [];
    const stops: Array<() => void> = [];
    afterEach(async () => {
      for (const stop of stops.splice(0)) stop();
      for (const w of witnesses.splice(0)) await w.stop().catch(() => {});
      await s?.close();
      s = undefined;
    });

    async function setup(n: number): Promise<{ ctx: Ctx; ws: TestWitness[] }> {
      const store = await openTestStore(dialect);
      s = store;
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
      const env = { ATTEST_WITNESSES: ws.map((w) => `${w.vkey} ${w.url}`).join('\n') };
      return {
        ctx: { ...store.ctx, config: { ...store.ctx.config, witnesses: readWitnessSettings(env) } },
        ws,
      };
    }
    const grow = async (ctx: Ctx, n: number) => {
      for (let i = 0; i < n; i++)
        await appendEntry(ctx, { kind: 'annotate', actor: 'u-test', data: { n: i } });
      return (await signCheckpoint(ctx))!;
    };
    const sizeAt = (ctx: Ctx, w: TestWitness) => w.state.get(ctx.logKey.origin)?.size ?? 0;

    it('sends each new checkpoint by itself, every period', async () => {
      const { ctx, ws } = await setup(1);
      const [w] = ws as [TestWitness];
      const seen: WitnessOutcome[] = [];
      const errors: unknown[] = [];
      stops.push(
        startWitnessTimer(
          ctx,
          (o) => seen.push(o),
          (e) => errors.push(e),
          20,
        ),
      );
      const a = await grow(ctx, 3);
      await until(
        () => seen.some((o) => o.outcome === 'cosigned' && o.size === a.size),
        `a cosignature of ${a.size}`,
      );
      assert.equal(sizeAt(ctx, w), a.size);
      const b = await grow(ctx, 4);
      await until(
        () => seen.some((o) => o.outcome === 'cosigned' && o.size === b.size),
        `a cosignature of ${b.size}`,
      );
      assert.equal(sizeAt(ctx, w), b.size);
      assert.deepEqual(errors, []);
      // (The fresh log's first checkpoint may have been cosigned before `a` was signed.)
      const cosigned = seen.filter((o) => o.outcome === 'cosigned').map((o) => o.size);
      assert.deepEqual(cosigned.slice(-2), [a.size, b.size], 'each checkpoint cosigned once, in order');
      assert.deepEqual(
        cosigned,
        [...new Set(cosigned)].sort((x, y) => x! - y!),
      );
      const h = await witnessHealth(ctx);
      assert.equal(h.quorumMet, true);
    });

    it('is not started without witnesses', async () => {
      const store = await openTestStore(dialect);
      s = store;
      let ran = 0;
      const stop = startWitnessTimer(
        store.ctx,
        () => ran++,
        () => ran++,
        1,
      );
      stops.push(stop);
      assert.deepEqual(await witnessLatest(store.ctx), []);
      assert.equal(ran, 0);
    });

    it("another process's lease means busy: nothing is sent until it lapses", async () => {
      const { ctx, ws } = await setup(1);
      const [w] = ws as [TestWitness];
      const cp = await grow(ctx, 2);
      // Another process (another server of the deployment) holds the witness's lease.
      await witnessLatest(ctx, { force: true }); // makes the row (and cosigns the first checkpoint)
      const next = await grow(ctx, 2);
      assert.ok(next.size > cp.size);
      const sent = w.statuses.length;
      await ctx.db
        .updateTable('log_witness')
        .set({ lease_owner: 'other-process', lease_until: '2016-12-15T06:01:00.000Z' })
        .where('vkey', '=', w.vkey)
        .execute();
      assert.deepEqual(
        (await witnessLatest(ctx, { force: true })).map((o) => o.outcome),
        ['busy'],
      );
      assert.equal(w.statuses.length, sent, 'nothing sent while another holds the lease');
      // The other process died: its lease lapses (2 minutes) and this one takes over.
      s!.setTime('2016-12-15T06:01:00.001Z');
      assert.deepEqual(
        (await witnessLatest(ctx, { force: true })).map((o) => o.outcome),
        ['cosigned'],
      );
      assert.equal(sizeAt(ctx, w), next.size);
    });

    it('concurrent runs (two servers) send one request between them', async () => {
      const { ctx, ws } = await setup(1);
      const [w] = ws as [TestWitness];
      await grow(ctx, 3);
      const other: Ctx = { ...ctx };
      const outcomes = (
        await Promise.all([witnessLatest(ctx), witnessLatest(other), witnessLatest(ctx)])
      ).flat();
      assert.equal(outcomes.filter((o) => o.outcome === 'cosigned').length, 1, JSON.stringify(outcomes));
      assert.ok(outcomes.every((o) => ['cosigned', 'busy', 'current'].includes(o.outcome)));
      assert.deepEqual(w.statuses, [200], 'one add-checkpoint request');
    });

    it('a witness that never answers blocks neither signing nor the other witness', async () => {
      const { ctx, ws } = await setup(2);
      const [silent, good] = ws as [TestWitness, TestWitness];
      silent.misbehave = 'silent';
      await grow(ctx, 2);
      // The silent witness's exchange hangs (bounded here by 10 minutes, far past the test).
      let settled = false;
      const run = witnessLatest(ctx, { timeoutMs: 600_000 }).finally(() => {
        settled = true;
      });
      await until(() => sizeAt(ctx, good) > 0, 'the good witness to cosign');
      // Meanwhile the log goes on: appends and signing do not wait for the witness.
      const later = await grow(ctx, 5);
      assert.equal(settled, false, 'the silent witness is still being waited for');
      assert.ok(later.size > sizeAt(ctx, good));
      // It gives up (stopping the witness ends the connection) and the failure is recorded.
      await silent.stop();
      const outcomes = await run;
      const bad = outcomes.find((o) => o.name === silent.name);
      assert.equal(bad?.outcome, 'failed');
      const h = await witnessHealth(ctx);
      assert.equal(h.witnesses.find((x) => x.name === silent.name)?.failures, 1);
    });
  });
}
