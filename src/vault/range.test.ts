import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseByteRange } from './range.js';

describe('parseByteRange', () => {
  it('serves first-last, open-ended and suffix ranges', () => {
    assert.deepEqual(parseByteRange('bytes=0-9', 100), { start: 0, end: 9 });
    assert.deepEqual(parseByteRange('bytes=90-', 100), { start: 90, end: 99 });
    assert.deepEqual(parseByteRange('bytes=-10', 100), { start: 90, end: 99 });
    assert.deepEqual(parseByteRange('bytes=50-500', 100), { start: 50, end: 99 });
  });
  it('is unsatisfiable past the end or on empty content', () => {
    assert.equal(parseByteRange('bytes=100-', 100), 'unsatisfiable');
    assert.equal(parseByteRange('bytes=0-', 0), 'unsatisfiable');
    assert.equal(parseByteRange('bytes=-0', 100), 'unsatisfiable');
  });
  it('ignores hostile or unsupported headers and sends the whole', () => {
    for (const h of [
      'bytes=0-1,5-6',
      'items=0-1',
      'bytes=9-1',
      'bytes=-',
      'bytes=99999999999999999999-',
      'bytes=0x10-',
    ]) {
      assert.equal(parseByteRange(h, 100), undefined, h);
    }
    assert.equal(parseByteRange(undefined, 100), undefined);
  });
});
