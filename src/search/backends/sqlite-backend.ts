/**
 * sqlite-backend.ts — SQLite FTS5 (sqlite.org/fts5.html): contentless tables (title, body, tags,
 * filters) whose rowid is search_doc.doc_id. The query is FTS5 syntax (§3) built from index terms
 * only, every term in double quotes (§3.1 "strings"), so nothing the user typed is read as FTS5
 * syntax. Score: bm25 (§5.1.1) with title 10×, body 1×, place tags 2× and filter terms 0×
 * (filter-terms.ts: they narrow the match, they never rank it).
 *
 * One table per compartment (search_fts_<shard>, listed in search_shard; migration 0026). bm25
 * weighs a word by how many rows of its table hold it and by the table's mean row length, so in
 * a table shared by every compartment a caller could learn from scores and order which words
 * occur where they cannot read (DESIGN rule 7). Per compartment, a document's score depends on
 * documents of its own compartment only, which whoever sees the document may read. A query
 * reads the tables of the caller's compartments and merges them by doc_id. (Scores of two
 * compartments are on two scales; within one compartment they are ordinary bm25.)
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import { ALL_DOCS_TERM, type FilterMatch, probeFilters, withoutCompartments } from '../filter-terms.js';
import type { Match } from '../query/compile.js';
import { EVERY_DOCUMENT, inCompartments, restricted, type SearchBackend, type TextPart } from './backend.js';

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
    case 'names':
      throw new Error('a names leaf is resolved before rendering (name-match.ts)');
    case 'and': {
      const pos = m.items.filter((i) => i.t !== 'not');
      const neg = m.items.filter((i) => i.t === 'not') as Array<Extract<Match, { t: 'not' }>>;
      const head = pos.length === 1 ? renderFts5(pos[0]!) : `(${pos.map(renderFts5).join(' AND ')})`;
      return neg.reduce((acc, n) => `${acc} NOT ${renderFts5(n.item)}`, head);
    }
  }
}

type Db = Kysely<Database> | Transaction<Database>;

/** The options of every search_fts_<shard> table (as migration 0022 made the single table). */
const FTS_COLUMNS = `title, body, tags, filters, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 0 tokenchars '_'", prefix='2 3'`;

/** ftsTable is the name of a shard's table; shards are positive integers from search_shard. */
export function ftsTable(shard: number): string {
  if (!Number.isSafeInteger(shard) || shard < 1) throw new Error(`not a search shard: ${shard}`);
  return `search_fts_${shard}`;
}

/**
 * shardFor returns the shard of a compartment's documents, making its table on first use (in
 * the caller's transaction: a rollback takes the table and its row in search_shard together).
 */
export async function shardFor(db: Db, compartment: string): Promise<number> {
  const found = await db
    .selectFrom('search_shard')
    .select('shard')
    .where('compartment', '=', compartment)
    .executeTakeFirst();
  if (found) return Number(found.shard);
  const top = await db
    .selectFrom('search_shard')
    .select((eb) => eb.fn.max('shard').as('top'))
    .executeTakeFirst();
  const shard = Number(top?.top ?? 0) + 1;
  await sql.raw(`CREATE VIRTUAL TABLE ${ftsTable(shard)} USING fts5(${FTS_COLUMNS})`).execute(db);
  await db.insertInto('search_shard').values({ compartment, shard }).execute();
  return shard;
}

/** shardsOf lists the shards of the given compartments (undefined: every compartment). */
async function shardsOf(db: Db, compartments: readonly string[] | undefined): Promise<number[]> {
  if (compartments?.length === 0) return [];
  let q = db.selectFrom('search_shard').select('shard').orderBy('shard');
  if (compartments) q = q.where('compartment', 'in', compartments);
  return (await q.execute()).map((r) => Number(r.shard));
}

