import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sha256 } from '../lib/hash.js';
import {
  appendToFrontier,
  type Coord,
  consistencyRanges,
  coordKey,
  coordsFor,
  foldRange,
  inclusionRanges,
  rangeSubtrees,
} from './subtrees.js';

interface Vectors {
  leaves: { dataHex: string; leafHash: string }[];
  roots: { size: number; root: string }[];
  inclusion: { index: number; size: number; proof: string[] }[];
  consistency: { old: number; new: number; proof: string[] }[];
}
const vectors: Vectors = JSON.parse(
  readFileSync(new URL('../../../shared/vectors/merkle.json', import.meta.url), 'utf8'),
);

/** Builds every stored subtree hash for the vector leaves, as the log does on append. */
function buildStore(): { store: Map<string, Buffer>; reads: Coord[][] } {
  const store = new Map<string, Buffer>();
  const frontier = new Map<string, Buffer>();
  vectors.leaves.forEach((leaf, i) => {
    const leafHash = sha256(Buffer.from([0]), Buffer.from(leaf.dataHex, 'hex'));
    assert.equal(leafHash.toString('hex'), leaf.leafHash);
    for (const n of appendToFrontier(i, frontier, [leafHash])) store.set(coordKey(n), n.hash);
  });
  return { store, reads: [] };
}

describe('stored-subtree proofs (RFC 6962 §2.1) against shared/vectors/merkle.json', () => {
  const { store } = buildStore();
  const hex = (b: Buffer) => b.toString('hex');

  it('reproduces every root', () => {
    for (const r of vectors.roots)
      assert.equal(hex(foldRange([0, r.size], store)), r.root, `root(${r.size})`);
  });

  it('reproduces every inclusion proof', () => {
    for (const v of vectors.inclusion) {
      const proof = inclusionRanges(v.index, v.size).map((r) => hex(foldRange(r, store)));
      assert.deepEqual(proof, v.proof, `inclusion(${v.index}, ${v.size})`);
    }
  });

  it('reproduces every consistency proof', () => {
    for (const v of vectors.consistency) {
      const proof = consistencyRanges(v.old, v.new).map((r) => hex(foldRange(r, store)));
      assert.deepEqual(proof, v.proof, `consistency(${v.old}, ${v.new})`);
    }
  });

  it('needs O(log n) subtree reads per proof', () => {
    for (const n of [1, 7, 64, 65, 1_000_000, 2 ** 40 + 12345]) {
      const bound = 2 * Math.ceil(Math.log2(n + 1)) + 2;
      for (const m of [0, Math.floor(n / 2), n - 1]) {
        const reads = coordsFor(inclusionRanges(m, n)).length;
        assert.ok(reads <= bound, `inclusion(${m}, ${n}) reads ${reads}, want ≤ ${bound}`);
      }
      const reads = coordsFor(consistencyRanges(Math.max(1, Math.floor(n / 3)), n)).length;
      assert.ok(reads <= bound, `consistency reads ${reads}, want ≤ ${bound}`);
    }
  });

  it('splits ranges into aligned complete subtrees', () => {
    assert.deepEqual(rangeSubtrees([0, 13]), [
      { level: 3, idx: 0 },
      { level: 2, idx: 2 },
      { level: 0, idx: 12 },
    ]);
  });
});
