import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  CompactRange,
  consistencyProof,
  EMPTY_TREE_ROOT_HEX,
  inclusionProof,
  leafHash,
  MemoryTree,
  MerkleError,
  newSubtreeHashes,
  nodeHash,
  planAppend,
  planConsistencyProof,
  planInclusionProof,
  planTreeHead,
  rootFromLeafHashes,
  type SubtreeCoord,
  type SubtreeHashReader,
  treeHead,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

interface InclusionCase {
  index: number;
  size: number;
  leafHash: string;
  root: string;
  proof: string[];
  description?: string;
}
interface ConsistencyCase {
  old: number;
  new: number;
  oldRoot: string;
  newRoot: string;
  proof: string[];
  description?: string;
}
interface Vectors {
  emptyTreeRoot: string;
  leaves: { dataHex: string; leafHash: string }[];
  roots: { size: number; root: string; rootBase64: string }[];
  inclusion: InclusionCase[];
  consistency: ConsistencyCase[];
  invalidInclusion: InclusionCase[];
  invalidConsistency: ConsistencyCase[];
}
const v: Vectors = JSON.parse(
  readFileSync(new URL('../../test/vectors/merkle.json', import.meta.url), 'utf8'),
);
const h = (s: string) => Buffer.from(s, 'hex');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const vectorTree = new MemoryTree();
for (const l of v.leaves) vectorTree.append(h(l.dataHex));

/** countingReader wraps a reader and records each getMany call's coordinates. */
function countingReader(inner: SubtreeHashReader): SubtreeHashReader & { calls: SubtreeCoord[][] } {
  const calls: SubtreeCoord[][] = [];
  return {
    calls,
    getMany(coords) {
      calls.push([...coords]);
      return inner.getMany(coords);
    },
  };
}

/** flipped returns proof copies with one bit flipped in element k. */
function flipped(proof: readonly Buffer[], k: number): Buffer[] {
  const copy = proof.map((p) => Buffer.from(p));
  copy[k]![0]! ^= 1;
  return copy;
}

describe('merkle against test/vectors/merkle.json (golang.org/x/mod/sumdb/tlog)', () => {
  it('reproduces every leaf hash', () => {
    v.leaves.forEach((l, i) => {
      assert.equal(hex(leafHash(h(l.dataHex))), l.leafHash, `leafHash(leaf ${i})`);
    });
  });

  it('reproduces the empty-tree root and every root, four ways', async () => {
    assert.equal(EMPTY_TREE_ROOT_HEX, v.emptyTreeRoot);
    assert.equal(hex(rootFromLeafHashes([])), v.emptyTreeRoot);
    assert.equal(hex(await treeHead(0, vectorTree)), v.emptyTreeRoot);
    const range = new CompactRange();
    assert.equal(hex(range.root()), v.emptyTreeRoot);
    for (const r of v.roots) {
      const leaves = v.leaves.slice(0, r.size).map((l) => h(l.leafHash));
      assert.equal(hex(rootFromLeafHashes(leaves)), r.root, `rootFromLeafHashes(${r.size} leaves)`);
      assert.equal(hex(vectorTree.root(r.size)), r.root, `MemoryTree.root(${r.size})`);
      assert.equal(hex(await treeHead(r.size, vectorTree)), r.root, `treeHead(${r.size})`);
      range.append(h(v.leaves[r.size - 1]!.leafHash));
      assert.equal(range.root().toString('base64'), r.rootBase64, `CompactRange.root() at ${r.size}`);
    }
  });

  it('reproduces every inclusion proof byte for byte, and each verifies', async () => {
    for (const c of v.inclusion) {
      const call = `inclusionProof(${c.index}, ${c.size})`;
      assert.deepEqual(vectorTree.inclusionProof(c.index, c.size).map(hex), c.proof, call);
      assert.deepEqual((await inclusionProof(c.index, c.size, vectorTree)).map(hex), c.proof, call);
      assert.ok(verifyInclusion(h(c.leafHash), c.index, c.size, c.proof.map(h), h(c.root)), call);
    }
  });

  it('reproduces every consistency proof byte for byte, and each verifies', async () => {
    for (const c of v.consistency) {
      const call = `consistencyProof(${c.old}, ${c.new})`;
      assert.deepEqual(vectorTree.consistencyProof(c.old, c.new).map(hex), c.proof, call);
      assert.deepEqual((await consistencyProof(c.old, c.new, vectorTree)).map(hex), c.proof, call);
      assert.ok(verifyConsistency(c.old, c.new, h(c.oldRoot), h(c.newRoot), c.proof.map(h)), call);
    }
  });

  it('rejects every invalid inclusion case', () => {
    assert.equal(v.invalidInclusion.length, 8);
    for (const c of v.invalidInclusion) {
      const ok = verifyInclusion(h(c.leafHash), c.index, c.size, c.proof.map(h), h(c.root));
      assert.equal(ok, false, `${c.description}: verifyInclusion = true, want false`);
    }
  });

  it('rejects every invalid consistency case', () => {
    assert.equal(v.invalidConsistency.length, 8);
    for (const c of v.invalidConsistency) {
      const ok = verifyConsistency(c.old, c.new, h(c.oldRoot), h(c.newRoot), c.proof.map(h));
      assert.equal(ok, false, `${c.description}: verifyConsistency = true, want false`);
    }
  });
});

