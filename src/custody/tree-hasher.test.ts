import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { nodeHash } from '../lib/merkle.js';
import { TreeHasher } from './tree-hasher.js';

interface Vectors {
  leaves: { dataUtf8: string; leafHash: string }[];
}
const v: Vectors = JSON.parse(
  readFileSync(new URL('../../test/vectors/merkle.json', import.meta.url), 'utf8'),
);

/** hashAll feeds `payloads` in pages of the given sizes, with `stored` as the stored leaf hashes. */
async function hashAll(payloads: string[], stored: string[], pageSizes: number[]) {
  const hasher = new TreeHasher();
  for (let at = 0, p = 0; at < payloads.length; p++) {
    const n = pageSizes[p % pageSizes.length]!;
    hasher.addPage(payloads.slice(at, at + n), stored.slice(at, at + n).join(''));
    at += n;
  }
  return hasher.finish();
}

describe('TreeHasher (verify on a worker thread)', () => {
  it('reproduces the RFC 6962 vectors’ leaf hashes, and every level from them, whatever the pages', async () => {
    const payloads = v.leaves.map((l) => l.dataUtf8);
    const stored = v.leaves.map((l) => l.leafHash);
    for (const pages of [[1], [2, 3], [7], [payloads.length]]) {
      const { levels, altered } = await hashAll(payloads, stored, pages);
      assert.deepEqual(altered, [], `pages ${pages}`);
      assert.equal(levels[0]!.toString('hex'), stored.join(''), `pages ${pages}`);
      for (let L = 1; L < levels.length; L++) {
        const below = levels[L - 1]!;
        assert.equal(levels[L]!.length / 32, Math.floor(below.length / 64), `level ${L} size`);
        for (let i = 0; i < levels[L]!.length / 32; i++) {
          const want = nodeHash(
            below.subarray(i * 64, i * 64 + 32),
            below.subarray(i * 64 + 32, i * 64 + 64),
          );
          assert.ok(levels[L]!.subarray(i * 32, i * 32 + 32).equals(want), `node ${L}:${i}, pages ${pages}`);
        }
      }
      assert.ok(levels.at(-1)!.length === 32 || payloads.length < 2);
    }
  });

  it('writes Arabic and other multi-byte text as UTF-8, as the log does', async () => {
    const payloads = ['{"note":"قافلة"}', '{"n":"𝔸"}', '{"é":1}'];
    const { leafHashOf } = await import('./service.js');
    const stored = payloads.map((p) => leafHashOf(p).toString('hex'));
    const { levels, altered } = await hashAll(payloads, stored, [2]);
    assert.deepEqual(altered, []);
    assert.equal(levels[0]!.toString('hex'), stored.join(''));
  });

  it('names the positions whose stored leaf hash differs, across pages', async () => {
    const payloads = v.leaves.map((l) => l.dataUtf8);
    const stored = v.leaves.map((l) => l.leafHash);
    stored[2] = stored[3]!;
    stored[payloads.length - 1] = '00'.repeat(32);
    const { altered } = await hashAll(payloads, stored, [3]);
    assert.deepEqual(altered, [2, payloads.length - 1]);
  });

  it('an empty log has no levels', async () => {
    assert.deepEqual((await new TreeHasher().finish()).levels, []);
  });
});
