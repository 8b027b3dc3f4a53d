/**
 * merkle.ts — RFC 6962 §2.1 Merkle hash trees: leaf and node hashes, tree heads, inclusion and
 * consistency proofs generated from stored complete-subtree hashes, and their verifiers
 * (RFC 9162 §2.1.3.2 and §2.1.4.2, which state the RFC 6962 checks as algorithms).
 * Proven byte for byte by test/vectors/merkle.json (merkle.test.ts).
 *
 * Storage layout. A log stores the hash of every *complete* subtree: at (level L, index i) the
 * subtree of 2^L leaves covering [i·2^L, (i+1)·2^L); level 0 holds the leaf hashes. Hashes never
 * change once written. Every range that the RFC's recursion hashes (MTH, PATH §2.1.1, SUBPROOF
 * §2.1.2) is a run of such subtrees whose hash is their right fold with the node hash, so a proof
 * is planned first (pure arithmetic, `plan*`), its O(log n) coordinates are read in one call,
 * and the hashes are folded (`assembleProof`).
 *
 * Sizes and indices are JavaScript numbers below 2^53, so halving uses arithmetic, not the
 * 32-bit bitwise operators.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { AttestError } from './errors.js';

/** LEAF_PREFIX is the byte hashed before a leaf's data — RFC 6962 §2.1. */
export const LEAF_PREFIX = 0x00;
/** NODE_PREFIX is the byte hashed before two child hashes, so a leaf never poses as a node. */
export const NODE_PREFIX = 0x01;
/** HASH_SIZE is the length of a SHA-256 digest, the only hash RFC 6962 uses. */
export const HASH_SIZE = 32;
/** EMPTY_TREE_ROOT_HEX is MTH({}) = SHA-256("") — RFC 6962 §2.1. */
export const EMPTY_TREE_ROOT_HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const LEAF_PREFIX_BYTES = Buffer.from([LEAF_PREFIX]);
// One reusable 0x01 || left || right buffer: hashing it whole is a third faster than three
// updates, and JavaScript never interleaves two nodeHash calls.
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeInput[0] = NODE_PREFIX;

export type MerkleErrorCode = 'INVALID_TREE_RANGE' | 'INVALID_HASH';

/** MerkleError is thrown when proofs are *generated* with bad sizes or bad stored hashes. */
export class MerkleError extends AttestError<MerkleErrorCode> {}

// ---------------------------------------------------------------------------------------------
// Hashes — RFC 6962 §2.1

/** leafHash returns SHA-256(0x00 || data) — RFC 6962 §2.1. */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX_BYTES).update(data).digest();
}

/** nodeHash returns SHA-256(0x01 || left || right) — RFC 6962 §2.1. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new MerkleError('INVALID_HASH', 'child hashes must be 32 bytes');
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return oneShotHash('sha256', nodeInput, 'buffer');
}

/** emptyTreeRoot returns MTH of the empty tree, SHA-256("") — RFC 6962 §2.1. */
export function emptyTreeRoot(): Buffer {
  return Buffer.from(EMPTY_TREE_ROOT_HEX, 'hex');
}

/** rootFromLeafHashes returns MTH(D[n]) of the given leaf hashes — RFC 6962 §2.1. */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Buffer {
  const range = new CompactRange();
  for (const h of leafHashes) range.append(h);
  return range.root();
}

const isHash = (h: unknown): h is Uint8Array => h instanceof Uint8Array && h.length === HASH_SIZE;

// ---------------------------------------------------------------------------------------------
// Planning: which complete subtrees a tree head or proof needs (pure arithmetic)

/** SubtreeCoord names the complete subtree covering leaves [index·2^level, (index+1)·2^level). */
export interface SubtreeCoord {
  readonly level: number;
  readonly index: number;
}

/** StoredHash is a complete-subtree hash to persist. */
export interface StoredHash extends SubtreeCoord {
  readonly hash: Buffer;
}

/**
 * ProofPlan lists the complete subtrees to read, in order, and how they fold into the result:
 * element k of the result is the right fold of the next `runs[k]` hashes.
 */
export interface ProofPlan {
  readonly coords: readonly SubtreeCoord[];
  readonly runs: readonly number[];
}

/** floorLog2 returns ⌊log2 n⌋ for 1 ≤ n < 2^53, exactly (Math.log2 may round near 2^k). */
function floorLog2(n: number): number {
  let level = Math.floor(Math.log2(n));
  if (2 ** level > n) level--;
  else if (2 ** (level + 1) <= n) level++;
  return level;
}

/** splitPoint returns k, the largest power of two strictly below n ≥ 2 — RFC 6962 §2.1. */
function splitPoint(n: number): number {
  return 2 ** floorLog2(n - 1);
}

