import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { leafHash, rootFromLeafHashes, verifyConsistency, verifyInclusion } from './merkle.js';

interface Vectors {
  emptyTreeRoot: string;
  leaves: { dataHex: string; leafHash: string }[];
  roots: { size: number; root: string; rootBase64: string }[];
  inclusion: { index: number; size: number; leafHash: string; root: string; proof: string[] }[];
  consistency: { old: number; new: number; oldRoot: string; newRoot: string; proof: string[] }[];
  invalidInclusion: Vectors['inclusion'][number][] & { description: string }[];
  invalidConsistency: (Vectors['consistency'][number] & { description: string })[];
}
const v: Vectors = JSON.parse(
  readFileSync(new URL('../../../shared/vectors/merkle.json', import.meta.url), 'utf8'),
);
const h = (s: string) => Buffer.from(s, 'hex');
const leafHashes = v.leaves.map((l) => leafHash(h(l.dataHex)));

describe('merkle (RFC 6962 §2.1) against shared/vectors/merkle.json', () => {
  it('reproduces every leaf hash', () => {
    v.leaves.forEach((l, i) => {
      assert.equal(leafHashes[i]!.toString('hex'), l.leafHash, `leaf ${i}`);
    });
  });

  it('reproduces every root and the empty-tree root', () => {
    assert.equal(rootFromLeafHashes([]).toString('hex'), v.emptyTreeRoot);
    for (const r of v.roots) {
      const root = rootFromLeafHashes(leafHashes.slice(0, r.size));
      assert.equal(root.toString('hex'), r.root, `root(${r.size})`);
      assert.equal(root.toString('base64'), r.rootBase64);
    }
  });

  it('accepts every valid inclusion proof', () => {
    for (const c of v.inclusion) {
      assert.ok(
        verifyInclusion(h(c.leafHash), c.index, c.size, c.proof.map(h), h(c.root)),
        `inclusion(${c.index}, ${c.size})`,
      );
    }
  });

  it('rejects every invalid inclusion case', () => {
    for (const c of v.invalidInclusion as unknown as (Vectors['inclusion'][number] & {
      description: string;
    })[]) {
      assert.equal(
        verifyInclusion(h(c.leafHash), c.index, c.size, c.proof.map(h), h(c.root)),
        false,
        c.description,
      );
    }
  });

  it('accepts every valid consistency proof', () => {
    for (const c of v.consistency) {
      assert.ok(
        verifyConsistency(c.old, c.new, h(c.oldRoot), h(c.newRoot), c.proof.map(h)),
        `consistency(${c.old}, ${c.new})`,
      );
    }
  });

  it('rejects every invalid consistency case', () => {
    for (const c of v.invalidConsistency) {
      assert.equal(
        verifyConsistency(c.old, c.new, h(c.oldRoot), h(c.newRoot), c.proof.map(h)),
        false,
        c.description,
      );
    }
  });

  it('rejects every valid proof with any single bit flipped', () => {
    for (const c of v.inclusion) {
      c.proof.forEach((_, k) => {
        const proof = c.proof.map(h);
        proof[k]![0]! ^= 1;
        assert.equal(verifyInclusion(h(c.leafHash), c.index, c.size, proof, h(c.root)), false);
      });
    }
    for (const c of v.consistency) {
      c.proof.forEach((_, k) => {
        const proof = c.proof.map(h);
        proof[k]![31]! ^= 0x80;
        assert.equal(verifyConsistency(c.old, c.new, h(c.oldRoot), h(c.newRoot), proof), false);
      });
    }
  });

  it('rejects hostile shapes without throwing', () => {
    const r = h(v.roots[0]!.root);
    assert.equal(verifyInclusion(r, -1, 1, [], r), false);
    assert.equal(verifyInclusion(r, 0, 0, [], r), false);
    assert.equal(verifyInclusion(r, 2 ** 60, 2 ** 61, [], r), false);
    assert.equal(verifyInclusion(r.subarray(1), 0, 1, [], r), false);
    assert.equal(verifyInclusion(r, 0, 2, [Buffer.alloc(31)], r), false);
    assert.equal(verifyConsistency(0, 1, r, r, []), false);
    assert.equal(verifyConsistency(2, 1, r, r, [r]), false);
    assert.equal(verifyConsistency(1, 1, r, r, [r]), false);
    assert.equal(verifyConsistency(1, 2, r, r, Array(200).fill(r)), false);
  });
});
