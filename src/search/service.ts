/**
 * service.ts — search: parse the query, resolve place filters through the gazetteer, compile
 * the text to index terms, and ask the deployment's backend for one page of hits, the total and
 * the facets — all inside the caller's compartments, in the database query.
 *
 * Results are ordered by relevance (then ERN) or by date (newest first, then ERN), and paged by
 * an opaque cursor bound to the query it was made for.
 */
import { createHash } from 'node:crypto';
import type { Ctx } from '../ctx.js';
import { backendFor } from './backends/backend-for.js';
import { SearchError } from './errors.js';
import { loadGazetteer } from './gazetteer/places.js';
import { resolvePlace } from './gazetteer/resolve.js';
import { syncIndex } from './indexer.js';
import { compileQuery, type Match } from './query/compile.js';
import { parseQuery } from './query/parse.js';
import {
  countHits,
  facetOf,
  pageOfHits,
  placeFacet,
  type ResolvedFilters,
  type SortKey,
  whereClause,
} from './repo.js';
import { makeSnippet, SNIPPET_SCAN } from './snippet.js';

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 20;

export interface SearchRequest {
  readonly q: string;
  readonly limit?: number;
  readonly cursor?: string;
  readonly sort?: 'relevance' | 'date';
  /** Where the caller may read items: 'all', or a list (an empty list sees nothing). */
  readonly compartments: readonly string[] | 'all';
  /** Compute facets (default true). */
  readonly facets?: boolean;
}

export interface SearchHit {
  readonly ern: string;
  readonly title: string;
  readonly kind: string;
  readonly source: string;
  readonly date: string;
  readonly score: number;
  readonly snippet: string;
}

export interface FacetValue {
  readonly value: string;
  readonly count: number;
  /** For place facets: the unit's English and Arabic names. */
  readonly name?: string;
  readonly nameAr?: string;
}

export interface Facets {
  readonly kind: FacetValue[];
  readonly source: FacetValue[];
  readonly year: FacetValue[];
  readonly admin1: FacetValue[];
  readonly admin2: FacetValue[];
}

export interface SearchResult {
  readonly results: SearchHit[];
  readonly total: number;
  readonly facets: Facets;
  readonly next: string | null;
}

const EMPTY_FACETS: Facets = { kind: [], source: [], year: [], admin1: [], admin2: [] };

function resolvePlaceFilter(value: string): string[] {
  const data = loadGazetteer();
  const code = value.toUpperCase();
  if (data.places.has(code)) return [code];
  const candidates = resolvePlace(value).filter((c) => c.match !== 'skeleton');
  if (candidates.length === 0)
    throw new SearchError('UNKNOWN_PLACE', `place: "${value}" is no P-code or gazetteer name`);
  // A name stands for all its exact candidates (a user who means one writes its P-code).
  const best = candidates[0]!.match;
  return candidates.filter((c) => c.match === best).map((c) => c.place.pcode);
}

function queryHash(q: string, sort: string): string {
  return createHash('sha256').update(`${sort}\u0000${q}`).digest('base64url').slice(0, 16);
}

function encodeCursor(key: SortKey, hash: string): string {
  const body = key.by === 'relevance' ? [hash, 'r', key.score, key.docId] : [hash, 'd', key.date, key.docId];
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** decodeCursor reads a cursor back; anything not made by encodeCursor for this query fails. */
function decodeCursor(cursor: string, hash: string): SortKey {
  const bad = () => new SearchError('INVALID_CURSOR', 'the cursor does not belong to this query');
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(v) || v.length !== 4 || v[0] !== hash || !Number.isSafeInteger(v[3])) throw bad();
  if (v[1] === 'r' && Number.isSafeInteger(v[2])) return { by: 'relevance', score: v[2], docId: v[3] };
  if (v[1] === 'd' && typeof v[2] === 'string' && v[2].length <= 40)
    return { by: 'date', date: v[2], docId: v[3] };
  throw bad();
}

/** splitNegatives: a query of exclusions only has no positive text to match. */
function splitNegatives(m: Match | null): { match: Match | null; excludeOnly: Match | null } {
  if (!m) return { match: null, excludeOnly: null };
  if (m.t === 'not') return { match: null, excludeOnly: m.item };
  if (m.t === 'and' && m.items.every((i) => i.t === 'not')) {
    const items = m.items.map((i) => (i as { item: Match }).item);
    return { match: null, excludeOnly: { t: 'or', items } };
  }
  return { match: m, excludeOnly: null };
}

