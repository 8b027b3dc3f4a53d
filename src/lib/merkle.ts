/**
 * merkle.ts — RFC 6962 §2.1 Merkle hash trees: leaf and node hashes, the tree head, and the
 * verifiers of inclusion and consistency proofs (RFC 9162 §2.1.3.2 and §2.1.4.2, which state
 * the RFC 6962 checks as algorithms). Proof *generation* from persisted subtree hashes lives in
 * src/custody/subtrees.ts. Proven byte for byte by shared/vectors/merkle.json (merkle.test.ts).
 *
 * Sizes and indices are JavaScript numbers below 2^53, so halving uses arithmetic, not the
 * 32-bit bitwise operators.
 */
import { sha256 } from './hash.js';

/** RFC 6962 §2.1: leaves are hashed with a 0x00 prefix… */
export const LEAF_PREFIX = Buffer.from([0x00]);
/** …and interior nodes with 0x01, so a leaf can never pose as a node. */
export const NODE_PREFIX = Buffer.from([0x01]);
const HASH_BYTES = 32;

/** leafHash returns SHA-256(0x00 || data) — RFC 6962 §2.1. */
export function leafHash(data: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, data);
}

/** nodeHash returns SHA-256(0x01 || left || right) — RFC 6962 §2.1. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/** rootFromLeafHashes returns MTH(D[n]) — RFC 6962 §2.1; the empty tree hashes to SHA-256(""). */
export function rootFromLeafHashes(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return sha256();
  let level: Buffer[] = leaves.map((l) => Buffer.from(l));
  // Pairing left to right and carrying an odd last node up unchanged yields exactly MTH's
  // split at the largest power of two below n.
  while (level.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) up.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) up.push(level[level.length - 1]!);
    level = up;
  }
  return level[0]!;
}

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);
const validHashes = (proof: readonly Uint8Array[]) => proof.every((p) => p.length === HASH_BYTES);

/**
 * verifyInclusion tells whether `proof` shows that `leaf` is entry `index` of the tree of `size`
 * entries whose root is `root` (RFC 9162 §2.1.3.2). Malformed input yields false, never a throw.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (leaf.length !== HASH_BYTES || root.length !== HASH_BYTES || !validHashes(proof) || proof.length > 64)
    return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/**
 * verifyConsistency tells whether `proof` shows that the tree of `oldSize` entries with root
 * `oldRoot` is a prefix of the tree of `newSize` entries with root `newRoot`
 * (RFC 9162 §2.1.4.2). Sizes must satisfy 1 ≤ old ≤ new; equal sizes need an empty proof.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 1 || oldSize > newSize)
    return false;
  if (
    oldRoot.length !== HASH_BYTES ||
    newRoot.length !== HASH_BYTES ||
    !validHashes(proof) ||
    proof.length > 128
  )
    return false;
  if (oldSize === newSize) return proof.length === 0 && Buffer.from(oldRoot).equals(newRoot);
  if (proof.length === 0) return false;
  // When old is a power of two its root is a node of the new tree and is not sent.
  const path = Number.isInteger(Math.log2(oldSize)) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}
