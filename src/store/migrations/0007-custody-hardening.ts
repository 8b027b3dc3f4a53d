// 0007 — custody hardening (issues 18 and 12): checkpoints are numbered 1, 2, 3… so a deleted one
// leaves a gap; views are coalesced per (actor, item, part, hour) through a window table;
// provenance amendments keep their reason outside the log; and the log's tables refuse UPDATE
// and DELETE (triggers on both dialects) so that changing the record takes DDL, not a stray
// statement; blobs staged for an item not yet recorded are held (blob_hold, src/vault/staging.ts),
// so that gc and a refused request's clean-up never take them (issues 18.9, 12.7). The triggers
// are created last: the backfill of `number` is itself an UPDATE.
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.js';

/** APPEND_ONLY_TABLES are the tables whose rows, once written, never change. */
export const APPEND_ONLY_TABLES = ['custody_entry', 'custody_node', 'checkpoint', 'item_amendment'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('checkpoint').addColumn('number', 'bigint').execute();
  await sql`UPDATE checkpoint SET number = (SELECT count(*) FROM checkpoint c2 WHERE c2.size <= checkpoint.size)`.execute(
    db,
  );
  await db.schema.createIndex('checkpoint_number_idx').on('checkpoint').column('number').unique().execute();

  await db.schema
    .createTable('custody_view_window')
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('part', 'text', (c) => c.notNull())
    .addColumn('hour', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('reads', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('custody_view_window_pk', ['actor_id', 'item_id', 'part', 'hour'])
    .execute();

  await db.schema
    .createTable('item_amendment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('before', 'text', (c) => c.notNull())
    .addColumn('after', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('item_amendment_item_idx')
    .on('item_amendment')
    .columns(['item_id', 'seq'])
    .execute();

  // Salt of the provenance commitment in each item's ingest entry (issue 18.1).
  await db.schema.alterTable('item').addColumn('provenance_salt', 'text').execute();

  await db.schema
    .createTable('blob_hold')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('held_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('blob_hold_sha256_idx').on('blob_hold').column('sha256').execute();

  await createAppendOnlyGuards(db);
}

/**
 * createAppendOnlyGuards installs the triggers that refuse UPDATE and DELETE (and, on PostgreSQL,
 * TRUNCATE) on the log's tables. An insider with DDL rights can drop them — `attest verify`
 * reports a missing guard (log-guard-missing) — but no ordinary statement changes the log.
 */
export async function createAppendOnlyGuards(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql`CREATE OR REPLACE FUNCTION attest_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'attest: % on % refused: the custody log is append-only', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`.execute(db);
    for (const t of APPEND_ONLY_TABLES) {
      await sql`CREATE TRIGGER ${sql.id(`${t}_append_only`)} BEFORE UPDATE OR DELETE ON ${sql.table(t)}
        FOR EACH ROW EXECUTE FUNCTION attest_append_only()`.execute(db);
      await sql`CREATE TRIGGER ${sql.id(`${t}_no_truncate`)} BEFORE TRUNCATE ON ${sql.table(t)}
        FOR EACH STATEMENT EXECUTE FUNCTION attest_append_only()`.execute(db);
    }
    return;
  }
  for (const t of APPEND_ONLY_TABLES) {
    for (const op of ['UPDATE', 'DELETE'] as const) {
      await sql`CREATE TRIGGER ${sql.id(`${t}_no_${op.toLowerCase()}`)} BEFORE ${sql.raw(op)} ON ${sql.table(t)}
        BEGIN SELECT RAISE(ABORT, ${sql.lit(`attest: ${op} on ${t} refused: the custody log is append-only`)}); END`.execute(
        db,
      );
    }
  }
}

/** dropAppendOnlyGuards removes the triggers (the inverse of createAppendOnlyGuards). */
export async function dropAppendOnlyGuards(db: Kysely<unknown>): Promise<void> {
  for (const t of APPEND_ONLY_TABLES) {
    for (const name of guardNames(db, t)) {
      if (dialectOf(db) === 'postgres')
        await sql`DROP TRIGGER IF EXISTS ${sql.id(name)} ON ${sql.table(t)}`.execute(db);
      else await sql`DROP TRIGGER IF EXISTS ${sql.id(name)}`.execute(db);
    }
  }
}

/** guardNames lists the triggers that guard table `t` on this dialect. */
// biome-ignore lint/suspicious/noExplicitAny: any schema
export function guardNames(db: Kysely<any>, t: string): string[] {
  return dialectOf(db) === 'postgres'
    ? [`${t}_append_only`, `${t}_no_truncate`]
    : [`${t}_no_update`, `${t}_no_delete`];
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropAppendOnlyGuards(db);
  await db.schema.dropTable('blob_hold').execute();
  await db.schema.alterTable('item').dropColumn('provenance_salt').execute();
  await db.schema.dropTable('item_amendment').execute();
  await db.schema.dropTable('custody_view_window').execute();
  await db.schema.dropIndex('checkpoint_number_idx').execute();
  await db.schema.alterTable('checkpoint').dropColumn('number').execute();
}