/**
 * pushSubtrees appends the complete subtrees that make up [start, end), left to right, and
 * returns how many. Ranges from the RFC recursion start at a multiple of a power of two at least
 * end - start, so they split along the binary digits of their width.
 */
function pushSubtrees(start: number, end: number, out: SubtreeCoord[]): number {
  let level = floorLog2(end - start);
  let width = 2 ** level;
  let at = start;
  let count = 0;
  while (at < end) {
    if (end - at >= width) {
      out.push({ level, index: at / width });
      at += width;
      count++;
    }
    level--;
    width /= 2;
  }
  return count;
}

/** planFromRanges turns ranges listed root-side first into a bottom-up plan. */
function planFromRanges(starts: number[], ends: number[]): ProofPlan {
  const coords: SubtreeCoord[] = [];
  const runs: number[] = [];
  for (let k = starts.length - 1; k >= 0; k--) runs.push(pushSubtrees(starts[k]!, ends[k]!, coords));
  return { coords, runs };
}

function checkSize(size: number, min: number): void {
  if (!Number.isSafeInteger(size) || size < min) {
    throw new MerkleError('INVALID_TREE_RANGE', `tree size ${size} is not an integer ≥ ${min}`);
  }
}

/** planTreeHead plans MTH(D[size]): one run over the right-edge subtrees (empty for size 0). */
export function planTreeHead(size: number): ProofPlan {
  checkSize(size, 0);
  if (size === 0) return { coords: [], runs: [] };
  const coords: SubtreeCoord[] = [];
  return { coords, runs: [pushSubtrees(0, size, coords)] };
}

/** planInclusionProof plans PATH(index, D[size]) — RFC 6962 §2.1.1 — bottom-up. */
export function planInclusionProof(index: number, size: number): ProofPlan {
  checkSize(size, 1);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new MerkleError('INVALID_TREE_RANGE', `index ${index} is not in a tree of ${size}`);
  }
  const starts: number[] = [];
  const ends: number[] = [];
  let a = 0;
  let b = size;
  while (b - a > 1) {
    const k = splitPoint(b - a);
    if (index < a + k) {
      // PATH(m, D[a:a+k]) : MTH(D[a+k:b])
      starts.push(a + k);
      ends.push(b);
      b = a + k;
    } else {
      // PATH(m - k, D[a+k:b]) : MTH(D[a:a+k])
      starts.push(a);
      ends.push(a + k);
      a += k;
    }
  }
  return planFromRanges(starts, ends);
}

