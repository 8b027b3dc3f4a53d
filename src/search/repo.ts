/**
 * repo.ts — the search queries. One filter clause (compartments and filters) is ANDed to the
 * text condition of every query — the candidates, the date-ordered page and the place facets —
 * so no count or facet can include an item the page would not show (DESIGN rule 7).
 *
 * Cost is bounded by RANK_WINDOW, not by how many documents match: the candidates are the
 * newest RANK_WINDOW matching documents (walked in id order by the text index, so the walk
 * stops there), and relevance, the total and the facets are computed over them. Past the window
 * the total is a lower bound (`totalExact: false`); a date-ordered page is still exact, walked
 * down the date index with the text condition probed row by row.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import type { DateSpans, RecentRead, TextPart, TextPlan } from './backends/backend.js';
import { monthIndex, monthKey, monthRangeTerms } from './filter-terms.js';

/**
 * RANK_WINDOW is how many matching documents (the newest) a query ranks, counts and facets.
 * A query matching more reports `totalExact: false`; the user narrows it (words, filters).
 */
export const RANK_WINDOW = 1000;

export interface ResolvedFilters {
  /** undefined = every compartment; [] is never passed (the service answers empty itself). */
  readonly compartments?: readonly string[];
  readonly kinds: readonly string[];
  readonly notKinds: readonly string[];
  readonly sources: readonly string[];
  readonly notSources: readonly string[];
  /** Each entry is one place: P-codes of which any may match (a name's candidates). */
  readonly places: ReadonlyArray<readonly string[]>;
  readonly notPlaces: readonly string[];
  readonly after?: string;
  readonly before?: string;
  readonly erns: readonly number[];
}

function list(values: readonly (string | number)[]): RawBuilder<unknown> {
  return sql.join(values.map((v) => sql`${v}`));
}

/**
 * filterClause is every filter on `search_doc d`, parameterised. Place filters probe
 * search_place by its primary key (item_id, pcode) for each candidate row, so an area with a
 * hundred thousand items costs nothing until a candidate is tested.
 */
function filterClause(f: ResolvedFilters, placesInIndex: boolean): RawBuilder<unknown>[] {
  const parts: RawBuilder<unknown>[] = [];
  if (f.compartments) parts.push(sql`d.compartment IN (${list(f.compartments)})`);
  if (f.kinds.length) parts.push(sql`d.kind IN (${list(f.kinds)})`);
  if (f.notKinds.length) parts.push(sql`d.kind NOT IN (${list(f.notKinds)})`);
  if (f.sources.length) parts.push(sql`lower(d.source) IN (${list(f.sources)})`);
  if (f.notSources.length) parts.push(sql`lower(d.source) NOT IN (${list(f.notSources)})`);
  // The `_ar` index terms are the same set as search_place, written in the same transaction
  // (indexer.ts), so when the text index carries the place filter a probe per row adds nothing.
  for (const p of placesInIndex ? [] : f.places)
    parts.push(
      sql`EXISTS (SELECT 1 FROM search_place sp WHERE sp.item_id = d.item_id AND sp.pcode IN (${list(p)}))`,
    );
  if (f.notPlaces.length && !placesInIndex)
    parts.push(
      sql`NOT EXISTS (SELECT 1 FROM search_place sp WHERE sp.item_id = d.item_id AND sp.pcode IN (${list(f.notPlaces)}))`,
    );
  if (f.after) parts.push(sql`d.date >= ${f.after}`);
  if (f.before) parts.push(sql`d.date < ${f.before}`);
  if (f.erns.length) parts.push(sql`d.doc_id IN (${list(f.erns)})`);
  return parts;
}

/** Conditions is one query's text condition and filters, in the two shapes the queries use. */
export interface Conditions {
  /** One per part of the plan, with that part's FROM (the text index joined to search_doc d). */
  readonly where: readonly RawBuilder<unknown>[];
  /** With FROM search_doc d alone (the text condition probed per row). */
  readonly probe: RawBuilder<unknown>;
}

