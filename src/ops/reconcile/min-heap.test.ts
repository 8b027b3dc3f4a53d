import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../demo/index.js';
import { MinHeap } from './min-heap.js';

describe('MinHeap', () => {
  it('pops entries in order of time, then subject', () => {
    const r = mulberry32(1);
    const heap = new MinHeap();
    const entries = Array.from({ length: 500 }, (_, i) => ({
      at: r.int(0, 100),
      subject: `s${i}`,
      version: 1,
    }));
    for (const e of entries) heap.push(e);
    const popped = Array.from({ length: 500 }, () => heap.pop()!);
    const sorted = [...entries].sort((a, b) => a.at - b.at || (a.subject < b.subject ? -1 : 1));
    assert.deepEqual(popped, sorted);
    assert.equal(heap.pop(), undefined);
  });
});
