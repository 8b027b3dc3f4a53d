/**
 * prng.ts — a small seeded pseudo-random generator (mulberry32, public domain, by Tommy Ettinger)
 * for deterministic scenarios and randomized tests. Not for anything secret.
 */

/** Random is a deterministic stream of numbers drawn from one 32-bit seed. */
export interface Random {
  /** next returns a float in [0, 1). */
  next(): number;
  /** int returns an integer in [lo, hi], inclusive. */
  int(lo: number, hi: number): number;
  /** pick returns one element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** shuffle returns a shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

/** mulberry32 returns a Random seeded with the 32-bit integer `seed`. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick needs a non-empty list');
      return items[int(0, items.length - 1)]!;
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}
