// 0026 — search (security finding #3): on SQLite, one FTS5 table per compartment.
// FTS5's bm25 weighs a word by how many documents of the whole table hold it (and by the
// table's mean document length), so one table for every compartment let a caller learn, from
// scores and order, which words occur in compartments they cannot read. With a table per
// compartment (search_fts_<shard>, listed in search_shard, made on first use by the indexer),
// a document's score depends only on documents of its own compartment. search_doc.fts_shard
// says which table holds a document's terms, so they are removed from the right one after the
// document's compartment changes. PostgreSQL's ts_rank reads no corpus statistics: unchanged
// (the column stays null there).
// The single table is dropped and the index emptied with its high-water mark, as in 0022: the
// catch-up before every search (and `attest index`) writes every document again.
import { type Kysely, SqliteAdapter, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('search_doc').addColumn('fts_shard', 'integer').execute();
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  await sql`DROP TABLE search_fts`.execute(db);
  await db.schema
    .createTable('search_shard')
    .addColumn('compartment', 'text', (c) => c.primaryKey())
    .addColumn('shard', 'integer', (c) => c.notNull().unique())
    .execute();
  await sql`DELETE FROM search_place`.execute(db);
  await sql`DELETE FROM search_doc`.execute(db);
  await sql`DELETE FROM counter WHERE name = 'search-indexed-seq'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    const shards = await sql<{ shard: number }>`SELECT shard FROM search_shard`.execute(db);
    for (const s of shards.rows) await sql.raw(`DROP TABLE search_fts_${Number(s.shard)}`).execute(db);
    await db.schema.dropTable('search_shard').execute();
    await sql`CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tags, filters, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 0 tokenchars '_'", prefix='2 3')`.execute(
      db,
    );
    await sql`DELETE FROM search_place`.execute(db);
    await sql`DELETE FROM search_doc`.execute(db);
    await sql`DELETE FROM counter WHERE name = 'search-indexed-seq'`.execute(db);
  }
  await db.schema.alterTable('search_doc').dropColumn('fts_shard').execute();
}
