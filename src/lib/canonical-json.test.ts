import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CanonicalValue, canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } }),
      '{"a":{"c":"x","d":[true,null]},"b":1}',
    );
  });
  it('gives the same bytes whatever the insertion order', () => {
    assert.equal(canonicalJson({ x: 1, y: 2 }), canonicalJson({ y: 2, x: 1 }));
  });
  it('escapes strings as JSON does and keeps Arabic as UTF-8', () => {
    assert.equal(canonicalJson('حلب "\n'), '"حلب \\"\\n"');
  });
  it('refuses floats, NaN, undefined and class instances', () => {
    for (const bad of [1.5, Number.NaN, 2 ** 60, { a: undefined }, new Date(0)] as unknown[]) {
      assert.throws(() => canonicalJson(bad as CanonicalValue), TypeError);
    }
  });
});
