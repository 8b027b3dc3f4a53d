/**
 * blob-copy.ts — blobs into a backup directory and back into a blob store, each blob read once:
 * hashed as it streams (1 MiB chunks), a few at a time so that one blob's open, fsync and rename
 * overlap another's bytes. A blob whose bytes do not match its name is never placed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../blobs.js';
import { StoreError } from '../errors.js';
import { blobPathIn, CHUNK } from './manifest.js';

/** How many blobs are copied at once: enough to hide per-file latency, few enough for two cores. */
export const PARALLEL = 4;

export interface BlobRef {
  readonly sha256: string;
  readonly size: number;
}

/** eachLimit runs `fn` over `items`, `limit` at a time; the first error stops new starts and is thrown. */
export async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  let failed: unknown;
  const lane = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failed !== undefined) throw failed;
}

/**
 * copyBlobsOut copies into backup directory `repo` each blob of `blobs` it does not hold yet
 * (a file of the right size under the blob's name is the same bytes: content addressing),
 * re-hashing every one on the way. Returns how many blobs and bytes were copied.
 */
export async function copyBlobsOut(
  store: BlobStore,
  blobs: readonly BlobRef[],
  repo: string,
): Promise<{ copied: number; bytes: number }> {
  let copied = 0;
  let bytes = 0;
  const made = new Set<string>();
  await eachLimit(blobs, PARALLEL, async (b) => {
    const dst = blobPathIn(repo, b.sha256);
    const there = await stat(dst).catch(() => undefined);
    if (there?.size === b.size) return;
    const dir = dirname(dst);
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      made.add(dir);
    }
    const tmp = `${dst}.${process.pid}.tmp`;
    const hash = createHash('sha256');
    try {
      await pipeline(
        store.get(b.sha256),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const c of chunks) {
            hash.update(c);
            yield c;
          }
        },
        createWriteStream(tmp, { mode: 0o600, highWaterMark: CHUNK }),
      );
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    const actual = hash.digest('hex');
    if (actual !== b.sha256) {
      await rm(tmp, { force: true });
      throw new StoreError(
        'BACKUP_INVALID',
        `blob ${b.sha256} re-hashes to ${actual} in the blob store: run attest verify`,
      );
    }
    await rename(tmp, dst);
    copied++;
    bytes += b.size;
  });
  return { copied, bytes };
}

class Mismatch extends Error {
  constructor(readonly actual: string) {
    super('blob mismatch');
  }
}

/**
 * restoreBlobs puts every blob of backup directory `repo` into `store`, each checked against its
 * name before it takes its place. With `write` false (another file of the backup is already
 * known damaged) it only hashes, so that every damaged blob is named. Returns the problems found
 * and the blobs this call newly stored (so a failed restore can take them away again).
 */
export async function restoreBlobs(
  store: BlobStore,
  blobs: readonly BlobRef[],
  repo: string,
  write: boolean,
): Promise<{ problems: string[]; created: string[] }> {
  const problems: string[] = [];
  const created: string[] = [];
  await eachLimit(blobs, PARALLEL, async (b) => {
    const rel = `blobs/sha256/${b.sha256.slice(0, 2)}/${b.sha256}`;
    const file = blobPathIn(repo, b.sha256);
    const there = await stat(file).catch(() => undefined);
    if (!there) {
      problems.push(`${rel} is missing`);
      return;
    }
    const bytes = createReadStream(file, { highWaterMark: CHUNK });
    if (!write || problems.length > 0) {
      const hash = createHash('sha256');
      let size = 0;
      for await (const c of bytes as AsyncIterable<Buffer>) {
        hash.update(c);
        size += c.length;
      }
      const got = hash.digest('hex');
      if (got !== b.sha256 || size !== b.size) problems.push(`${rel} re-hashes to ${got} (${size} bytes)`);
      return;
    }
    // The guard runs before the bytes take their place: a mismatch throws, and the store
    // removes its temporary copy.
    try {
      const r = await store.put(bytes, {
        deferDirSync: true,
        guard: async (actual, place) => {
          if (actual !== b.sha256) throw new Mismatch(actual);
          return place();
        },
      });
      if (r.created) created.push(r.sha256);
    } catch (err) {
      if (!(err instanceof Mismatch)) throw err;
      problems.push(`${rel} re-hashes to ${err.actual}`);
    }
  });
  if (problems.length === 0) await store.flush();
  return { problems: problems.sort(), created };
}
