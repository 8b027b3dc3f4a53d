/**
 * filter-terms.ts — the values a query can filter on, written into the full-text index as
 * terms of their own (SQLite: the `filters` column of search_fts, weight 0 in bm25; PostgreSQL:
 * lexemes of weight D, left out of the tsquery that is ranked), so that a
 * selective filter is an intersection inside the text index rather than a test of each walked
 * row. Every term is `_` and then letters and digits: the analyser (src/lib/search-tokens.ts)
 * never makes a term with `_`, so no word of a document or a query can meet a filter term, and
 * FTS5 keeps `_` inside a token (tokenchars, migration 0022).
 *
 * The SQL filter clause (repo.ts) still applies to every row: the terms narrow the walk, the
 * columns decide. So a term can only make a query faster, never let a row through (a stale or
 * colliding term removes nothing the columns keep, and adds nothing they reject).
 *
 * Terms:
 *   _doc                      every document (a positive for queries of exclusions only)
 *   _cm<hash>                 the compartment
 *   _kd<hash>  _sr<hash>      the kind and the source (lower case, trimmed)
 *   _ar<pcode>                every place the item lies in and each admin unit around it
 *   _dm<YYYYMM> _dy<YYYY> _dd<YYY> _dc<YY> _dk<Y>   the date's month, year, decade, century, millennium
 */
import { createHash } from 'node:crypto';
import type { Match } from './query/compile.js';

export const ALL_DOCS_TERM = '_doc';

function digest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 20);
}

const COMPARTMENT_PREFIX = '_cm';
export const compartmentTerm = (c: string): string => `${COMPARTMENT_PREFIX}${digest(c)}`;
export const kindTerm = (k: string): string => `_kd${digest(k.trim().toLowerCase())}`;
export const sourceTerm = (s: string): string => `_sr${digest(s.trim().toLowerCase())}`;
export const areaTerm = (pcode: string): string => `_ar${pcode.toLowerCase()}`;

/** The date levels, in months: month, year, decade, century, millennium. */
const LEVELS: ReadonlyArray<{ prefix: string; months: number; digits: number }> = [
  { prefix: '_dk', months: 12_000, digits: 1 },
  { prefix: '_dc', months: 1_200, digits: 2 },
  { prefix: '_dd', months: 120, digits: 3 },
  { prefix: '_dy', months: 12, digits: 4 },
];

/** monthIndex is year × 12 + month − 1 of an ISO date (YYYY-MM…); undefined if it is not one. */
export function monthIndex(iso: string): number | undefined {
  const m = /^(\d{4})-(\d{2})/.exec(iso);
  if (!m) return undefined;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return undefined;
  return Number(m[1]) * 12 + month - 1;
}

/**
 * monthKey is `YYYY-MM` of month `index` (monthIndex): every date of that month sorts at or
 * after it and before the next month's key, whether written as a day or an instant.
 */
