/**
 * compile.ts — a parsed query's text part as index terms, ready for a backend to render:
 * each word analysed exactly as documents are (src/lib/search-tokens.ts), a word that spells
 * several tokens ("al-Fu'ah", "ATT-000123") as a phrase, a prefix as the folded (unstemmed)
 * start of a word, and every place name — one word or several in a row, in any script or
 * spelling the gazetteer knows — widened to the place's index token (`xpl` + P-code), which
 * the indexer adds for every mention. So "Foua" finds a report that says الفوعة.
 *
 * With the caller's entity scope keys (entity-terms.ts), a word or phrase is also looked for
 * among the names of the entities linked to each document that the caller may see, in each
 * spelling: the analysed word, its Latin fold, and the consonant skeleton of the other script.
 * Those alternatives form a `names` leaf: they are looked up in the name index, which is not
 * the row the score measures (name-match.ts: attack finding F1), never rendered into the text
 * query itself.
 */
import { foldWord, stemFolded, termOf, tokenize } from '../../lib/search-tokens.js';
import { entityTerm, nameWords, type ScopeKey } from '../entity-terms.js';
import { placeToken, queryPlaces } from '../places-in-text.js';
import type { Expr } from './parse.js';

export type Match =
  | { readonly t: 'term'; readonly v: string; readonly prefix: boolean }
  | { readonly t: 'phrase'; readonly vs: readonly string[] }
  | { readonly t: 'and'; readonly items: readonly Match[] }
  | { readonly t: 'or'; readonly items: readonly Match[] }
  | { readonly t: 'not'; readonly item: Match }
  /**
   * One word or phrase as entity names (name-match.ts resolves it to documents before a
   * backend sees the query): `items` under scope keys that need no persons:reveal, `reveal`
   * under keys that do (a protected person's real name; finding by it is logged).
   */
  | { readonly t: 'names'; readonly items: readonly Match[]; readonly reveal: readonly Match[] };

export interface Compiled {
  readonly match: Match | null;
  /** Terms and prefixes to highlight in snippets (the positive ones). */
  readonly highlight: Highlight;
}

const seq = (vs: readonly string[]): Match =>
  vs.length === 1 ? { t: 'term', v: vs[0]!, prefix: false } : { t: 'phrase', vs };

/** entityAlternatives: the word or phrase `raw` as an entity name under each scope key. */
function entityAlternatives(raw: string, keys: readonly ScopeKey[]): Match[] {
  if (keys.length === 0) return [];
  const words = nameWords(raw);
  if (words.length === 0) return [];
  const items: Match[] = [];
  const reveal: Match[] = [];
  for (const { key: k, reveal: r } of keys) {
    const out = r ? reveal : items;
    out.push(seq(words.map((x) => entityTerm(k, 'w', x.w))));
    if (words.every((x) => x.fold)) out.push(seq(words.map((x) => entityTerm(k, 't', x.fold!))));
    // A Latin word meets the skeletons of Arabic-script names, an Arabic word those of Latin ones.
    if (words.every((x) => x.skel))
      out.push(seq(words.map((x) => entityTerm(k, x.skel!.s === 'a' ? 'l' : 'a', x.skel!.v))));
  }
  return [{ t: 'names', items, reveal }];
}

function withEntities(m: Match | null, alternatives: Match[]): Match | null {
  if (alternatives.length === 0) return m;
  return m
    ? { t: 'or', items: [m, ...alternatives] }
    : alternatives.length === 1
      ? alternatives[0]!
      : { t: 'or', items: alternatives };
}

