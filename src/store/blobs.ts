/**
 * blobs.ts — the content-addressed blob store. Bytes stream in, are hashed (SHA-256) while they
 * are written to a temp file, fsynced, and atomically renamed to a path derived from the hash,
 * so a blob is either wholly present under its name or absent. Identical content is stored once.
 * Layout: `sha256/ab/<hash>`, 256 shard directories as in git's object store; they are made
 * once at init so a put never needs a mkdir.
 * Blobs are immutable (DESIGN.md rule 1). `BlobStore` is the seam: `S3BlobStore`
 * (s3-blob-store.ts) implements it on an object store, blob-location.ts chooses, and
 * blob-store-contract.ts is the suite both pass.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSha256Hex } from '../lib/hash.js';
import { StoreError } from './errors.js';
import { type CopyProblem, copyVerified, eachLimit, type VerifiedCopy } from './verified-copy.js';

/** How many leading bytes `put` keeps for media-type sniffing. */
export const SNIFF_BYTES = 4100;

export interface PutOptions {
  /** Reject (and keep nothing) once more than this many bytes arrive. */
  readonly maxBytes?: number;
  /** Called with the running byte count, for progress bars. */
  readonly onProgress?: (bytes: number) => void;
  readonly signal?: AbortSignal;
  /**
   * Leave the directory entry's fsync to a later `flush()` (batch ingest: one fsync per shard
   * directory per batch instead of one per blob). The caller must flush before recording it.
   */
  readonly deferDirSync?: boolean;
  /**
   * Wraps the moment the bytes take their place under their hash (renamed from the temp file, or
   * found already stored): the vault holds the hash in the same transaction, so that a blob is
   * never both in place and unprotected while its item is being recorded (src/vault/staging.ts).
   */
  readonly guard?: PutGuard;
}

/** PutGuard runs `place` (which returns whether the bytes were newly stored) and returns its result. */
export type PutGuard = (sha256: string, place: () => Promise<boolean>) => Promise<boolean>;

export interface PutResult {
  readonly sha256: string;
  readonly size: number;
  /** The first SNIFF_BYTES bytes, for sniffing the media type from content. */
  readonly head: Buffer;
  /** False when identical content was already stored. */
  readonly created: boolean;
}

export interface ByteRange {
  /** First byte, inclusive. */
  readonly start: number;
  /** Last byte, inclusive. */
  readonly end: number;
}

export interface BlobVerification {
  readonly sha256: string;
  readonly status: 'ok' | 'missing' | 'corrupt';
  readonly actualSha256?: string;
  readonly actualSize?: number;
}

export interface BlobStore {
  /** put stores a stream, or a whole buffer (the fast path for small files). */
  put(source: AsyncIterable<Uint8Array> | Readable | Uint8Array, options?: PutOptions): Promise<PutResult>;
  get(sha256: string, range?: ByteRange): Readable;
  has(sha256: string): Promise<boolean>;
  /** The stored size in bytes, or undefined when absent. */
  size(sha256: string): Promise<number | undefined>;
  /** verify re-hashes the stored bytes and compares them with the name. */
  verify(sha256: string): Promise<BlobVerification>;
  /** list yields every stored hash (for orphan checks). */
  list(): AsyncIterable<string>;
  /**
   * remove deletes the blob's bytes; it returns false when they were not there. Only the vault's
   * garbage rule calls it (blobs are immutable while anything names them).
   */
  remove(sha256: string): Promise<boolean>;
  /** flush makes every deferred put durable. */
  flush(): Promise<void>;
  /**
   * Scratch space for the parts of unfinished resumable uploads (src/vault/resumable.ts): bytes
   * kept as `uploads/<upload id>/<part>`, outside the content-addressed blobs and never listed
   * with them, shared by every process that shares the store (an upload begun on one server
   * resumes on another). A part is whole or absent once `putUploadPart` returns its size.
   */
  putUploadPart(uploadId: string, part: string, source: AsyncIterable<Uint8Array>): Promise<number>;
  getUploadPart(uploadId: string, part: string): Readable;
  /** removeUploadParts removes one part, or every part of the upload; nothing there is no error. */
  removeUploadParts(uploadId: string, part?: string): Promise<void>;
}

