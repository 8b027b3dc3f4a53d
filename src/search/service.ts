/**
 * service.ts — search: parse the query, resolve place filters through the gazetteer, compile
 * the text to index terms, and ask the deployment's backend for one page of hits, the total and
 * the facets — all inside the caller's compartments, in the database query.
 *
 * Results are ordered by relevance (then ERN) or by date (newest first, then ERN), and paged by
 * an opaque cursor bound to the query it was made for.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Ctx } from '../ctx.js';
import type { TextPlan } from './backends/backend.js';
import { backendFor } from './backends/backend-for.js';
import { type EntityReach, scopeKeysFor } from './entity-terms.js';
import { SearchError } from './errors.js';
import { filterMatchOf } from './filter-terms.js';
import { loadGazetteer } from './gazetteer/places.js';
import { resolvePlace } from './gazetteer/resolve.js';
import { syncIndex } from './indexer.js';
import { resolveNames } from './name-plan.js';
import { compileQuery, type Match } from './query/compile.js';
import { parseQuery } from './query/parse.js';
import {
  type Candidate,
  type Conditions,
  candidatesOf,
  candidatesSql,
  conditionsOf,
  datePageOf,
  hitRows,
  RANK_WINDOW,
  type ResolvedFilters,
  scoresAfterwards,
  scoresOf,
} from './repo.js';
import { logReveals } from './reveal-log.js';
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
  /**
   * Where the caller reads analysis records (analysis:read and items:read) and may see a
   * protected person's name (persons:reveal): the names of entities linked to items are
   * matched only under those (entity-terms.ts). Absent: names are not searched.
   */
  readonly entities?: EntityReach;
  /**
   * Who searches (a user id, `cli`): finding an item by a protected person's real name is a
   * reveal, logged as a custody `view` of that person's identity under this actor. Without an
   * actor, protected real names are not matched (pseudonyms only).
   */
  readonly actor?: string;
  /** How many of the newest matches are ranked and counted (default RANK_WINDOW; tests, benchmarks). */
  readonly rankWindow?: number;
  /** How a date-ordered page past the window is read (default: the cheaper; tests, benchmarks). */
  readonly dateRead?: 'walk' | 'matches' | 'spans';
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
  /** How many documents match; a lower bound (the ranking window) when `totalExact` is false. */
  readonly total: number;
  /**
   * False when more documents match than a query ranks (RANK_WINDOW, the newest matches):
   * `total` and the facet counts are then counted over those, and relevance ranks those.
   */
  readonly totalExact: boolean;
  readonly facets: Facets;
  readonly next: string | null;
}

type SortKey =
  | { readonly by: 'relevance'; readonly score: number; readonly docId: number }
  | { readonly by: 'date'; readonly date: string; readonly docId: number };

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

interface Prepared {
  readonly sort: 'relevance' | 'date';
  readonly limit: number;
  readonly compiled: ReturnType<typeof compileQuery>;
  readonly hash: string;
  readonly cursor: SortKey | undefined;
  readonly plan: TextPlan;
  readonly conditions: Conditions;
  /** A name lookup or group was cut (name-match.ts): the total is a lower bound. */
  readonly namesTruncated: boolean;
  /** Documents found by a protected person's real name (a word not under NOT): a reveal. */
  readonly revealed: ReadonlySet<number>;
  readonly revealTerms: ReadonlySet<string>;
}

/**
 * prepare parses and checks the request, catches the index up, and builds the query's text
 * plan and conditions; undefined when the caller may see nothing at all.
 */
