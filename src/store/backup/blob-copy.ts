/**
 * blob-copy.ts — blobs into a backup directory and back into a blob store, each blob read once
 * and hashed on the way. A blob whose bytes do not match its name is never placed.
 *
 * Between files (the file store and a backup directory) the copy runs on worker threads
 * (../verified-copy.ts): every blob written under a temporary name and fsynced while the next
 * ones are copied, then all renamed, and each directory fsynced once. From or to another store (S3) blobs stream
 * through the store's own get and put, a few at a time.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type BlobStore, LocalBlobStore } from '../blobs.js';
import { StoreError } from '../errors.js';
import {
  type CopyProblem,
  copyVerified,
  eachLimit,
  fsyncPaths,
  SyncQueue,
  type VerifiedCopy,
} from '../verified-copy.js';
import { blobPathIn, CHUNK } from './manifest.js';

/** How many blobs stream at once to or from a store that is not files (S3): enough to hide latency. */
export const PARALLEL = 4;

export interface BlobRef {
  readonly sha256: string;
  readonly size: number;
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
  // Which blobs the directory holds: one listing per folder, not a stat per blob (a first backup
  // of 2,000 blobs made 2,000 thread-pool round trips to learn that the folder was empty); only
  // a blob listed is stat'ed, for its size.
  const held = await heldIn(repo);
  const missing = blobs.filter((b) => !held.has(b.sha256));
  await eachLimit(
    blobs.filter((b) => held.has(b.sha256)),
    16,
    async (b) => {
      const there = await stat(blobPathIn(repo, b.sha256)).catch(() => undefined);
      if (there?.size !== b.size) missing.push(b);
    },
  );
  // The shared parent first, so that the folders below it are made side by side without racing for it.
  await mkdir(join(repo, 'blobs', 'sha256'), { recursive: true, mode: 0o700 });
  await eachLimit([...new Set(missing.map((b) => dirname(blobPathIn(repo, b.sha256))))], 16, async (dir) => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  });
  if (store instanceof LocalBlobStore) {
    const copies = missing.map(
      (b): VerifiedCopy => ({
        from: store.pathOf(b.sha256),
        sha256: b.sha256,
        size: b.size,
        to: { path: blobPathIn(repo, b.sha256), tmp: `${blobPathIn(repo, b.sha256)}.${process.pid}.tmp` },
      }),
    );
    const { problems } = await copyVerified(copies, { mode: 0o600, allOrNothing: true });
    const p = problems[0];
    if (p)
      throw new StoreError(
        'BACKUP_INVALID',
        p.missing
          ? `blob ${p.copy.sha256} is missing from the blob store: run attest verify`
          : `blob ${p.copy.sha256} re-hashes to ${p.sha256} in the blob store: run attest verify`,
      );
    return { copied: missing.length, bytes: missing.reduce((n, b) => n + b.size, 0) };
  }
  let copied = 0;
  let bytes = 0;
  const made: string[] = [];
  // Each blob's fsync starts as soon as it is verified, while the next ones stream (as between files).
  const syncs = new SyncQueue(PARALLEL);
  const streamed = eachLimit(missing, PARALLEL, async (b) => {
    const dst = blobPathIn(repo, b.sha256);
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
    made.push(tmp);
    syncs.add(tmp);
    copied++;
    bytes += b.size;
  });
  await streamed.catch(async (err) => {
    await syncs.drain().catch(() => {});
    for (const tmp of made) await rm(tmp, { force: true });
    throw err;
  });
  // As between files: the bytes durable first, then the names, then the directories.
  let renamed = 0;
  try {
    await syncs.drain();
    for (const tmp of made) {
      await rename(tmp, tmp.slice(0, -`.${process.pid}.tmp`.length));
      renamed++;
    }
  } finally {
    for (const tmp of made.slice(renamed)) await rm(tmp, { force: true });
  }
  await fsyncPaths([...new Set(made.map((t) => dirname(t)))]);
  return { copied, bytes };
}

/** heldIn names the files under a backup directory's `blobs/sha256/` folders (none yet: empty). */
async function heldIn(repo: string): Promise<Set<string>> {
  const root = join(repo, 'blobs', 'sha256');
  const held = new Set<string>();
  const folders = await readdir(root).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  await eachLimit(folders, 16, async (folder) => {
    const names = await readdir(join(root, folder)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOTDIR') return [] as string[];
      throw err;
    });
    for (const name of names) held.add(name);
  });
  return held;
}

class Mismatch extends Error {
  constructor(readonly actual: string) {
    super('blob mismatch');
  }
}

/**
 * restoreBlobs puts every blob of backup directory `repo` into `store`, each checked against its
 * name before it takes its place. With `write` false (another file of the backup is already
 * known damaged) it only hashes, so that every damaged blob is named. No blob takes its place
 * before `ready` resolves; if it rejects, none does and that error is thrown. Returns the problems found
 * and the blobs this call newly stored (so a failed restore can take them away again).
 */
export async function restoreBlobs(
  store: BlobStore,
  blobs: readonly BlobRef[],
  repo: string,
  write: boolean,
  ready: Promise<unknown> = Promise.resolve(),
): Promise<{ problems: string[]; created: string[] }> {
  if (store instanceof LocalBlobStore) {
    const r = await store.putFiles(
      blobs.map((b) => ({ path: blobPathIn(repo, b.sha256), sha256: b.sha256, size: b.size })),
      { write, ready },
    );
    return { problems: r.problems.map(describe).sort(), created: r.created };
  }
  if (write) await ready;
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

/** describe names a damaged blob file of a backup as the generic path does. */
function describe(p: CopyProblem): string {
  const rel = `blobs/sha256/${p.copy.sha256.slice(0, 2)}/${p.copy.sha256}`;
  return p.missing ? `${rel} is missing` : `${rel} re-hashes to ${p.sha256} (${p.size} bytes)`;
}
