/**
 * name-match.ts — entity names select documents; they never weigh in a score (attack finding F1).
 *
 * The names of the entities linked to a document (entity-terms.ts) are written to an index of
 * their own (SQLite: the FTS5 table search_names; PostgreSQL: search_name.tsv), not into the
 * row that bm25 or ts_rank measures. Both engines normalise a score by the document's length,
 * so a name term in the scored row — even one the caller may not match, under another
 * compartment's scope key or a protected person's real name — lowered the document's score on
 * every query: near-identical documents told a caller that a hidden link exists and roughly how
 * long the hidden name is. Now a document's score reads its own text alone.
 *
 * A query's `names` leaves (compile.ts: one word or phrase as a name, under the caller's keys)
 * are resolved first, each to the documents whose names match it (`NameLookup`). A document
 * matches the query if the query holds with each leaf true or false as that lookup says, so:
 *   - documents found by no leaf: the text query with every leaf false (`except` those found);
 *   - documents found by some leaves: grouped by which ones (their *assignment*), each group a
 *     text query with those leaves true (`only` that group).
 * A leaf that is true keeps the words beside it for the score: `Haddad` OR name → (`haddad` OR
 * `_doc`), so a document that says the name and is linked to it scores what its text scores.
 * So the same documents match on both backends, and a link's name changes which documents match,
 * never a score.
 *
 * Bounds: a leaf reads at most MAX_NAME_DOCS documents (the newest; more makes the result a
 * lower bound, `truncated`), and at most MAX_ASSIGNMENTS groups are queried (the largest ones;
 * documents of further groups are left out, also `truncated`).
 */
import { ALL_DOCS_TERM } from './filter-terms.js';
import type { Match } from './query/compile.js';

export const MAX_NAME_DOCS = 20_000;
export const MAX_ASSIGNMENTS = 32;

type NamesLeaf = Extract<Match, { t: 'names' }>;

const ALL: Match = { t: 'term', v: ALL_DOCS_TERM, prefix: false };

/** namesLeaves lists a match's `names` leaves (by identity), each with whether it is under a NOT. */
export function namesLeaves(m: Match | null): Array<{ leaf: NamesLeaf; negated: boolean }> {
  const out: Array<{ leaf: NamesLeaf; negated: boolean }> = [];
  const walk = (x: Match, negated: boolean) => {
    switch (x.t) {
      case 'names':
        out.push({ leaf: x, negated });
        return;
      case 'not':
        return walk(x.item, !negated);
      case 'and':
      case 'or':
        for (const i of x.items) walk(i, negated);
        return;
      default:
        return;
    }
  };
  if (m) walk(m, false);
  return out;
}

/** A simplified match: always true (with what still scores, or nothing), never, or a condition. */
type Simple = { k: 'true'; score: Match | null } | { k: 'false' } | { k: 'expr'; m: Match };

function alwaysTrue(score: Match | null): Simple {
  return { k: 'true', score };
}

/** simplify replaces each `names` leaf by its truth for one group of documents. */
function simplify(m: Match, truth: (leaf: NamesLeaf) => boolean): Simple {
  switch (m.t) {
    case 'term':
    case 'phrase':
      return { k: 'expr', m };
    case 'names':
      return truth(m) ? alwaysTrue(null) : { k: 'false' };
    case 'not': {
      const s = simplify(m.item, truth);
      if (s.k === 'true') return { k: 'false' };
      if (s.k === 'false') return alwaysTrue(null);
      return { k: 'expr', m: { t: 'not', item: s.m } };
    }
    case 'or': {
      const parts = m.items.map((i) => simplify(i, truth)).filter((s) => s.k !== 'false');
      if (parts.length === 0) return { k: 'false' };
      const scoring = parts.flatMap((s) =>
        s.k === 'expr' ? [s.m] : s.k === 'true' && s.score ? [s.score] : [],
      );
      if (parts.some((s) => s.k === 'true')) {
        // True for every document of the group; the words beside it still score where they occur.
        return alwaysTrue(scoring.length === 0 ? null : { t: 'or', items: [...scoring, ALL] });
      }
      return { k: 'expr', m: scoring.length === 1 ? scoring[0]! : { t: 'or', items: scoring } };
    }
    case 'and': {
      const parts = m.items.map((i) => simplify(i, truth));
      if (parts.some((s) => s.k === 'false')) return { k: 'false' };
      const exprs = parts.flatMap((s) => (s.k === 'expr' ? [s.m] : []));
      const scores = parts.flatMap((s) => (s.k === 'true' && s.score ? [s.score] : []));
      if (exprs.length === 0) {
        if (scores.length === 0) return alwaysTrue(null);
        return alwaysTrue(scores.length === 1 ? scores[0]! : { t: 'and', items: scores });
      }
      const items: Match[] = [...exprs, ...scores];
      // FTS5's NOT needs a positive side: `_doc` (every document) when a true leaf left none.
      if (!items.some((i) => i.t !== 'not') && parts.some((s) => s.k === 'true')) items.unshift(ALL);
      return { k: 'expr', m: items.length === 1 ? items[0]! : { t: 'and', items } };
    }
  }
}

/**
 * resolveFor is the match of one group of documents (each leaf true or false as `truth`
 * says); null: every document of the group (the query holds for them with no text), false:
 * none.
 */