// An independent, naive RFC 6962 §2.1 implementation (the recursion as written) to compare with.
function referenceTree(leaves: readonly Buffer[]) {
  const memo = new Map<string, Buffer>();
  const split = (n: number) => {
    let k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  };
  const mth = (a: number, b: number): Buffer => {
    const key = `${a}:${b}`;
    let r = memo.get(key);
    if (!r) {
      r = b - a === 1 ? leaves[a]! : nodeHash(mth(a, a + split(b - a)), mth(a + split(b - a), b));
      memo.set(key, r);
    }
    return r;
  };
  const path = (m: number, a: number, b: number): Buffer[] => {
    if (b - a <= 1) return [];
    const k = split(b - a);
    return m < k ? [...path(m, a, a + k), mth(a + k, b)] : [...path(m - k, a + k, b), mth(a, a + k)];
  };
  const subproof = (m: number, a: number, b: number, complete: boolean): Buffer[] => {
    if (m === b - a) return complete ? [] : [mth(a, b)];
    const k = split(b - a);
    return m <= k
      ? [...subproof(m, a, a + k, complete), mth(a + k, b)]
      : [...subproof(m - k, a + k, b, false), mth(a, a + k)];
  };
  return {
    root: (n: number) => mth(0, n),
    path: (m: number, n: number) => path(m, 0, n),
    proof: (m: number, n: number) => subproof(m, 0, n, true),
  };
}

