// 0022 — search (issue 15): filter values and entity names in the full-text index.
// - SQLite: search_fts gets a fourth column, `filters` (compartment, kind, source, admin areas
//   and date terms, src/search/filter-terms.ts; weight 0 in bm25), and keeps `_` inside tokens
//   so those terms and the entity-name terms (which start with `_`, a character the analyser
//   never puts in a term) stay whole. FTS5 cannot add a column, so the table is made again.
// - PostgreSQL: the same terms go into search_doc.tsv with weight D; no change of structure.
// - search_doc.admin: the level 1 and 2 admin units of the item (place facets without lookups);
//   search_doc_window_idx: the columns a query's candidates read, so a window's lookups read
//   an index and not the rows that hold the body; link_basis_idx: links by their basis item.
// - search_entity_scope: the sets of conditions under which an entity-name term may match
//   (src/search/entity-terms.ts), one row per distinct set, read at query time.
// Both: the index is emptied and its high-water mark dropped, so the catch-up that runs before
// every search (and `attest index`) writes every document again with the new terms. Place
// mentions (annotations in the custody log) are kept: the indexer appends a new entry only if
// they change.
import { type Kysely, SqliteAdapter, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`DROP TABLE search_fts`.execute(db);
    await sql`CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tags, filters, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 0 tokenchars '_'", prefix='2 3')`.execute(
      db,
    );
  }
  await sql`DELETE FROM search_place`.execute(db);
  await sql`DELETE FROM search_doc`.execute(db);
  await sql`DELETE FROM counter WHERE name = 'search-indexed-seq'`.execute(db);
  // The level 1 and 2 admin units the item lies in (P-codes, space-separated): the place
  // facets are counted from the candidates' rows, with no lookup per candidate.
  await db.schema
    .alterTable('search_doc')
    .addColumn('admin', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  // Every column a query's candidates read and filter on, by doc_id: each of the window's
  // (up to RANK_WINDOW) lookups reads this index alone, not the table rows that hold the body.
  await db.schema
    .createIndex('search_doc_window_idx')
    .on('search_doc')
    .columns(['doc_id', 'compartment', 'kind', 'source', 'year', 'date', 'item_id', 'admin'])
    .execute();
  // The entity names of an item come from the links it is the basis of, too (entity-terms.ts).
  await db.schema.createIndex('link_basis_idx').on('link').columns(['basis_item_id']).execute();
  await db.schema
    .createTable('search_entity_scope')
    // The term prefix (hex of the SHA-256 of the conditions).
    .addColumn('key', 'text', (c) => c.primaryKey())
    // JSON array of conditions, sorted: "c:<compartment>" (analysis:read there) and
    // "r:<compartment>" (persons:reveal there).
    .addColumn('conditions', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('search_entity_scope').execute();
  await db.schema.dropIndex('search_doc_window_idx').execute();
  await db.schema.alterTable('search_doc').dropColumn('admin').execute();
  await db.schema.dropIndex('link_basis_idx').execute();
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`DROP TABLE search_fts`.execute(db);
    await sql`CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tags, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0', prefix='2 3')`.execute(
      db,
    );
  }
  await sql`DELETE FROM search_place`.execute(db);
  await sql`DELETE FROM search_doc`.execute(db);
  await sql`DELETE FROM counter WHERE name = 'search-indexed-seq'`.execute(db);
}
