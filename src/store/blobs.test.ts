/**
 * blobs.test.ts — the file store passes the BlobStore contract (blob-store-contract.ts), plus
 * what only files have: the 0400 mode, and which temp files init may remove (only those no live
 * write can own — a directory shared over NFS holds other hosts' writes in progress).
 */
import assert from 'node:assert/strict';
import { chmod, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scratchDir } from '../../test/support/stores.js';
import { blobStoreContract } from './blob-store-contract.js';
import { LocalBlobStore, STALE_TEMP_MS, tempOwnerSpace } from './blobs.js';

blobStoreContract('files', async () => {
  const root = scratchDir('blobs-');
  const store = new LocalBlobStore(root);
  await store.init();
  return {
    store,
    async corrupt(sha256, bytes) {
      const path = store.pathOf(sha256);
      await chmod(path, 0o600);
      await writeFile(path, bytes);
    },
    async plantForeign() {
      await writeFile(join(root, 'sha256', 'ab', 'notes.txt'), 'not a blob');
      await writeFile(join(root, 'sha256', 'ab', `cd${'0'.repeat(62)}`), 'a hash in the wrong shard');
    },
    temporaries: () => readdir(join(root, 'tmp')),
    close: () => rm(root, { recursive: true, force: true }),
  };
});

describe('files: what only the file store has', () => {
  it('writes blobs read-only (0400) under temp names of this process space', async () => {
    const root = scratchDir('blobs-');
    try {
      const store = new LocalBlobStore(root);
      await store.init();
      const { sha256 } = await store.put(Buffer.from('x'));
      assert.equal((await stat(store.pathOf(sha256))).mode & 0o777, 0o400);
      assert.match(tempOwnerSpace(), /^[0-9a-f]{12}$/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('init removes the temp files of dead local processes and stale ones, never another host’s live write', async () => {
    const root = scratchDir('blobs-');
    try {
      const store = new LocalBlobStore(root);
      await store.init();
      const ours = tempOwnerSpace();
      const other = ours === 'abcdef012345' ? '543210fedcba' : 'abcdef012345';
      const rnd = '0123456789abcdef';
      const now = Date.parse('2026-03-02T12:00:00Z');
      const fresh = new Date(now - 3600 * 1000); // written to an hour ago
      const stale = new Date(now - STALE_TEMP_MS - 60_000);
      const files: [string, Date][] = [
        [`${ours}-999999999-${rnd}`, fresh], // a process of ours that died: removed
        [`${ours}-${process.pid}-${rnd}`, fresh], // this process, writing: kept
        [`${ours}-${process.pid}-fedcba9876543210`, stale], // pid since reused, untouched a day: removed
        [`${other}-999999999-${rnd}`, fresh], // another host writing over NFS (pid free here): kept
        [`${other}-999999999-fedcba9876543210`, stale], // another host's, untouched a day: removed
        ['999999999-dead', fresh], // an older release's name, cannot be judged by pid: kept
        ['999999998-dead', stale], // … until stale: removed
      ];
      for (const [name, mtime] of files) {
        await writeFile(join(root, 'tmp', name), 'bytes');
        await utimes(join(root, 'tmp', name), mtime, mtime);
      }
      assert.equal(await store.removeDeadTemporaries(now), 4);
      assert.deepEqual(
        (await readdir(join(root, 'tmp'))).sort(),
        [`${ours}-${process.pid}-${rnd}`, `${other}-999999999-${rnd}`, '999999999-dead'].sort(),
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('a second store starting on the same directory leaves a put in progress alone', async () => {
    const root = scratchDir('blobs-');
    try {
      const first = new LocalBlobStore(root);
      await first.init();
      let pulled!: () => void;
      const started = new Promise<void>((r) => (pulled = r));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      async function* slow(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('first half, ');
        pulled();
        await gate;
        yield Buffer.from('second half');
      }
      const putting = first.put(slow());
      await started;
      assert.equal((await readdir(join(root, 'tmp'))).length, 1);
      await new LocalBlobStore(root).init();
      release();
      const { sha256 } = await putting;
      assert.ok(await first.has(sha256));
      assert.deepEqual(await readdir(join(root, 'tmp')), []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
