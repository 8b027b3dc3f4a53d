import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from './prng.js';

describe('mulberry32', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = Array.from({ length: 5 }, mulberry32(42).next);
    const b = Array.from({ length: 5 }, mulberry32(42).next);
    const c = Array.from({ length: 5 }, mulberry32(43).next);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.ok(a.every((x) => x >= 0 && x < 1));
  });
  it('draws integers inside the inclusive bounds', () => {
    const r = mulberry32(7);
    const seen = new Set(Array.from({ length: 1000 }, () => r.int(1, 6)));
    assert.deepEqual([...seen].sort(), [1, 2, 3, 4, 5, 6]);
  });
});
