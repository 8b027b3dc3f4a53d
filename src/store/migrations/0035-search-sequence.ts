// 0035 — search (issue 15), PostgreSQL: search_doc.seq, the doc_id blocks a document lies in
// (for each level L of 4, 6, … 22: L · 2^32 + doc_id >> L; src/search/backends/pg-plan.ts
// SEQUENCE_LEVELS and sequenceKeys say the same), a stored generated column (§5.4), and the GIN
// index on (tsv, seq) instead of (tsv). A read of the text's matches among the newest doc_ids
// is then one GIN scan with two keys, instead of the text's GIN bitmap ANDed with a btree bitmap
// of every doc_id in the range (bench/RESULTS.md, issue 15, ninth session). Adding the column
// rewrites the table once, locked meanwhile (211 s at 1M documents on the bench machine, and
// the table's size again in free disk); nothing needs re-indexing. SQLite: nothing (FTS5 walks
// rowids).
import { type Kysely, SqliteAdapter, sql } from 'kysely';

const LEVELS = [4, 6, 8, 10, 12, 14, 16, 18, 20, 22];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return;
  const blocks = LEVELS.map((l) => `(${l}::bigint << 32) + (doc_id >> ${l})`).join(', ');
  await sql
    .raw(`ALTER TABLE search_doc ADD COLUMN seq bigint[] GENERATED ALWAYS AS (ARRAY[${blocks}]) STORED`)
    .execute(db);
  await sql`DROP INDEX search_doc_tsv_idx`.execute(db);
  await sql`CREATE INDEX search_doc_tsv_idx ON search_doc USING gin (tsv, seq)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return;
  await sql`DROP INDEX search_doc_tsv_idx`.execute(db);
  await sql`ALTER TABLE search_doc DROP COLUMN seq`.execute(db);
  await sql`CREATE INDEX search_doc_tsv_idx ON search_doc USING gin (tsv)`.execute(db);
}
