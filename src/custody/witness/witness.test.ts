/**
 * Witnesses of the custody log (C2SP tlog-witness, tlog-cosignature v1) against an in-test
 * witness written from the specs (test/support/tlog-witness.ts) on loopback: cosigning, catching
 * up after being offline with one consistency proof, 409 resynchronisation, forged and foreign
 * cosignatures refused, a rewritten log refused by the witness and shown in health, and hostile
 * replies (huge, garbage, silence). Both dialects.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { tokenAs } from '../../../test/support/access.js';
import { asInsider } from '../../../test/support/insider.js';
import { DIALECTS, openTestStore, type TestStore } from '../../../test/support/stores.js';
import { startTestWitness, type TestWitness } from '../../../test/support/tlog-witness.js';
import { buildApp } from '../../api/server.js';
import type { Ctx } from '../../ctx.js';
import { checkCosignatures, parseCosignerKey } from '../../lib/cosignature.js';
import { nodeHash } from '../../lib/merkle.js';
import { openNote, parseVerifierKey } from '../../lib/note.js';
import { readWitnessSettings } from '../../lib/witness-config.js';
import { appendEntry, leafHashOf, signCheckpoint } from '../service.js';
import { treeRootIn } from '../tree.js';
import { witnessHealth } from './health.js';
import { cosignedNote, witnessLatest } from './service.js';

const T0 = Date.parse('2016-12-15T06:00:00Z') / 1000;

for (const dialect of DIALECTS) {
  describe(`${dialect}: witnesses cosign the custody log's checkpoints (C2SP tlog-witness)`, () => {
    let s: TestStore | undefined;
    const witnesses: TestWitness[] = [];
    let app: FastifyInstance | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
      for (const w of witnesses.splice(0)) await w.stop().catch(() => {});
      await s?.close();
      s = undefined;
    });

    /** A store, `n` witnesses of its log, and a ctx configured with them (quorum `quorum`). */
    async function setup(n = 1, quorum?: number): Promise<{ ctx: Ctx; ws: TestWitness[]; store: TestStore }> {
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
      const env = {
        ATTEST_WITNESSES: ws.map((w) => `${w.vkey} ${w.url}`).join('\n'),
        ...(quorum ? { ATTEST_WITNESS_QUORUM: String(quorum) } : {}),
      };
      const ctx: Ctx = { ...store.ctx, config: { ...store.ctx.config, witnesses: readWitnessSettings(env) } };
      return { ctx, ws, store };
    }

    async function grow(ctx: Ctx, n: number) {
      for (let i = 0; i < n; i++)
        await appendEntry(ctx, { kind: 'annotate', actor: 'u-test', data: { n: i } });
      return (await signCheckpoint(ctx))!;
    }

    it('sends the signed checkpoint, verifies and stores the cosignature, and serves it publicly', async () => {
      const { ctx, ws, store } = await setup(2);
      const cp = await grow(ctx, 5);
      const outcomes = await witnessLatest(ctx);
      assert.deepEqual(
        outcomes.map((o) => o.outcome),
        ['cosigned', 'cosigned'],
      );
      for (const w of ws) assert.equal(w.state.get(ctx.logKey.origin)?.size, 5);

      app = await buildApp(ctx, { webDist: false });
      const served = await app.inject({ method: 'GET', url: '/api/log/checkpoint' });
      assert.equal(served.statusCode, 200);
      assert.ok(served.body.startsWith(cp.signedNote), 'the log-signed note, then the cosignature lines');
      // The log's key alone still opens it; each witness's key finds its cosignature.
      openNote(served.body, [parseVerifierKey(ctx.logKey.verifierKey)]);
      const check = checkCosignatures(
        served.body,
        ws.map((w) => parseCosignerKey(w.vkey)),
      );
      assert.deepEqual(check.cosigned.map((c) => c.name).sort(), ws.map((w) => w.name).sort());
      assert.deepEqual(check.invalid, []);
      assert.equal(check.cosigned[0]!.timestamp, T0);
      const bySize = await app.inject({ method: 'GET', url: `/api/log/checkpoints/${cp.size}` });
      assert.equal(bySize.body, served.body);

      // Nothing to do until the next checkpoint.
      assert.deepEqual(
        (await witnessLatest(ctx)).map((o) => o.outcome),
        ['current', 'current'],
      );
      const health = await witnessHealth(ctx);
      assert.equal(health.quorumMet, true);
      assert.deepEqual(health.latest, { number: cp.number, size: 5, cosignedBy: 2 });
      assert.equal(health.witnesses[0]!.cosignedSize, 5);
      assert.equal(health.witnesses[0]!.cosignedAt, '2016-12-15T06:00:00.000Z');
      store.setTime('2016-12-15T06:10:00Z');
      assert.equal((await witnessHealth(ctx)).witnesses[0]!.ageSeconds, 600);
      assert.equal((await witnessHealth(ctx)).witnesses[0]!.lastError, null);

      // The admin health route carries the same report.
      const admin = await tokenAs(ctx, 'admin', ['*']);
      const res = await app.inject({ method: 'GET', url: '/api/admin/health', headers: admin.headers });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().witnesses.configured, true);
      assert.equal(res.json().witnesses.quorumMet, true);
      assert.equal(res.json().witnesses.witnesses.length, 2);
    });

    it('catches a witness that was offline up with one consistency proof from what it cosigned', async () => {
      const { ctx, ws, store } = await setup(1);
      const [w] = ws as [TestWitness];
      await grow(ctx, 3);
      await witnessLatest(ctx);
      await w.stop();
      await grow(ctx, 4);
      const down = await witnessLatest(ctx);
      assert.equal(down[0]!.outcome, 'failed');
      assert.equal(down[0]!.error!.code, 'UNREACHABLE');
      const cp3 = await grow(ctx, 6);
      // Backing off: not tried again before its time.
      assert.equal((await witnessLatest(ctx))[0]!.outcome, 'waiting');
      let h = await witnessHealth(ctx);
      assert.equal(h.quorumMet, false);
      assert.equal(h.witnesses[0]!.lastError!.code, 'UNREACHABLE');
      assert.equal(h.witnesses[0]!.failures, 1);
      assert.doesNotMatch(h.witnesses[0]!.lastError!.message, /127\.0\.0\.1/, 'no URL in errors');

      await w.start();
      store.setTime('2016-12-15T06:01:00Z');
      const before = w.statuses.length;
      const back = await witnessLatest(ctx);
      assert.equal(back[0]!.outcome, 'cosigned');
      assert.deepEqual(w.statuses.slice(before), [200], 'one request, one consistency proof 3 → 13');
      assert.equal(w.state.get(ctx.logKey.origin)?.size, cp3.size);
      h = await witnessHealth(ctx);
      assert.equal(h.quorumMet, true);
      assert.equal(h.witnesses[0]!.lastError, null);
      assert.equal(h.witnesses[0]!.failures, 0);
      // The checkpoint of 7 entries was never cosigned: a witness cannot cosign a smaller tree after a larger one.
      const two = await cosignedNote(ctx, await checkpointOfSize(ctx, 7));
      assert.equal(checkCosignatures(two, [parseCosignerKey(w.vkey)]).cosigned.length, 0);
    });

    it('re-sends from the size a 409 Conflict names when its record of the witness is lost', async () => {
      const { ctx, ws } = await setup(1);
      const [w] = ws as [TestWitness];
      await grow(ctx, 4);
      await witnessLatest(ctx);
      await ctx.db.deleteFrom('log_witness').execute();
      await grow(ctx, 3);
      const before = w.statuses.length;
      assert.equal((await witnessLatest(ctx))[0]!.outcome, 'cosigned');
      assert.deepEqual(w.statuses.slice(before), [409, 200]);
      assert.equal(w.state.get(ctx.logKey.origin)?.size, 7);
    });

    for (const [mode, code] of [
      ['forged', 'INVALID_COSIGNATURE'],
      ['foreign', 'NO_COSIGNATURE'],
      ['future', 'FUTURE_COSIGNATURE'],
      ['garbage', 'BAD_REPLY'],
      ['huge', 'REPLY_TOO_LARGE'],
    ] as const) {
      it(`refuses a ${mode} reply (${code}) and stores nothing`, async () => {
        const { ctx, ws } = await setup(1);
        ws[0]!.misbehave = mode;
        const cp = await grow(ctx, 2);
        const [o] = await witnessLatest(ctx);
        assert.equal(o!.outcome, 'failed');
        assert.equal(o!.error!.code, code);
        assert.equal(await cosignedNote(ctx, cp), cp.signedNote, 'nothing appended');
        const h = await witnessHealth(ctx);
        assert.equal(h.quorumMet, false);
        assert.equal(h.witnesses[0]!.lastError!.code, code);
        assert.equal(h.witnesses[0]!.fork, false);
      });
    }

    it('gives up on a witness that does not answer in time', async () => {
      const { ctx, ws } = await setup(1);
      ws[0]!.misbehave = 'silent';
      await grow(ctx, 2);
      const [o] = await witnessLatest(ctx, { timeoutMs: 300 });
      assert.equal(o!.error!.code, 'TIMEOUT');
    });

    it('a rewritten log is refused by the witness, and health says so', async () => {
      const { ctx, ws } = await setup(1);
      const [w] = ws as [TestWitness];
      await grow(ctx, 6);
      await witnessLatest(ctx);
      // An insider with the key and the database: rewrite entry 2, rebuild the tree, and sign
      // the forgery as a new checkpoint (the signer's own continuity check is bypassed).
      await asInsider(ctx.db, async () => {
        const row = await ctx.db
          .selectFrom('custody_entry')
          .selectAll()
          .where('seq', '=', 2)
          .executeTakeFirstOrThrow();
        const payload = row.payload.replace('u-test', 'u-evil');
        await ctx.db
          .updateTable('custody_entry')
          .set({ payload, actor_id: 'u-evil', leaf_hash: leafHashOf(payload).toString('hex') })
          .where('seq', '=', 2)
          .execute();
        await rebuildNodes(ctx);
      });
      await appendEntry(ctx, { kind: 'annotate', actor: 'u-test', data: { n: 99 } });
      const root = await treeRootIn(ctx.db, 7);
      const latest = await ctx.db
        .selectFrom('checkpoint')
        .select('number')
        .orderBy('number', 'desc')
        .executeTakeFirstOrThrow();
      await ctx.db
        .insertInto('checkpoint')
        .values({
          number: Number(latest.number) + 1,
          size: 7,
          root: root.toString('hex'),
          signed_note: ctx.logKey.signCheckpoint(7, root),
          at: '2016-12-15T06:00:00.000Z',
        })
        .execute();
      const [o] = await witnessLatest(ctx);
      assert.equal(o!.error!.code, 'FORK_PROOF_REFUSED');
      assert.equal(w.statuses.at(-1), 422);
      assert.equal(w.state.get(ctx.logKey.origin)?.size, 6, 'the witness kept the honest tree');
      const h = await witnessHealth(ctx);
      assert.equal(h.witnesses[0]!.fork, true);
      assert.equal(h.quorumMet, false);
      assert.match(h.witnesses[0]!.lastError!.message, /does not extend/);

      // Even after the insider also deletes our record of the witness, the witness's 409 leads
      // back to the same refusal.
      await ctx.db.deleteFrom('log_witness').execute();
      const [again] = await witnessLatest(ctx);
      assert.equal(again!.error!.code, 'FORK_PROOF_REFUSED');
      assert.deepEqual(w.statuses.slice(-2), [409, 422]);
    });

    it('a rolled-back log is refused before anything is sent', async () => {
      const { ctx, ws } = await setup(1);
      await grow(ctx, 5);
      await witnessLatest(ctx);
      // Our record says the witness holds 5; pretend the latest checkpoint is smaller.
      await ctx.db.updateTable('log_witness').set({ cosigned_number: 0, cosigned_size: 9 }).execute();
      const before = ws[0]!.statuses.length;
      const [o] = await witnessLatest(ctx);
      assert.equal(o!.error!.code, 'FORK_WITNESS_AHEAD');
      assert.equal(ws[0]!.statuses.length, before);
    });
  });
}

async function checkpointOfSize(ctx: Ctx, size: number) {
  const r = await ctx.db
    .selectFrom('checkpoint')
    .selectAll()
    .where('size', '=', size)
    .executeTakeFirstOrThrow();
  return {
    number: Number(r.number),
    size: Number(r.size),
    root: r.root,
    signedNote: r.signed_note,
    at: r.at,
  };
}

/** rebuildNodes recomputes every stored subtree hash from the leaf hashes, as an insider would. */
async function rebuildNodes(ctx: Ctx): Promise<void> {
  const rows = await ctx.db.selectFrom('custody_entry').select('leaf_hash').orderBy('seq').execute();
  let level: Buffer[] = rows.map((r) => Buffer.from(r.leaf_hash, 'hex'));
  const nodes: { level: number; idx: number; hash: string }[] = [];
  for (let L = 0; level.length > 0; L++) {
    for (const [idx, h] of level.entries()) nodes.push({ level: L, idx, hash: h.toString('hex') });
    const up: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) up.push(nodeHash(level[i]!, level[i + 1]!));
    level = up;
  }
  await ctx.db.deleteFrom('custody_node').execute();
  await ctx.db.insertInto('custody_node').values(nodes).execute();
}
