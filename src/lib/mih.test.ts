import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkProbes, MultiIndexHash } from './mih.js';

/** A deterministic generator (xorshift32), so failures are reproducible. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function randomHash(next: () => number): string {
  let h = '';
  for (let i = 0; i < 8; i++) h += next().toString(16).padStart(8, '0');
  return h;
}

/** flipBits flips `n` distinct random bits of `hex`. */
function flipBits(hex: string, n: number, next: () => number): string {
  const bits = hex.split('').flatMap((c) => Number.parseInt(c, 16).toString(2).padStart(4, '0').split(''));
  const chosen = new Set<number>();
  while (chosen.size < n) chosen.add(next() % 256);
  for (const b of chosen) bits[b] = bits[b] === '1' ? '0' : '1';
  let out = '';
  for (let i = 0; i < 256; i += 4) out += Number.parseInt(bits.slice(i, i + 4).join(''), 2).toString(16);
  return out;
}

describe('MultiIndexHash', () => {
  it('finds exactly what a brute-force scan finds, for radii 0 to 31', () => {
    const next = rng(42);
    const index = new MultiIndexHash(16);
    const bases = Array.from({ length: 50 }, () => randomHash(next));
    for (let i = 0; i < 3000; i++) {
      const base = bases[i % bases.length]!;
      index.add(i % 3 === 0 ? randomHash(next) : flipBits(base, next() % 48, next));
    }
    for (let q = 0; q < 60; q++) {
      const query = flipBits(bases[q % bases.length]!, next() % 20, next);
      for (const r of [0, 15, 16, 31]) {
        assert.deepEqual(index.query(query, r), index.scan(query, r), `query ${q} radius ${r}`);
      }
    }
  });

  it('finds a hash 31 bits away, however the bits are spread across chunks', () => {
    const next = rng(7);
    const index = new MultiIndexHash();
    const base = randomHash(next);
    // 31 flips: 15 chunks with 2 differing bits and 1 with 1 bit, the tightest pigeonhole case.
    const bits: number[] = [];
    for (let c = 0; c < 15; c++) bits.push(c * 16, c * 16 + 1);
    bits.push(15 * 16);
    const flipped = bits.reduce((h, b) => {
      const digit = Math.floor(b / 4);
      const v = Number.parseInt(h[digit]!, 16) ^ (8 >> (b % 4));
      return h.slice(0, digit) + v.toString(16) + h.slice(digit + 1);
    }, base);
    const id = index.add(flipped);
    assert.deepEqual(index.query(base, 31), [{ id, distance: 31 }]);
    assert.deepEqual(index.query(base, 30), []);
  });

  it('answers the same from the compact layout, the recent lists and both at once', () => {
    const next = rng(99);
    const index = new MultiIndexHash(8);
    const bases = Array.from({ length: 20 }, () => randomHash(next));
    const queries = bases.map((b) => flipBits(b, next() % 10, next));
    const check = (label: string) => {
      for (const q of queries) assert.deepEqual(index.query(q, 31), index.scan(q, 31), label);
    };
    // 1,000 ids stay in the recent lists (no compaction below 1,024).
    for (let i = 0; i < 1000; i++) index.add(flipBits(bases[i % 20]!, next() % 40, next));
    check('recent lists only');
    index.compact();
    check('compact only');
    for (let i = 0; i < 500; i++) index.add(flipBits(bases[i % 20]!, next() % 40, next));
    check('both');
    assert.equal(index.size, 1500);
  });

  it('probes the value and its 16 one-bit neighbours', () => {
    const p = chunkProbes(0xabcd, 1);
    assert.equal(p.length, 17);
    assert.equal(new Set(p).size, 17);
    assert.equal(chunkProbes(0, 2).length, 1 + 16 + 120);
  });
});
