import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { asInsider } from '../../test/support/insider.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import type { Ctx } from '../ctx.js';
import { nodeHash } from '../lib/merkle.js';
import { addContent, checkItemsAgainstLog } from '../vault/index.js';
import type { CustodyError } from './errors.js';
import { appendEntry, latestCheckpoint, leafHashOf, signCheckpoint } from './service.js';
import { signerRefusal } from './signer-health.js';
import { readSignerState, statePath } from './signer-state.js';
import { type VerifyOptions, verifyCustody as verifyLog } from './verify.js';

/** verifyCustody as `attest verify` runs it: the log, with the vault's items ↔ log check. */
const verifyCustody = (ctx: Ctx, published: readonly string[] = [], options: VerifyOptions = {}) =>
  verifyLog(ctx, published, { itemCheck: checkItemsAgainstLog, ...options });

const provenance = { source: 'synthetic', collectedAt: '2016-12-15', collectedBy: 'monitor-01' };
const codes = (problems: { code: string; subject: string }[]) =>
  problems.map((p) => `${p.code} ${p.subject}`);

/** rebuildNodes recomputes every stored subtree hash from the stored leaf hashes, as an insider would. */
async function rebuildNodes(s: TestStore): Promise<void> {
  const rows = await s.ctx.db.selectFrom('custody_entry').select('leaf_hash').orderBy('seq').execute();
  let level: Buffer[] = rows.map((r) => Buffer.from(r.leaf_hash, 'hex'));
  const nodes: { level: number; idx: number; hash: string }[] = [];
  for (let L = 0; level.length > 0; L++) {
    for (const [idx, h] of level.entries()) nodes.push({ level: L, idx, hash: h.toString('hex') });
    const up: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) up.push(nodeHash(level[i]!, level[i + 1]!));
    level = up;
  }
  await s.ctx.db.deleteFrom('custody_node').execute();
  await s.ctx.db.insertInto('custody_node').values(nodes).execute();
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: the signer signs only a log that extends what it signed (issue 18.2, 18.3)`, () => {
    let s: TestStore;
    afterEach(async () => s?.close());

    async function fresh(items = 6): Promise<TestStore> {
      s = await openTestStore(dialect);
      for (let i = 0; i < items; i++) {
        await addContent(s.ctx, Readable.from([Buffer.from(`evidence ${i}`)]), {
          originalName: `e${i}.txt`,
          provenance,
          actor: 'user-1',
        });
      }
      await signCheckpoint(s.ctx);
      return s;
    }

    it('numbers checkpoints 1, 2, 3… and keeps the last one signed in a state file beside the key', async () => {
      await fresh(3);
      await appendEntry(s.ctx, { kind: 'view', actor: 'user-1' });
      const cp = (await signCheckpoint(s.ctx))!;
      const rows = await s.ctx.db
        .selectFrom('checkpoint')
        .select(['number', 'size'])
        .orderBy('number')
        .execute();
      assert.deepEqual(
        rows.map((r) => [Number(r.number), Number(r.size)]),
        [
          [1, 1],
          [2, 3],
          [3, 4],
        ],
      );
      const state = readSignerState(s.config.keysDir)!;
      assert.deepEqual(
        [state.number, state.size, state.root, state.signedNote],
        [3, 4, cp.root, cp.signedNote],
      );
      assert.ok(
        existsSync(statePath(s.config.keysDir)) && !existsSync(`${statePath(s.config.keysDir)}.lock`),
      );
    });

    it('refuses to sign a rewritten log (entry changed, nodes rebuilt, checkpoints deleted), loudly', async () => {
      await fresh();
      await asInsider(s.ctx.db, async () => {
        const row = await s.ctx.db
          .selectFrom('custody_entry')
          .selectAll()
          .where('seq', '=', 2)
          .executeTakeFirstOrThrow();
        const payload = row.payload.replace('user-1', 'user-9');
        await s.ctx.db
          .updateTable('custody_entry')
          .set({ payload, actor_id: 'user-9', leaf_hash: leafHashOf(payload).toString('hex') })
          .where('seq', '=', 2)
          .execute();
        await rebuildNodes(s);
        await s.ctx.db.deleteFrom('checkpoint').execute();
      });
      await assert.rejects(signCheckpoint(s.ctx), (err: CustodyError) => {
        assert.equal(err.code, 'CONTINUITY');
        assert.match(err.message, /checkpoint 2 \(size 6\).*missing/);
        return true;
      });
      assert.equal(signerRefusal(s.ctx)?.code, 'CONTINUITY', 'the refusal is the health status');
      const { buildApp } = await import('../api/server.js');
      const app = await buildApp(s.ctx, { logger: false });
      try {
        const health = await app.inject({ method: 'GET', url: '/healthz' });
        assert.deepEqual(
          [health.statusCode, health.json()],
          [503, { status: 'degraded', custodySigner: 'refused' }],
        );
      } finally {
        await app.close();
      }
      // An append still commits (evidence is never refused), but nothing is signed.
      await appendEntry(s.ctx, { kind: 'view', actor: 'user-1' });
      assert.equal(await latestCheckpoint(s.ctx), undefined);
      assert.ok(codes(await verifyCustody(s.ctx)).includes('checkpoint-missing-latest checkpoint #2'));
    });

    it('refuses when entries before its last checkpoint changed though the checkpoint rows stayed', async () => {
      await fresh();
      await appendEntry(s.ctx, { kind: 'view', actor: 'user-1' });
      await asInsider(s.ctx.db, async () => {
        const row = await s.ctx.db
          .selectFrom('custody_entry')
          .selectAll()
          .where('seq', '=', 1)
          .executeTakeFirstOrThrow();
        const payload = row.payload.replace('user-1', 'user-9');
        await s.ctx.db
          .updateTable('custody_entry')
          .set({ payload, leaf_hash: leafHashOf(payload).toString('hex') })
          .where('seq', '=', 1)
          .execute();
        await rebuildNodes(s);
      });
      await assert.rejects(signCheckpoint(s.ctx), /not an extension of checkpoint 2/);
      assert.equal((await latestCheckpoint(s.ctx))?.size, 6);
    });

    it('refuses a rolled-back log', async () => {
      await fresh();
      await asInsider(s.ctx.db, async () => {
        await s.ctx.db.updateTable('counter').set({ value: 4 }).where('name', '=', 'custody').execute();
      });
      await assert.rejects(signCheckpoint(s.ctx), /rolled back|rows were deleted|not the one/);
    });

    it('refuses when the state file is missing but checkpoints exist', async () => {
      await fresh();
      await appendEntry(s.ctx, { kind: 'view', actor: 'user-1' });
      rmSync(statePath(s.config.keysDir));
      await assert.rejects(signCheckpoint(s.ctx), /custody-log\.state is missing/);
      assert.ok(codes(await verifyCustody(s.ctx)).includes('signer-state-missing signer state'));
    });

    it('refuses a state file that is not a checkpoint signed by its key', async () => {
      await fresh();
      const state = JSON.parse(readFileSync(statePath(s.config.keysDir), 'utf8'));
      writeFileSync(statePath(s.config.keysDir), JSON.stringify({ ...state, size: 2 }));
      await appendEntry(s.ctx, { kind: 'view', actor: 'user-1' });
      await assert.rejects(signCheckpoint(s.ctx), (err: CustodyError) => err.code === 'STATE_INVALID');
      assert.ok(codes(await verifyCustody(s.ctx)).includes('signer-state-invalid signer state'));
    });

    it('puts back the checkpoint row lost in a crash between writing the state and the row', async () => {
      await fresh();
      await asInsider(s.ctx.db, () => s.ctx.db.deleteFrom('checkpoint').where('number', '=', 2).execute());
      assert.ok(codes(await verifyCustody(s.ctx)).includes('checkpoint-missing-latest checkpoint #2'));
      await appendEntry(s.ctx, { kind: 'view', actor: 'user-1' });
      const cp = (await signCheckpoint(s.ctx))!;
      assert.deepEqual([cp.number, cp.size], [3, 7]);
      assert.deepEqual(await verifyCustody(s.ctx), []);
    });

    it('names a deleted checkpoint in the middle as a gap', async () => {
      await fresh();
      await appendEntry(s.ctx, { kind: 'view', actor: 'user-1' });
      await signCheckpoint(s.ctx);
      await asInsider(s.ctx.db, () => s.ctx.db.deleteFrom('checkpoint').where('number', '=', 2).execute());
      assert.deepEqual(codes(await verifyCustody(s.ctx)), ['checkpoint-gap checkpoint #2']);
    });

    it('makes the log tables refuse UPDATE and DELETE, and names a dropped guard', async () => {
      await fresh(2);
      for (const table of ['custody_entry', 'custody_node', 'checkpoint'] as const) {
        await assert.rejects(s.ctx.db.deleteFrom(table).execute(), /append-only/, `DELETE on ${table}`);
      }
      await assert.rejects(
        s.ctx.db.updateTable('custody_entry').set({ actor_id: 'x' }).where('seq', '=', 0).execute(),
        /append-only/,
      );
      await assert.rejects(s.ctx.db.updateTable('checkpoint').set({ root: 'x' }).execute(), /append-only/);
      assert.deepEqual(await verifyCustody(s.ctx), []);
      const { dropAppendOnlyGuards } = await import('../store/migrations/0007-custody-hardening.js');
      await dropAppendOnlyGuards(s.ctx.db as never);
      const found = codes(await verifyCustody(s.ctx));
      assert.ok(found.includes('log-guard-missing custody_entry'), found.join('; '));
      assert.ok(found.includes('log-guard-missing checkpoint'));
    });
  });
}
