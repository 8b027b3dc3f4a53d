// 0015 — analysis: entities (persons with protection and pseudonym, organisations and units,
// places, vehicles), incidents with uncertain time ranges, links between any two records with
// the item that is their basis, and claims with each item's stance (src/analysis/README.md). Each
// record has a random `salt` that its custody entries' SHA-256 commits to, so a reader of the log
// cannot confirm a guessed name or statement against the hash.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('entity')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_ar', 'text')
    .addColumn('aliases', 'text', (c) => c.notNull())
    .addColumn('compartment', 'text', (c) => c.notNull())
    .addColumn('protection', 'text', (c) => c.notNull())
    .addColumn('pseudonym', 'text')
    .addColumn('pcode', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('salt', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('entity_compartment_idx')
    .on('entity')
    .columns(['compartment', 'kind'])
    .execute();

  await db.schema
    .createTable('incident')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('compartment', 'text', (c) => c.notNull())
    .addColumn('start_earliest', 'text')
    .addColumn('start_latest', 'text')
    .addColumn('end_earliest', 'text')
    .addColumn('end_latest', 'text')
    .addColumn('pcode', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('salt', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_compartment_idx')
    .on('incident')
    .columns(['compartment', 'start_earliest'])
    .execute();
  await db.schema.createIndex('incident_pcode_idx').on('incident').columns(['pcode']).execute();

  await db.schema
    .createTable('link')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('from_type', 'text', (c) => c.notNull())
    .addColumn('from_id', 'text', (c) => c.notNull())
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('to_type', 'text', (c) => c.notNull())
    .addColumn('to_id', 'text', (c) => c.notNull())
    .addColumn('basis_item_id', 'text', (c) => c.references('item.id'))
    .addColumn('compartment', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('salt', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('link_from_idx').on('link').columns(['from_type', 'from_id']).execute();
  await db.schema.createIndex('link_to_idx').on('link').columns(['to_type', 'to_id']).execute();

  await db.schema
    .createTable('claim')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.references('incident.id'))
    .addColumn('statement', 'text', (c) => c.notNull())
    .addColumn('compartment', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('salt', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('claim_incident_idx').on('claim').columns(['incident_id']).execute();

  await db.schema
    .createTable('stance')
    .addColumn('claim_id', 'text', (c) => c.notNull().references('claim.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('item.id'))
    .addColumn('stance', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('stance_pk', ['claim_id', 'item_id'])
    .execute();
  await db.schema.createIndex('stance_item_idx').on('stance').columns(['item_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['stance', 'claim', 'link', 'incident', 'entity']) await db.schema.dropTable(t).execute();
}
