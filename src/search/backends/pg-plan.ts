/**
 * pg-plan.ts — on PostgreSQL, how a query reads its newest matches, chosen per query by how
 * many documents its terms match.
 *
 * A query takes the newest RANK_WINDOW matches (repo.ts). A match common enough (WALK_SHARE)
 * walks `search_doc_doc_id_key` backwards testing each row's tsvector: it reads about n / s
 * rows for a share s. Any rarer one reads GIN's matches among the newest doc_ids only (a span
 * of about twice n / s, recentSpan), as a second key of the same GIN scan (search_doc.seq, the
 * doc_id blocks: sequenceCover), and sorts them; too few there, the span widens (repo.ts
 * recentCandidates). A place name's tags and its words as a phrase are two scans
 * (exactAndPhrases), so only the phrase's rows are rechecked.
 *
 * The share is estimated from the statistics PostgreSQL keeps itself: ANALYZE stores the most
 * common lexemes of search_doc.tsv with their frequencies (pg_stats.most_common_elems, §24.1.3 /
 * §71.2 "tsvector statistics"); a lexeme not among them counts as half the least common of
 * them. AND and a phrase multiply their parts' shares (as independent), OR takes its commonest;
 * a prefix counts as its listed lexemes (prefixShare); an exclusion alone is taken as common.
 * Filter groups AND in like words. The stats are read once a minute per database.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/schema.js';
import { type FilterMatch, isColumnGroup } from '../filter-terms.js';
import type { Match } from '../query/compile.js';
import { RANK_WINDOW } from '../repo.js';

export interface TermStats {
  /** Estimated rows of search_doc. */
  readonly rows: number;
  /** Frequency (share of rows) of each most common lexeme. */
  readonly freq: ReadonlyMap<string, number>;
  /** The share below which a lexeme not listed lies (the least listed frequency). */
  readonly floor: number;
}

const TTL_MS = 60_000;
const cache = new WeakMap<object, { at: number; stats: TermStats }>();

/** termStats reads (or reuses for a minute) search_doc.tsv's lexeme statistics. */
export async function termStats(db: Kysely<Database>): Promise<TermStats> {
  const hit = cache.get(db);
  const now = Date.now();
  if (hit && now - hit.at < TTL_MS) return hit.stats;
  const r = await sql<{
    elems: string[] | null;
    freqs: number[] | null;
    rows: number | string | null;
  }>`SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs,
       (SELECT reltuples FROM pg_class WHERE oid = 'search_doc'::regclass) AS rows
     FROM (SELECT 1) one LEFT JOIN pg_stats s ON s.schemaname = current_schema()
       AND s.tablename = 'search_doc' AND s.attname = 'tsv'`.execute(db);
  const row = r.rows[0];
  const elems = row?.elems ?? [];
  const freqs = (row?.freqs ?? []).map(Number);
  const freq = new Map<string, number>();
  for (const [i, e] of elems.entries()) freq.set(e, freqs[i] ?? 0);
  // most_common_elem_freqs: the element frequencies, then min, max and null-element frequency.
  const listed = freqs.slice(0, elems.length);
  const floor = listed.length > 0 ? Math.min(...listed) : 0;
  const stats: TermStats = { rows: Math.max(0, Number(row?.rows ?? 0)), freq, floor };
  cache.set(db, { at: now, stats });
  return stats;
}

/**
 * listed is a lexeme's share: its own when ANALYZE listed it, else half the least listed one,
 * as PostgreSQL's own estimate does (tsmatchsel, src/backend/tsearch/ts_selfuncs.c: "minfreq /
 * 2"). At 1M documents the least listed share was 1.48% and `hospit`, unlisted, matched 0.70%:
 * the floor itself made the first span half what it needed, and every such query read twice.
 */
function listed(s: TermStats, lexeme: string): number {
  return s.freq.get(lexeme) ?? s.floor / 2;
}

/** groupShare is a filter group's share: the sum of its terms' (a group's terms are alternatives). */
function groupShare(s: TermStats, group: readonly string[]): number {
  return group.reduce((n, t) => n + listed(s, t), 0);
}

/** Prefixes shorter than this are taken as common: they may stand for thousands of rare lexemes. */
export const MIN_PREFIX = 3;

/**
 * prefixShare is a prefix's share: the sum of the listed lexemes it covers (documents holding
 * two of them count twice: on the high side, which costs a second read, never a wrong result),
 * or an unlisted lexeme's when it covers none. GIN reads a prefix's postings all at once into
 * a bitmap (partial match, ginget.c collectMatchBitmap), so a prefix common in sum must walk.
 * Measured at 1M documents (bench, issue 15, ninth session): `evac*` (1.3% of the documents)
 * taken as common read its 12,936 matches and their rows: 62 ms; among the newest, 38 ms.
 */
function prefixShare(s: TermStats, prefix: string): number {
  if ([...prefix].length < MIN_PREFIX) return 1;
  let sum = 0;
  for (const [lexeme, f] of s.freq) if (lexeme.startsWith(prefix)) sum += f;
  return sum > 0 ? Math.min(1, sum) : s.floor / 2;
}

