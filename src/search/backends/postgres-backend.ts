/**
 * postgres-backend.ts — PostgreSQL full text (postgresql.org/docs/current/textsearch.html):
 * search_doc.tsv is a tsvector built from the index terms as a tsvector literal (§8.11.1, with
 * positions and weights: title A, body B, place tags C, filter terms D), so PostgreSQL's own parser and
 * dictionaries never re-tokenise what src/lib/search-tokens.ts produced — the same terms as
 * SQLite, whatever the server's text-search configuration. Queries are tsquery literals
 * (§8.11.2: & | ! <-> and :* for prefixes) cast with ::tsquery, terms single-quoted; the GIN
 * index on tsv serves @@. Score: ts_rank with normalisation 1 (§12.3.3) of the text query
 * alone: the filter terms (filter-terms.ts) are ANDed into the tsquery that selects, so the GIN
 * index intersects them, and are not in the one that ranks.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../../store/schema.js';
import { ALL_DOCS_TERM, type FilterMatch, probeFilters } from '../filter-terms.js';
import { rankMatches } from '../name-match.js';
import type { Match } from '../query/compile.js';
import { docIdRange } from '../repo.js';
import { EVERY_DOCUMENT, inCompartments, restricted, type SearchBackend } from './backend.js';
import {
  exactAndPhrases,
  matchShare,
  recentSpan,
  selectiveFilters,
  sequenceCover,
  termStats,
  WALK_SHARE,
} from './pg-plan.js';

// tsvector positions are at most 16383 (§8.11.1); later terms share the last position.
const MAX_POSITION = 16383;

function quote(term: string): string {
  return `'${term.replace(/['\\]/g, (c) => `\\${c}`)}'`;
}

/** tsvectorLiteral writes terms with positions and a weight: 'a':1A 'b':2A,5A … */
export function tsvectorLiteral(
  parts: ReadonlyArray<{ terms: readonly string[]; weight: 'A' | 'B' | 'C' | 'D' }>,
): string {
  const positions = new Map<string, string[]>();
  let pos = 0;
  for (const part of parts) {
    for (const t of part.terms) {
      pos = Math.min(pos + 1, MAX_POSITION);
      let list = positions.get(t);
      if (!list) {
        list = [];
        positions.set(t, list);
      }
      // PostgreSQL keeps at most 256 positions per lexeme.
      if (list.length < 256) list.push(`${pos}${part.weight}`);
    }
    pos = Math.min(pos + 1, MAX_POSITION); // no phrase across title | body | tags
  }
  return [...positions].map(([t, ps]) => `${quote(t)}:${ps.join(',')}`).join(' ');
}

/** renderTsquery turns a match tree into tsquery syntax. */
export function renderTsquery(m: Match): string {
  switch (m.t) {
    case 'term':
      return m.prefix ? `${quote(m.v)}:*` : quote(m.v);
    case 'phrase':
      return `(${m.vs.map(quote).join(' <-> ')})`;
    case 'or':
      return `(${m.items.map(renderTsquery).join(' | ')})`;
    case 'not':
      return `!${renderTsquery(m.item)}`;
    case 'and':
      return `(${m.items.map(renderTsquery).join(' & ')})`;
    case 'names':
      throw new Error('a names leaf is resolved before rendering (name-match.ts)');
  }
}

