/**
 * min-heap.ts — a binary min-heap of wake-up times for time-based alerts (overdue, dwell, missing,
 * stalled, linked operations). Entries are never removed in place: a caller keeps a version per
 * subject and skips popped entries whose version is stale (lazy deletion), so push and pop stay
 * O(log n).
 */

/** WakeEntry asks `tick` to re-evaluate `subject` at `at` (epoch ms) if `version` is still current. */
export interface WakeEntry {
  readonly at: number;
  readonly subject: string;
  readonly version: number;
}

function before(a: WakeEntry, b: WakeEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.subject < b.subject);
}

/** MinHeap orders wake entries by time, then subject. */
export class MinHeap {
  readonly #items: WakeEntry[] = [];

  get size(): number {
    return this.#items.length;
  }

  /** peek returns the earliest entry without removing it. */
  peek(): WakeEntry | undefined {
    return this.#items[0];
  }

  push(entry: WakeEntry): void {
    const items = this.#items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  /** pop removes and returns the earliest entry. */
  pop(): WakeEntry | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && before(items[l]!, items[m]!)) m = l;
      if (r < items.length && before(items[r]!, items[m]!)) m = r;
      if (m === i) break;
      [items[i], items[m]] = [items[m]!, items[i]!];
      i = m;
    }
    return top;
  }
}