export function resolveFor(m: Match, truth: (leaf: NamesLeaf) => boolean): Match | null | false {
  const s = simplify(m, truth);
  if (s.k === 'false') return false;
  if (s.k === 'true') return s.score;
  return s.m;
}

/** withoutAll drops the every-document term that resolveFor puts beside true leaves (for ranking). */
export function withoutAll(m: Match | null): Match | null {
  if (!m) return null;
  switch (m.t) {
    case 'term':
      return m.v === ALL_DOCS_TERM ? null : m;
    case 'phrase':
      return m;
    case 'names':
      return null;
    case 'not': {
      const i = withoutAll(m.item);
      return i ? { t: 'not', item: i } : null;
    }
    case 'and':
    case 'or': {
      const items = m.items.map(withoutAll).filter((i): i is Match => i !== null);
      if (items.length === 0) return null;
      return items.length === 1 ? items[0]! : { t: m.t, items };
    }
  }
}

/** withoutTrue drops each part that name-match put `_doc` beside (a name found: true). */
function withoutTrue(m: Match): Match | null {
  switch (m.t) {
    case 'term':
      return m.v === ALL_DOCS_TERM ? null : m;
    case 'phrase':
      return m;
    case 'names':
      return null;
    case 'not': {
      const i = withoutTrue(m.item);
      return i ? { t: 'not', item: i } : null;
    }
    case 'or':
      if (m.items.some((i) => i.t === 'term' && i.v === ALL_DOCS_TERM)) return null;
      return withoutAll(m);
    case 'and': {
      const items = m.items.map(withoutTrue).filter((i): i is Match => i !== null);
      if (items.length === 0) return null;
      return items.length === 1 ? items[0]! : { t: 'and', items };
    }
  }
}

const rankable = (r: Match | null): r is Match =>
  r !== null && r.t !== 'not' && !(r.t === 'and' && r.items.every((i) => i.t === 'not'));

/**
 * rankMatches is what a backend that ranks by a separate query (PostgreSQL's ts_rank) ranks a
 * group by, the best of: the text with the found name's own words (a document that also says
 * the name), and the text without them (ts_rank's AND scores a missing word as nothing, and the
 * name was found by the link). Without `_doc`, and never a lone exclusion (which scores nothing).
 * So a name the caller may see can raise a score, never lower it; a hidden one is never asked.
 */
export function rankMatches(m: Match | null): Match[] {
  if (!m) return [];
  const full = withoutAll(m);
  const rest = withoutTrue(m);
  const out: Match[] = [];
  if (rankable(full)) out.push(full);
  if (rankable(rest) && JSON.stringify(rest) !== JSON.stringify(full)) out.push(rest);
  return out;
}

/** What the name index says about each leaf: the documents it finds (newest first). */
export interface NameLookup {
  readonly leaf: NamesLeaf;
  /** Documents found by the leaf's names of any key. */
  readonly docs: ReadonlySet<number>;
  /** Of those, documents found by a protected person's real name (a persons:reveal key). */
  readonly revealed: ReadonlySet<number>;
  readonly negated: boolean;
}

/** One group of documents and the match that decides them. */
export interface Variant {
  /** The text match (no `names` leaf left); null: no text (every document of the group). */
  readonly match: Match | null;
  /** Only these documents (a group found by names); absent: every other document. */
  readonly only?: readonly number[];
  /** Not these documents (those found by some name: their groups decide them). */
  readonly except?: readonly number[];
}

/**
 * variantsOf splits a query into the groups of documents described above. `lookups` must hold
 * every leaf of `m`. `truncated` is true when a group was left out (MAX_ASSIGNMENTS).
 */
export function variantsOf(
  m: Match,
  lookups: readonly NameLookup[],
): { variants: Variant[]; truncated: boolean } {
  const found = new Map<number, number[]>();
  lookups.forEach((l, i) => {
    for (const d of l.docs) {
      const a = found.get(d);
      if (a) a.push(i);
      else found.set(d, [i]);
    }
  });
  const variants: Variant[] = [];
  const none = resolveFor(m, () => false);
  if (none !== false)
    variants.push({
      match: none,
      ...(found.size > 0 ? { except: [...found.keys()].sort((a, b) => b - a) } : {}),
    });
  const groups = new Map<string, { leaves: Set<NamesLeaf>; docs: number[] }>();
  for (const [doc, idx] of found) {
    const key = idx.join(',');
    const g = groups.get(key);
    if (g) g.docs.push(doc);
    else groups.set(key, { leaves: new Set(idx.map((i) => lookups[i]!.leaf)), docs: [doc] });
  }
  const ordered = [...groups.entries()].sort(
    (a, b) => b[1].docs.length - a[1].docs.length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  );
  for (const [, g] of ordered.slice(0, MAX_ASSIGNMENTS)) {
    const r = resolveFor(m, (leaf) => g.leaves.has(leaf));
    if (r === false) continue;
    variants.push({ match: r, only: g.docs.sort((a, b) => b - a) });
  }
  return { variants, truncated: ordered.length > MAX_ASSIGNMENTS };
}

/** namesQuery is one leaf's alternatives as one match (an OR), or null when it has none. */
export function namesQuery(alternatives: readonly Match[]): Match | null {
  if (alternatives.length === 0) return null;
  return alternatives.length === 1 ? alternatives[0]! : { t: 'or', items: alternatives };
}