/** conditionsOf is the text condition AND every filter, all parameterised. */
export function conditionsOf(plan: TextPlan, f: ResolvedFilters, placesInIndex = false): Conditions {
  const filters = filterClause(f, placesInIndex);
  return {
    where: plan.parts.map((p) => sql.join([p.where, ...filters], sql` AND `)),
    probe: sql.join([plan.probe, ...filters], sql` AND `),
  };
}

export interface Candidate {
  readonly doc_id: number;
  readonly item_id: string;
  readonly kind: string;
  readonly source: string;
  readonly year: number | null;
  readonly date: string;
  /** Level 1 and 2 admin units, space-separated. */
  readonly admin: string;
  readonly score: number;
}

/**
 * candidatesOf returns the newest `window + 1` matching documents (doc_id descending) with
 * their scores: the text index stops after them, and only they are scored. (PostgreSQL walks
 * doc_id backwards testing each row's tsvector for a common match, and reads a rare one's
 * matches from GIN and sorts them: backends/pg-plan.ts.)
 */
export async function candidatesOf(
  db: Kysely<Database>,
  plan: TextPlan,
  c: Conditions,
  window: number,
  unscored = false,
): Promise<Candidate[]> {
  if (plan.parts.length === 0) return [];
  const rows = plan.recent
    ? await recentCandidates(db, plan, plan.recent, c, window, unscored)
    : (await candidatesSql(plan, c, window, undefined, unscored).execute(db)).rows;
  return rows.map((x) => ({
    ...x,
    doc_id: Number(x.doc_id),
    score: Number(x.score),
    year: x.year === null ? null : Number(x.year),
  }));
}

/** newestDocId is the highest doc_id indexed (0: none). */
async function newestDocId(db: Kysely<Database>): Promise<number> {
  const top = await sql<{ top: number | string | null }>`SELECT max(doc_id) AS top FROM search_doc`.execute(
    db,
  );
  return Number(top.rows[0]?.top ?? 0);
}

/**
 * recentCandidates reads the matches among the newest `span` documents (RecentRead.span,
 * pg-plan.ts: enough for the window at the estimated share, twice over). Fewer than the window
 * there means the estimate was high: the span widens to what the share seen in it needs (at
 * least twofold), and to every document when it would reach past the oldest — so the result
 * is the same newest `window + 1` matches as an unbounded read.
 */
async function recentCandidates(
  db: Kysely<Database>,
  plan: TextPlan,
  recent: RecentRead,
  c: Conditions,
  window: number,
  unscored: boolean,
): Promise<Candidate[]> {
  const newest = await newestDocId(db);
  let span = recent.span(recent.share, newest, window);
  let rows: Candidate[] = [];
  // Each read after the first reads only the doc_ids older than those already read.
  let readDown: number | undefined;
  for (;;) {
    const after = span === null ? undefined : newest - span;
    const range =
      after === undefined && readDown === undefined
        ? undefined
        : recent.range
          ? recent.range(after ?? -1, readDown, newest)
          : docIdRange(after, readDown);
    rows = rows.concat(await recent.run(db, candidatesSql(plan, c, window - rows.length, range, unscored)));
    if (rows.length > window || span === null) return rows;
    // The share seen in this span says how far the window reaches: one more read, mostly. (It
    // at least doubles the span: fewer than window + 1 were found in it.)
    readDown = after;
    span = recent.span(rows.length / span, newest, window);
    if (span !== null && span >= newest) span = null;
  }
}

/** docIdRange keeps the doc_ids in (after, atMost]. */
export function docIdRange(after: number | undefined, atMost: number | undefined): RawBuilder<unknown> {
  return sql.join(
    [
      ...(after === undefined ? [] : [sql`d.doc_id > ${after}`]),
      ...(atMost === undefined ? [] : [sql`d.doc_id <= ${atMost}`]),
    ],
    sql` AND `,
  );
}

/**
 * candidatesSql is the statement candidatesOf runs (also for EXPLAIN in the benchmark): each
 * part's newest `window + 1` matches (among the doc_ids `range` keeps), merged by doc_id when
 * the plan reads several. `unscored`: a part scored after its LIMIT is not scored (score 0; a
 * date-ordered page scores the rows it shows, scoresOf).
 */
