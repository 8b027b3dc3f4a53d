import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { asInsider } from '../../test/support/insider.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import type { Ctx } from '../ctx.js';
import { logKeyFrom } from '../lib/log-key.js';
import { verifyConsistency, verifyInclusion } from '../lib/merkle.js';
import { generateSignerKey, parseSignerKey } from '../lib/note.js';
import { addContent, checkItemsAgainstLog, verifyVault } from '../vault/index.js';
import {
  appendEntry,
  latestCheckpoint,
  proveConsistency,
  proveInclusion,
  signCheckpoint,
  treeRoot,
} from './service.js';
import { type VerifyOptions, verifyCustody as verifyLog } from './verify.js';

/** verifyCustody as `attest verify` runs it: the log, with the vault's items ↔ log check. */
const verifyCustody = (ctx: Ctx, published: readonly string[] = [], options: VerifyOptions = {}) =>
  verifyLog(ctx, published, { itemCheck: checkItemsAgainstLog, ...options });

const provenance = { source: 'synthetic', collectedAt: '2016-12-15', collectedBy: 'monitor-01' };

async function addItems(s: TestStore, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) {
    await addContent(s.ctx, Readable.from([Buffer.from(`evidence ${i}`)]), {
      originalName: `e${i}.txt`,
      provenance,
      actor: 'user-1',
    });
  }
}

const codes = (problems: { code: string; subject: string }[]) =>
  problems.map((p) => `${p.code} ${p.subject}`);