export function monthKey(index: number): string {
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function levelTerm(prefix: string, digits: number, index: number): string {
  return `${prefix}${String(Math.floor(index / 12))
    .padStart(4, '0')
    .slice(0, digits)}`;
}

function monthTerm(index: number): string {
  return `_dm${monthKey(index).replace('-', '')}`;
}

/** dateTerms are the month, year, decade, century and millennium terms of a document's date. */
export function dateTerms(iso: string): string[] {
  const i = monthIndex(iso);
  if (i === undefined) return [];
  const y = iso.slice(0, 4);
  return [monthTerm(i), `_dy${y}`, `_dd${y.slice(0, 3)}`, `_dc${y.slice(0, 2)}`, `_dk${y.slice(0, 1)}`];
}

/** Above this many terms a date range is left to the SQL clause alone. */
export const MAX_DATE_TERMS = 40;

/**
 * dateRangeTerms covers [after, before) — ISO instants, either open — with the fewest month,
 * year, decade, century and millennium terms (greedy from the start: the largest aligned block
 * that fits). The cover is whole months, so it may include days the range excludes; the SQL
 * clause cuts those. Undefined when the cover would need more than MAX_DATE_TERMS terms.
 */
export function dateRangeTerms(after: string | undefined, before: string | undefined): string[] | undefined {
  const start = after === undefined ? 0 : monthIndex(after);
  if (start === undefined) return undefined;
  if (before === undefined) return monthRangeTerms(start);
  const end = monthIndex(before);
  if (end === undefined) return undefined;
  // `before` is exclusive: a bound on the first instant of a month excludes that month.
  return monthRangeTerms(start, /^\d{4}-\d{2}-01T00:00:00(?:\.0+)?Z$/.test(before) ? end : end + 1);
}

/**
 * monthRangeTerms covers the months [start, end) — month indices (monthIndex); by default to
 * the end of year 9999 — as dateRangeTerms does; undefined past `maxTerms` terms.
 */
export function monthRangeTerms(
  start: number,
  end = 10_000 * 12,
  maxTerms = MAX_DATE_TERMS,
): string[] | undefined {
  const out: string[] = [];
  for (let i = start; i < end; ) {
    const level = LEVELS.find((l) => i % l.months === 0 && i + l.months <= end);
    if (level) {
      out.push(levelTerm(level.prefix, level.digits, i));
      i += level.months;
    } else {
      out.push(monthTerm(i));
      i += 1;
    }
    if (out.length > maxTerms) return undefined;
  }
  return out;
}

/** What a document is filtered by. */
export interface DocFilterValues {
  readonly compartment: string;
  readonly kind: string;
  readonly source: string;
  readonly date: string;
  /** Every place the document lies in, with the admin units around them. */
  readonly areas: Iterable<string>;
}

/** docFilterTerms are the filter terms the indexer writes for one document. */
export function docFilterTerms(d: DocFilterValues): string[] {
  const terms = [ALL_DOCS_TERM, compartmentTerm(d.compartment), kindTerm(d.kind), sourceTerm(d.source)];
  for (const a of d.areas) terms.push(areaTerm(a));
  terms.push(...dateTerms(d.date));
  return terms;
}

/** The filters of one query, as the service resolved them (repo.ts ResolvedFilters). */
export interface QueryFilterValues {
  readonly compartments?: readonly string[];
  readonly kinds: readonly string[];
  readonly notKinds: readonly string[];
  readonly sources: readonly string[];
  readonly notSources: readonly string[];
  readonly places: ReadonlyArray<readonly string[]>;
  readonly notPlaces: readonly string[];
  readonly after?: string;
  readonly before?: string;
}

/** Above this many compartments the compartment term is left out (the SQL clause decides alone). */
const MAX_COMPARTMENT_TERMS = 64;

/**
 * FilterMatch is a query's filters as index terms: every group of `all` must match (one term of
 * the group is enough), no term of `none` may.
 */
export interface FilterMatch {
  readonly all: ReadonlyArray<readonly string[]>;
  readonly none: readonly string[];
}

const any = (terms: readonly string[]): Match =>
  terms.length === 1
    ? { t: 'term', v: terms[0]!, prefix: false }
    : { t: 'or', items: terms.map((v) => ({ t: 'term', v, prefix: false })) };

/** filterMatchOf turns a query's filters into index terms (null: no filter has terms). */
export function filterMatchOf(f: QueryFilterValues): FilterMatch | null {
  const all: string[][] = [];
  if (f.compartments && f.compartments.length > 0 && f.compartments.length <= MAX_COMPARTMENT_TERMS)
    all.push(f.compartments.map(compartmentTerm));
  if (f.kinds.length) all.push(f.kinds.map(kindTerm));
  if (f.sources.length) all.push(f.sources.map(sourceTerm));
  for (const p of f.places) if (p.length) all.push(p.map(areaTerm));
  if (f.after !== undefined || f.before !== undefined) {
    const terms = dateRangeTerms(f.after, f.before);
    if (terms && terms.length > 0) all.push(terms);
  }
  const none = [...f.notKinds.map(kindTerm), ...f.notSources.map(sourceTerm), ...f.notPlaces.map(areaTerm)];
  if (all.length === 0 && none.length === 0) return null;
  return { all, none };
}

/**
 * Filter terms whose condition SQL also tests on a column of search_doc (repo.ts filterClause):
 * compartment, kind, source and date. Place terms (`_ar`) are not: a place filter carried by
 * the index is decided by its terms alone.
 */
const COLUMN_PREFIXES = [COMPARTMENT_PREFIX, '_kd', '_sr', '_dm', '_dy', '_dd', '_dc', '_dk'];

/** isColumnGroup: every term of the group is one that SQL also decides on a column. */
export function isColumnGroup(group: readonly string[]): boolean {
  return group.every((t) => COLUMN_PREFIXES.some((p) => t.startsWith(p)));
}

/**
 * probeFilters is what a per-row probe of the text index needs of the filters: the place
 * groups and every exclusion. A row's own columns decide the rest more cheaply than seeking a
 * long posting list for it (a compartment's term is in most documents).
 */
export function probeFilters(fm: FilterMatch | null): FilterMatch | null {
  return fm && { all: fm.all.filter((g) => !isColumnGroup(g)), none: fm.none };
}

/**
 * withoutCompartments drops the compartment group when something else positive selects: on
 * SQLite a compartment's documents have a table of their own (sqlite-backend.ts), so its term
 * is in every row the query reads and narrows nothing, while bm25 still counts its whole
 * doclist for the term's weight (§5.1.1): 30–40 ms a query at 1M documents (bench, issue 15).
 * SQL's d.compartment test decides, as for every row.
 */
export function withoutCompartments(fm: FilterMatch | null, hasText: boolean): FilterMatch | null {
  if (!fm) return null;
  const all = fm.all.filter((g) => !g.every((t) => t.startsWith(COMPARTMENT_PREFIX)));
  return hasText || all.length > 0 ? { all, none: fm.none } : fm;
}

/** positiveGroups turns FilterMatch.all into match trees (one OR per group). */
export function positiveGroups(fm: FilterMatch): Match[] {
  return fm.all.map(any);
}