/** share estimates the fraction of documents a match selects (1: unknown or common). */
export function share(m: Match, s: TermStats): number {
  switch (m.t) {
    case 'term':
      return m.prefix ? prefixShare(s, m.v) : listed(s, m.v);
    // Parts of an AND (and the words of a phrase) as independent, as PostgreSQL's own tsquery
    // estimate takes them (tsquery_opr_selec, ts_selfuncs.c: s1 * s2). The rarest part alone, as
    // before, took `حافل` & `حاجز` (each in about a quarter of the documents, together in ~7%)
    // for a common match and walked 13,000 rows testing each vector (bench, 1M).
    case 'phrase':
      return m.vs.reduce((p, v) => p * listed(s, v), 1);
    case 'and': {
      const pos = m.items.filter((i) => i.t !== 'not');
      return pos.reduce((p, i) => p * share(i, s), 1);
    }
    case 'or':
      // The commonest alternative, not the sum: a query's alternatives mostly mark the same
      // documents (a place name OR its places' tags: `Foua` | C1137 | C3905 match 1.4%, 9.1% and
      // 9.1% of the documents, 9.0% together). A low estimate costs a wider span, read once; a
      // high one costs a second read or a walk (measured at 100k, bench/RESULTS.md).
      return Math.max(...m.items.map((i) => share(i, s)));
    case 'not':
    case 'names':
      return 1;
  }
}

/**
 * matchShare estimates the share of documents a query's text AND filter groups select (as
 * independent parts; null when nothing positive selects).
 */
export function matchShare(s: TermStats, match: Match | null, filters: FilterMatch | null): number | null {
  const parts: number[] = [];
  if (match) parts.push(share(match, s));
  for (const g of filters?.all ?? []) parts.push(Math.min(1, groupShare(s, g)));
  return parts.length === 0 ? null : parts.reduce((p, x) => p * x, 1);
}

/** COMMON_FILTER_SHARE: a column-backed filter group matching at least this share selects too little to read from GIN. */
export const COMMON_FILTER_SHARE = 0.5;

/**
 * selectiveFilters drops from the selecting tsquery the filter groups that SQL decides on a
 * column anyway and that at least COMMON_FILTER_SHARE of the documents carry. Such a group
 * narrows nothing, but GIN must still decode its posting list to AND it in: measured at 100k
 * (bench, 2026-12-04), the caller's compartment term (90% of the documents) made the GIN read
 * of `Foua` 6.5–7.4 ms instead of 2.0–6.2 ms, and it grows with the table. The result is the
 * same: the filter clause tests the column of every row read.
 */
export function selectiveFilters(s: TermStats, filters: FilterMatch | null): FilterMatch | null {
  if (!filters) return null;
  const common = (g: readonly string[]) => isColumnGroup(g) && groupShare(s, g) >= COMMON_FILTER_SHARE;
  return { all: filters.all.filter((g) => !common(g)), none: filters.none };
}

/**
 * WALK_SHARE: a match at least this common walks doc_id (it reads about window / share rows, at
 * most 5,000 for a window of 1,000); a rarer one reads GIN among the newest documents
 * (recentSpan). Measured at 40,000 documents (bench, 2026-12-04): `Foua` (8.7% of the
 * documents) walked 11,500 rows in 192 ms, each row's tsvector read from TOAST to be tested;
 * GIN ANDed with the newest 15,000 doc_ids read 1,286 rows in 18.8 ms, none of them detoasted
 * (a GIN match of words is exact: no recheck).
 */
export const WALK_SHARE = 0.2;

/** How many more documents than the estimate says a span takes, so one read mostly suffices. */
export const SPAN_MARGIN = 2;

/**
 * The doc_id blocks of search_doc.seq (migration 0035): for each level L, the aligned block of
 * 2^L doc_ids a document lies in, as `L · 2^32 + ⌊doc_id / 2^L⌋`. Blocks of 16 to 4,194,304
 * doc_ids, fourfold apart. The GIN index holds `seq` beside `tsv` (one multicolumn index), so a
 * read "among the newest doc_ids" is a second key of the same GIN scan, which skips through the
 * blocks' posting lists to the text's matches, instead of a btree bitmap of every doc_id in the
 * range: measured at 1M documents (bench, issue 15, ninth session), `hospit` among the newest
 * 312,000 doc_ids read its 2,174 rows in 2.4 ms from GIN, where the btree range took 19 ms.
 * A column of its own rather than lexemes in `tsv`: a recheck of a phrase would detoast the
 * vector once more for the blocks, and they would crowd ANALYZE's most common lexemes.
 */
export const SEQUENCE_LEVELS: readonly number[] = [4, 6, 8, 10, 12, 14, 16, 18, 20, 22];
const LOWEST = SEQUENCE_LEVELS[0]!;

/** sequenceKey is the `seq` element of block `block` at level `level`. */
export function sequenceKey(level: number, block: number): number {
  return level * 2 ** 32 + block;
}