async function prepare(ctx: Ctx, req: SearchRequest): Promise<Prepared | undefined> {
  const parsed = parseQuery(req.q);
  const sort = req.sort ?? parsed.filters.sort ?? 'relevance';
  const limit = Math.min(Math.max(Math.trunc(req.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
  // No actor to log a reveal under: no protected real names (only what needs no reveal).
  const reach = req.entities && !req.actor ? { ...req.entities, reveal: [] } : req.entities;
  const compiled = compileQuery(parsed.expr, await scopeKeysFor(ctx.db, reach));
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
  if (req.compartments !== 'all' && req.compartments.length === 0) return undefined;

  await syncIndex(ctx, { maxItems: 1000 });
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
  // The filters go into the text index as terms (filter-terms.ts) and into SQL as the rule.
  const fm = filterMatchOf(filters);
  const backend = backendFor(ctx.dialect);
  // Entity names select documents from their own index; the text alone scores (name-match.ts).
  const names = await resolveNames(ctx.db, backend, compiled.match, filters.compartments);
  const plans: TextPlan[] = [];
  for (const v of names.variants) {
    const { match, excludeOnly } = splitNegatives(v.match);
    plans.push(
      await backend.plan(
        ctx.db,
        {
          match,
          excludeOnly,
          ...(v.only ? { only: v.only } : {}),
          ...(v.except ? { except: v.except } : {}),
        },
        fm,
        filters.compartments,
      ),
    );
  }
  const plan: TextPlan =
    plans.length === 1
      ? plans[0]!
      : {
          parts: plans.flatMap((p) => p.parts),
          probe:
            plans.length === 0
              ? sql`1 = 0`
              : sql`(${sql.join(
                  plans.map((p) => p.probe),
                  sql` OR `,
                )})`,
          indexed: plans.every((p) => p.indexed),
          probeCost: Math.max(1, ...plans.map((p) => p.probeCost ?? 1)),
          // Several groups read newest-first together: the span of the rarest (the widest).
          ...(plans.length > 0 && plans.every((p) => p.recent)
            ? {
                recent: plans.map((p) => p.recent!).reduce((a, b) => (b.share < a.share ? b : a)),
              }
            : {}),
          ...(plans.length > 0 && plans.every((p) => p.dateSpans) ? { dateSpans: plans[0]!.dateSpans! } : {}),
        };
  const conditions = conditionsOf(plan, filters, fm !== null && plan.indexed);
  return {
    sort,
    limit,
    compiled,
    hash,
    cursor,
    plan,
    conditions,
    namesTruncated: names.truncated,
    revealed: names.revealed,
    revealTerms: names.revealTerms,
  };
}

/**
 * candidatesStatement is the statement that selects a request's candidates (the benchmark
 * EXPLAINs it); undefined when the caller may see nothing.
 */
export async function candidatesStatement(ctx: Ctx, req: SearchRequest) {
  const p = await prepare(ctx, req);
  return p && candidatesSql(p.plan, p.conditions, Math.max(1, Math.trunc(req.rankWindow ?? RANK_WINDOW)));
}

/**
 * search runs one query for a caller. It first indexes items added since the last sync (a
 * bounded batch), so what was just added can be found.
 *
 *   await search(ctx, { q: 'Foua -kind:image', compartments: 'all' })
 */
export async function search(ctx: Ctx, req: SearchRequest): Promise<SearchResult> {
  const prepared = await prepare(ctx, req);
  if (!prepared) return { results: [], total: 0, totalExact: true, facets: EMPTY_FACETS, next: null };
  const { sort, limit, compiled, hash, cursor, plan, conditions } = prepared;
  const size = Math.max(1, Math.trunc(req.rankWindow ?? RANK_WINDOW));
  // Ordered by date, the window's scores only show on the page: read it unscored, score the page.
  const unscored = sort === 'date' && scoresAfterwards(plan);
  const found = await candidatesOf(ctx.db, plan, conditions, size, unscored);
  const totalExact = found.length <= size && !prepared.namesTruncated;
  const window = found.slice(0, size);
  const ranked = await pageOf(
    ctx,
    sort,
    window,
    totalExact,
    plan,
    conditions,
    cursor,
    limit + 1,
    req.dateRead,
  );
  const page = await withScores(ctx, plan, ranked.slice(0, limit), unscored ? window : []);
  const last = page[page.length - 1];
  const next =
    ranked.length > limit && last
      ? encodeCursor(
          sort === 'date'
            ? { by: 'date', date: last.date, docId: last.doc_id }
            : { by: 'relevance', score: last.score, docId: last.doc_id },
          hash,
        )
      : null;
  const shown = new Map(
    (
      await hitRows(
        ctx.db,
        page.map((r) => r.doc_id),
        SNIPPET_SCAN,
      )
    ).map((r) => [r.doc_id, r]),
  );
  const results = page.flatMap((p) => {
    const r = shown.get(p.doc_id);
    if (!r) return [];
    return [
      {
        ern: r.ern,
        title: r.title,
        kind: r.kind,
        source: r.source,
        date: r.date,
        score: p.score / 1_000_000,
        snippet: makeSnippet(r.head || r.title, compiled.highlight),
      },
    ];
  });
  // A page item found by a protected person's real name is a reveal of that name (F5), logged
  // before the page is returned: ids only, never the name or the query.
  const revealedItems = page.filter((p) => prepared.revealed.has(p.doc_id)).map((p) => shown.get(p.doc_id));
  if (revealedItems.length > 0 && req.actor)
    await logReveals(
      ctx,
      req.actor,
      revealedItems.flatMap((r) => (r ? [{ itemId: r.item_id, ern: r.ern }] : [])),
      prepared.revealTerms,
    );
  const facets = req.facets === false ? EMPTY_FACETS : facetsOf(window);
  return { results, total: window.length, totalExact, facets, next };
}

/**
 * withScores gives the page's rows that are in the window (`window`, read unscored) the score
 * the window would have given them; rows past the window keep 0, as on any date-ordered page.
 */
async function withScores<T extends { doc_id: number; score: number }>(
  ctx: Ctx,
  plan: TextPlan,
  page: T[],
  window: readonly Candidate[],
): Promise<T[]> {
  if (window.length === 0) return page;
  const inWindow = new Set(window.map((c) => c.doc_id));
  const scores = await scoresOf(
    ctx.db,
    plan,
    page.filter((r) => inWindow.has(r.doc_id)).map((r) => r.doc_id),
  );
  return page.map((r) => ({ ...r, score: scores.get(r.doc_id) ?? r.score }));
}

/**
 * pageOf orders the candidates for one page (plus one, to know whether a next page exists).
 * By relevance: the window's scores. By date: the window itself when it holds every match,
 * else every match in date order (exact, repo.ts datePageOf; scores outside the window: 0).
 */
async function pageOf(
  ctx: Ctx,
  sort: 'relevance' | 'date',
  window: readonly Candidate[],
  complete: boolean,
  plan: TextPlan,
  conditions: Conditions,
  cursor: SortKey | undefined,
  n: number,
  dateRead?: 'walk' | 'matches' | 'spans',
): Promise<Array<{ doc_id: number; date: string; score: number }>> {
  if (sort === 'relevance') {
    const after = (c: Candidate) =>
      cursor?.by !== 'relevance' ||
      c.score < cursor.score ||
      (c.score === cursor.score && c.doc_id > cursor.docId);
    return window
      .filter(after)
      .sort((a, b) => b.score - a.score || a.doc_id - b.doc_id)
      .slice(0, n);
  }
  const at = cursor?.by === 'date' ? { date: cursor.date, docId: cursor.docId } : undefined;
  if (complete) {
    const after = (c: Candidate) => !at || c.date < at.date || (c.date === at.date && c.doc_id < at.docId);
    return window
      .filter(after)
      .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : b.doc_id - a.doc_id))
      .slice(0, n);
  }
  const scores = new Map(window.map((c) => [c.doc_id, c.score]));
  return (await datePageOf(ctx.db, plan, conditions, window, at, n, dateRead)).map((r) => ({
    ...r,
    score: scores.get(r.doc_id) ?? 0,
  }));
}

const FACET_LIMIT = 20;

/** facetsOf counts the window's documents by kind, source, year and admin units 1 and 2. */
function facetsOf(window: readonly Candidate[]): Facets {
  const places = loadGazetteer().places;
  const top = (counts: Map<string, number>): FacetValue[] =>
    [...counts]
      .map(([value, c]) => ({ value, count: c }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, FACET_LIMIT);
  const count = (values: Array<string | null>): FacetValue[] => {
    const n = new Map<string, number>();
    for (const v of values) if (v !== null) n.set(v, (n.get(v) ?? 0) + 1);
    return top(n);
  };
  const named = (values: FacetValue[]) =>
    values.map((r) => {
      const p = places.get(r.value);
      return p ? { ...r, name: p.nameEn, nameAr: p.nameAr } : r;
    });
  // search_doc.admin holds each item's level 1 (SY + 2 digits) and level 2 (SY + 4) units.
  const units = window.flatMap((c) => (c.admin ? c.admin.split(' ') : []));
  return {
    kind: count(window.map((c) => c.kind)),
    source: count(window.map((c) => c.source)),
    year: count(window.map((c) => (c.year === null ? null : String(c.year)))),
    admin1: named(count(units.filter((u) => u.length === 4))),
    admin2: named(count(units.filter((u) => u.length === 6))),
  };
}
