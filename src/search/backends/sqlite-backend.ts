/**
 * sqlite-backend.ts — SQLite FTS5 (sqlite.org/fts5.html): a contentless table search_fts
 * (title, body, tags, filters) whose rowid is search_doc.doc_id. The query is FTS5 syntax (§3) built
 * from index terms only, every term in double quotes (§3.1 "strings"), so nothing the user typed
 * is read as FTS5 syntax. Score: bm25 (§5.1.1) with title 10×, body 1×, place tags 2× and
 * filter terms 0× (filter-terms.ts: they narrow the match, they never rank it).
 */
import { sql } from 'kysely';
import { ALL_DOCS_TERM, type FilterMatch } from '../filter-terms.js';
import type { Match } from '../query/compile.js';
import type { SearchBackend } from './backend.js';

function quote(term: string): string {
  // Terms are letters and digits (search-tokens.ts); a quote is still doubled, as §3.1 says.
  return `"${term.replace(/"/g, '""')}"`;
}

/** renderFts5 turns a match tree into an FTS5 query expression. */
export function renderFts5(m: Match): string {
  switch (m.t) {
    case 'term':
      return m.prefix ? `${quote(m.v)}*` : quote(m.v);
    case 'phrase':
      return quote(m.vs.join(' '));
    case 'or':
      return `(${m.items.map(renderFts5).join(' OR ')})`;
    case 'not':
      // Only reached inside an AND with a positive part (see 'and'); alone it is excludeOnly.
      return renderFts5(m.item);
    case 'and': {
      const pos = m.items.filter((i) => i.t !== 'not');
      const neg = m.items.filter((i) => i.t === 'not') as Array<Extract<Match, { t: 'not' }>>;
      const head = pos.length === 1 ? renderFts5(pos[0]!) : `(${pos.map(renderFts5).join(' AND ')})`;
      return neg.reduce((acc, n) => `${acc} NOT ${renderFts5(n.item)}`, head);
    }
  }
}

export const sqliteBackend: SearchBackend = {
  async writeTerms(trx, doc) {
    await sql`DELETE FROM search_fts WHERE rowid = ${doc.docId}`.execute(trx);
    await sql`INSERT INTO search_fts (rowid, title, body, tags, filters) VALUES (${doc.docId}, ${doc.title.join(' ')}, ${doc.body.join(' ')}, ${doc.tags.join(' ')}, ${doc.filters.join(' ')})`.execute(
      trx,
    );
  },
  async removeTerms(trx, docId) {
    await sql`DELETE FROM search_fts WHERE rowid = ${docId}`.execute(trx);
  },
  plan(match, excludeOnly, filters) {
    const q = fts5Query(match, excludeOnly, filters);
    if (q === null)
      return {
        from: sql`search_doc d`,
        where: sql`1 = 1`,
        score: sql`0`,
        probe: sql`1 = 1`,
        docId: sql`d.doc_id`,
        indexed: false,
      };
    return {
      from: sql`search_fts JOIN search_doc d ON d.doc_id = search_fts.rowid`,
      where: sql`search_fts MATCH ${q}`,
      score: match ? sql`CAST(-bm25(search_fts, 10.0, 1.0, 2.0, 0.0) * 1000000 AS INTEGER)` : sql`0`,
      // FTS5 answers MATCH with rowid = ? by seeking each term's doclist (§7, xBestIndex).
      probe: sql`EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH ${q} AND search_fts.rowid = d.doc_id)`,
      // FTS5 walks a match in rowid order itself (ORDER BY rowid DESC needs no sort).
      docId: sql`search_fts.rowid`,
      indexed: true,
    };
  },
};

/**
 * fts5Query is the whole MATCH expression: the text AND each filter group, then NOT the
 * excluded text and filter terms. A query with no positive part starts from `_doc` (every
 * document), since FTS5's NOT needs something to subtract from. Null: nothing to match.
 */
export function fts5Query(
  match: Match | null,
  excludeOnly: Match | null,
  filters: FilterMatch | null,
): string | null {
  const parts: string[] = [];
  if (match) parts.push(`(${renderFts5(match)})`);
  for (const g of filters?.all ?? [])
    parts.push(g.length === 1 ? quote(g[0]!) : `(${g.map(quote).join(' OR ')})`);
  const none = filters?.none ?? [];
  if (parts.length === 0) {
    if (!excludeOnly && none.length === 0) return null;
    parts.push(quote(ALL_DOCS_TERM));
  }
  let q = parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
  if (!match && excludeOnly) q = `${q} NOT (${renderFts5(excludeOnly)})`;
  if (none.length) q = `(${q}) NOT (${none.map(quote).join(' OR ')})`;
  return q;
}
