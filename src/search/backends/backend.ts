/**
 * backend.ts — what the search service needs from a database's full-text engine: store a
 * document's terms, and say how to find and score the documents that match a query. Both
 * backends receive terms already analysed (src/lib/search-tokens.ts), so they agree on what
 * matches; only the score differs (BM25 in FTS5, ts_rank in PostgreSQL), and every score is an
 * integer (× 10⁶) so a cursor compares it exactly.
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { FilterMatch } from '../filter-terms.js';
import type { Match } from '../query/compile.js';

export interface DocTerms {
  readonly docId: number;
  readonly itemId: string;
  readonly compartment: string;
  readonly title: readonly string[];
  readonly body: readonly string[];
  readonly tags: readonly string[];
  /**
   * Entity-name terms (entity-terms.ts): written to the name index, never to the scored row
   * (name-match.ts: attack finding F1).
   */
  readonly names: readonly string[];
  /** Filter terms (filter-terms.ts): matched only by filters, never ranked. */
  readonly filters: readonly string[];
}

/** TextPart is one piece of the text index a query reads: its FROM, condition and score. */
export interface TextPart {
  /** A FROM clause that names search_doc as `d`. */
  readonly from: RawBuilder<unknown>;
  readonly where: RawBuilder<unknown>;
  /** An integer expression; 0 when the query has no positive text. */
  readonly score: RawBuilder<unknown>;
  /** The document id as the FROM clause orders it cheaply (FTS5's rowid, else d.doc_id). */
  readonly docId: RawBuilder<unknown>;
  /**
   * The score reads only `d.tsv` and may be computed after the window is cut (PostgreSQL's
   * ts_rank): the candidates statement scores the `window + 1` rows it keeps, not every row it
   * sorts. FTS5's bm25 must run inside the MATCH scan, which already stops at the window.
   */
  readonly scoreAfterLimit?: boolean;
}

/** TextPlan is how one query reads the text index. */
export interface TextPlan {
  /**
   * The pieces of the index the query reads: SQLite, one FTS5 table per compartment the caller
   * may read (sqlite-backend.ts: why); PostgreSQL, one. Empty: nothing can match.
   */
  readonly parts: readonly TextPart[];
  /**
   * The text condition as a test of one row of `search_doc d` alone (FROM search_doc d): for
   * walking another index (date order) and probing the text index row by row.
   */
  readonly probe: RawBuilder<unknown>;
  /** True when the text index selects (with the filter terms); false: every document. */
  readonly indexed: boolean;
  /**
   * What one per-row `probe` costs, in matches read through the text index (`parts`) and
   * joined to their rows: it decides how a date-ordered page past the window is read (repo.ts
   * datePageOf). Measured at 1M documents (bench, issue 15): SQLite ~90 µs a probe (FTS5 sets
   * up the MATCH for each row) against ~2 µs a match read; PostgreSQL ~7 µs a probe (the
   * tsvector from TOAST) against ~4 µs a match. Absent: 1.
   */
  readonly probeCost?: number;
  /**
   * PostgreSQL, a match that is not common: read the index's matches among the newest
   * documents only, widening the span until the window is full (repo.ts, pg-plan.ts).
   */
  readonly recent?: RecentRead;
  /**
   * PostgreSQL: a date-ordered page read month span by month span, newest first, each span a
   * GIN read of the matches carrying its date terms (repo.ts datePageBySpans).
   */
  readonly dateSpans?: DateSpans;
}

/** DateSpans is how a plan reads its matches dated within a span of months (repo.ts). */
export interface DateSpans {
  /** The condition on `d` that its date is one of these terms' (filter-terms.ts dateRangeTerms). */
  where(terms: readonly string[]): RawBuilder<unknown>;
  /** run executes a statement the way a span read needs it planned. */
  run<T>(db: Kysely<Database>, statement: RawBuilder<T>): Promise<T[]>;
}