/**
 * search runs one query for a caller. It first indexes items added since the last sync (a
 * bounded batch), so what was just added can be found.
 *
 *   await search(ctx, { q: 'Foua -kind:image', compartments: 'all' })
 */
export async function search(ctx: Ctx, req: SearchRequest): Promise<SearchResult> {
  const parsed = parseQuery(req.q);
  const sort = req.sort ?? parsed.filters.sort ?? 'relevance';
  const limit = Math.min(Math.max(Math.trunc(req.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
  const compiled = compileQuery(parsed.expr);
  const f = parsed.filters;
  const places = f.places.map(resolvePlaceFilter);
  const notPlaces = f.notPlaces.flatMap(resolvePlaceFilter);
  const hasFilter =
    f.kinds.length +
      f.notKinds.length +
      f.sources.length +
      f.notSources.length +
      places.length +
      notPlaces.length +
      f.erns.length >
      0 ||
    f.after !== undefined ||
    f.before !== undefined;
  if (!compiled.match && !hasFilter)
    throw new SearchError(
      'INVALID_QUERY',
      'the query has no words to search for (only stop words or nothing)',
    );
  const hash = queryHash(req.q, sort);
  const cursor = req.cursor ? decodeCursor(req.cursor, hash) : undefined;
  if (cursor && cursor.by !== sort)
    throw new SearchError('INVALID_CURSOR', 'the cursor does not belong to this query');
  if (req.compartments !== 'all' && req.compartments.length === 0)
    return { results: [], total: 0, facets: EMPTY_FACETS, next: null };

  await syncIndex(ctx, { maxItems: 1000 });
  const { match, excludeOnly } = splitNegatives(compiled.match);
  const plan = backendFor(ctx.dialect).plan(match, excludeOnly);
  const filters: ResolvedFilters = {
    ...(req.compartments === 'all' ? {} : { compartments: req.compartments }),
    kinds: f.kinds,
    notKinds: f.notKinds,
    sources: f.sources,
    notSources: f.notSources,
    places,
    notPlaces,
    ...(f.after ? { after: f.after } : {}),
    ...(f.before ? { before: f.before } : {}),
    erns: f.erns,
  };
  const where = whereClause(plan, filters);
  const rows = await pageOfHits(ctx.db, plan, where, sort, cursor, limit + 1, SNIPPET_SCAN);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next =
    rows.length > limit && last
      ? encodeCursor(
          sort === 'date'
            ? { by: 'date', date: last.date, docId: last.doc_id }
            : { by: 'relevance', score: last.score, docId: last.doc_id },
          hash,
        )
      : null;
  const results = page.map((r) => ({
    ern: r.ern,
    title: r.title,
    kind: r.kind,
    source: r.source,
    date: r.date,
    score: r.score / 1_000_000,
    snippet: makeSnippet(r.head || r.title, compiled.highlight),
  }));
  const total = await countHits(ctx.db, plan, where);
  const facets = req.facets === false ? EMPTY_FACETS : await facetsOf(ctx, plan, where);
  return { results, total, facets, next };
}

async function facetsOf(
  ctx: Ctx,
  plan: ReturnType<ReturnType<typeof backendFor>['plan']>,
  where: ReturnType<typeof whereClause>,
): Promise<Facets> {
  const places = loadGazetteer().places;
  const plain = (rows: { v: string | number | null; n: number }[]) =>
    rows.filter((r) => r.v !== null).map((r) => ({ value: String(r.v), count: r.n }));
  const named = (rows: { v: string | number | null; n: number }[]) =>
    plain(rows).map((r) => {
      const p = places.get(r.value);
      return p ? { ...r, name: p.nameEn, nameAr: p.nameAr } : r;
    });
  return {
    kind: plain(await facetOf(ctx.db, plan, where, 'kind')),
    source: plain(await facetOf(ctx.db, plan, where, 'source')),
    year: plain(await facetOf(ctx.db, plan, where, 'year')),
    admin1: named(await placeFacet(ctx.db, plan, where, 1)),
    admin2: named(await placeFacet(ctx.db, plan, where, 2)),
  };
}
