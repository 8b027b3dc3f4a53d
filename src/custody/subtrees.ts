/**
 * subtrees.ts — RFC 6962 §2.1 proofs served from persisted complete-subtree hashes.
 *
 * The log stores, for every complete aligned subtree, its hash at (level, idx): the subtree of
 * 2^level leaves starting at leaf idx·2^level. Any range that occurs in the RFC's recursion
 * (MTH, PATH §2.1.1, SUBPROOF §2.1.2) is a left-to-right run of such subtrees, and its hash is
 * their right fold with the node hash. So a proof is planned first as a list of ranges (pure),
 * the O(log n) coordinates it needs are fetched in one read, and the hashes are folded.
 */
import { sha256 } from '../lib/hash.js';

/** RFC 6962 §2.1: node hash prefix. */
const NODE_PREFIX = Buffer.from([0x01]);

export interface Coord {
  readonly level: number;
  readonly idx: number;
}

/** [start, end) in leaf indices. */
export type Range = readonly [number, number];

export const coordKey = (c: Coord): string => `${c.level}:${c.idx}`;

function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/** largestPowerOfTwoBelow returns the largest power of two strictly smaller than n (n ≥ 2). */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** rangeSubtrees splits [a, b) into maximal aligned complete subtrees, left to right. */
export function rangeSubtrees([a, b]: Range): Coord[] {
  const out: Coord[] = [];
  let start = a;
  while (start < b) {
    let level = 0;
    while (start % 2 ** (level + 1) === 0 && start + 2 ** (level + 1) <= b) level++;
    out.push({ level, idx: start / 2 ** level });
    start += 2 ** level;
  }
  return out;
}

/** inclusionRanges plans PATH(m, D[0:n]) (RFC 6962 §2.1.1) as ranges, bottom-up. */
export function inclusionRanges(m: number, n: number): Range[] {
  const path: Range[] = [];
  let a = 0;
  let b = n;
  const stack: Range[] = [];
  while (b - a > 1) {
    const k = largestPowerOfTwoBelow(b - a);
    if (m < a + k) {
      stack.push([a + k, b]);
      b = a + k;
    } else {
      stack.push([a, a + k]);
      a = a + k;
    }
  }
  // The recursion appends on the way out: the deepest sibling comes first.
  while (stack.length) path.push(stack.pop()!);
  return path;
}

/** consistencyRanges plans PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) (RFC 6962 §2.1.2). */
export function consistencyRanges(m: number, n: number): Range[] {
  const stack: Range[] = [];
  let a = 0;
  let b = n;
  let rel = m;
  let complete = true;
  for (;;) {
    const size = b - a;
    if (rel === size) {
      if (!complete) stack.push([a, b]);
      break;
    }
    const k = largestPowerOfTwoBelow(size);
    if (rel <= k) {
      stack.push([a + k, b]);
      b = a + k;
    } else {
      stack.push([a, a + k]);
      a = a + k;
      rel -= k;
      complete = false;
    }
  }
  return stack.reverse();
}

/** coordsFor lists the distinct subtree coordinates the ranges need. */
export function coordsFor(ranges: readonly Range[]): Coord[] {
  const seen = new Map<string, Coord>();
  for (const r of ranges) for (const c of rangeSubtrees(r)) seen.set(coordKey(c), c);
  return [...seen.values()];
}

/** foldRange returns MTH of the range from its subtrees' hashes (looked up in `hashes`). */
export function foldRange(range: Range, hashes: ReadonlyMap<string, Buffer>): Buffer {
  const subs = rangeSubtrees(range).map((c) => {
    const h = hashes.get(coordKey(c));
    if (!h) throw new Error(`subtree ${coordKey(c)} not available`);
    return h;
  });
  let h = subs[subs.length - 1]!;
  for (let i = subs.length - 2; i >= 0; i--) h = hashChildren(subs[i]!, h);
  return h;
}

/**
 * appendToFrontier adds leaves after `size` existing ones. `frontier` holds the hashes of
 * rangeSubtrees([0, size)); it returns every subtree that becomes complete (the leaves
 * themselves at level 0 included), in creation order, and updates `frontier` in place.
 */
export function appendToFrontier(
  size: number,
  frontier: Map<string, Buffer>,
  leafHashes: readonly Buffer[],
): { level: number; idx: number; hash: Buffer }[] {
  const created: { level: number; idx: number; hash: Buffer }[] = [];
  for (let i = 0; i < leafHashes.length; i++) {
    let level = 0;
    let idx = size + i;
    let hash = leafHashes[i]!;
    created.push({ level, idx, hash });
    frontier.set(coordKey({ level, idx }), hash);
    while (idx % 2 === 1) {
      const leftKey = coordKey({ level, idx: idx - 1 });
      const left = frontier.get(leftKey);
      if (!left) throw new Error(`frontier is missing ${leftKey}`);
      frontier.delete(leftKey);
      frontier.delete(coordKey({ level, idx }));
      hash = hashChildren(left, hash);
      level++;
      idx = (idx - 1) / 2;
      created.push({ level, idx, hash });
      frontier.set(coordKey({ level, idx }), hash);
    }
  }
  return created;
}