export function candidatesSql(
  plan: TextPlan,
  c: Conditions,
  window: number,
  range?: RawBuilder<unknown>,
  unscored = false,
): RawBuilder<Candidate> {
  const newer = range === undefined ? sql`` : sql` AND ${range}`;
  const branch = (p: TextPart, i: number) =>
    p.scoreAfterLimit && !unscored
      ? // The newest window + 1 with their vectors (a TOAST pointer until read), then each scored:
        // a GIN read sorts every match in its span, and ts_rank over all of them cost more than
        // the read itself (bench/RESULTS.md, issue 15, eighth session).
        sql<Candidate>`SELECT d.doc_id, d.item_id, d.kind, d.source, d.year, d.date, d.admin, ${p.score} AS score FROM (SELECT ${p.docId} AS doc_id, d.item_id, d.kind, d.source, d.year, d.date, d.admin, d.tsv FROM ${p.from} WHERE ${c.where[i]!}${newer} ORDER BY ${p.docId} DESC LIMIT ${window + 1}) d ORDER BY d.doc_id DESC`
      : sql<Candidate>`SELECT ${p.docId} AS doc_id, d.item_id, d.kind, d.source, d.year, d.date, d.admin, ${p.scoreAfterLimit ? sql`0` : p.score} AS score FROM ${p.from} WHERE ${c.where[i]!}${newer} ORDER BY ${p.docId} DESC LIMIT ${window + 1}`;
  const [only, ...more] = plan.parts;
  if (!only)
    return sql<Candidate>`SELECT d.doc_id, d.item_id, d.kind, d.source, d.year, d.date, d.admin, 0 AS score FROM search_doc d WHERE 1 = 0`;
  if (more.length === 0) return branch(only, 0);
  const branches = plan.parts.map((p, i) => sql`SELECT * FROM (${branch(p, i)})`);
  return sql<Candidate>`SELECT * FROM (${sql.join(branches, sql` UNION ALL `)}) ORDER BY doc_id DESC LIMIT ${window + 1}`;
}

/**
 * scoresOf scores the documents `docIds` as their candidates statement would have (plans whose
 * parts all score after the LIMIT: one vector read per document). Used for the rows a
 * date-ordered page shows, so a date sort does not score the whole window: measured at 1M
 * documents on PostgreSQL (bench, issue 15, ninth session), ts_rank over the 1,001 rows of a
 * window cost 14–22 ms, each vector read from TOAST.
 */
export async function scoresOf(
  db: Kysely<Database>,
  plan: TextPlan,
  docIds: readonly number[],
): Promise<Map<number, number>> {
  const only = plan.parts[0];
  if (!only || !scoresAfterwards(plan) || docIds.length === 0) return new Map();
  const r = await sql<{
    doc_id: number | string;
    score: number | string;
  }>`SELECT d.doc_id, ${only.score} AS score FROM ${only.from} WHERE d.doc_id IN (${list(docIds)})`.execute(
    db,
  );
  return new Map(r.rows.map((x) => [Number(x.doc_id), Number(x.score)]));
}

/** scoresAfterwards: a date-ordered query on this plan may read its window unscored (scoresOf). */
export function scoresAfterwards(plan: TextPlan): boolean {
  return plan.parts.length === 1 && plan.parts[0]!.scoreAfterLimit === true;
}

/** Where a date-ordered page starts: after this document (date, then doc_id, descending). */
export interface DateCursor {
  readonly date: string;
  readonly docId: number;
}

/** A document of a date-ordered page. */
export interface DatedDoc {
  doc_id: number;
  date: string;
}

/**
 * datePage returns up to `limit` matching documents in date order (newest first) after
 * `cursor`, exactly over every match: the date index is walked and each row's text tested.
 */
