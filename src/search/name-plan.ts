/**
 * name-plan.ts — looks a query's `names` leaves up in the name index and splits the query into
 * groups of documents (name-match.ts), and says which documents a protected person's real name
 * found (a reveal, logged by reveal-log.ts).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { SearchBackend } from './backends/backend.js';
import {
  MAX_NAME_DOCS,
  type NameLookup,
  namesLeaves,
  namesQuery,
  type Variant,
  variantsOf,
} from './name-match.js';
import type { Match } from './query/compile.js';

export interface NamePlan {
  readonly variants: Variant[];
  /** A lookup read MAX_NAME_DOCS documents, or a group was left out: the total is a lower bound. */
  readonly truncated: boolean;
  /** Documents a protected person's real name found, by a word the query wants (not under NOT). */
  readonly revealed: ReadonlySet<number>;
  /** The name-index terms of those words (a prefix ends in `*`). */
  readonly revealTerms: ReadonlySet<string>;
}

function termsOf(m: Match, out: Set<string>): void {
  switch (m.t) {
    case 'term':
      out.add(m.prefix ? `${m.v}*` : m.v);
      return;
    case 'phrase':
      for (const v of m.vs) out.add(v);
      return;
    case 'not':
      termsOf(m.item, out);
      return;
    case 'and':
    case 'or':
      for (const i of m.items) termsOf(i, out);
      return;
    case 'names':
      for (const i of [...m.items, ...m.reveal]) termsOf(i, out);
  }
}

/** resolveNames looks every leaf up (inside `compartments`) and returns the query's groups. */
export async function resolveNames(
  db: Kysely<Database>,
  backend: SearchBackend,
  m: Match | null,
  compartments: readonly string[] | undefined,
): Promise<NamePlan> {
  const empty = new Set<number>();
  if (!m) return { variants: [{ match: null }], truncated: false, revealed: empty, revealTerms: new Set() };
  const leaves = namesLeaves(m);
  const lookups: NameLookup[] = [];
  const revealed = new Set<number>();
  const revealTerms = new Set<string>();
  let truncated = false;
  const read = async (alternatives: readonly Match[]): Promise<number[]> => {
    const q = namesQuery(alternatives);
    if (!q) return [];
    const docs = await backend.namesDocs(db, q, compartments, MAX_NAME_DOCS + 1);
    if (docs.length > MAX_NAME_DOCS) truncated = true;
    return docs.slice(0, MAX_NAME_DOCS);
  };
  for (const { leaf, negated } of leaves) {
    const plain = await read(leaf.items);
    const hidden = await read(leaf.reveal);
    if (!negated && hidden.length > 0) {
      for (const d of hidden) revealed.add(d);
      for (const a of leaf.reveal) termsOf(a, revealTerms);
    }
    lookups.push({ leaf, docs: new Set([...plain, ...hidden]), revealed: new Set(hidden), negated });
  }
  const split = variantsOf(m, lookups);
  return { variants: split.variants, truncated: truncated || split.truncated, revealed, revealTerms };
}