function wordMatch(
  raw: string,
  prefix: boolean,
  hl: Highlight,
  keys: readonly ScopeKey[] = [],
): Match | null {
  const tokens = tokenize(raw);
  if (tokens.length === 0) return null;
  if (prefix) {
    const last = foldWord(tokens[tokens.length - 1]!.text);
    const head = tokens
      .slice(0, -1)
      .map((t) => termOf(t.text))
      .filter((t): t is string => t !== null);
    hl.prefixes.push(last);
    for (const h of head) hl.terms.add(h);
    const stem = stemFolded(last);
    const tail: Match =
      stem !== last && stem.length >= 2
        ? {
            t: 'or',
            items: [
              { t: 'term', v: last, prefix: true },
              { t: 'term', v: stem, prefix: true },
            ],
          }
        : { t: 'term', v: last, prefix: true };
    const own =
      head.length === 0 ? tail : { t: 'and' as const, items: [{ t: 'phrase' as const, vs: head }, tail] };
    // A one-word prefix also starts an entity name's analysed word under each key.
    const prefixOf = (reveal: boolean): Match[] =>
      keys
        .filter((k) => k.reveal === reveal)
        .map((k) => ({ t: 'term', v: entityTerm(k.key, 'w', last), prefix: true }));
    const names: Match[] =
      head.length === 0 && keys.length > 0
        ? [{ t: 'names', items: prefixOf(false), reveal: prefixOf(true) }]
        : [];
    return withEntities(own, names);
  }
  const terms = tokens.map((t) => termOf(t.text)).filter((t): t is string => t !== null);
  for (const t of terms) hl.terms.add(t);
  return withEntities(terms.length === 0 ? null : seq(terms), entityAlternatives(raw, keys));
}

/** Highlight is what snippets mark: index terms, folded prefixes and places (P-codes). */
export interface Highlight {
  readonly terms: Set<string>;
  readonly prefixes: string[];
  readonly places: Set<string>;
}

function withPlaces(raw: string, m: Match | null, negated: boolean, hl: Highlight): Match | null {
  if (negated) return m;
  const pcodes = queryPlaces(raw);
  if (pcodes.length === 0) return m;
  for (const p of pcodes) hl.places.add(p);
  const tokens: Match[] = pcodes.map((p) => ({ t: 'term', v: placeToken(p), prefix: false }));
  return { t: 'or', items: [...(m ? [m] : []), ...tokens] };
}

function compileExpr(e: Expr, hl: Highlight, negated: boolean, keys: readonly ScopeKey[]): Match | null {
  switch (e.t) {
    case 'word':
      return e.prefix
        ? wordMatch(e.raw, true, hl, keys)
        : withPlaces(e.raw, wordMatch(e.raw, false, negated ? scratch() : hl, keys), negated, hl);
    case 'phrase':
      return withPlaces(e.raw, wordMatch(e.raw, false, negated ? scratch() : hl, keys), negated, hl);
    case 'not': {
      const inner = compileExpr(e.item, hl, true, keys);
      return inner ? { t: 'not', item: inner } : null;
    }
    case 'or': {
      const items = e.items
        .map((i) => compileExpr(i, hl, negated, keys))
        .filter((m): m is Match => m !== null);
      if (items.length === 0) return null;
      return items.length === 1 ? items[0]! : { t: 'or', items };
    }
    case 'and':
      return compileAnd(e.items, hl, negated, keys);
  }
}

function scratch(): Highlight {
  return { terms: new Set(), prefixes: [], places: new Set() };
}

/** compileAnd also finds place names written as several plain words in a row (Khan Sheikhoun). */
function compileAnd(
  items: readonly Expr[],
  hl: Highlight,
  negated: boolean,
  keys: readonly ScopeKey[],
): Match | null {
  const out: Match[] = [];
  for (let i = 0; i < items.length; ) {
    let used = 0;
    for (let n = Math.min(5, items.length - i); n >= 2 && used === 0; n--) {
      const run = items.slice(i, i + n);
      if (!run.every((x) => x.t === 'word' && !x.prefix)) continue;
      const raw = run.map((x) => (x as { raw: string }).raw).join(' ');
      if (queryPlaces(raw).length === 0) continue;
      const m = compileExpr({ t: 'phrase', raw }, hl, negated, keys);
      if (m) out.push(m);
      used = n;
    }
    if (used > 0) {
      i += used;
      continue;
    }
    const m = compileExpr(items[i]!, hl, negated, keys);
    if (m) out.push(m);
    i++;
  }
  if (out.length === 0) return null;
  return out.length === 1 ? out[0]! : { t: 'and', items: out };
}

/**
 * compileQuery turns the text part of a query into index terms, with what to highlight;
 * `entityKeys` are the entity-name scopes the caller may match (none by default).
 */
export function compileQuery(expr: Expr | null, entityKeys: readonly ScopeKey[] = []): Compiled {
  const hl = scratch();
  const match = expr ? compileExpr(expr, hl, false, entityKeys) : null;
  return { match, highlight: hl };
}