export async function datePage(
  db: Kysely<Database>,
  c: Conditions,
  cursor: DateCursor | undefined,
  limit: number,
): Promise<DatedDoc[]> {
  const after = afterCursor(cursor);
  const r = await sql<{
    doc_id: number;
    date: string;
  }>`SELECT d.doc_id, d.date FROM search_doc d WHERE ${c.probe} AND ${after} ORDER BY d.date DESC, d.doc_id DESC LIMIT ${limit}`.execute(
    db,
  );
  return r.rows.map((x) => ({ doc_id: Number(x.doc_id), date: x.date }));
}

/**
 * datePageOf is one date-ordered page past the window, exactly over every match, read the
 * cheaper of two ways. Walking the date index probes the text index for each row until `limit`
 * match (about limit / share rows); reading every match through the text index joins each to
 * its row and keeps the newest (about share · documents rows). The window's own doc_id range
 * gives the share: its `window.length` matches are the newest, spread over the doc_ids from
 * its oldest to the newest document. A probe costs `plan.probeCost` matches read.
 * Measured at 1M documents on SQLite (bench, issue 15): `market sort:date` (0.56% of the
 * documents) walked 3,750 rows with a probe each in 330 ms; read through FTS5 it is 5,575
 * matches.
 */
export async function datePageOf(
  db: Kysely<Database>,
  plan: TextPlan,
  c: Conditions,
  window: readonly Candidate[],
  cursor: DateCursor | undefined,
  limit: number,
  how?: 'walk' | 'matches' | 'spans',
): Promise<DatedDoc[]> {
  if (how === 'walk') return datePage(db, c, cursor, limit);
  if (how === 'matches') return datePageByMatches(db, plan, c, cursor, limit);
  if (how === 'spans' && plan.dateSpans) return datePageBySpans(db, plan, plan.dateSpans, c, cursor, limit);
  const oldest = window[window.length - 1];
  const newest = await newestDocId(db);
  if (!oldest || plan.parts.length === 0 || newest < oldest.doc_id) return datePage(db, c, cursor, limit);
  const share = window.length / (newest - oldest.doc_id + 1);
  const matches = share * newest;
  const walked = (limit / share) * (plan.probeCost ?? 1);
  // By spans of months, about DATE_SPAN_MARGIN pages' worth of matches are read (when the
  // dates spread evenly; a burst costs a second read, never a wrong page).
  if (plan.dateSpans && DATE_SPAN_MARGIN * limit < Math.min(matches, walked))
    return datePageBySpans(db, plan, plan.dateSpans, c, cursor, limit, matches);
  return matches < walked ? datePageByMatches(db, plan, c, cursor, limit) : datePage(db, c, cursor, limit);
}

/** How many pages' worth of matches the first span of months is sized for. */
const DATE_SPAN_MARGIN = 2;

/** Each span of months after the first is this many times longer. */
const DATE_SPAN_GROWTH = 4;

/** A span's date terms: an open first span from a recent month takes 20–47 (to year 9999). */
const MAX_SPAN_TERMS = 64;

/**
 * datePageBySpans is one date-ordered page past the window, read a span of months at a time
 * from the newest date down: each span's matches through the text index with the span's date
 * terms (filter-terms.ts dateRangeTerms) ANDed in, so the index reads only that span's
 * postings. A span holding `limit` matches holds the page (every older match is older than all
 * of them); fewer, and the next span down, DATE_SPAN_GROWTH times longer, gives the rest. The
 * first is sized from `matches` (the estimated matches in all) spread over the months indexed;
 * past the oldest date, or when a span's cover takes too many terms, the rest is one read.
 */