for (const dialect of DIALECTS) {
  describe(`${dialect}: custody log`, () => {
    let s: TestStore;
    afterEach(async () => s?.close());

    async function freshLog(items = 6): Promise<TestStore> {
      s = await openTestStore(dialect);
      await addItems(s, items);
      await signCheckpoint(s.ctx);
      return s;
    }

    it('appends an ingest entry with each item, in the same transaction, and verifies clean', async () => {
      await freshLog();
      const rows = await s.ctx.db.selectFrom('custody_entry').selectAll().orderBy('seq').execute();
      assert.equal(rows.length, 6);
      assert.deepEqual(
        rows.map((r) => r.kind),
        Array(6).fill('ingest'),
      );
      assert.doesNotMatch(
        rows[0]!.payload,
        /synthetic|monitor-01|e0\.txt/,
        'no provenance text or names in the log',
      );
      assert.deepEqual(await verifyCustody(s.ctx), []);
      assert.deepEqual(await verifyVault(s.ctx), []);
    });

    it('serves inclusion and consistency proofs that verify against signed checkpoints', async () => {
      await freshLog(3);
      const first = (await latestCheckpoint(s.ctx))!;
      await addItems(s, 10, 100);
      const second = (await signCheckpoint(s.ctx))!;
      assert.equal(second.size, 13);
      const opened = s.ctx.logKey.openCheckpoint(second.signedNote);
      assert.ok(opened.ok);
      for (let i = 0; i < 13; i++) {
        const p = await proveInclusion(s.ctx, i, 13);
        const proof = p.proof.map((h) => Buffer.from(h, 'hex'));
        assert.ok(
          verifyInclusion(Buffer.from(p.leafHash, 'hex'), i, 13, proof, opened.root),
          `inclusion ${i}`,
        );
      }
      const c = await proveConsistency(s.ctx, first.size, second.size);
      assert.equal(c.oldRoot, first.root);
      const cproof = c.proof.map((h) => Buffer.from(h, 'hex'));
      assert.ok(
        verifyConsistency(first.size, second.size, Buffer.from(first.root, 'hex'), opened.root, cproof),
      );
      assert.equal((await treeRoot(s.ctx.db, 13)).toString('hex'), second.root);
    });

    it('checkpoints every N entries', async () => {
      s = await openTestStore(dialect, { ATTEST_CHECKPOINT_EVERY: '4', ATTEST_CHECKPOINT_SECONDS: '3600' });
      await addItems(s, 1);
      assert.equal((await latestCheckpoint(s.ctx))?.size, 1, 'the first entry is checkpointed at once');
      await addItems(s, 3, 10);
      assert.equal((await latestCheckpoint(s.ctx))?.size, 1, 'fewer than N new entries and T not passed');
      await addItems(s, 1, 20);
      assert.equal((await latestCheckpoint(s.ctx))?.size, 5, 'N new entries');
      s.setTime('2016-12-15T08:00:00Z');
      await appendEntry(s.ctx, { kind: 'view', actor: 'user-1' });
      assert.equal((await latestCheckpoint(s.ctx))?.size, 6, 'T seconds passed');
    });

    describe('tampering is detected and named', () => {
      it("an item's hash edited", async () => {
        await freshLog();
        const other = await s.ctx.db
          .selectFrom('item')
          .select('blob_sha256')
          .where('ern', '=', 'ATT-000002')
          .executeTakeFirstOrThrow();
        await s.ctx.db
          .updateTable('item')
          .set({ blob_sha256: other.blob_sha256 })
          .where('ern', '=', 'ATT-000001')
          .execute();
        assert.ok(codes(await verifyCustody(s.ctx)).includes('item-log-mismatch ATT-000001'));
      });

      it("an item's ERN edited", async () => {
        await freshLog();
        await s.ctx.db
          .updateTable('item')
          .set({ ern: 'ATT-000099' })
          .where('ern', '=', 'ATT-000003')
          .execute();
        assert.ok(codes(await verifyCustody(s.ctx)).includes('item-log-mismatch ATT-000099'));
      });

      it('an entry edited', async () => {
        await freshLog();
        await asInsider(s.ctx.db, () =>
          s.ctx.db
            .updateTable('custody_entry')
            .set({ payload: sql`replace(payload, 'user-1', 'user-2')` })
            .where('seq', '=', 2)
            .execute(),
        );
        assert.ok(codes(await verifyCustody(s.ctx)).includes('log-entry-altered entry 2'));
      });

      it('an entry edited with its leaf hash recomputed', async () => {
        await freshLog();
        const row = await s.ctx.db
          .selectFrom('custody_entry')
          .selectAll()
          .where('seq', '=', 1)
          .executeTakeFirstOrThrow();
        const payload = row.payload.replace('user-1', 'user-9');
        const { leafHashOf } = await import('./service.js');
        await asInsider(s.ctx.db, () =>
          s.ctx.db
            .updateTable('custody_entry')
            .set({ payload, actor_id: 'user-9', leaf_hash: leafHashOf(payload).toString('hex') })
            .where('seq', '=', 1)
            .execute(),
        );
        const found = codes(await verifyCustody(s.ctx));
        assert.ok(found.includes('checkpoint-root-mismatch checkpoint 6'), found.join('; '));
        assert.ok(found.includes('log-node-altered node 0:1'));
      });

      it('an entry deleted', async () => {
        await freshLog();
        await asInsider(s.ctx.db, () => s.ctx.db.deleteFrom('custody_entry').where('seq', '=', 3).execute());
        const found = codes(await verifyCustody(s.ctx));
        assert.ok(found.includes('log-gap entry 3'), found.join('; '));
        assert.ok(found.includes('item-not-logged ATT-000004'));
      });

      it('an entry deleted and a later one edited: each is named by its own number', async () => {
        await freshLog();
        await asInsider(s.ctx.db, async () => {
          await s.ctx.db.deleteFrom('custody_entry').where('seq', '=', 1).execute();
          await s.ctx.db
            .updateTable('custody_entry')
            // The same JSON written with a space: it parses alike, so only its leaf hash differs.
            .set({ payload: sql`replace(payload, '{"', '{ "')` })
            .where('seq', '=', 4)
            .execute();
        });
        const found = codes(await verifyCustody(s.ctx));
        assert.ok(found.includes('log-gap entry 1'), found.join('; '));
        assert.deepEqual(
          found.filter((f) => f.startsWith('log-entry-altered')),
          ['log-entry-altered entry 4'],
          found.join('; '),
        );
      });

      it('an item row deleted, or one added without its entry', async () => {
        await freshLog();
        const gone = await s.ctx.db
          .selectFrom('item')
          .selectAll()
          .where('ern', '=', 'ATT-000002')
          .executeTakeFirstOrThrow();
        await s.ctx.db.deleteFrom('item').where('id', '=', gone.id).execute();
        await s.ctx.db
          .insertInto('item')
          .values({ ...gone, id: 'smuggled', ern: 'ATT-000077', ern_seq: 77 })
          .execute();
        const found = codes(await verifyCustody(s.ctx));
        assert.ok(found.includes('log-refers-to-missing entry 1'), found.join('; '));
        assert.ok(found.includes('item-not-logged ATT-000077'), found.join('; '));
      });

      it('an entry inserted', async () => {
        await freshLog();
        const last = await s.ctx.db
          .selectFrom('custody_entry')
          .selectAll()
          .where('seq', '=', 5)
          .executeTakeFirstOrThrow();
        await s.ctx.db
          .insertInto('custody_entry')
          .values({ ...last, seq: 6 })
          .execute();
        const found = codes(await verifyCustody(s.ctx));
        assert.ok(found.includes('log-size log'), found.join('; '));
        assert.ok(found.includes('log-entry-altered entry 6'));
      });

      it('two entries reordered', async () => {
        await freshLog();
        const [a, b] = await s.ctx.db
          .selectFrom('custody_entry')
          .selectAll()
          .where('seq', 'in', [1, 2])
          .orderBy('seq')
          .execute();
        await asInsider(s.ctx.db, async () => {
          await s.ctx.db.deleteFrom('custody_entry').where('seq', 'in', [1, 2]).execute();
          await s.ctx.db
            .insertInto('custody_entry')
            .values([
              { ...a!, seq: 2 },
              { ...b!, seq: 1 },
            ])
            .execute();
        });
        const found = codes(await verifyCustody(s.ctx));
        assert.ok(
          found.includes('log-entry-altered entry 1') && found.includes('log-entry-altered entry 2'),
          found.join('; '),
        );
        assert.ok(found.includes('checkpoint-root-mismatch checkpoint 6'));
      });

      it("an entry's columns edited, its payload not (text moved from one column into the next too)", async () => {
        await freshLog();
        await asInsider(s.ctx.db, async () => {
          await s.ctx.db
            .updateTable('custody_entry')
            .set({ actor_id: 'user-7' })
            .where('seq', '=', 2)
            .execute();
          // Text moved across the boundary of two columns: a check of the columns concatenated
          // would read the same.
          await s.ctx.db
            .updateTable('custody_entry')
            .set({ kind: sql`kind || substr(item_id, 1, 3)`, item_id: sql`substr(item_id, 4)` })
            .where('seq', '=', 3)
            .execute();
        });
        const found = codes(await verifyCustody(s.ctx));
        assert.ok(found.includes('log-entry-altered entry 2'), found.join('; '));
        assert.ok(found.includes('log-entry-altered entry 3'), found.join('; '));
        assert.equal(found.filter((f) => f.startsWith('log-entry-altered')).length, 2, found.join('; '));
      });

      it('a payload that is not an entry', async () => {
        await freshLog();
        await asInsider(s.ctx.db, () =>
          s.ctx.db.updateTable('custody_entry').set({ payload: 'null' }).where('seq', '=', 4).execute(),
        );
        const found = codes(await verifyCustody(s.ctx));
        assert.ok(found.includes('log-entry-malformed entry 4'), found.join('; '));
        assert.ok(found.includes('log-entry-altered entry 4'), found.join('; '));
      });

      it('stored subtree hashes edited, deleted or added past the end of a level', async () => {
        await freshLog();
        const node = await s.ctx.db
          .selectFrom('custody_node')
          .select('hash')
          .where('level', '=', 1)
          .where('idx', '=', 0)
          .executeTakeFirstOrThrow();
        await asInsider(s.ctx.db, async () => {
          await s.ctx.db
            .updateTable('custody_node')
            .set({ hash: '00'.repeat(32) })
            .where('level', '=', 1)
            .where('idx', '=', 1)
            .execute();
          await s.ctx.db.deleteFrom('custody_node').where('level', '=', 0).where('idx', '=', 0).execute();
          await s.ctx.db.insertInto('custody_node').values({ level: 1, idx: 999, hash: node.hash }).execute();
        });
        const found = codes(await verifyCustody(s.ctx));
        assert.ok(found.includes('log-node-altered node 1:1'), found.join('; '));
        assert.ok(found.includes('log-node-altered node 1:999'), found.join('; '));
        assert.ok(found.includes('log-node-missing log'), found.join('; '));
        assert.ok(!found.includes('log-node-altered node 1:0'), found.join('; '));
      });

      it('the latest checkpoint replaced by one signed with another key', async () => {
        await freshLog();
        const cp = (await latestCheckpoint(s.ctx))!;
        const impostor = logKeyFrom(parseSignerKey(generateSignerKey(s.ctx.logKey.origin)));
        const forged = impostor.signCheckpoint(cp.size, Buffer.from(cp.root, 'hex'));
        await asInsider(s.ctx.db, () =>
          s.ctx.db
            .updateTable('checkpoint')
            .set({ signed_note: forged })
            .where('size', '=', cp.size)
            .execute(),
        );
        assert.ok(codes(await verifyCustody(s.ctx)).includes(`checkpoint-signature checkpoint ${cp.size}`));
      });

      it('the log rolled back after a later checkpoint was published', async () => {
        await freshLog(3);
        await addItems(s, 3, 50);
        const published = (await signCheckpoint(s.ctx))!.signedNote;
        // Roll back to the 3-entry state: entries, subtree hashes, checkpoints, counter and items.
        await asInsider(s.ctx.db, async () => {
          await s.ctx.db.deleteFrom('checkpoint').where('size', '>', 3).execute();
          await s.ctx.db.deleteFrom('custody_entry').where('seq', '>=', 3).execute();
          for (const [level, firstIdx] of [
            [0, 3],
            [1, 1],
            [2, 0],
          ] as const) {
            await s.ctx.db
              .deleteFrom('custody_node')
              .where('level', '=', level)
              .where('idx', '>=', firstIdx)
              .execute();
          }
          await s.ctx.db.deleteFrom('item').where('ern_seq', '>', 3).execute();
          await s.ctx.db.updateTable('counter').set({ value: 3 }).where('name', '=', 'custody').execute();
        });
        // The database is self-consistent, but the signer's state file remembers checkpoint #2.
        assert.deepEqual(codes(await verifyCustody(s.ctx)), ['checkpoint-missing-latest checkpoint #3']);
        const found = codes(await verifyCustody(s.ctx, [published]));
        assert.ok(found.includes('log-rolled-back published checkpoint 6'), found.join('; '));
      });
    });
  });
}
