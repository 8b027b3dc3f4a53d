/**
 * log-signer.test.ts — one key per log, whatever the number of processes (issue 21.2): a process
 * whose keys directory holds another key, or none, refuses to start instead of signing the log
 * with a second key; every process pointed at the shared keys directory (ATTEST_KEYS_DIR) starts.
 * And the cross-process lock the signer takes on PostgreSQL really excludes.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { DIALECTS, openTestStore, scratchDir, type TestStore } from '../../test/support/stores.js';
import { loadConfig } from '../config.js';
import { generateSignerKey } from '../lib/note.js';
import { lockKeysInTransaction, serialisedAcrossProcesses } from '../store/dialect.js';
import { StoreError } from '../store/errors.js';
import { keyPath } from '../store/keys.js';
import { openStore } from '../store/open.js';
import { appendEntry, signCheckpoint } from './index.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: one signing key per log (issue 21.2)`, () => {
    const opened: { close(): Promise<void> }[] = [];
    after(async () => {
      for (const o of opened.reverse()) await o.close();
    });
    const first = async (append = true): Promise<TestStore> => {
      const s = await openTestStore(dialect);
      opened.push(s);
      if (append) await appendEntry(s.ctx, { kind: 'view', actor: 'user-1' });
      return s;
    };
    const configFor = (s: TestStore, keysDir: string) =>
      loadConfig({
        ATTEST_DATA: scratchDir(),
        DATABASE_URL: s.config.databaseUrl ?? '',
        ATTEST_KEYS_DIR: keysDir,
      });

    for (const append of [false, true]) {
      it(`a second process with its own empty keys directory refuses to start and makes no key (${append ? 'with' : 'before any'} checkpoint)`, async () => {
        const s = await first(append);
        const keysDir = join(scratchDir(), 'keys');
        const config =
          dialect === 'sqlite'
            ? loadConfig({ ATTEST_DATA: s.dir, ATTEST_KEYS_DIR: keysDir })
            : configFor(s, keysDir);
        await assert.rejects(openStore(config), (err: unknown) => {
          assert.ok(err instanceof StoreError && err.code === 'KEY_MISSING', String(err));
          assert.match(err.message, /ATTEST_KEYS_DIR/);
          return true;
        });
        assert.equal(existsSync(keyPath(keysDir)), false, 'no second key was made');
      });
    }

    it('a process whose keys directory holds another key refuses with KEY_MISMATCH', async () => {
      const s = await first();
      const keysDir = join(scratchDir(), 'keys');
      mkdirSync(keysDir, { recursive: true });
      writeFileSync(keyPath(keysDir), `${generateSignerKey(s.config.logOrigin)}\n`, { mode: 0o600 });
      const config =
        dialect === 'sqlite'
          ? loadConfig({ ATTEST_DATA: s.dir, ATTEST_KEYS_DIR: keysDir })
          : configFor(s, keysDir);
      await assert.rejects(openStore(config), (err: unknown) => {
        assert.ok(err instanceof StoreError && err.code === 'KEY_MISMATCH', String(err));
        assert.ok(err.message.includes(s.ctx.logKey.verifierKey), 'names the key the log is signed by');
        return true;
      });
    });

    it('processes sharing the keys directory start, and their checkpoints all verify under one key', async () => {
      const s = await first();
      const config =
        dialect === 'sqlite' ? loadConfig({ ATTEST_DATA: s.dir }) : configFor(s, s.config.keysDir);
      const other = await openStore(config);
      opened.push(other);
      assert.equal(other.ctx.logKey.verifierKey, s.ctx.logKey.verifierKey);
      await appendEntry(other.ctx, { kind: 'view', actor: 'user-2' });
      const a = await signCheckpoint(other.ctx);
      await appendEntry(s.ctx, { kind: 'view', actor: 'user-3' });
      const b = await signCheckpoint(s.ctx);
      assert.ok(a && b && b.size > a.size);
      for (const cp of [a, b]) assert.equal(s.ctx.logKey.openCheckpoint(cp.signedNote).ok, true);
    });
  });

  describe(`${dialect}: the cross-process lock`, () => {
    let s: TestStore;
    let t: Awaited<ReturnType<typeof openStore>>;
    after(async () => {
      await t?.close();
      await s?.close();
    });

    it('lets one holder in at a time, across separate connection pools', async () => {
      s = await openTestStore(dialect);
      t = await openStore(dialect === 'sqlite' ? loadConfig({ ATTEST_DATA: s.dir }) : s.config);
      const events: string[] = [];
      const hold = (who: string, db: typeof s.ctx.db) =>
        serialisedAcrossProcesses(db, 'test-lock', async () => {
          events.push(`${who} in`);
          await delay(60);
          events.push(`${who} out`);
        });
      await Promise.all([hold('a', s.ctx.db), hold('b', t.ctx.db), hold('c', s.ctx.db)]);
      if (dialect === 'postgres') {
        for (let i = 0; i < events.length; i += 2)
          assert.equal(events[i]?.replace(' in', ''), events[i + 1]?.replace(' out', ''), events.join(', '));
      }
    });

    it('per-key locks let different keys run together and the same key one at a time', async () => {
      if (dialect === 'sqlite') return; // SQLite's one writer serialises every transaction
      const events: string[] = [];
      const hold = (who: string, db: typeof s.ctx.db, keys: string[]) =>
        db.transaction().execute(async (trx) => {
          await lockKeysInTransaction(trx, 'test', keys);
          events.push(`${who} in`);
          await delay(60);
          events.push(`${who} out`);
        });
      await Promise.all([hold('a', s.ctx.db, ['x', 'y']), hold('b', t.ctx.db, ['y', 'x'])]);
      assert.ok(
        events.join() === 'a in,a out,b in,b out' || events.join() === 'b in,b out,a in,a out',
        `same keys in any order exclude (and never deadlock): ${events.join(', ')}`,
      );
      events.length = 0;
      await Promise.all([hold('a', s.ctx.db, ['p']), hold('b', t.ctx.db, ['q'])]);
      assert.equal(
        events.slice(0, 2).sort().join(),
        'a in,b in',
        `different keys overlap: ${events.join(', ')}`,
      );
    });
  });
}
