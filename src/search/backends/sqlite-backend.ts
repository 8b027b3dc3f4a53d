/**
 * sqlite-backend.ts — SQLite FTS5 (sqlite.org/fts5.html): a contentless table search_fts
 * (title, body, tags) whose rowid is search_doc.doc_id. The query is FTS5 syntax (§3) built
 * from index terms only, every term in double quotes (§3.1 "strings"), so nothing the user typed
 * is read as FTS5 syntax. Score: bm25 (§5.1.1) with title 10×, body 1×, place tags 2×.
 */
import { sql } from 'kysely';
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
    await sql`INSERT INTO search_fts (rowid, title, body, tags) VALUES (${doc.docId}, ${doc.title.join(' ')}, ${doc.body.join(' ')}, ${doc.tags.join(' ')})`.execute(
      trx,
    );
  },
  async removeTerms(trx, docId) {
    await sql`DELETE FROM search_fts WHERE rowid = ${docId}`.execute(trx);
  },
  plan(match, excludeOnly) {
    if (match) {
      const q = renderFts5(match);
      return {
        from: sql`search_fts JOIN search_doc d ON d.doc_id = search_fts.rowid`,
        where: sql`search_fts MATCH ${q}`,
        score: sql`CAST(-bm25(search_fts, 10.0, 1.0, 2.0) * 1000000 AS INTEGER)`,
        // FTS5 answers MATCH with rowid = ? by seeking each term's doclist (§7, xBestIndex).
        probe: sql`EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH ${q} AND search_fts.rowid = d.doc_id)`,
        // FTS5 walks a match in rowid order itself (ORDER BY rowid DESC needs no sort).
        docId: sql`search_fts.rowid`,
      };
    }
    if (excludeOnly) {
      const where = sql`NOT EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH ${renderFts5(excludeOnly)} AND search_fts.rowid = d.doc_id)`;
      return { from: sql`search_doc d`, where, score: sql`0`, probe: where, docId: sql`d.doc_id` };
    }
    return {
      from: sql`search_doc d`,
      where: sql`1 = 1`,
      score: sql`0`,
      probe: sql`1 = 1`,
      docId: sql`d.doc_id`,
    };
  },
};
