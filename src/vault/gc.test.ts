/**
 * gc.test.ts — blobs no item references (issues 18.9, 12.7): `verify` names them, `gc` removes
 * them, and neither ever touches bytes an item names or an ingest in progress holds.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import type { LocalBlobStore } from '../store/blobs.js';
import type { VaultError } from './errors.js';
import { collectGarbage, findUnreferencedBlobs } from './gc.js';
import { addContent, getItem, type ItemInput, readVerified, recordItems, stageContent } from './service.js';
import { discardStaged, HOLD_TTL_MS } from './staging.js';
import { verifyVault } from './verify.js';

const STAGE_AND_DIE = fileURLToPath(new URL('../../test/support/stage-and-die.ts', import.meta.url));

const input = (name: string): ItemInput => ({
  originalName: name,
  provenance: { source: 'synthetic', collectedAt: 'unknown', collectedBy: 'unknown' },
  actor: 'user-1',
});
const bytes = (text: string) => Readable.from([Buffer.from(text)]);
const codes = (problems: { code: string; subject: string }[]) =>
  problems.map((p) => `${p.code} ${p.subject}`);
const fileOf = (s: TestStore, sha256: string) => (s.ctx.blobs as LocalBlobStore).pathOf(sha256);

/** stageAndDie runs a process that stages bytes and is SIGKILLed before recording them. */
function stageAndDie(s: TestStore): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', STAGE_AND_DIE, s.dir, s.config.databaseUrl ?? ''],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended with ${signal}: ${err}`));
      else resolve(out.trim());
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: blobs no item references (issues 18.9, 12.7)`, () => {
    let s: TestStore;
    afterEach(async () => s?.close());

    it('a process killed between storing bytes and recording the item leaves a blob that verify names and gc removes', async () => {
      s = await openTestStore(dialect);
      const kept = await addContent(s.ctx, bytes('evidence that stays'), input('kept.txt'));
      const orphan = await stageAndDie(s);
      assert.match(orphan, /^[0-9a-f]{64}$/);
      assert.ok(existsSync(fileOf(s, orphan)), 'the killed process stored its bytes');
      // Its hold names a process that no longer runs, so it protects nothing.
      assert.deepEqual(codes(await verifyVault(s.ctx)), [`blob-orphan ${orphan}`]);

      const dry = await collectGarbage(s.ctx, { apply: false });
      assert.deepEqual(
        dry.found.map((b) => b.sha256),
        [orphan],
      );
      assert.deepEqual(dry.removed, []);
      assert.ok(existsSync(fileOf(s, orphan)), 'a dry run removes nothing');

      const applied = await collectGarbage(s.ctx, { apply: true });
      assert.deepEqual(
        applied.removed.map((b) => b.sha256),
        [orphan],
      );
      assert.equal(applied.deadHolds, 1);
      assert.ok(!existsSync(fileOf(s, orphan)));
      assert.deepEqual(await verifyVault(s.ctx), []);
      assert.equal(await s.ctx.db.selectFrom('blob_hold').select('id').executeTakeFirst(), undefined);
      // The item's bytes were never candidates.
      const item = await getItem(s.ctx, kept.item.ern);
      const chunks: Buffer[] = [];
      await readVerified(s.ctx, item, async (c) => void chunks.push(c));
      assert.equal(Buffer.concat(chunks).toString(), 'evidence that stays');
    });

    it('bytes stored with no hold at all (killed before the hold committed) are found and removed', async () => {
      s = await openTestStore(dialect);
      const loose = await s.ctx.blobs.put(Buffer.from('no hold, no item'));
      assert.deepEqual(codes(await verifyVault(s.ctx)), [`blob-orphan ${loose.sha256}`]);
      assert.deepEqual(
        (await findUnreferencedBlobs(s.ctx)).map((b) => [b.sha256, b.size]),
        [[loose.sha256, 16]],
      );
      await collectGarbage(s.ctx, { apply: true });
      assert.equal(await s.ctx.blobs.has(loose.sha256), false);
    });

    it('never takes bytes an ingest in progress holds, until the hold expires', async () => {
      s = await openTestStore(dialect);
      const staged = await stageContent(s.ctx, bytes('staged, not yet recorded'), input('slow.txt'));
      assert.deepEqual(await verifyVault(s.ctx), [], 'held bytes are not a problem');
      assert.deepEqual((await collectGarbage(s.ctx, { apply: true })).removed, []);
      assert.ok(await s.ctx.blobs.has(staged.blob.sha256));
      // Recorded in time: the hold is released with the insert and the bytes are the item's.
      const [outcome] = await recordItems(s.ctx, [staged]);
      assert.equal(outcome!.status, 'added');
      assert.equal(await s.ctx.db.selectFrom('blob_hold').select('id').executeTakeFirst(), undefined);

      const late = await stageContent(s.ctx, bytes('staged and forgotten'), input('late.txt'));
      s.setTime(new Date(Date.parse('2016-12-15T06:00:00Z') + HOLD_TTL_MS + 1000).toISOString());
      const applied = await collectGarbage(s.ctx, { apply: true });
      assert.deepEqual(
        applied.removed.map((b) => b.sha256),
        [late.blob.sha256],
      );
      // Its owner comes back after all: refused, and no item points at missing bytes.
      await assert.rejects(
        () => recordItems(s.ctx, [late]),
        (err: VaultError) => err.code === 'STAGING_EXPIRED',
      );
      assert.equal((await s.ctx.db.selectFrom('item').select('id').execute()).length, 1);
      assert.deepEqual(await verifyVault(s.ctx), []);
    });

    it('a discarded staging removes its bytes, unless another ingest holds them or an item has them', async () => {
      s = await openTestStore(dialect);
      const a = await stageContent(s.ctx, bytes('same bytes'), input('a.txt'));
      const b = await stageContent(s.ctx, bytes('same bytes'), input('b.txt'));
      assert.equal(a.blob.sha256, b.blob.sha256);
      await discardStaged(s.ctx, [a]);
      assert.ok(await s.ctx.blobs.has(a.blob.sha256), "b's hold keeps the bytes");
      const [recorded] = await recordItems(s.ctx, [b]);
      assert.equal(recorded!.status, 'added');

      const again = await stageContent(s.ctx, bytes('same bytes'), input('again.txt'));
      await discardStaged(s.ctx, [again]);
      assert.ok(await s.ctx.blobs.has(again.blob.sha256), 'an item references the bytes');

      const lone = await stageContent(s.ctx, bytes('refused bytes'), input('refused.txt'));
      await discardStaged(s.ctx, [lone]);
      assert.equal(await s.ctx.blobs.has(lone.blob.sha256), false);
      assert.deepEqual(await verifyVault(s.ctx), []);
      assert.deepEqual(await findUnreferencedBlobs(s.ctx), []);
    });

    it('a staging refused by its own check (accept) leaves nothing', async () => {
      s = await openTestStore(dialect);
      await assert.rejects(
        () =>
          stageContent(s.ctx, bytes('not what was promised'), input('checked.txt'), {
            accept: () => {
              throw new Error('refused');
            },
          }),
        /refused/,
      );
      assert.deepEqual(await findUnreferencedBlobs(s.ctx), []);
      assert.equal(await s.ctx.db.selectFrom('blob_hold').select('id').executeTakeFirst(), undefined);
    });
  });
}
