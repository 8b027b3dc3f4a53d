import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { asInsider } from '../../test/support/insider.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import type { Ctx } from '../ctx.js';
import { formatCheckpoint } from '../lib/checkpoint.js';
import { generateSignerKey, parseSignerKey, signNote } from '../lib/note.js';
import { keyPath } from '../store/keys.js';
import { openStore } from '../store/open.js';
import { checkItemsAgainstLog } from '../vault/index.js';
import type { CustodyError } from './errors.js';
import { rotateKey } from './key-rotation.js';
import { appendEntry, signCheckpoint } from './service.js';
import { type VerifyOptions, verifyCustody as verifyLog } from './verify.js';

/** verifyCustody as `attest verify` runs it: the log, with the vault's items ↔ log check. */
const verifyCustody = (ctx: Ctx, published: readonly string[] = [], options: VerifyOptions = {}) =>
  verifyLog(ctx, published, { itemCheck: checkItemsAgainstLog, ...options });

const codes = (problems: { code: string; subject: string }[]) =>
  problems.map((p) => `${p.code} ${p.subject}`);

for (const dialect of DIALECTS) {
  describe(`${dialect}: the log key — missing, rotated, pinned (issues 18.4, 18.5)`, () => {
    let s: TestStore;
    afterEach(async () => s?.close());

    async function fresh(): Promise<TestStore> {
      s = await openTestStore(dialect);
      for (let i = 0; i < 3; i++) await appendEntry(s.ctx, { kind: 'view', actor: `user-${i}` });
      await signCheckpoint(s.ctx);
      return s;
    }

    it('refuses to start when the log has checkpoints and its key is missing, saying how to restore it', async () => {
      await fresh();
      rmSync(keyPath(s.config.keysDir));
      await assert.rejects(openStore(s.config), (err: CustodyError) => {
        assert.equal(err.code, 'KEY_MISSING');
        assert.match(err.message, /2 signed checkpoint\(s\).*custody-log\.key is missing.*Restore/s);
        return true;
      });
      assert.equal(existsSync(keyPath(s.config.keysDir)), false, 'no new key was made');
    });

    it('rotate-key announces the new key under the old one; verify follows the chain from either pinned key', async () => {
      await fresh();
      const oldKey = s.ctx.logKey.verifierKey;
      const rotated = await rotateKey(s.ctx, 'admin-1');
      assert.equal(rotated.oldKey, oldKey);
      assert.notEqual(rotated.newKey, oldKey);
      assert.equal(rotated.checkpoint.signedNote.split('\n— ').length, 3, 'two signature lines');
      assert.deepEqual(readdirSync(join(s.dir, 'keys', 'retired')).length, 1);
      // A process still holding the old key refuses to sign with it.
      await appendEntry(s.ctx, { kind: 'view', actor: 'user-9' });
      await assert.rejects(signCheckpoint(s.ctx), /rotated/);
      // A restarted process (a second store on the same data directory) loads the new key.

      const reopened = await openStore(s.config);
      try {
        const ctx = reopened.ctx;
        assert.equal(ctx.logKey.verifierKey, rotated.newKey);
        await appendEntry(ctx, { kind: 'view', actor: 'user-10' });
        await signCheckpoint(ctx);
        assert.deepEqual(await verifyCustody(ctx), []);
        assert.deepEqual(await verifyCustody(ctx, [], { pinnedKey: oldKey }), [], 'from the pinned old key');
        assert.deepEqual(await verifyCustody(ctx, [], { pinnedKey: rotated.newKey }), []);
        const stranger = parseSignerKey(generateSignerKey(ctx.logKey.origin)).verifierKey;
        const found = codes(await verifyCustody(ctx, [], { pinnedKey: stranger }));
        assert.ok(found.includes('key-not-in-chain key'), found.join('; '));
        assert.ok(found.some((c) => c.startsWith('checkpoint-signature')));

        // The transition checkpoint replaced by one only the new key signed: the old key no longer vouches.
        const newSigner = parseSignerKey(
          (await import('node:fs')).readFileSync(keyPath(s.config.keysDir), 'utf8').trim(),
        );
        const cp = rotated.checkpoint;
        const lone = signNote(
          formatCheckpoint({ origin: ctx.logKey.origin, size: cp.size, root: Buffer.from(cp.root, 'hex') }),
          newSigner,
        );
        await asInsider(ctx.db, () =>
          ctx.db
            .updateTable('checkpoint')
            .set({ signed_note: lone })
            .where('number', '=', cp.number)
            .execute(),
        );
        assert.ok(codes(await verifyCustody(ctx)).includes(`key-rotation-unsigned checkpoint ${cp.size}`));
      } finally {
        await reopened.close();
      }
    });

    it('verify with a pinned key that is not the data directory key names every checkpoint', async () => {
      await fresh();
      const stranger = parseSignerKey(generateSignerKey(s.ctx.logKey.origin)).verifierKey;
      const found = codes(await verifyCustody(s.ctx, [], { pinnedKey: stranger }));
      assert.deepEqual(found.slice(0, 1), ['key-not-in-chain key']);
      assert.ok(found.includes('checkpoint-signature checkpoint 1'));
      assert.ok(found.includes('checkpoint-signature checkpoint 3'));
      assert.deepEqual(await verifyCustody(s.ctx, [], { pinnedKey: s.ctx.logKey.verifierKey }), []);
    });
  });
}