const UPLOAD_ID = /^[0-9a-f]{32}$/;
const PART = /^[0-9a-f]{16}$/;

/** checkPartName refuses anything but an upload id and a part name as resumable.ts makes them. */
export function checkPartName(uploadId: string, part?: string): void {
  if (!UPLOAD_ID.test(uploadId) || (part !== undefined && !PART.test(part)))
    throw new Error('not an upload part name');
}

/** BlobTooLargeError: a put received more than its `maxBytes`; nothing was stored. */
export class BlobTooLargeError extends StoreError {
  constructor(readonly maxBytes: number) {
    super('BLOB_TOO_LARGE', `content exceeds the limit of ${maxBytes} bytes`, { maxBytes });
  }
}

/** LocalBlobStore keeps blobs as files under `root/sha256/ab/<hash>`. */
export class LocalBlobStore implements BlobStore {
  readonly #root: string;
  readonly #tmp: string;
  readonly #unsyncedDirs = new Set<string>();

  constructor(root: string) {
    this.#root = root;
    this.#tmp = join(root, 'tmp');
  }

  /**
   * init creates the directories and removes temp files that no live write can own: those of
   * dead processes that ran where this one runs, and any (another host's included, when hosts
   * share the directory over NFS) untouched for STALE_TEMP_MS. See removeDeadTemporaries.
   */
  async init(): Promise<void> {
    await mkdir(this.#tmp, { recursive: true, mode: 0o700 });
    for (let i = 0; i < 256; i++) {
      await mkdir(join(this.#root, 'sha256', i.toString(16).padStart(2, '0')), {
        recursive: true,
        mode: 0o700,
      });
    }
    await this.removeDeadTemporaries();
  }

  /**
   * removeDeadTemporaries deletes the temp files under `tmp/` that no live write can own, and
   * returns how many. A temp file is named `<process space>-<pid>-<random>` (#tmpPath): a pid
   * says whether its writer lives only inside the process space that made it — the same kernel
   * boot and pid namespace (tempOwnerSpace) — so another host's or container's file is never
   * judged by a local pid, which may be free here while the writer works there (a directory
   * shared over NFS). Such files, and names of any other form, go only once their mtime is older
   * than STALE_TEMP_MS: a write in progress touches its file as bytes arrive.
   */
  async removeDeadTemporaries(now: number = Date.now()): Promise<number> {
    const ours = tempOwnerSpace();
    let removed = 0;
    for (const name of await readdir(this.#tmp)) {
      const path = join(this.#tmp, name);
      const m = /^([0-9a-f]{12})-([1-9][0-9]{0,9})-[0-9a-f]{16}$/.exec(name);
      let dead = m !== null && m[1] === ours && !isAlive(Number(m[2]));
      if (!dead) {
        const mtime = await stat(path).then(
          (st) => st.mtimeMs,
          () => undefined, // removed meanwhile (by its writer, or another host's init)
        );
        dead = mtime !== undefined && now - mtime > STALE_TEMP_MS;
      }
      if (dead) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  pathOf(sha256: string): string {
    if (!isSha256Hex(sha256)) throw new Error('not a SHA-256 hex digest');
    return join(this.#root, 'sha256', sha256.slice(0, 2), sha256);
  }

  async put(
    source: AsyncIterable<Uint8Array> | Readable | Uint8Array,
    options: PutOptions = {},
  ): Promise<PutResult> {
    if (source instanceof Uint8Array) return this.#putBytes(source, options);
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headBytes = 0;
    let size = 0;
    const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    const onProgress = options.onProgress;
    // The temp file is opened here so that on failure it certainly exists and is closed
    // before it is removed; chunks are written as they are hashed (awaiting each write is the
    // back-pressure).
    const tmpPath = this.#tmpPath();
    const fh = await open(tmpPath, 'wx', 0o400);
    try {
      for await (const chunk of source as AsyncIterable<Uint8Array>) {
        options.signal?.throwIfAborted();
        size += chunk.length;
        if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
        hash.update(chunk);
        if (headBytes < SNIFF_BYTES) {
          const take = chunk.subarray(0, SNIFF_BYTES - headBytes);
          head.push(Buffer.from(take));
          headBytes += take.length;
        }
        await fh.write(chunk);
        onProgress?.(size);
      }
      await fh.sync();
      await fh.close();
      return await this.#commit(tmpPath, hash.digest('hex'), size, Buffer.concat(head), options);
    } catch (err) {
      await fh.close().catch(() => {});
      await rm(tmpPath, { force: true });
      throw err;
    }
  }

  async #putBytes(bytes: Uint8Array, options: PutOptions): Promise<PutResult> {
    const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    if (bytes.length > maxBytes) throw new BlobTooLargeError(maxBytes);
    const tmpPath = this.#tmpPath();
    try {
      const fh = await open(tmpPath, 'wx', 0o400);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      options.onProgress?.(bytes.length);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const head = Buffer.from(bytes.subarray(0, SNIFF_BYTES));
      return await this.#commit(tmpPath, sha256, bytes.length, head, options);
    } catch (err) {
      await rm(tmpPath, { force: true });
      throw err;
    }
  }

  #tmpPath(): string {
    return join(this.#tmp, `${tempOwnerSpace()}-${process.pid}-${randomBytes(8).toString('hex')}`);
  }

  /** #commit moves a synced temp file to its content address (or drops it when already held). */
  async #commit(
    tmpPath: string,
    sha256: string,
    size: number,
    head: Buffer,
    options: PutOptions,
  ): Promise<PutResult> {
    const place = async (): Promise<boolean> => {
      const existing = await this.size(sha256);
      if (existing === size) {
        await rm(tmpPath, { force: true });
        return false;
      }
      const dir = join(this.#root, 'sha256', sha256.slice(0, 2));
      await rename(tmpPath, this.pathOf(sha256));
      // The rename is durable only once the directory entry is on disk.
      if (options.deferDirSync) this.#unsyncedDirs.add(dir);
      else await fsyncPath(dir);
      return true;
    };
    const created = options.guard ? await options.guard(sha256, place) : await place();
    return { sha256, size, head, created };
  }

  /**
   * putFiles stores many files whose hashes are known beforehand (a restore): each is hashed as
   * it is copied and placed only if it matches, with one fsync phase for the batch
   * (verified-copy.ts). A blob already held is not written again, but its file is still
   * verified. With `write` false nothing is stored and every file is only verified. Nothing is
   * placed when any file has a problem, nor before `ready` resolves (if it rejects, nothing is,
   * and the copying stops early). Returns the blobs newly stored, and the problems.
   */
  async putFiles(
    files: readonly { readonly path: string; readonly sha256: string; readonly size: number }[],
    { write = true, ready }: { write?: boolean; ready?: Promise<unknown> } = {},
  ): Promise<{ created: string[]; problems: CopyProblem[] }> {
    const copies: VerifiedCopy[] = [];
    await eachLimit(files, 16, async (f) => {
      const held = write && (await this.size(f.sha256)) === f.size;
      const to = write && !held ? { path: this.pathOf(f.sha256), tmp: this.#tmpPath() } : undefined;
      copies.push({ from: f.path, sha256: f.sha256, size: f.size, ...(to ? { to } : {}) });
    });
    const { placed, problems } = await copyVerified(copies, {
      mode: 0o400,
      allOrNothing: true,
      ...(ready ? { ready } : {}),
    });
    return { created: placed.map((c) => c.sha256), problems: [...problems] };
  }

  async flush(): Promise<void> {
    const dirs = [...this.#unsyncedDirs];
    this.#unsyncedDirs.clear();
    await Promise.all(dirs.map(fsyncPath));
  }

  get(sha256: string, range?: ByteRange): Readable {
    const opts = range ? { start: range.start, end: range.end } : {};
    return createReadStream(this.pathOf(sha256), { ...opts, highWaterMark: 1 << 20 });
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== undefined;
  }

  async size(sha256: string): Promise<number | undefined> {
    try {
      const s = await stat(this.pathOf(sha256));
      return s.isFile() ? s.size : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async verify(sha256: string): Promise<BlobVerification> {
    const size = await this.size(sha256);
    if (size === undefined) return { sha256, status: 'missing' };
    const hash = createHash('sha256');
    await pipeline(this.get(sha256), async (chunks: AsyncIterable<Buffer>) => {
      for await (const c of chunks) hash.update(c);
    });
    const actual = hash.digest('hex');
    return actual === sha256
      ? { sha256, status: 'ok', actualSize: size }
      : { sha256, status: 'corrupt', actualSha256: actual, actualSize: size };
  }

  async remove(sha256: string): Promise<boolean> {
    const path = this.pathOf(sha256);
    try {
      await rm(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    await fsyncPath(join(this.#root, 'sha256', sha256.slice(0, 2)));
    return true;
  }

  #partPath(uploadId: string, part?: string): string {
    checkPartName(uploadId, part);
    return part === undefined
      ? join(this.#root, 'uploads', uploadId)
      : join(this.#root, 'uploads', uploadId, part);
  }

  async putUploadPart(uploadId: string, part: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    const target = this.#partPath(uploadId, part);
    // Written beside the blobs' temporaries (init removes those no live write owns), then renamed.
    const tmpPath = this.#tmpPath();
    const fh = await open(tmpPath, 'wx', 0o600);
    let size = 0;
    try {
      for await (const chunk of source) {
        await fh.write(chunk);
        size += chunk.length;
      }
      await fh.sync();
      await fh.close();
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await rename(tmpPath, target);
      await fsyncPath(dirname(target));
      return size;
    } catch (err) {
      await fh.close().catch(() => {});
      await rm(tmpPath, { force: true });
      throw err;
    }
  }

  getUploadPart(uploadId: string, part: string): Readable {
    return createReadStream(this.#partPath(uploadId, part), { highWaterMark: 1 << 20 });
  }

  async removeUploadParts(uploadId: string, part?: string): Promise<void> {
    await rm(this.#partPath(uploadId, part), { recursive: true, force: true });
  }

  async *list(): AsyncIterable<string> {
    const base = join(this.#root, 'sha256');
    for (const shard of await safeReaddir(base)) {
      // Only files named as a blob in the shard their hash belongs to: anything else is not ours.
      for (const name of await safeReaddir(join(base, shard)))
        if (isSha256Hex(name) && name.startsWith(shard)) yield name;
    }
  }
}

async function safeReaddir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * STALE_TEMP_MS: a temp file untouched this long belongs to no live write, whoever made it (a put
 * writes as its bytes arrive; a request stalled a day has long lost its client). The S3 store
 * drops its temporaries after the same day (TMP_MAX_AGE_MS).
 */
export const STALE_TEMP_MS = 24 * 3600 * 1000;

let ownerSpace: string | undefined;

/**
 * tempOwnerSpace names the space in which this process's pid means this process: the host name,
 * the kernel's boot id (two machines, or one machine before and after a reboot, differ) and the
 * pid namespace (containers on one kernel differ), hashed to 12 hex digits. Where /proc is
 * missing (not Linux), the host name alone.
 */
export function tempOwnerSpace(): string {
  if (ownerSpace === undefined) {
    const read = (f: () => string) => {
      try {
        return f().trim();
      } catch {
        return '';
      }
    };
    const parts = [
      hostname(),
      read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
      read(() => readlinkSync('/proc/self/ns/pid')),
    ];
    ownerSpace = createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 12);
  }
  return ownerSpace;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
