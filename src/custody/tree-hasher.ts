/**
 * tree-hasher.ts — verify's SHA-256 work on a second core. `attest verify` reads every entry of
 * the log out of the database and parses it on the main thread; the 2M SHA-256 of a 1M-entry
 * tree (a leaf hash per entry, a node hash per pair) were a third of its time on that same
 * thread. Here a worker thread receives each page of payloads as one transferred buffer,
 * recomputes the leaf hashes (RFC 6962 §2.1: SHA-256(0x00 || entry)), compares them with the
 * stored ones, and builds the levels of the tree (SHA-256(0x01 || left || right)) as pages
 * arrive, while the main thread reads and parses the next page.
 *
 * The worker is plain JavaScript evaluated from a string (no loader, no file to find), as in
 * src/store/file-pool.ts. It hashes with the same definitions as src/lib/merkle.ts; the custody
 * tests compare its levels with the stored tree and the RFC 6962 vectors' roots.
 */
import { Worker } from 'node:worker_threads';

/** Levels of a tree: levels[L] is the concatenation of its complete 32-byte subtree hashes. */
export interface TreeLevels {
  readonly levels: Buffer[];
  /** Positions (0-based, in reading order) whose stored leaf hash differs from the recomputed one. */
  readonly altered: number[];
}

const WORKER_JS = `
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const levels = [];   // Buffer per level, grown as needed
const counts = [];   // complete subtrees computed per level
const altered = [];
let leaves = 0;
const node = Buffer.alloc(65);
node[0] = 1;
function room(L, n) {
  const need = n * 32;
  if (levels[L] === undefined) { levels[L] = Buffer.allocUnsafe(Math.max(need, 32 * 1024)); counts[L] = 0; }
  else if (levels[L].length < need) {
    const next = Buffer.allocUnsafe(Math.max(need, levels[L].length * 2));
    levels[L].copy(next, 0, 0, counts[L] * 32);
    levels[L] = next;
  }
}
function climb() {
  for (let L = 0; counts[L] >= 2 * ((counts[L + 1] || 0) + 1); L++) {
    const below = levels[L];
    const want = counts[L] >> 1;
    room(L + 1, want);
    const up = levels[L + 1];
    for (let i = counts[L + 1]; i < want; i++) {
      below.copy(node, 1, i * 64, i * 64 + 64);
      hash('sha256', node, 'buffer').copy(up, i * 32);
    }
    counts[L + 1] = want;
  }
}
parentPort.on('message', (m) => {
  if (m.type === 'page') {
    const bytes = Buffer.from(m.bytes);
    const ends = new Uint32Array(m.ends);
    room(0, leaves + ends.length);
    const level0 = levels[0];
    const first = leaves;
    let from = 0;
    for (let i = 0; i < ends.length; i++) {
      hash('sha256', bytes.subarray(from, ends[i]), 'buffer').copy(level0, leaves * 32);
      from = ends[i];
      leaves++;
    }
    counts[0] = leaves;
    if (m.stored !== level0.toString('hex', first * 32, leaves * 32)) {
      for (let i = 0; i < ends.length; i++) {
        const at = (first + i) * 32;
        if (m.stored.slice(i * 64, i * 64 + 64) !== level0.toString('hex', at, at + 32)) altered.push(first + i);
      }
    }
    climb();
  } else if (m.type === 'finish') {
    const out = [];
    for (let L = 0; L < levels.length && counts[L] > 0; L++) {
      const exact = Buffer.allocUnsafeSlow(counts[L] * 32);
      levels[L].copy(exact, 0, 0, counts[L] * 32);
      out.push(exact.buffer);
    }
    parentPort.postMessage({ levels: out, altered }, out);
  }
});
`;

/**
 * TreeHasher hands pages of entries to a worker thread and, at `finish`, returns the tree they
 * make. Pages must be added in log order; one hasher serves one verification.
 */
export class TreeHasher {
  readonly #thread = new Worker(WORKER_JS, { eval: true, execArgv: [] });
  readonly #done: Promise<TreeLevels>;

  constructor() {
    this.#done = new Promise((resolve, reject) => {
      this.#thread.once('message', (m: { levels: ArrayBuffer[]; altered: number[] }) => {
        resolve({ levels: m.levels.map((b) => Buffer.from(b)), altered: m.altered });
        void this.#thread.terminate();
      });
      this.#thread.once('error', reject);
      this.#thread.once('exit', () => reject(new Error('the tree hashing worker stopped')));
    });
    // A failed verification that never calls finish must not keep the process alive.
    this.#thread.unref();
    this.#done.catch(() => undefined);
  }

  /**
   * addPage queues the payloads of consecutive entries and their stored leaf hashes (lowercase
   * hex, concatenated in the same order). Each payload is written once, behind its 0x00 leaf
   * prefix, into a buffer the worker then owns (transferred, not copied).
   */
  addPage(payloads: readonly string[], storedLeafHex: string): void {
    let capacity = 0;
    for (const p of payloads) capacity += 1 + p.length * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
    const bytes = Buffer.allocUnsafeSlow(capacity);
    const ends = new Uint32Array(payloads.length);
    let at = 0;
    payloads.forEach((p, i) => {
      bytes[at] = 0; // RFC 6962 §2.1: a leaf hash is SHA-256(0x00 || entry)
      at += 1 + bytes.write(p, at + 1, 'utf8');
      ends[i] = at;
    });
    this.#thread.postMessage(
      { type: 'page', bytes: bytes.buffer, ends: ends.buffer, stored: storedLeafHex },
      [bytes.buffer, ends.buffer],
    );
  }

  /** finish waits for the worker to hash everything queued and returns the levels. */
  finish(): Promise<TreeLevels> {
    this.#thread.ref();
    this.#thread.postMessage({ type: 'finish' });
    return this.#done;
  }

  /** abandon stops the worker (a verification that failed before finish). */
  abandon(): void {
    void this.#thread.terminate();
  }
}
