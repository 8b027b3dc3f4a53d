// 0002 — the custody log: entries, persisted subtree hashes, signed checkpoints.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('custody_entry')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('leaf_hash', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text')
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('custody_entry_item_idx')
    .on('custody_entry')
    .columns(['item_id', 'seq'])
    .execute();

  await db.schema
    .createTable('custody_node')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('custody_node_pk', ['level', 'idx'])
    .execute();

  await db.schema
    .createTable('checkpoint')
    .addColumn('size', 'bigint', (c) => c.primaryKey())
    .addColumn('root', 'text', (c) => c.notNull())
    .addColumn('signed_note', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('checkpoint').execute();
  await db.schema.dropTable('custody_node').execute();
  await db.schema.dropTable('custody_entry').execute();
}
