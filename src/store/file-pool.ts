/**
 * file-pool.ts — hashing (and copying) many files on every core: case packages (export and
 * verification, src/cases/package) and backups (verified-copy.ts). Node's stream hashing runs
 * on the event loop, one core, with a thread-pool round trip per 64 KiB–1 MiB read and write;
 * an export or a verification of 10,000 files spends most of its time in that traffic. Here a
 * few worker threads each run a tight synchronous loop per file — read 4 MiB, hash — which is
 * what `sha256sum` does, and several files go at once.
 *
 * A copy is made by the kernel (`fs.copyFileSync`: copy_file_range on Linux), then hashed from
 * the copy in the page cache, so the hash is of the bytes written. Reading each 4 MiB into this
 * thread and writing it back out cost three to four times the system CPU of the kernel copy
 * (measured for 500 MiB of 1 MiB blobs on the 2-core bench machine, 2026-12-04: 1.7–2.6 s
 * against 0.5–0.7 s of system time, the hashing the same); that loop remains where
 * /proc/self/fd is absent and for a file longer than the copy may be.
 *
 * The workers are plain JavaScript evaluated from a string (no loader, no file to find), and
 * they open what they read with O_NOFOLLOW: a package is untrusted input and a symbolic link
 * inside it must not make the verifier read a file outside the bag.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** FileHash is what a worker found: the SHA-256 and size, or why the file could not be read. */
export type FileHash =
  | { readonly sha256: string; readonly size: number }
  | { readonly error: 'missing' | 'not-a-file' | 'exists' | 'io'; readonly detail: string };

interface Settle {
  readonly resolve: (h: FileHash) => void;
  readonly reject: (e: Error) => void;
}

interface Job {
  readonly src: string;
  /** Also write the bytes here (a new file: never overwrite). */
  readonly dst?: string;
  /** The new file's permission bits (default 0o666, less the umask). */
  readonly mode?: number;
  /** Write no more than this many bytes (the file is wrong past them; it is still hashed whole). */
  readonly max?: number;
}

/** CopyOptions: how `hash` writes its copy. */
export interface CopyOptions {
  readonly mode?: number;
  readonly max?: number;
}