async function datePageBySpans(
  db: Kysely<Database>,
  plan: TextPlan,
  spans: DateSpans,
  c: Conditions,
  cursor: DateCursor | undefined,
  limit: number,
  matches?: number,
): Promise<DatedDoc[]> {
  const r = await sql<{
    top: string | null;
    bottom: string | null;
  }>`SELECT max(date) AS top, min(date) AS bottom FROM search_doc`.execute(db);
  const top = monthIndex(cursor?.date ?? r.rows[0]?.top ?? '');
  const bottom = monthIndex(r.rows[0]?.bottom ?? '');
  if (top === undefined || bottom === undefined) return datePageByMatches(db, plan, c, cursor, limit);
  const after = afterCursor(cursor);
  const perMonth = matches === undefined ? 0 : matches / (top - bottom + 1);
  let months = perMonth > 0 ? Math.max(1, Math.ceil((DATE_SPAN_MARGIN * limit) / perMonth)) : 1;
  // The first span is open above (the cursor, if any, bounds it): a document indexed since
  // max(date) was read, or dated as late as December 9999, is still in it.
  let to: number | undefined;
  const rows: DatedDoc[] = [];
  for (;;) {
    const from = (to ?? top + 1) - months;
    const terms = from > bottom ? monthRangeTerms(from, to, MAX_SPAN_TERMS) : undefined;
    const below = to === undefined ? undefined : monthKey(to);
    if (!terms) return rows.concat(await datePageByMatches(db, plan, c, cursor, limit - rows.length, below));
    // `d.date || ''`: no btree bitmap of the date range (the terms narrow the read; SQL decides).
    const inSpan = sql`${after} AND ${spans.where(terms)} AND (d.date || '') >= ${monthKey(from)}${below === undefined ? sql`` : sql` AND (d.date || '') < ${below}`}`;
    rows.push(...(await newestByDate(plan, c, inSpan, limit - rows.length, (q) => spans.run(db, q))));
    if (rows.length >= limit) return rows;
    to = from;
    months *= DATE_SPAN_GROWTH;
  }
}

function afterCursor(cursor: DateCursor | undefined): RawBuilder<unknown> {
  return cursor
    ? sql`(d.date < ${cursor.date} OR (d.date = ${cursor.date} AND d.doc_id < ${cursor.docId}))`
    : sql`1 = 1`;
}

/**
 * datePageByMatches reads every match through the text index and keeps the newest `limit` by
 * date (dated before `before`, a month key, when given).
 */
async function datePageByMatches(
  db: Kysely<Database>,
  plan: TextPlan,
  c: Conditions,
  cursor: DateCursor | undefined,
  limit: number,
  before?: string,
): Promise<DatedDoc[]> {
  const after =
    before === undefined ? afterCursor(cursor) : sql`${afterCursor(cursor)} AND d.date < ${before}`;
  return newestByDate(plan, c, after, limit, async (q) => (await q.execute(db)).rows);
}

/**
 * newestByDate reads the matches of every part that meet `condition` through the text index
 * and keeps the newest `limit` by date (`run` executes the statement).
 */
async function newestByDate(
  plan: TextPlan,
  c: Conditions,
  condition: RawBuilder<unknown>,
  limit: number,
  run: (statement: RawBuilder<DatedDoc>) => Promise<DatedDoc[]>,
): Promise<DatedDoc[]> {
  const branches = plan.parts.map(
    (p, i) =>
      sql`SELECT * FROM (SELECT ${p.docId} AS doc_id, d.date AS date FROM ${p.from} WHERE ${c.where[i]!} AND ${condition} ORDER BY d.date DESC, d.doc_id DESC LIMIT ${limit})`,
  );
  const rows = await run(
    sql<DatedDoc>`SELECT doc_id, date FROM (${sql.join(branches, sql` UNION ALL `)}) ORDER BY date DESC, doc_id DESC LIMIT ${limit}`,
  );
  return rows.map((x) => ({ doc_id: Number(x.doc_id), date: x.date }));
}

export interface HitRow {
  item_id: string;
  doc_id: number;
  ern: string;
  title: string;
  kind: string;
  source: string;
  date: string;
  head: string;
}

/** hitRows reads what a page shows of the documents `docIds` (the start of the body for snippets). */
export async function hitRows(
  db: Kysely<Database>,
  docIds: readonly number[],
  headChars: number,
): Promise<HitRow[]> {
  if (docIds.length === 0) return [];
  const r =
    await sql<HitRow>`SELECT d.item_id, d.doc_id, d.ern, d.title, d.kind, d.source, d.date, substr(d.body, 1, ${headChars}) AS head FROM search_doc d WHERE d.doc_id IN (${list(docIds)})`.execute(
      db,
    );
  return r.rows.map((x) => ({ ...x, doc_id: Number(x.doc_id) }));
}