export const postgresBackend: SearchBackend = {
  async writeTerms(trx, doc) {
    const literal = tsvectorLiteral([
      { terms: doc.title, weight: 'A' },
      { terms: doc.body, weight: 'B' },
      { terms: doc.tags, weight: 'C' },
      { terms: doc.filters, weight: 'D' },
    ]);
    await sql`UPDATE search_doc SET tsv = ${literal}::tsvector WHERE item_id = ${doc.itemId}`.execute(trx);
    // Entity names: a table of their own, matched to select and never ranked (name-match.ts).
    await sql`DELETE FROM search_name WHERE doc_id = ${doc.docId}`.execute(trx);
    if (doc.names.length > 0)
      await sql`INSERT INTO search_name (doc_id, tsv) VALUES (${doc.docId}, ${tsvectorLiteral([{ terms: doc.names, weight: 'D' }])}::tsvector)`.execute(
        trx,
      );
  },
  async removeTerms(trx, docId) {
    // The text terms live in the search_doc row, which the caller deletes; the names do not.
    await sql`DELETE FROM search_name WHERE doc_id = ${docId}`.execute(trx);
  },
  async namesDocs(db, m, compartments, limit) {
    if (compartments?.length === 0) return [];
    const where = inCompartments(compartments);
    const r = await sql<{
      doc_id: string;
    }>`SELECT n.doc_id FROM search_name n JOIN search_doc d ON d.doc_id = n.doc_id WHERE n.tsv @@ ${renderTsquery(m)}::tsquery ${where} ORDER BY n.doc_id DESC LIMIT ${limit}`.execute(
      db,
    );
    return r.rows.map((x) => Number(x.doc_id));
  },
  async plan(db, input, filters) {
    // ts_rank reads the document's own vector only, never statistics of other documents, so
    // one index serves every compartment (the filters on d.compartment do the rest).
    const inSet = (id: RawBuilder<unknown>, ids: readonly number[]) =>
      sql`${id} = ANY(${`{${ids.join(',')}}`}::bigint[])`;
    const { match, excludeOnly } = input;
    const stats = await termStats(db);
    // With text to match, a filter group that SQL decides anyway and that most documents carry
    // (the caller's one big compartment) only makes GIN decode a long posting list (pg-plan.ts).
    const selecting = match ? selectiveFilters(stats, filters) : filters;
    const q = selectingTsquery(match, excludeOnly, selecting);
    if (q === null) return restricted(EVERY_DOCUMENT, input, inSet);
    // A common match walks doc_id backwards and stops at the window; a rarer one reads GIN's
    // matches among the newest documents and sorts them (pg-plan.ts).
    const estimate = matchShare(stats, input.match, filters);
    const walk = estimate === null || estimate >= WALK_SHARE;
    // Read from GIN, a place name's tags and its words as a phrase are two scans, so that only
    // the phrase's rows are rechecked (pg-plan.ts exactAndPhrases). A walk tests each row once.
    const split = walk || !match ? null : exactAndPhrases(match);
    const where = split
      ? sql`(${sql.join(
          split.map((m) => sql`d.tsv @@ ${selectingTsquery(m, excludeOnly, selecting)}::tsquery`),
          sql` OR `,
        )})`
      : sql`d.tsv @@ ${q}::tsquery`;
    // Ranked by the text alone: without `_doc`, which name-match.ts puts beside a found name.
    const ranks = rankMatches(match).map(
      (r) => sql`(ts_rank(d.tsv, ${renderTsquery(r)}::tsquery, 1) * 1000000)::bigint`,
    );
    return restricted(
      {
        parts: [
          {
            from: sql`search_doc d`,
            where,
            score:
              ranks.length === 0
                ? sql`0`
                : ranks.length === 1
                  ? ranks[0]!
                  : sql`GREATEST(${sql.join(ranks)})`,
            docId: sql`d.doc_id`,
            scoreAfterLimit: true,
          },
        ],
        // Tested on one row: its columns decide the column-backed filters (filter-terms.ts).
        probe: match
          ? sql`d.tsv @@ ${selectingTsquery(match, excludeOnly, probeFilters(filters))}::tsquery`
          : where,
        indexed: true,
        probeCost: 2,
        dateSpans: {
          where: (terms) => sql`d.tsv @@ ${terms.map(quote).join(' | ')}::tsquery`,
          run: withoutIndexScans,
        },
        ...(walk
          ? {}
          : {
              recent: {
                share: estimate,
                span: recentSpan,
                range: sequenceRange,
                run: withoutIndexScans,
              },
            }),
      },
      input,
      inSet,
    );
  },
};

/**
 * selectingTsquery is the tsquery that selects: the text AND each filter group AND NOT the
 * excluded text and filter terms; `_doc` (every document) when nothing is positive. Null:
 * nothing to match.
 */
export function selectingTsquery(
  match: Match | null,
  excludeOnly: Match | null,
  filters: FilterMatch | null,
): string | null {
  const parts: string[] = [];
  if (match) parts.push(renderTsquery(match));
  for (const g of filters?.all ?? [])
    parts.push(g.length === 1 ? quote(g[0]!) : `(${g.map(quote).join(' | ')})`);
  const none = filters?.none ?? [];
  if (parts.length === 0) {
    if (!excludeOnly && none.length === 0) return null;
    parts.push(quote(ALL_DOCS_TERM));
  }
  if (!match && excludeOnly) parts.push(`!${renderTsquery(excludeOnly)}`);
  for (const t of none) parts.push(`!${quote(t)}`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(' & ')})`;
}

/**
 * sequenceRange keeps the doc_ids in (after, atMost] by their blocks in search_doc.seq (pg-plan.ts
 * sequenceCover): a second key of the same GIN scan as the text, which skips through the blocks'
 * postings to the text's matches. The doc_id test stays as the exact condition, written so that
 * no btree serves it (a btree bitmap of the range is the cost this avoids). A range whose bounds
 * are not on block boundaries, or needs too many blocks, is the doc_id comparison alone.
 */
function sequenceRange(after: number, atMost: number | undefined, newest: number): RawBuilder<unknown> {
  const cover = sequenceCover(after + 1, atMost ?? newest, atMost === undefined);
  if (!cover) return docIdRange(after < 0 ? undefined : after, atMost);
  const below = atMost === undefined ? sql`` : sql` AND d.doc_id + 0 <= ${atMost}`;
  return sql`d.seq && ${`{${cover.join(',')}}`}::bigint[] AND d.doc_id + 0 > ${after}${below}`;
}

/**
 * withoutIndexScans runs a candidates statement with plain index scans off (SET, §19.7.1), so
 * the planner reads GIN's matches as a bitmap (the doc_id blocks a second key of the same scan)
 * and visits only those rows. Left to itself it walks the doc_id range testing every row's
 * tsvector (read from TOAST), which it costs as cheap: measured at 40,000 documents, 431 ms
 * against 18.8 ms for the same rows. The setting lives on one connection for
 * the one statement (SET LOCAL inside a caller's transaction).
 */
async function withoutIndexScans<T>(db: Kysely<Database>, statement: RawBuilder<T>): Promise<T[]> {
  if (db.isTransaction) {
    await sql`SET LOCAL enable_indexscan = off`.execute(db);
    const rows = (await statement.execute(db)).rows;
    await sql`RESET enable_indexscan`.execute(db);
    return rows;
  }
  return db.connection().execute(async (conn) => {
    await sql`SET enable_indexscan = off`.execute(conn);
    let rows: T[];
    try {
      rows = (await statement.execute(conn)).rows;
    } finally {
      await sql`RESET enable_indexscan`.execute(conn);
    }
    return rows;
  });
}
