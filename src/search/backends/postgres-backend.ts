/**
 * postgres-backend.ts — PostgreSQL full text (postgresql.org/docs/current/textsearch.html):
 * search_doc.tsv is a tsvector built from the index terms as a tsvector literal (§8.11.1, with
 * positions and weights: title A, body B, place tags C), so PostgreSQL's own parser and
 * dictionaries never re-tokenise what src/lib/search-tokens.ts produced — the same terms as
 * SQLite, whatever the server's text-search configuration. Queries are tsquery literals
 * (§8.11.2: & | ! <-> and :* for prefixes) cast with ::tsquery, terms single-quoted; the GIN
 * index on tsv serves @@. Score: ts_rank with normalisation 1 (§12.3.3).
 */
import { sql } from 'kysely';
import type { Match } from '../query/compile.js';
import type { SearchBackend } from './backend.js';

// tsvector positions are at most 16383 (§8.11.1); later terms share the last position.
const MAX_POSITION = 16383;

function quote(term: string): string {
  return `'${term.replace(/['\\]/g, (c) => `\\${c}`)}'`;
}

/** tsvectorLiteral writes terms with positions and a weight: 'a':1A 'b':2A,5A … */
export function tsvectorLiteral(
  parts: ReadonlyArray<{ terms: readonly string[]; weight: 'A' | 'B' | 'C' }>,
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
  }
}

export const postgresBackend: SearchBackend = {
  async writeTerms(trx, doc) {
    const literal = tsvectorLiteral([
      { terms: doc.title, weight: 'A' },
      { terms: doc.body, weight: 'B' },
      { terms: doc.tags, weight: 'C' },
    ]);
    await sql`UPDATE search_doc SET tsv = ${literal}::tsvector WHERE item_id = ${doc.itemId}`.execute(trx);
  },
  async removeTerms() {
    // The terms live in the search_doc row, which the caller deletes.
  },
  plan(match, excludeOnly) {
    if (match) {
      const q = renderTsquery(match);
      const where = sql`d.tsv @@ ${q}::tsquery`;
      return {
        from: sql`search_doc d`,
        where,
        score: sql`(ts_rank(d.tsv, ${q}::tsquery, 1) * 1000000)::bigint`,
        probe: where,
        docId: sql`d.doc_id`,
      };
    }
    if (excludeOnly) {
      const where = sql`NOT (d.tsv @@ ${renderTsquery(excludeOnly)}::tsquery)`;
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
