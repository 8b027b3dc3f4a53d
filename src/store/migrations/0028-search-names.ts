// 0028 — search (attack finding F1): entity names leave the scored row for an index of their own.
// Both engines normalise a score by the document's length, so entity-name terms in the row that
// bm25 (SQLite FTS5) or ts_rank (PostgreSQL) measures lowered the score of a document with a link
// the caller may not see. The names now live in `search_names` (SQLite: a contentless FTS5 table,
// rowid = search_doc.doc_id) and `search_name` (PostgreSQL: doc_id, tsvector with a GIN index),
// read only to select documents (src/search/name-match.ts).
// The index is emptied with its high-water mark, as in 0022 and 0026: the catch-up before every
// search (and `attest index`) writes every document again, without names in the scored row.
import { type Kysely, SqliteAdapter, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`CREATE VIRTUAL TABLE search_names USING fts5(names, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 0 tokenchars '_'")`.execute(
      db,
    );
    // Every compartment's table forgets its rows (their tags hold names): written again below.
    const shards = await sql<{ shard: number }>`SELECT shard FROM search_shard`.execute(db);
    for (const s of shards.rows) {
      const t = `search_fts_${Number(s.shard)}`;
      await sql.raw(`INSERT INTO ${t} (${t}) VALUES ('delete-all')`).execute(db);
    }
  } else {
    await sql`CREATE TABLE search_name (doc_id bigint PRIMARY KEY, tsv tsvector NOT NULL)`.execute(db);
    await sql`CREATE INDEX search_name_tsv_idx ON search_name USING gin (tsv)`.execute(db);
  }
  await sql`DELETE FROM search_place`.execute(db);
  await sql`DELETE FROM search_doc`.execute(db);
  await sql`DELETE FROM counter WHERE name = 'search-indexed-seq'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) await sql`DROP TABLE search_names`.execute(db);
  else await sql`DROP TABLE search_name`.execute(db);
  await sql`DELETE FROM search_place`.execute(db);
  await sql`DELETE FROM search_doc`.execute(db);
  await sql`DELETE FROM counter WHERE name = 'search-indexed-seq'`.execute(db);
}
