/**
 * parse.ts — the search query language (documented in src/search/README.md):
 *
 *   words             all must match (AND); stemmed, Arabic normalised
 *   "quoted phrase"   the words next to each other, in order
 *   a OR b            either (binds tighter than the implicit AND: `x a OR b` = x AND (a OR b))
 *   -word, -"phrase"  must not match; also -kind:, -source:, -place:
 *   evac*             prefix (at least two letters before the star)
 *   ( … )             grouping, at most MAX_DEPTH deep
 *   kind:K  source:S  place:PCODE|name  after:YYYY[-MM[-DD]]  before:…  ern:ATT-…  sort:date|relevance
 *
 * The query is attacker-controlled: it is bounded in length, terms, depth and filter values
 * before anything else happens, and every way it can be malformed raises INVALID_QUERY with a
 * sentence saying where. Nothing of it reaches SQL as syntax: words become index terms
 * (letters and digits only) that the backends quote themselves.
 */
import { parseErn } from '../../lib/ern.js';
import { SearchError } from '../errors.js';

export const MAX_QUERY_CHARS = 512;
export const MAX_TERMS = 32;
export const MAX_DEPTH = 4;
export const MAX_FILTER_VALUES = 16;

export type Expr =
  | { readonly t: 'word'; readonly raw: string; readonly prefix: boolean }
  | { readonly t: 'phrase'; readonly raw: string }
  | { readonly t: 'and'; readonly items: readonly Expr[] }
  | { readonly t: 'or'; readonly items: readonly Expr[] }
  | { readonly t: 'not'; readonly item: Expr };

export interface Filters {
  readonly kinds: string[];
  readonly notKinds: string[];
  readonly sources: string[];
  readonly notSources: string[];
  /** place: values as written (P-codes or names); resolved by the service. */
  readonly places: string[];
  readonly notPlaces: string[];
  /** Inclusive lower bound (ISO date-time prefix). */
  after?: string;
  /** Exclusive upper bound. */
  before?: string;
  readonly erns: number[];
  sort?: 'relevance' | 'date';
}

export interface ParsedQuery {
  /** The text part; null when the query is filters only. */
  readonly expr: Expr | null;
  readonly filters: Filters;
}

const FIELDS = new Set(['kind', 'source', 'place', 'after', 'before', 'ern', 'sort']);

type Lexeme =
  | { k: 'open'; at: number }
  | { k: 'close'; at: number }
  | { k: 'or'; at: number }
  | { k: 'word'; v: string; neg: boolean; at: number }
  | { k: 'phrase'; v: string; neg: boolean; at: number }
  | { k: 'field'; name: string; v: string; neg: boolean; at: number };

function invalid(message: string): SearchError {
  return new SearchError('INVALID_QUERY', message);
}

function readQuoted(q: string, i: number): { v: string; next: number } {
  const end = q.indexOf('"', i + 1);
  if (end < 0) throw invalid(`the quote at character ${i + 1} is not closed`);
  return { v: q.slice(i + 1, end), next: end + 1 };
}

function lex(q: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(') {
      out.push({ k: 'open', at: i++ });
      continue;
    }
    if (c === ')') {
      out.push({ k: 'close', at: i++ });
      continue;
    }
    const at = i;
    let neg = false;
    if (c === '-' && i + 1 < q.length && !/[\s)]/.test(q[i + 1]!)) {
      neg = true;
      i++;
    }
    if (q[i] === '"') {
      const { v, next } = readQuoted(q, i);
      out.push({ k: 'phrase', v, neg, at });
      i = next;
      continue;
    }
    if (q[i] === '(' && neg)
      throw invalid(`"-" before "(" at character ${at + 1}: negate words, phrases or filters`);
    let j = i;
    while (j < q.length && !/[\s()"]/.test(q[j]!)) j++;
    const word = q.slice(i, j);
    const field = /^([A-Za-z]+):(.*)$/.exec(word);
    if (field) {
      const name = field[1]!.toLowerCase();
      if (!FIELDS.has(name))
        throw invalid(`unknown filter "${field[1]}:" (known: ${[...FIELDS].join(', ')})`);
      let v = field[2]!;
      if (v === '' && q[j] === '"') {
        const quoted = readQuoted(q, j);
        v = quoted.v;
        j = quoted.next;
      }
      if (v.trim() === '') throw invalid(`the filter "${name}:" has no value`);
      out.push({ k: 'field', name, v, neg, at });
    } else if (word === 'OR' && !neg) out.push({ k: 'or', at });
    else if (word.length > 0) out.push({ k: 'word', v: word, neg, at });
    i = j;
  }
  return out;
}

/** parseDateBound reads YYYY, YYYY-MM or YYYY-MM-DD as the instant it starts (ISO prefix). */
function dateStart(v: string): string {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(v);
  if (!m) throw invalid(`"${v}" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)`);
  const [y, mo = '01', d = '01'] = [m[1]!, m[2], m[3]];
  const iso = `${y}-${mo}-${d}T00:00:00.000Z`;
  const dt = new Date(iso);
  if (Number.isNaN(dt.getTime()) || dt.toISOString() !== iso) throw invalid(`"${v}" is not a calendar date`);
  return iso;
}

