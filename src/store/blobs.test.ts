/**
 * blobs.test.ts — the file store passes the BlobStore contract (blob-store-contract.ts), plus
 * what only files have: the 0400 mode and the temp files of dead processes.
 */
import assert from 'node:assert/strict';
import { chmod, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scratchDir } from '../../test/support/stores.js';
import { blobStoreContract } from './blob-store-contract.js';
import { LocalBlobStore } from './blobs.js';

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
  it('writes blobs read-only (0400) and removes temp files of dead processes at init', async () => {
    const root = scratchDir('blobs-');
    try {
      const store = new LocalBlobStore(root);
      await store.init();
      const { sha256 } = await store.put(Buffer.from('x'));
      assert.equal((await stat(store.pathOf(sha256))).mode & 0o777, 0o400);
      await writeFile(join(root, 'tmp', '999999999-dead'), 'left by a killed process');
      await writeFile(join(root, 'tmp', `${process.pid}-live`), 'ours, in progress');
      await store.init();
      assert.deepEqual(await readdir(join(root, 'tmp')), [`${process.pid}-live`]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
