/**
 * repo.ts — the search queries: one WHERE clause (text condition from the backend, then
 * compartments and filters) shared by the page of results, the total and every facet, so that
 * counts and facets can never include an item the page would not show (DESIGN rule 7).
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import type { TextPlan } from './backends/backend.js';

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

/** whereClause is the text condition AND every filter, all parameterised. */
export function whereClause(plan: TextPlan, f: ResolvedFilters): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [plan.where];
  if (f.compartments) parts.push(sql`d.compartment IN (${list(f.compartments)})`);
  if (f.kinds.length) parts.push(sql`d.kind IN (${list(f.kinds)})`);
  if (f.notKinds.length) parts.push(sql`d.kind NOT IN (${list(f.notKinds)})`);
  if (f.sources.length) parts.push(sql`lower(d.source) IN (${list(f.sources)})`);
  if (f.notSources.length) parts.push(sql`lower(d.source) NOT IN (${list(f.notSources)})`);
  for (const p of f.places)
    parts.push(sql`d.item_id IN (SELECT sp.item_id FROM search_place sp WHERE sp.pcode IN (${list(p)}))`);
  if (f.notPlaces.length)
    parts.push(
      sql`d.item_id NOT IN (SELECT sp.item_id FROM search_place sp WHERE sp.pcode IN (${list(f.notPlaces)}))`,
    );
  if (f.after) parts.push(sql`d.date >= ${f.after}`);
  if (f.before) parts.push(sql`d.date < ${f.before}`);
  if (f.erns.length) parts.push(sql`d.doc_id IN (${list(f.erns)})`);
  return sql.join(parts, sql` AND `);
}

export interface HitRow {
  item_id: string;
  doc_id: number;
  ern: string;
  title: string;
  kind: string;
  source: string;
  date: string;
  score: number;
  head: string;
}

export type SortKey =
  | { readonly by: 'relevance'; readonly score: number; readonly docId: number }
  | { readonly by: 'date'; readonly date: string; readonly docId: number };

/** pageOfHits returns up to `limit` hits after `cursor`, in the sort's order. */
export async function pageOfHits(
  db: Kysely<Database>,
  plan: TextPlan,
  where: RawBuilder<unknown>,
  sort: 'relevance' | 'date',
  cursor: SortKey | undefined,
  limit: number,
  headChars: number,
): Promise<HitRow[]> {
  const inner = sql`SELECT d.item_id, d.doc_id, d.ern, d.title, d.kind, d.source, d.date, ${plan.score} AS score, substr(d.body, 1, ${headChars}) AS head FROM ${plan.from} WHERE ${where}`;
  let after: RawBuilder<unknown> = sql`1 = 1`;
  if (cursor?.by === 'relevance')
    after = sql`(s.score < ${cursor.score} OR (s.score = ${cursor.score} AND s.doc_id > ${cursor.docId}))`;
  if (cursor?.by === 'date')
    after = sql`(s.date < ${cursor.date} OR (s.date = ${cursor.date} AND s.doc_id < ${cursor.docId}))`;
  const order = sort === 'date' ? sql`s.date DESC, s.doc_id DESC` : sql`s.score DESC, s.doc_id ASC`;
  const rows =
    await sql<HitRow>`SELECT * FROM (${inner}) s WHERE ${after} ORDER BY ${order} LIMIT ${limit}`.execute(db);
  return rows.rows.map((r) => ({ ...r, doc_id: Number(r.doc_id), score: Number(r.score) }));
}

/** countHits is the number of matching documents the caller may see. */
export async function countHits(
  db: Kysely<Database>,
  plan: TextPlan,
  where: RawBuilder<unknown>,
): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM ${plan.from} WHERE ${where}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export interface FacetRow {
  v: string | number | null;
  n: number;
}

const FACET_LIMIT = 20;

/** facetOf counts the matching documents by one column of search_doc. */
export async function facetOf(
  db: Kysely<Database>,
  plan: TextPlan,
  where: RawBuilder<unknown>,
  column: 'kind' | 'source' | 'year',
): Promise<FacetRow[]> {
  const col = sql.ref(`d.${column}`);
  const r =
    await sql<FacetRow>`SELECT ${col} AS v, count(*) AS n FROM ${plan.from} WHERE ${where} GROUP BY ${col} ORDER BY n DESC, v ASC LIMIT ${FACET_LIMIT}`.execute(
      db,
    );
  return r.rows.map((x) => ({ v: x.v, n: Number(x.n) }));
}

/** placeFacet counts the matching documents by the admin unit (level 1 or 2) they lie in. */
export async function placeFacet(
  db: Kysely<Database>,
  plan: TextPlan,
  where: RawBuilder<unknown>,
  level: 1 | 2,
): Promise<FacetRow[]> {
  const r =
    await sql<FacetRow>`SELECT sp.pcode AS v, count(*) AS n FROM ${plan.from} JOIN search_place sp ON sp.item_id = d.item_id AND sp.level = ${level} WHERE ${where} GROUP BY sp.pcode ORDER BY n DESC, v ASC LIMIT ${FACET_LIMIT}`.execute(
      db,
    );
  return r.rows.map((x) => ({ v: x.v, n: Number(x.n) }));
}