/** RecentRead is how a plan reads its matches among the newest documents (pg-plan.ts). */
export interface RecentRead {
  /** The estimated share of documents that match (0: unknown, read them all). */
  readonly share: number;
  /**
   * span is how many of the newest doc_ids to read for `window + 1` matches at `share`, ending
   * at `newest`; null: all.
   */
  span(share: number, newest: number, window: number): number | null;
  /**
   * range is the condition on `d` that keeps the doc_ids in (after, atMost] (after −1: from the
   * oldest; atMost undefined: up to the newest, `newest`), for a span `span` gave. Absent: the
   * doc_id comparison.
   */
  range?(after: number, atMost: number | undefined, newest: number): RawBuilder<unknown>;
  /** run executes a candidates statement the way this read needs it planned. */
  run<T>(db: Kysely<Database>, statement: RawBuilder<T>): Promise<T[]>;
}

/** The plan of a query with neither text nor filter terms: every document, unscored. */
export const EVERY_DOCUMENT: TextPlan = {
  parts: [{ from: sql`search_doc d`, where: sql`1 = 1`, score: sql`0`, docId: sql`d.doc_id` }],
  probe: sql`1 = 1`,
  indexed: false,
};

/** One group of a query (name-match.ts Variant): its text and the documents it is about. */
export interface PlanInput {
  /** Documents matching this (positive; no `names` leaf). */
  readonly match: Match | null;
  /** Or, with no positive text: documents not matching this. */
  readonly excludeOnly: Match | null;
  /** Only these documents (newest first). */
  readonly only?: readonly number[];
  /** None of these documents. */
  readonly except?: readonly number[];
}

/**
 * restricted adds a plan input's document set to a plan (`inSet` renders `id IN set` in the
 * dialect). A part is restricted on the id its FROM orders by (FTS5's rowid: a seek per id).
 */
export function restricted(
  plan: TextPlan,
  input: PlanInput,
  inSet: (id: RawBuilder<unknown>, ids: readonly number[]) => RawBuilder<unknown>,
): TextPlan {
  const cond = (id: RawBuilder<unknown>): RawBuilder<unknown> | null =>
    input.only ? inSet(id, input.only) : input.except?.length ? sql`NOT (${inSet(id, input.except)})` : null;
  const probe = cond(sql`d.doc_id`);
  if (!probe) return plan;
  return {
    parts: plan.parts.map((p) => ({ ...p, where: sql`${p.where} AND ${cond(p.docId)!}` })),
    probe: sql`(${plan.probe} AND ${probe})`,
    indexed: plan.indexed,
    ...(plan.probeCost ? { probeCost: plan.probeCost } : {}),
    ...(plan.recent ? { recent: plan.recent } : {}),
    ...(plan.dateSpans ? { dateSpans: plan.dateSpans } : {}),
  };
}

/**
 * inCompartments is the name lookups' wall: `AND d.compartment IN (…)` for the caller's
 * compartments (search_doc joined as `d`), nothing when the caller is not limited.
 */
export function inCompartments(compartments: readonly string[] | undefined): RawBuilder<unknown> {
  return compartments ? sql`AND d.compartment IN (${sql.join(compartments.map((c) => sql`${c}`))})` : sql``;
}

export interface SearchBackend {
  /** writeTerms replaces the indexed terms of one document, inside the caller's transaction. */
  writeTerms(trx: Transaction<Database> | Kysely<Database>, doc: DocTerms): Promise<void>;
  /** removeTerms drops a document from the full-text index. */
  removeTerms(trx: Transaction<Database> | Kysely<Database>, docId: number, itemId: string): Promise<void>;
  /**
   * plan: documents matching `match` (positive), or not matching any of `excludeOnly` alone,
   * that also carry the filter terms `filters` (intersected inside the text index; the score
   * counts the text alone). With neither text nor filter terms, every document. `compartments`:
   * those the caller may read (undefined: all); the plan still needs the filter on d.compartment.
   */
  plan(
    db: Kysely<Database>,
    input: PlanInput,
    filters: FilterMatch | null,
    compartments: readonly string[] | undefined,
  ): Promise<TextPlan>;
  /**
   * namesDocs: the newest `limit` documents of `compartments` (undefined: all) whose entity
   * names match `m` (terms of the name index only), doc_id descending.
   */
  namesDocs(
    db: Kysely<Database>,
    m: Match,
    compartments: readonly string[] | undefined,
    limit: number,
  ): Promise<number[]>;
}
