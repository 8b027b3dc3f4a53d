// 0035 — search (issue 15), PostgreSQL, two changes to search_doc that each rewrite it:
// - `seq`, the doc_id blocks a document lies in (for each level L of 4, 6, … 22:
//   L · 2^32 + doc_id >> L; src/search/backends/pg-plan.ts SEQUENCE_LEVELS and sequenceKeys say
//   the same), a stored generated column (§5.4), with the GIN index on (tsv, seq) instead of
//   (tsv). A read of the text's matches among the newest doc_ids is then one GIN scan with two
//   keys, instead of the text's GIN bitmap ANDed with a btree bitmap of every doc_id in the range.
// - `tsv` stored out of line uncompressed (STORAGE EXTERNAL; docs: Database Physical Storage, TOAST): pglz saved 7% of a vector
//   (2,265 → 2,103 bytes) and every walked, rechecked or ranked row paid for decompressing it.
//   Existing vectors are written again (`tsv || ''`, the same vector) to store them so.
// Measured at 1M documents (bench/RESULTS.md, issue 15, ninth session). The table is locked and
// rewritten twice (about 8 minutes at 1M documents on the bench machine, with the table's size
// again in free disk); nothing needs re-indexing. SQLite: nothing (FTS5 walks rowids).
import { type Kysely, SqliteAdapter, sql } from 'kysely';

const LEVELS = [4, 6, 8, 10, 12, 14, 16, 18, 20, 22];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return;
  // Without the GIN index while the rows are written again (one build after, not 2M updates).
  await sql`DROP INDEX search_doc_tsv_idx`.execute(db);
  await sql`ALTER TABLE search_doc ALTER COLUMN tsv SET STORAGE EXTERNAL`.execute(db);
  const blocks = LEVELS.map((l) => `(${l}::bigint << 32) + (doc_id >> ${l})`).join(', ');
  await sql
    .raw(`ALTER TABLE search_doc ADD COLUMN seq bigint[] GENERATED ALWAYS AS (ARRAY[${blocks}]) STORED`)
    .execute(db);
  // A table rewrite copies a compressed vector as it is; a new value is stored as the column says.
  await sql`UPDATE search_doc SET tsv = tsv || ''::tsvector`.execute(db);
  await sql`CREATE INDEX search_doc_tsv_idx ON search_doc USING gin (tsv, seq)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return;
  await sql`DROP INDEX search_doc_tsv_idx`.execute(db);
  await sql`ALTER TABLE search_doc DROP COLUMN seq`.execute(db);
  await sql`ALTER TABLE search_doc ALTER COLUMN tsv SET STORAGE EXTENDED`.execute(db);
  await sql`CREATE INDEX search_doc_tsv_idx ON search_doc USING gin (tsv)`.execute(db);
}
