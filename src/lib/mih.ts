/**
 * mih.ts — multi-index hashing for 256-bit hashes (Norouzi, Punjani & Fleet, "Fast Search in
 * Hamming Space with Multi-Index Hashing", CVPR 2012, §3). The hash is cut into m = 16 disjoint
 * 16-bit chunks with one table each. If d(h, g) ≤ r then, by the pigeonhole principle, some chunk
 * differs in at most ⌊r/m⌋ bits, so probing each table with every chunk value within ⌊r/m⌋ bits
 * finds every answer; candidates are then checked with the full distance. For PDQ's r = 31 that
 * is 16 × 17 probes. mih.test.ts checks it against a brute-force scan.
 */
import { pdqChunks, popcount32 } from './pdq.js';

const CHUNKS = 16;

/** chunkProbes lists the 16-bit values within `radius` (0–2) bits of `value`, `value` first. */
export function chunkProbes(value: number, radius: number): number[] {
  const out = [value];
  if (radius >= 1) for (let i = 0; i < 16; i++) out.push(value ^ (1 << i));
  if (radius >= 2) {
    for (let i = 0; i < 16; i++) for (let j = i + 1; j < 16; j++) out.push(value ^ (1 << i) ^ (1 << j));
  }
  return out;
}

/** hashWords reads a 64-digit hex hash as eight 32-bit words (most significant first). */
export function hashWords(hex: string): Uint32Array {
  const w = new Uint32Array(8);
  for (let i = 0; i < 8; i++) w[i] = Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return w;
}

/** A match: the id given at insertion and the Hamming distance. */
export interface MihMatch {
  readonly id: number;
  readonly distance: number;
}

/**
 * MultiIndexHash holds hashes (by integer id) in 16 chunk tables. Each table maps a chunk value to
 * the ids holding it, kept as a linked list through arrays (head per value, next per entry), so a
 * million hashes cost ~16 × 4 bytes each plus the hashes, and no per-bucket objects.
 */
export class MultiIndexHash {
  #words: Uint32Array;
  #heads: Int32Array[];
  #next: Int32Array[];
  /** Per id, the number of the last query that checked it (so each candidate is checked once). */
  #seen: Uint32Array;
  #queries = 0;
  #size = 0;

  constructor(capacity = 1024) {
    this.#words = new Uint32Array(capacity * 8);
    this.#heads = Array.from({ length: CHUNKS }, () => new Int32Array(65536).fill(-1));
    this.#next = Array.from({ length: CHUNKS }, () => new Int32Array(capacity));
    this.#seen = new Uint32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** add stores `hex` and returns its id (0, 1, 2, … in insertion order). */
  add(hex: string): number {
    const id = this.#size;
    if (id * 8 >= this.#words.length) this.#grow();
    this.#words.set(hashWords(hex), id * 8);
    const chunks = pdqChunks(hex);
    for (let c = 0; c < CHUNKS; c++) {
      const head = this.#heads[c]!;
      this.#next[c]![id] = head[chunks[c]!]!;
      head[chunks[c]!] = id;
    }
    this.#size++;
    return id;
  }

  #grow(): void {
    const cap = Math.max(1024, (this.#words.length / 8) * 2);
    const words = new Uint32Array(cap * 8);
    words.set(this.#words);
    this.#words = words;
    this.#next = this.#next.map((n) => {
      const bigger = new Int32Array(cap);
      bigger.set(n);
      return bigger;
    });
    const seen = new Uint32Array(cap);
    seen.set(this.#seen);
    this.#seen = seen;
  }

  /** query returns every stored hash within `radius` bits of `hex`, nearest first, then by id. */
  query(hex: string, radius: number): MihMatch[] {
    const q = hashWords(hex);
    const chunks = pdqChunks(hex);
    const probeRadius = Math.floor(radius / CHUNKS);
    const stamp = ++this.#queries;
    const seen = this.#seen;
    const out: MihMatch[] = [];
    for (let c = 0; c < CHUNKS; c++) {
      const head = this.#heads[c]!;
      const next = this.#next[c]!;
      for (const v of chunkProbes(chunks[c]!, probeRadius)) {
        for (let id = head[v]!; id !== -1; id = next[id]!) {
          if (seen[id] === stamp) continue;
          seen[id] = stamp;
          const d = this.distanceTo(q, id);
          if (d <= radius) out.push({ id, distance: d });
        }
      }
    }
    return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /** scan is the brute-force baseline: the distance to every stored hash. */
  scan(hex: string, radius: number): MihMatch[] {
    const q = hashWords(hex);
    const out: MihMatch[] = [];
    for (let id = 0; id < this.#size; id++) {
      const d = this.distanceTo(q, id);
      if (d <= radius) out.push({ id, distance: d });
    }
    return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  distanceTo(q: Uint32Array, id: number): number {
    const w = this.#words;
    const o = id * 8;
    return (
      popcount32(q[0]! ^ w[o]!) +
      popcount32(q[1]! ^ w[o + 1]!) +
      popcount32(q[2]! ^ w[o + 2]!) +
      popcount32(q[3]! ^ w[o + 3]!) +
      popcount32(q[4]! ^ w[o + 4]!) +
      popcount32(q[5]! ^ w[o + 5]!) +
      popcount32(q[6]! ^ w[o + 6]!) +
      popcount32(q[7]! ^ w[o + 7]!)
    );
  }
}