export const sqliteBackend: SearchBackend = {
  async writeTerms(trx, doc) {
    const shard = await shardFor(trx, doc.compartment);
    const t = sql.raw(ftsTable(shard));
    await sql`DELETE FROM ${t} WHERE rowid = ${doc.docId}`.execute(trx);
    await sql`INSERT INTO ${t} (rowid, title, body, tags, filters) VALUES (${doc.docId}, ${doc.title.join(' ')}, ${doc.body.join(' ')}, ${doc.tags.join(' ')}, ${doc.filters.join(' ')})`.execute(
      trx,
    );
    await trx.updateTable('search_doc').set({ fts_shard: shard }).where('item_id', '=', doc.itemId).execute();
    // Entity names: their own table, matched to select and never scored (name-match.ts).
    await sql`DELETE FROM search_names WHERE rowid = ${doc.docId}`.execute(trx);
    if (doc.names.length > 0)
      await sql`INSERT INTO search_names (rowid, names) VALUES (${doc.docId}, ${doc.names.join(' ')})`.execute(
        trx,
      );
  },
  async removeTerms(trx, docId, itemId) {
    await sql`DELETE FROM search_names WHERE rowid = ${docId}`.execute(trx);
    // The table the terms were written to: the document's compartment may have changed since
    // (vault/amend.ts moves search_doc with the item), the shard it was written to has not.
    const row = await trx
      .selectFrom('search_doc')
      .select('fts_shard')
      .where('item_id', '=', itemId)
      .executeTakeFirst();
    if (row?.fts_shard == null) return;
    await sql`DELETE FROM ${sql.raw(ftsTable(Number(row.fts_shard)))} WHERE rowid = ${docId}`.execute(trx);
  },
  async namesDocs(db, m, compartments, limit) {
    if (compartments?.length === 0) return [];
    const where = inCompartments(compartments);
    const r = await sql<{
      doc_id: number;
    }>`SELECT search_names.rowid AS doc_id FROM search_names JOIN search_doc d ON d.doc_id = search_names.rowid WHERE search_names MATCH ${renderFts5(m)} ${where} ORDER BY search_names.rowid DESC LIMIT ${limit}`.execute(
      db,
    );
    return r.rows.map((x) => Number(x.doc_id));
  },
  async plan(db, input, filters, compartments) {
    const inSet = (id: RawBuilder<unknown>, ids: readonly number[]) =>
      sql`${id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
    const { match, excludeOnly } = input;
    const q = fts5Query(match, excludeOnly, withoutCompartments(filters, match !== null));
    if (q === null) return restricted(EVERY_DOCUMENT, input, inSet);
    const shards = await shardsOf(db, compartments);
    const parts: TextPart[] = shards.map((shard) => {
      const t = sql.raw(ftsTable(shard));
      return {
        from: sql`${t} JOIN search_doc d ON d.doc_id = ${t}.rowid`,
        where: sql`${t} MATCH ${q}`,
        score: match ? sql`CAST(-bm25(${t}, 10.0, 1.0, 2.0, 0.0) * 1000000 AS INTEGER)` : sql`0`,
        // FTS5 walks a match in rowid order itself (ORDER BY rowid DESC needs no sort).
        docId: sql`${t}.rowid`,
      };
    });
    // FTS5 answers MATCH with rowid = ? by seeking each term's doclist (§7, xBestIndex); only
    // the table the row's terms are in is probed.
    // A probe seeks each term's doclist at one rowid: the terms of filters the row's own columns
    // decide (filter-terms.ts probeFilters) are left out, a compartment's being in most rows.
    const pq = match ? (fts5Query(match, excludeOnly, probeFilters(filters)) ?? q) : q;
    const probes: RawBuilder<unknown>[] = shards.map((shard) => {
      const t = sql.raw(ftsTable(shard));
      return sql`(d.fts_shard = ${shard} AND EXISTS (SELECT 1 FROM ${t} WHERE ${t} MATCH ${pq} AND ${t}.rowid = d.doc_id))`;
    });
    return restricted(
      {
        parts,
        probe: probes.length === 0 ? sql`1 = 0` : sql`(${sql.join(probes, sql` OR `)})`,
        indexed: true,
        probeCost: 40,
      },
      input,
      inSet,
    );
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