const WORKER_JS = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const buf = Buffer.allocUnsafe(4 << 20);
const READ = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW || 0);
// Linux names an open file descriptor at /proc/self/fd/N: the kernel copy reads exactly the file
// opened here with O_NOFOLLOW, not whatever its path names a moment later.
// Probed once by reopening a descriptor through it: a container may show /proc and refuse this.
let PROC_FD = false;
try {
  const probe = fs.openSync('/dev/null', 'r');
  try { fs.closeSync(fs.openSync('/proc/self/fd/' + probe, 'r')); PROC_FD = true; } finally { fs.closeSync(probe); }
} catch (e) {}
const UMASK = process.umask();
function hashFd(fd, h) {
  let size = 0;
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    if (n === 0) return size;
    h.update(buf.subarray(0, n));
    size += n;
  }
}
function run(src, dst, mode, max) {
  let st;
  try { st = fs.lstatSync(src); } catch (e) { return { error: 'missing', detail: e.code || 'ENOENT' }; }
  if (!st.isFile()) return { error: 'not-a-file', detail: st.isSymbolicLink() ? 'symbolic link' : 'not a file' };
  const h = createHash('sha256');
  let size = 0;
  const r = fs.openSync(src, READ);
  let w;
  try {
    if (dst !== undefined && PROC_FD && (max === undefined || fs.fstatSync(r).size <= max)) {
      // The kernel copies (copy_file_range: no pass through this thread's memory), then the
      // copy is hashed from the page cache: the hash is of the bytes that were written.
      // COPYFILE_EXCL: never over an existing file; a copy that fails part-way is removed by libuv.
      try { fs.copyFileSync('/proc/self/fd/' + r, dst, fs.constants.COPYFILE_EXCL); }
      catch (e) { if (e.code === 'EEXIST') return { error: 'exists', detail: 'EEXIST' }; throw e; }
      fs.chmodSync(dst, mode === undefined ? 0o666 & ~UMASK : mode);
      const d = fs.openSync(dst, fs.constants.O_RDONLY);
      try { size = hashFd(d, h); } finally { fs.closeSync(d); }
      return { sha256: h.digest('hex'), size };
    }
    if (dst !== undefined) {
      try { w = fs.openSync(dst, 'wx', mode === undefined ? 0o666 : mode); } catch (e) { return { error: e.code === 'EEXIST' ? 'exists' : 'io', detail: e.code || 'write' }; }
    }
    for (;;) {
      const n = fs.readSync(r, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      if (w !== undefined) {
        const end = max === undefined ? n : Math.max(0, Math.min(n, max - size));
        for (let off = 0; off < end; ) off += fs.writeSync(w, buf, off, end - off);
      }
      size += n;
    }
  } finally {
    fs.closeSync(r);
    if (w !== undefined) fs.closeSync(w);
  }
  return { sha256: h.digest('hex'), size };
}
parentPort.on('message', (m) => {
  let out;
  try { out = run(m.src, m.dst, m.mode, m.max); } catch (e) { out = { error: 'io', detail: String(e && e.code || 'read') }; }
  parentPort.postMessage({ id: m.id, out });
});
`;

/** WORKERS is how many files go at once: the cores, at most 4 (the disk is the next limit). */
export const WORKERS = Math.max(1, Math.min(4, availableParallelism()));

/** How many files each worker has queued at once: enough that it never waits for the next. */
const QUEUED_PER_WORKER = 4;

/** How many files a caller should keep asked for at once to keep every worker busy. */
export const IN_FLIGHT = WORKERS * QUEUED_PER_WORKER;

/**
 * FilePool hashes (and optionally copies) files on worker threads. Call `close` when done; a
 * pool holds its threads open until then.
 */
export class FilePool {
  readonly #workers: { readonly thread: Worker; queued: number }[] = [];
  readonly #waiting: { readonly job: Job; readonly settle: Settle }[] = [];
  readonly #pending = new Map<number, Settle>();
  #next = 0;
  #broken: Error | undefined;
  #closing = false;

  constructor(size = WORKERS) {
    for (let i = 0; i < size; i++) {
      // execArgv: [] — the workers need no loader (tsx) or flags of the parent.
      const thread = new Worker(WORKER_JS, { eval: true, execArgv: [] });
      const slot = { thread, queued: 0 };
      thread.on('message', (m: { id: number; out: FileHash }) => {
        const settle = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        slot.queued--;
        this.#feed();
        settle?.resolve(m.out);
      });
      // A worker that dies (out of memory…) fails everything asked of the pool: the export or
      // verification then fails with the reason instead of waiting forever.
      thread.on('error', (err) => this.#fail(err));
      thread.on('exit', () => this.#fail(new Error('a file worker stopped')));
      this.#workers.push(slot);
    }
  }

  /**
   * hash returns the SHA-256 and size of `src`; with `dst`, also writes the bytes there (a new
   * file; not synced: the caller syncs a batch at once).
   */
  hash(src: string, dst?: string, copy: CopyOptions = {}): Promise<FileHash> {
    if (this.#broken) return Promise.reject(this.#broken);
    return new Promise((resolve, reject) => {
      this.#waiting.push({
        job: { src, ...(dst === undefined ? {} : { dst, ...copy }) },
        settle: { resolve, reject },
      });
      this.#feed();
    });
  }

  /** feed hands waiting jobs to the least busy workers while any has room. */
  #feed(): void {
    while (this.#waiting.length > 0) {
      const slot = this.#workers.reduce((a, b) => (b.queued < a.queued ? b : a));
      if (slot.queued >= QUEUED_PER_WORKER) return;
      const { job, settle } = this.#waiting.shift()!;
      const id = this.#next++;
      this.#pending.set(id, settle);
      slot.queued++;
      slot.thread.postMessage({ id, ...job });
    }
  }

  #fail(err: Error): void {
    if (this.#closing) return;
    this.#broken ??= err;
    for (const p of this.#pending.values()) p.reject(err);
    for (const w of this.#waiting.splice(0)) w.settle.reject(err);
    this.#pending.clear();
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#workers.map((w) => w.thread.terminate()));
  }
}