function addFilter(f: Filters, lx: Extract<Lexeme, { k: 'field' }>) {
  const { name, v, neg } = lx;
  const count = f.kinds.length + f.notKinds.length + f.sources.length + f.notSources.length;
  if (count + f.places.length + f.notPlaces.length + f.erns.length >= MAX_FILTER_VALUES)
    throw new SearchError('QUERY_TOO_COMPLEX', `at most ${MAX_FILTER_VALUES} filter values`);
  if (neg && !['kind', 'source', 'place'].includes(name)) throw invalid(`"-${name}:" cannot be negated`);
  switch (name) {
    case 'kind':
      if (!/^[a-z0-9][a-z0-9-]{0,31}$/i.test(v)) throw invalid(`"${v}" is not a kind`);
      (neg ? f.notKinds : f.kinds).push(v.toLowerCase());
      return;
    case 'source':
      if (v.length > 200) throw invalid('a source: value is at most 200 characters');
      (neg ? f.notSources : f.sources).push(v.trim().toLowerCase());
      return;
    case 'place':
      if (v.length > 200) throw invalid('a place: value is at most 200 characters');
      (neg ? f.notPlaces : f.places).push(v.trim());
      return;
    case 'after':
      f.after = dateStart(v);
      return;
    case 'before':
      f.before = dateStart(v);
      return;
    case 'ern': {
      const seq = parseErn(v.toUpperCase());
      if (seq === undefined) throw invalid(`"${v}" is not an evidence reference number (ATT-000123)`);
      f.erns.push(seq);
      return;
    }
    case 'sort':
      if (v !== 'date' && v !== 'relevance') throw invalid('sort: is "date" or "relevance"');
      f.sort = v;
      return;
  }
}

/**
 * parseQuery turns the query text into an expression and filters, or throws SearchError.
 *
 *   parseQuery('evacuation "al-Fu\'ah" -kind:image after:2016-12')
 */
export function parseQuery(q: string): ParsedQuery {
  if (q.length > MAX_QUERY_CHARS)
    throw new SearchError('QUERY_TOO_COMPLEX', `the query is longer than ${MAX_QUERY_CHARS} characters`);
  const lexemes = lex(q.normalize('NFC'));
  const words = lexemes.filter((l) => l.k === 'word' || l.k === 'phrase').length;
  if (words > MAX_TERMS) throw new SearchError('QUERY_TOO_COMPLEX', `at most ${MAX_TERMS} words and phrases`);
  const filters: Filters = {
    kinds: [],
    notKinds: [],
    sources: [],
    notSources: [],
    places: [],
    notPlaces: [],
    erns: [],
  };
  let pos = 0;

  const seq = (depth: number): Expr | null => {
    const items: Expr[] = [];
    let pendingOr = false;
    while (pos < lexemes.length) {
      const lx = lexemes[pos]!;
      if (lx.k === 'close') {
        if (depth === 0) throw invalid(`")" at character ${lx.at + 1} has no "("`);
        break;
      }
      pos++;
      if (lx.k === 'or') {
        if (items.length === 0 || pendingOr)
          throw invalid(`OR at character ${lx.at + 1} needs a term on each side`);
        pendingOr = true;
        continue;
      }
      let unit: Expr | null;
      if (lx.k === 'field') {
        if (depth > 0 || pendingOr)
          throw invalid(`filters such as "${lx.name}:" go outside parentheses and OR`);
        addFilter(filters, lx);
        continue;
      }
      if (lx.k === 'open') {
        if (depth + 1 > MAX_DEPTH)
          throw new SearchError('QUERY_TOO_COMPLEX', `parentheses nest at most ${MAX_DEPTH} deep`);
        unit = seq(depth + 1);
        const close = lexemes[pos];
        if (close?.k !== 'close') throw invalid(`"(" at character ${lx.at + 1} is not closed`);
        pos++;
        if (!unit) continue;
      } else if (lx.k === 'phrase') {
        if (lx.v.trim() === '') continue;
        unit = { t: 'phrase', raw: lx.v };
        if (lx.neg) unit = { t: 'not', item: unit };
      } else {
        const prefix = lx.v.endsWith('*');
        const raw = lx.v.replace(/\*+$/, '');
        if (prefix && raw.replace(/[^\p{L}\p{N}]/gu, '').length < 2)
          throw invalid(`a prefix needs at least two letters before "*" (character ${lx.at + 1})`);
        unit = { t: 'word', raw, prefix };
        if (lx.neg) unit = { t: 'not', item: unit };
      }
      if (pendingOr) {
        const prev = items.pop()!;
        if (prev.t === 'not' || unit.t === 'not') throw invalid('OR cannot join a negated term');
        items.push({ t: 'or', items: [...(prev.t === 'or' ? prev.items : [prev]), unit] });
        pendingOr = false;
      } else items.push(unit);
    }
    if (pendingOr) throw invalid('the query ends with OR');
    if (items.length === 0) return null;
    return items.length === 1 ? items[0]! : { t: 'and', items };
  };

  const expr = seq(0);
  if (pos < lexemes.length) throw invalid(`unexpected ")" at character ${lexemes[pos]!.at + 1}`);
  if (filters.after && filters.before && filters.after >= filters.before)
    throw invalid('after: must be earlier than before:');
  return { expr, filters };
}