describe('trees of 1..100 leaves built from "leaf i" (after Go TestTree)', () => {
  const N = 100;
  const leaves = Array.from({ length: N }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
  const tree = MemoryTree.fromLeafHashes(leaves);
  const ref = referenceTree(leaves);

  it('proves and verifies every inclusion; any flipped bit, other index, leaf or root fails', () => {
    for (let n = 1; n <= N; n++) {
      const root = tree.root(n);
      assert.equal(hex(root), hex(ref.root(n)), `root(${n})`);
      for (let i = 0; i < n; i++) {
        const proof = tree.inclusionProof(i, n);
        assert.deepEqual(proof.map(hex), ref.path(i, n).map(hex), `inclusionProof(${i}, ${n})`);
        assert.ok(verifyInclusion(leaves[i]!, i, n, proof, root), `verifyInclusion(${i}, ${n})`);
        for (let k = 0; k < proof.length; k++) {
          assert.equal(verifyInclusion(leaves[i]!, i, n, flipped(proof, k), root), false, `flip ${k}`);
        }
        if (n > 1) {
          const other = (i + 1) % n;
          assert.equal(verifyInclusion(leaves[i]!, other, n, proof, root), false, `index ${other}`);
          assert.equal(verifyInclusion(leaves[other]!, i, n, proof, root), false, `leaf ${other}`);
          assert.equal(verifyInclusion(leaves[i]!, i, n, proof, tree.root(n - 1)), false, 'older root');
        }
      }
    }
  });

  it('proves and verifies every consistency; any flipped bit or other root fails', () => {
    for (let n = 1; n <= N; n++) {
      const newRoot = tree.root(n);
      for (let m = 1; m <= n; m++) {
        const oldRoot = tree.root(m);
        const proof = tree.consistencyProof(m, n);
        assert.deepEqual(proof.map(hex), ref.proof(m, n).map(hex), `consistencyProof(${m}, ${n})`);
        assert.ok(verifyConsistency(m, n, oldRoot, newRoot, proof), `verifyConsistency(${m}, ${n})`);
        for (let k = 0; k < proof.length; k++) {
          assert.equal(verifyConsistency(m, n, oldRoot, newRoot, flipped(proof, k)), false, `flip ${k}`);
        }
        if (m < n) {
          assert.equal(verifyConsistency(m, n, newRoot, oldRoot, proof), false, 'swapped roots');
          assert.equal(verifyConsistency(m, n, tree.root(m + 1), newRoot, proof), false, 'other old root');
        }
      }
    }
  });

  it('leaves the tree unchanged when a caller mutates a proof', () => {
    const before = hex(tree.root(N));
    for (const p of tree.inclusionProof(0, N)) p.fill(0);
    for (const p of tree.consistencyProof(37, N)) p.fill(0);
    assert.equal(hex(tree.root(N)), before);
  });
});

describe('appending', () => {
  const leaves = Array.from({ length: 300 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

  it('newSubtreeHashes stores the same hashes as CompactRange.append, reading only left siblings', async () => {
    const store = new Map<string, Buffer>();
    const reader = countingReader({
      getMany: (coords) => coords.map((c) => store.get(`${c.level}:${c.index}`)!),
    });
    const range = new CompactRange();
    for (let i = 0; i < leaves.length; i++) {
      const stored = await newSubtreeHashes(i, leaves[i]!, reader);
      const expected = range.append(leaves[i]!);
      assert.deepEqual(stored, expected, `newSubtreeHashes(${i})`);
      for (const s of stored) store.set(`${s.level}:${s.index}`, s.hash);
    }
    assert.deepEqual(planAppend(11), [
      { level: 0, index: 10 },
      { level: 1, index: 4 },
    ]);
    assert.equal(reader.calls.length, leaves.length / 2, 'one read per odd index, none for even ones');
  });

  it('stores 2n - popcount(n) hashes for n leaves', () => {
    const range = new CompactRange();
    let stored = 0;
    for (const l of leaves) stored += range.append(l).length;
    const popcount = leaves.length.toString(2).replaceAll('0', '').length;
    assert.equal(stored, 2 * leaves.length - popcount);
  });

  it('CompactRange.load resumes from the stored right edge in one read', async () => {
    const tree = MemoryTree.fromLeafHashes(leaves);
    for (const size of [0, 1, 2, 3, 64, 65, 127, 200]) {
      const reader = countingReader(tree);
      const range = await CompactRange.load(size, reader);
      assert.ok(reader.calls.length <= 1, `load(${size}) read ${reader.calls.length} times`);
      assert.equal(hex(range.root()), hex(tree.root(size)), `load(${size}).root()`);
      for (let i = size; i < leaves.length; i++) range.append(leaves[i]!);
      assert.equal(hex(range.root()), hex(tree.root()), `load(${size}) then append to ${leaves.length}`);
    }
  });

  it('rejects leaf hashes that are not 32 bytes and right edges of the wrong length', () => {
    const isInvalidHash = (e: unknown) => e instanceof MerkleError && e.code === 'INVALID_HASH';
    assert.throws(() => new CompactRange().append(Buffer.alloc(31)), isInvalidHash);
    assert.throws(() => new CompactRange(3, [Buffer.alloc(32)]), isInvalidHash);
    assert.throws(() => rootFromLeafHashes([Buffer.from('not a hash')]), isInvalidHash);
  });
});

describe('proof generation reads O(log n) stored hashes in one call', () => {
  const log2 = (n: number) => Math.log2(n);

  it('on a real tree of 1000 leaves, every proof is one getMany of ≤ 2·log2(n)+2 hashes', async () => {
    const tree = MemoryTree.fromLeafHashes(Array.from({ length: 1000 }, (_, i) => leafHash(Buffer.of(i))));
    for (const n of [1, 2, 3, 7, 8, 9, 100, 511, 512, 513, 999, 1000]) {
      const bound = 2 * log2(n) + 2;
      for (const i of new Set([0, 1 % n, Math.floor(n / 2), n - 1])) {
        const reader = countingReader(tree);
        await inclusionProof(i, n, reader);
        const reads = reader.calls.flat().length;
        assert.ok(reader.calls.length <= 1, `inclusionProof(${i}, ${n}) made ${reader.calls.length} calls`);
        assert.ok(reads <= bound, `inclusionProof(${i}, ${n}) read ${reads}, want ≤ ${bound}`);
      }
      for (const m of new Set([1, Math.ceil(n / 3), n - 1 || 1, n])) {
        const reader = countingReader(tree);
        await consistencyProof(m, n, reader);
        const reads = reader.calls.flat().length;
        assert.ok(reader.calls.length <= 1, `consistencyProof(${m}, ${n}) made ${reader.calls.length} calls`);
        assert.ok(reads <= bound, `consistencyProof(${m}, ${n}) read ${reads}, want ≤ ${bound}`);
      }
    }
  });

  it('plans stay within the bound for huge trees (up to 2^53 - 1)', () => {
    for (const n of [2 ** 20, 1_000_000, 2 ** 40 + 12345, 2 ** 52 + 1, Number.MAX_SAFE_INTEGER]) {
      const bound = 2 * Math.ceil(log2(n)) + 2;
      for (const i of [0, 1, Math.floor(n / 2), n - 2, n - 1]) {
        const reads = planInclusionProof(i, n).coords.length;
        assert.ok(reads <= bound, `planInclusionProof(${i}, ${n}) reads ${reads}, want ≤ ${bound}`);
      }
      for (const m of [1, 3, Math.floor(n / 3), n - 1]) {
        const reads = planConsistencyProof(m, n).coords.length;
        assert.ok(reads <= bound, `planConsistencyProof(${m}, ${n}) reads ${reads}, want ≤ ${bound}`);
      }
      assert.ok(planTreeHead(n).coords.length <= 53);
    }
  });

  it('plans a tree head as the right-edge subtrees, largest first', () => {
    assert.deepEqual(planTreeHead(13), {
      coords: [
        { level: 3, index: 0 },
        { level: 2, index: 2 },
        { level: 0, index: 12 },
      ],
      runs: [3],
    });
    assert.deepEqual(planTreeHead(0), { coords: [], runs: [] });
  });
});

describe('proof generation with bad arguments', () => {
  const isRange = (e: unknown) => e instanceof MerkleError && e.code === 'INVALID_TREE_RANGE';

  it('throws INVALID_TREE_RANGE for an index or size outside the tree', () => {
    assert.throws(() => planInclusionProof(5, 5), isRange);
    assert.throws(() => planInclusionProof(-1, 5), isRange);
    assert.throws(() => planInclusionProof(0.5, 5), isRange);
    assert.throws(() => planInclusionProof(0, 0), isRange);
    assert.throws(() => planConsistencyProof(0, 5), isRange);
    assert.throws(() => planConsistencyProof(6, 5), isRange);
    assert.throws(() => planTreeHead(-1), isRange);
    assert.throws(() => planTreeHead(2 ** 53), isRange);
    assert.throws(() => vectorTree.root(vectorTree.size + 1), isRange);
  });

  it('throws INVALID_HASH when the reader returns too few or malformed hashes', async () => {
    const isInvalidHash = (e: unknown) => e instanceof MerkleError && e.code === 'INVALID_HASH';
    const short: SubtreeHashReader = { getMany: (c) => vectorTree.getMany(c).slice(1) };
    const bent: SubtreeHashReader = { getMany: (c) => c.map(() => Buffer.alloc(31)) };
    await assert.rejects(inclusionProof(3, 65, short), isInvalidHash);
    await assert.rejects(treeHead(65, bent), isInvalidHash);
    await assert.rejects(newSubtreeHashes(3, Buffer.alloc(32), bent), isInvalidHash);
    assert.throws(() => new MemoryTree().getMany([{ level: 0, index: 0 }]), isInvalidHash);
  });
});

describe('verifiers with hostile input', () => {
  const c = v.inclusion.find((x) => x.size === 65 && x.index === 37)!;
  const leaf = h(c.leafHash);
  const root = h(c.root);
  const proof = c.proof.map(h);
  const k = v.consistency.find((x) => x.old === 33 && x.new === 65)!;
  const oldRoot = h(k.oldRoot);
  const newRoot = h(k.newRoot);
  const cproof = k.proof.map(h);
  const never = (f: () => boolean, what: string) => {
    let got: boolean | undefined;
    assert.doesNotThrow(() => {
      got = f();
    }, what);
    assert.equal(got, false, `${what} = ${got}, want false`);
  };

  describe('verifyInclusion', () => {
    it('accepts the untouched case (control)', () => {
      assert.ok(verifyInclusion(leaf, 37, 65, proof, root));
    });

    it('returns false, never throws, for bad indices and sizes', () => {
      for (const [i, n] of [
        [65, 65],
        [66, 65],
        [-1, 65],
        [0, 0],
        [37.5, 65],
        [Number.NaN, 65],
        [37, Number.POSITIVE_INFINITY],
        [37, 2 ** 53],
        [37, -65],
      ] as const) {
        never(() => verifyInclusion(leaf, i, n, proof, root), `verifyInclusion(leaf, ${i}, ${n}, …)`);
      }
    });

    it('returns false for hashes of the wrong length or type, and for too-long proofs', () => {
      const bad = (x: unknown) => x as Uint8Array;
      never(() => verifyInclusion(leaf.subarray(1), 37, 65, proof, root), 'short leaf');
      never(() => verifyInclusion(leaf, 37, 65, proof, Buffer.concat([root, Buffer.of(0)])), 'long root');
      never(
        () => verifyInclusion(leaf, 37, 65, [...proof.slice(1), Buffer.alloc(33)], root),
        '33-byte element',
      );
      never(() => verifyInclusion(leaf, 37, 65, [proof[0]!.subarray(0, 31), ...proof.slice(1)], root), '31');
      never(() => verifyInclusion(leaf, 37, 65, [...proof, Buffer.alloc(32)], root), 'one extra element');
      never(() => verifyInclusion(leaf, 37, 65, Array(10_000).fill(proof[0]), root), '10,000 elements');
      never(() => verifyInclusion(leaf, 37, 65, proof.slice(0, -1), root), 'truncated');
      never(() => verifyInclusion(bad(c.leafHash), 37, 65, proof, root), 'hex string as leaf');
      never(() => verifyInclusion(leaf, 37, 65, bad(null) as never, root), 'null proof');
      never(() => verifyInclusion(leaf, 37, 65, [bad('x'.repeat(32))], root), 'string element');
      never(() => verifyInclusion(leaf, 37, 65, bad({ length: 0 }) as never, root), 'array-like proof');
    });
  });

  describe('verifyConsistency', () => {
    it('accepts the untouched case (control)', () => {
      assert.ok(verifyConsistency(33, 65, oldRoot, newRoot, cproof));
    });

    it('returns false, never throws, for bad sizes', () => {
      for (const [m, n] of [
        [0, 65],
        [66, 65],
        [-33, 65],
        [33.5, 65],
        [Number.NaN, 65],
        [33, 2 ** 53],
      ] as const) {
        never(() => verifyConsistency(m, n, oldRoot, newRoot, cproof), `verifyConsistency(${m}, ${n}, …)`);
      }
      const empty = h(v.emptyTreeRoot);
      never(() => verifyConsistency(0, 0, empty, empty, []), 'from the empty tree');
    });

    it('returns false for equal sizes with a proof, or with different roots', () => {
      never(() => verifyConsistency(65, 65, newRoot, newRoot, cproof), 'old = new, non-empty proof');
      never(() => verifyConsistency(65, 65, oldRoot, newRoot, []), 'old = new, different roots');
      never(() => verifyConsistency(33, 65, oldRoot, newRoot, []), 'old < new, empty proof');
    });

    it('returns false for hashes of the wrong length and too-long proofs', () => {
      never(() => verifyConsistency(33, 65, oldRoot.subarray(1), newRoot, cproof), 'short old root');
      never(() => verifyConsistency(33, 65, oldRoot, Buffer.alloc(64), cproof), 'long new root');
      never(() => verifyConsistency(33, 65, oldRoot, newRoot, [...cproof, Buffer.alloc(32)]), 'extra');
      never(() => verifyConsistency(33, 65, oldRoot, newRoot, [Buffer.alloc(0), ...cproof]), 'empty element');
      never(() => verifyConsistency(33, 65, oldRoot, newRoot, Array(5000).fill(cproof[0])), '5,000 elements');
    });
  });
});
