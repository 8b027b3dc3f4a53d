// 0008 — durable jobs (src/store/jobs.ts) and derived items (src/intake): a job row per unit of
// background work, claimed under a lease; a derivation row per item made from another item.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('job')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text')
    .addColumn('compartment', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_after', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progress_note', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error', 'text')
    .addColumn('result', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  // The claim's scan: runnable jobs by state and due time.
  await db.schema.createIndex('job_claim_idx').on('job').columns(['state', 'run_after']).execute();
  await db.schema.createIndex('job_item_idx').on('job').columns(['item_id', 'kind']).execute();

  await db.schema
    .createTable('derivation')
    .addColumn('item_id', 'text', (c) => c.primaryKey().references('item.id'))
    .addColumn('parent_item_id', 'text', (c) => c.notNull().references('item.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    // What within the parent this is (page 3, member path, keyframe at 12 s): one derivative per key.
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('tool', 'text', (c) => c.notNull())
    .addColumn('tool_version', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('derivation_parent_idx')
    .on('derivation')
    .columns(['parent_item_id', 'kind', 'key'])
    .unique()
    .execute();

  // Perceptual hashes (PDQ) of images and keyframes, with the 16 16-bit chunks of multi-index
  // hashing (Norouzi et al.) as indexed columns so a near-duplicate query is 16 exact lookups.
  let t = db.schema
    .createTable('pdq_hash')
    .addColumn('item_id', 'text', (c) => c.primaryKey().references('item.id'))
    .addColumn('compartment', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('quality', 'integer', (c) => c.notNull());
  for (let i = 0; i < 16; i++) t = t.addColumn(`c${i}`, 'integer', (c) => c.notNull());
  await t.execute();
  for (let i = 0; i < 16; i++) {
    await db.schema
      .createIndex(`pdq_hash_c${i}_idx`)
      .on('pdq_hash')
      .columns([`c${i}`, 'compartment'])
      .execute();
  }

  await db.schema
    .createTable('item_link')
    .addColumn('from_item_id', 'text', (c) => c.notNull().references('item.id'))
    .addColumn('to_item_id', 'text', (c) => c.notNull().references('item.id'))
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('distance', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('item_link_pk', ['from_item_id', 'relation', 'to_item_id'])
    .execute();
  await db.schema.createIndex('item_link_to_idx').on('item_link').columns(['to_item_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('item_link').execute();
  await db.schema.dropTable('pdq_hash').execute();
  await db.schema.dropTable('derivation').execute();
  await db.schema.dropTable('job').execute();
}
