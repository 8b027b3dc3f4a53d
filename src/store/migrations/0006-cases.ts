// 0006 — cases (src/cases/tables.ts): cases with items, entities, incidents, notes, team and
// legal-element links; requests for assistance, jurisdictions, consent conditions and
// overrides; export packages.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('legal_case')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('legal_framework', 'text', (c) => c.notNull())
    .addColumn('compartment', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('case_item')
    .addColumn('case_id', 'text', (c) => c.notNull().references('legal_case.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('item.id'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_item_pk', ['case_id', 'item_id'])
    .execute();
  await db.schema
    .createTable('case_entity')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('legal_case.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('pseudonym', 'text')
    .addColumn('protected', 'integer', (c) => c.notNull())
    .addColumn('name_compartment', 'text')
    .addColumn('entity_ref', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('case_entity_item')
    .addColumn('entity_id', 'text', (c) => c.notNull().references('case_entity.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('item.id'))
    .addPrimaryKeyConstraint('case_entity_item_pk', ['entity_id', 'item_id'])
    .execute();
  await db.schema
    .createTable('case_incident')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('legal_case.id'))
    .addColumn('incident_ref', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('case_note')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('legal_case.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('case_member')
    .addColumn('case_id', 'text', (c) => c.notNull().references('legal_case.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_member_pk', ['case_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('case_checklist')
    .addColumn('case_id', 'text', (c) => c.notNull().references('legal_case.id'))
    .addColumn('checklist_id', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_checklist_pk', ['case_id', 'checklist_id'])
    .execute();
  await db.schema
    .createTable('element_link')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('legal_case.id'))
    .addColumn('element_id', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('stance', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('jurisdiction')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('death_penalty', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rfa')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('case_id', 'text', (c) => c.notNull().references('legal_case.id'))
    .addColumn('authority', 'text', (c) => c.notNull())
    .addColumn('jurisdiction', 'text', (c) => c.notNull().references('jurisdiction.code'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('received_on', 'text', (c) => c.notNull())
    .addColumn('due_on', 'text')
    .addColumn('closed_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('consent_condition')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_ref', 'text', (c) => c.notNull())
    .addColumn('compartment', 'text', (c) => c.notNull())
    .addColumn('jurisdictions', 'text')
    .addColumn('purposes', 'text')
    .addColumn('no_death_penalty', 'integer', (c) => c.notNull())
    .addColumn('no_sharing', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('consent_condition_subject')
    .on('consent_condition')
    .columns(['subject_kind', 'subject_ref'])
    .execute();
  await db.schema
    .createTable('consent_override')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rfa_id', 'text', (c) => c.notNull().references('rfa.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('item.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('export_package')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('legal_case.id'))
    .addColumn('rfa_id', 'text')
    .addColumn('redacted', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('done', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('excluded', 'text', (c) => c.notNull())
    .addColumn('file', 'text')
    .addColumn('sha256', 'text')
    .addColumn('error', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'export_package',
    'consent_override',
    'consent_condition',
    'rfa',
    'jurisdiction',
    'element_link',
    'case_checklist',
    'case_member',
    'case_note',
    'case_incident',
    'case_entity_item',
    'case_entity',
    'case_item',
    'legal_case',
  ])
    await db.schema.dropTable(t).execute();
}