/** sequenceKeys are the `seq` elements of one document (what the migration's expression stores). */
export function sequenceKeys(docId: number): number[] {
  return SEQUENCE_LEVELS.map((l) => sequenceKey(l, Math.floor(docId / 2 ** l)));
}

/** Above this many blocks a range is left to the doc_id test alone. */
export const MAX_SEQUENCE_KEYS = 64;

/**
 * sequenceCover is the fewest blocks that cover the doc_ids [lo, hi] exactly (greedy from lo:
 * the largest aligned block that fits, as dateRangeTerms does for months). lo and hi + 1 are
 * multiples of the smallest block. Open above (`open`): hi is the newest doc_id when the query
 * began, and the last block is the largest aligned one, which may reach past it. A document
 * indexed while the query runs is in the result if its doc_id falls in that block, as it would
 * be had it been indexed a moment earlier or later (a query is not a snapshot; the next one
 * sees it). Undefined: more than MAX_SEQUENCE_KEYS blocks, or bounds not on a block boundary.
 */
export function sequenceCover(lo: number, hi: number, open: boolean): number[] | undefined {
  const smallest = 2 ** LOWEST;
  if (lo % smallest !== 0 || (!open && (hi + 1) % smallest !== 0) || hi < lo) return undefined;
  const out: number[] = [];
  for (let pos = lo; pos <= hi; ) {
    let level = LOWEST;
    for (const l of SEQUENCE_LEVELS) if (pos % 2 ** l === 0 && (open || pos + 2 ** l - 1 <= hi)) level = l;
    out.push(sequenceKey(level, pos / 2 ** level));
    if (out.length > MAX_SEQUENCE_KEYS) return undefined;
    pos += 2 ** level;
  }
  return out;
}

/**
 * spanStart is the first doc_id of a read of at least `span` doc_ids ending at `newest`, moved
 * down to a block boundary: of the largest level whose block is at most an eighth of the span
 * (at most 12.5% more doc_ids read), so a cover takes a few blocks.
 */
export function spanStart(newest: number, span: number): number {
  let level = LOWEST;
  for (const l of SEQUENCE_LEVELS) if (2 ** l * 8 <= span) level = l;
  const size = 2 ** level;
  return Math.max(0, Math.floor((newest - span + 1) / size) * size);
}

/**
 * recentSpan is how many of the newest doc_ids a read of GIN matches should cover to find
 * `window + 1` matches when a share `share` of the documents match, ending at `newest` and
 * starting on a block boundary (spanStart); null: every document (the span would reach past the
 * oldest).
 */
export function recentSpan(share: number, newest: number, window = RANK_WINDOW): number | null {
  if (share <= 0) return null;
  const span = Math.ceil((SPAN_MARGIN * (window + 1)) / share);
  if (span >= newest) return null;
  const start = spanStart(newest, span);
  return start <= 1 ? null : newest - start + 1;
}

/** hasPhrase: a match that needs word positions (a phrase of two or more words) anywhere in it. */
function hasPhrase(m: Match): boolean {
  switch (m.t) {
    case 'phrase':
      return m.vs.length > 1;
    case 'and':
    case 'or':
      return m.items.some(hasPhrase);
    case 'not':
      return hasPhrase(m.item);
    default:
      return false;
  }
}

/** splitOr splits an OR whose alternatives mix phrases and plain terms into [plain, phrases]. */
function splitOr(m: Match): [Match, Match] | null {
  if (m.t !== 'or') return null;
  const phrases = m.items.filter(hasPhrase);
  const plain = m.items.filter((i) => !hasPhrase(i));
  if (phrases.length === 0 || plain.length === 0) return null;
  const or = (items: Match[]): Match => (items.length === 1 ? items[0]! : { t: 'or', items });
  return [or(plain), or(phrases)];
}

/**
 * exactAndPhrases splits a match whose alternatives mix phrases and plain terms — a place name
 * is its words as a phrase OR its places' tags — into two matches read as two GIN scans
 * (BitmapOr): the plain alternatives, and the phrases without them (`P & !E`). Together they
 * select the same documents. Why: a tsquery with a phrase anywhere makes GIN return every row
 * for a recheck, each row's vector read from TOAST and tested; split, only the rows the phrase
 * alone finds are rechecked. Measured at 1M documents (bench, issue 15, ninth session): `Khan
 * Sheikhoun` among the newest 82,000 doc_ids, 2,038 rows, the heap scan 21 → 4.5 ms. Handles an
 * OR at the top or as one part of a top-level AND (the other parts go to both sides); null when
 * there is nothing to split.
 */
export function exactAndPhrases(m: Match): [Match, Match] | null {
  const not = (item: Match): Match => ({ t: 'not', item });
  const top = splitOr(m);
  if (top) return [top[0], { t: 'and', items: [top[1], not(top[0])] }];
  if (m.t !== 'and') return null;
  for (const [i, part] of m.items.entries()) {
    const split = splitOr(part);
    if (!split) continue;
    const rest = m.items.filter((_, j) => j !== i);
    return [
      { t: 'and', items: [...rest, split[0]] },
      { t: 'and', items: [...rest, split[1], not(split[0])] },
    ];
  }
  return null;
}
