// 0010 — search: one row per indexed evidence item (root items; derived text folds into its
// root), the places each item lies in (with every enclosing admin unit, for place: filters and
// facets), the place mentions found in its text, and the full-text index itself: an FTS5 table
// on SQLite, a tsvector column with a GIN index on PostgreSQL (src/search/README.md).
import { type Kysely, SqliteAdapter, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('search_doc')
    .addColumn('item_id', 'text', (c) => c.primaryKey())
    // The item's ern_seq: the FTS5 rowid, and the tie-breaker of every sort.
    .addColumn('doc_id', 'bigint', (c) => c.notNull().unique())
    .addColumn('ern', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('compartment', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('year', 'integer')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('text_sha256', 'text', (c) => c.notNull())
    .addColumn('indexed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('search_doc_compartment_idx')
    .on('search_doc')
    .columns(['compartment', 'date'])
    .execute();
  await db.schema.createIndex('search_doc_date_idx').on('search_doc').columns(['date', 'doc_id']).execute();

  await db.schema
    .createTable('search_place')
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('pcode', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_place_pk', ['item_id', 'pcode'])
    .execute();
  await db.schema
    .createIndex('search_place_pcode_idx')
    .on('search_place')
    .columns(['pcode', 'item_id'])
    .execute();

  await db.schema
    .createTable('place_mention')
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    // The item whose text the offsets count in (the item itself or a derived text item).
    .addColumn('text_item_id', 'text', (c) => c.notNull())
    .addColumn('start_offset', 'integer', (c) => c.notNull())
    .addColumn('end_offset', 'integer', (c) => c.notNull())
    .addColumn('surface', 'text', (c) => c.notNull())
    .addColumn('pcode', 'text', (c) => c.notNull())
    .addColumn('candidates', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('place_mention_pk', ['item_id', 'n'])
    .execute();

  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    // Contentless (the text lives in search_doc); rowid = doc_id. Terms arrive already
    // normalised and stemmed (src/lib/search-tokens.ts), so the tokenizer only splits on spaces
    // and must not fold anything itself. Prefix indexes make "evac*" cheap.
    await sql`CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tags, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0', prefix='2 3')`.execute(
      db,
    );
  } else {
    await sql`ALTER TABLE search_doc ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector`.execute(db);
    await sql`CREATE INDEX search_doc_tsv_idx ON search_doc USING gin (tsv)`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) await sql`DROP TABLE search_fts`.execute(db);
  await db.schema.dropTable('place_mention').execute();
  await db.schema.dropTable('search_place').execute();
  await db.schema.dropTable('search_doc').execute();
}
