/**
 * compile.ts — a parsed query's text part as index terms, ready for a backend to render:
 * each word analysed exactly as documents are (src/lib/search-tokens.ts), a word that spells
 * several tokens ("al-Fu'ah", "ATT-000123") as a phrase, a prefix as the folded (unstemmed)
 * start of a word, and every place name — one word or several in a row, in any script or
 * spelling the gazetteer knows — widened to the place's index token (`xpl` + P-code), which
 * the indexer adds for every mention. So "Foua" finds a report that says الفوعة.
 */
import { foldWord, stemFolded, termOf, tokenize } from '../../lib/search-tokens.js';
import { placeToken, queryPlaces } from '../places-in-text.js';
import type { Expr } from './parse.js';

export type Match =
  | { readonly t: 'term'; readonly v: string; readonly prefix: boolean }
  | { readonly t: 'phrase'; readonly vs: readonly string[] }
  | { readonly t: 'and'; readonly items: readonly Match[] }
  | { readonly t: 'or'; readonly items: readonly Match[] }
  | { readonly t: 'not'; readonly item: Match };

export interface Compiled {
  readonly match: Match | null;
  /** Terms and prefixes to highlight in snippets (the positive ones). */
  readonly highlight: Highlight;
}

function wordMatch(raw: string, prefix: boolean, hl: Highlight): Match | null {
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
    return head.length === 0 ? tail : { t: 'and', items: [{ t: 'phrase', vs: head }, tail] };
  }
  const terms = tokens.map((t) => termOf(t.text)).filter((t): t is string => t !== null);
  for (const t of terms) hl.terms.add(t);
  if (terms.length === 0) return null;
  return terms.length === 1 ? { t: 'term', v: terms[0]!, prefix: false } : { t: 'phrase', vs: terms };
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

function compileExpr(e: Expr, hl: Highlight, negated: boolean): Match | null {
  switch (e.t) {
    case 'word':
      return e.prefix
        ? wordMatch(e.raw, true, hl)
        : withPlaces(e.raw, wordMatch(e.raw, false, negated ? scratch() : hl), negated, hl);
    case 'phrase':
      return withPlaces(e.raw, wordMatch(e.raw, false, negated ? scratch() : hl), negated, hl);
    case 'not': {
      const inner = compileExpr(e.item, hl, true);
      return inner ? { t: 'not', item: inner } : null;
    }
    case 'or': {
      const items = e.items.map((i) => compileExpr(i, hl, negated)).filter((m): m is Match => m !== null);
      if (items.length === 0) return null;
      return items.length === 1 ? items[0]! : { t: 'or', items };
    }
    case 'and':
      return compileAnd(e.items, hl, negated);
  }
}

function scratch(): Highlight {
  return { terms: new Set(), prefixes: [], places: new Set() };
}

/** compileAnd also finds place names written as several plain words in a row (Khan Sheikhoun). */
function compileAnd(items: readonly Expr[], hl: Highlight, negated: boolean): Match | null {
  const out: Match[] = [];
  for (let i = 0; i < items.length; ) {
    let used = 0;
    for (let n = Math.min(5, items.length - i); n >= 2 && used === 0; n--) {
      const run = items.slice(i, i + n);
      if (!run.every((x) => x.t === 'word' && !x.prefix)) continue;
      const raw = run.map((x) => (x as { raw: string }).raw).join(' ');
      if (queryPlaces(raw).length === 0) continue;
      const m = compileExpr({ t: 'phrase', raw }, hl, negated);
      if (m) out.push(m);
      used = n;
    }
    if (used > 0) {
      i += used;
      continue;
    }
    const m = compileExpr(items[i]!, hl, negated);
    if (m) out.push(m);
    i++;
  }
  if (out.length === 0) return null;
  return out.length === 1 ? out[0]! : { t: 'and', items: out };
}

/** compileQuery turns the text part of a query into index terms, with what to highlight. */
export function compileQuery(expr: Expr | null): Compiled {
  const hl = scratch();
  const match = expr ? compileExpr(expr, hl, false) : null;
  return { match, highlight: hl };
}