/** planConsistencyProof plans PROOF(old, D[new]) = SUBPROOF(old, D[new], true) — RFC 6962 §2.1.2. */
export function planConsistencyProof(oldSize: number, newSize: number): ProofPlan {
  checkSize(oldSize, 1);
  checkSize(newSize, oldSize);
  const starts: number[] = [];
  const ends: number[] = [];
  let a = 0;
  let b = newSize;
  let m = oldSize;
  let complete = true;
  while (m !== b - a) {
    const k = splitPoint(b - a);
    if (m <= k) {
      // SUBPROOF(m, D[a:a+k], b) : MTH(D[a+k:b])
      starts.push(a + k);
      ends.push(b);
      b = a + k;
    } else {
      // SUBPROOF(m - k, D[a+k:b], false) : MTH(D[a:a+k])
      starts.push(a);
      ends.push(a + k);
      a += k;
      m -= k;
      complete = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}; with b = true the verifier already has that root.
  if (!complete) {
    starts.push(a);
    ends.push(b);
  }
  return planFromRanges(starts, ends);
}

/**
 * planAppend lists the stored hashes needed to append leaf number `size`: the left siblings it
 * completes, (0, size-1), (1, …), … for as long as the index is odd, lowest level first.
 */
export function planAppend(size: number): SubtreeCoord[] {
  checkSize(size, 0);
  const coords: SubtreeCoord[] = [];
  for (let level = 0, index = size; index % 2 === 1; level++, index = (index - 1) / 2) {
    coords.push({ level, index: index - 1 });
  }
  return coords;
}

// ---------------------------------------------------------------------------------------------
// Assembly: fold the hashes a plan read

/** foldRight returns node(h[start], node(…, h[end-1])), the MTH of adjacent subtrees. */
function foldRight(hashes: readonly Buffer[], start: number, end: number): Buffer {
  let acc = hashes[end - 1]!;
  for (let k = end - 2; k >= start; k--) acc = nodeHash(hashes[k]!, acc);
  return end - start === 1 ? Buffer.from(acc) : acc;
}

/**
 * assembleProof folds the hashes read for `plan` (same order as `plan.coords`) into its result:
 * the proof elements, or the one tree head. Elements are fresh buffers the caller may change.
 */
export function assembleProof(plan: ProofPlan, hashes: readonly Buffer[]): Buffer[] {
  if (hashes.length !== plan.coords.length || !hashes.every(isHash)) {
    throw new MerkleError('INVALID_HASH', `expected ${plan.coords.length} stored 32-byte hashes`);
  }
  const out: Buffer[] = [];
  let end = 0;
  for (const run of plan.runs) {
    const start = end;
    end += run;
    out.push(foldRight(hashes, start, end));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Generation through a reader of stored hashes (one read per call)

/** SubtreeHashReader is the storage a log needs: stored complete-subtree hashes, many at once. */
export interface SubtreeHashReader {
  /** getMany returns the hashes at `coords`, in the same order; a missing one is an error. */
  getMany(coords: readonly SubtreeCoord[]): readonly Buffer[] | Promise<readonly Buffer[]>;
}

async function readPlan(plan: ProofPlan, reader: SubtreeHashReader): Promise<Buffer[]> {
  return assembleProof(plan, plan.coords.length === 0 ? [] : await reader.getMany(plan.coords));
}

/** treeHead returns the root of the first `size` leaves from popcount(size) stored hashes. */
export async function treeHead(size: number, reader: SubtreeHashReader): Promise<Buffer> {
  const plan = planTreeHead(size);
  return size === 0 ? emptyTreeRoot() : (await readPlan(plan, reader))[0]!;
}

/** inclusionProof returns the audit path for entry `index` in a tree of `size` entries. */
export function inclusionProof(index: number, size: number, reader: SubtreeHashReader): Promise<Buffer[]> {
  return readPlan(planInclusionProof(index, size), reader);
}

/** consistencyProof returns the proof that the tree of `oldSize` is a prefix of that of `newSize`. */
export function consistencyProof(
  oldSize: number,
  newSize: number,
  reader: SubtreeHashReader,
): Promise<Buffer[]> {
  return readPlan(planConsistencyProof(oldSize, newSize), reader);
}

/**
 * newSubtreeHashes returns the hashes to store when leaf number `size` (0-based) is appended:
 * the leaf at level 0, then each parent that becomes complete while the index is odd.
 */
export async function newSubtreeHashes(
  size: number,
  leaf: Uint8Array,
  reader: SubtreeHashReader,
): Promise<StoredHash[]> {
  const coords = planAppend(size);
  const siblings = coords.length === 0 ? [] : await reader.getMany(coords);
  if (siblings.length !== coords.length || !siblings.every(isHash) || !isHash(leaf)) {
    throw new MerkleError('INVALID_HASH', 'stored or leaf hash is not 32 bytes');
  }
  let hash: Buffer = Buffer.from(leaf);
  let index = size;
  const out: StoredHash[] = [{ level: 0, index, hash }];
  for (let level = 0; level < siblings.length; level++) {
    hash = nodeHash(siblings[level]!, hash);
    index = (index - 1) / 2;
    out.push({ level: level + 1, index, hash });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CompactRange: the right edge of a tree, kept in memory by an appender

/**
 * CompactRange holds the right-edge complete subtrees of a tree (one per set bit of its size,
 * largest first): enough to append leaves and compute the root without reading storage.
 */
export class CompactRange {
  #size: number;
  readonly #edge: Buffer[];

  /** The range of an empty tree, or of a tree of `size` whose right edge is `edge` (planTreeHead order). */
  constructor(size = 0, edge: readonly Buffer[] = []) {
    checkSize(size, 0);
    const want = planTreeHead(size).coords.length;
    if (edge.length !== want || !edge.every(isHash)) {
      throw new MerkleError('INVALID_HASH', `a tree of ${size} needs ${want} right-edge hashes`);
    }
    this.#size = size;
    this.#edge = edge.map((h) => Buffer.from(h));
  }

  /** load builds the range of the first `size` leaves from stored hashes in one read. */
  static async load(size: number, reader: SubtreeHashReader): Promise<CompactRange> {
    const coords = planTreeHead(size).coords;
    return new CompactRange(size, coords.length === 0 ? [] : await reader.getMany(coords));
  }

  /** size is the number of leaves so far. */
  get size(): number {
    return this.#size;
  }

  /** append adds a leaf hash and returns the stored hashes that became complete, leaf first. */
  append(leaf: Uint8Array): StoredHash[] {
    if (!isHash(leaf)) throw new MerkleError('INVALID_HASH', 'leaf hash must be 32 bytes');
    let hash: Buffer = Buffer.from(leaf);
    let index = this.#size;
    let level = 0;
    const out: StoredHash[] = [{ level, index, hash }];
    while (index % 2 === 1) {
      hash = nodeHash(this.#edge.pop()!, hash);
      index = (index - 1) / 2;
      level++;
      out.push({ level, index, hash });
    }
    this.#edge.push(hash);
    this.#size++;
    return out;
  }

  /** root returns MTH of the leaves so far (SHA-256("") when there are none). */
  root(): Buffer {
    if (this.#size === 0) return emptyTreeRoot();
    return foldRight(this.#edge, 0, this.#edge.length);
  }
}

// ---------------------------------------------------------------------------------------------
// MemoryTree: every stored hash in memory, for tests and offline verifiers

/** MemoryTree is a log held in memory; it is its own SubtreeHashReader. */
export class MemoryTree implements SubtreeHashReader {
  readonly #levels: Buffer[][] = [];
  readonly #range = new CompactRange();

  /** fromLeafHashes builds a tree from leaf hashes (not data). */
  static fromLeafHashes(leafHashes: readonly Uint8Array[]): MemoryTree {
    const tree = new MemoryTree();
    for (const h of leafHashes) tree.appendLeafHash(h);
    return tree;
  }

  /** size is the number of leaves so far. */
  get size(): number {
    return this.#range.size;
  }

  /** append adds an entry's data and returns its index. */
  append(data: Uint8Array): number {
    return this.appendLeafHash(leafHash(data));
  }

  /** appendLeafHash adds a leaf by its hash and returns its index. */
  appendLeafHash(leaf: Uint8Array): number {
    for (const s of this.#range.append(leaf)) {
      const level = this.#levels[s.level] ?? [];
      this.#levels[s.level] = level;
      level[s.index] = s.hash;
    }
    return this.size - 1;
  }

  /** getMany returns the stored buffers themselves (callers must not modify them). */
  getMany(coords: readonly SubtreeCoord[]): Buffer[] {
    return coords.map(({ level, index }) => {
      const h = this.#levels[level]?.[index];
      if (!h) throw new MerkleError('INVALID_HASH', `no stored hash at level ${level}, index ${index}`);
      return h;
    });
  }

  /** root returns the tree head at `size` (default: the whole tree). */
  root(size = this.size): Buffer {
    this.#checkWithin(size);
    return size === 0 ? emptyTreeRoot() : this.#run(planTreeHead(size))[0]!;
  }

  /** inclusionProof returns the audit path for entry `index` in the tree of `size` entries. */
  inclusionProof(index: number, size = this.size): Buffer[] {
    this.#checkWithin(size);
    return this.#run(planInclusionProof(index, size));
  }

  /** consistencyProof returns the proof from the tree of `oldSize` to that of `newSize`. */
  consistencyProof(oldSize: number, newSize = this.size): Buffer[] {
    this.#checkWithin(newSize);
    return this.#run(planConsistencyProof(oldSize, newSize));
  }

  #run(plan: ProofPlan): Buffer[] {
    return assembleProof(plan, this.getMany(plan.coords));
  }

  #checkWithin(size: number): void {
    if (size > this.size)
      throw new MerkleError('INVALID_TREE_RANGE', `the tree has only ${this.size} leaves`);
  }
}

// ---------------------------------------------------------------------------------------------
// Verification — RFC 9162 §2.1.3.2 and §2.1.4.2. All inputs are attacker-controlled: anything
// malformed (wrong types, lengths, sizes, proof lengths) yields false, never a throw.

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);
/** MAX_PROOF bounds proof lengths before any hashing: sizes are below 2^53. */
const MAX_PROOF = 2 * 53;

function isProof(proof: unknown): proof is readonly Uint8Array[] {
  return Array.isArray(proof) && proof.length <= MAX_PROOF && proof.every(isHash);
}

/**
 * verifyInclusion tells whether `proof` shows that `leaf` (a leaf hash) is entry `index` of the
 * tree of `size` entries whose root is `root` — RFC 9162 §2.1.3.2.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!isHash(leaf) || !isHash(root) || !isProof(proof)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(r).equals(root);
}

/**
 * verifyConsistency tells whether `proof` shows that the tree of `oldSize` entries with root
 * `oldRoot` is a prefix of the tree of `newSize` entries with root `newRoot` — RFC 9162
 * §2.1.4.2. Sizes must satisfy 1 ≤ old ≤ new; equal sizes need an empty proof and equal roots.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize)) return false;
  if (oldSize < 1 || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !isProof(proof)) return false;
  if (oldSize === newSize) return proof.length === 0 && Buffer.from(oldRoot).equals(newRoot);
  if (proof.length === 0) return false;
  // When old is a power of two its root is a node of the new tree and is not sent: prepend it.
  const path = 2 ** floorLog2(oldSize) === oldSize ? [oldRoot, ...proof] : proof;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (let k = 1; k < path.length; k++) {
    const c = path[k]!;
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(fr).equals(oldRoot) && Buffer.from(sr).equals(newRoot);
}
