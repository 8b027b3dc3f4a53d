// 0004 — evacuation operations (DESIGN.md data model): mandates, operations with their status
// history and route points, convoys, vehicles, manifests, monitors' device keys, signed
// observations (kept verbatim with their signature), alerts with their lifecycle, and the
// per-operation event stream behind Server-Sent Events. Structured values (places, links,
// thresholds, categories, evidence) are canonical JSON text, so both dialects store them alike.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mandate')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('instrument', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('text_ref', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('vote_yes', 'integer')
    .addColumn('vote_no', 'integer')
    .addColumn('vote_abstain', 'integer')
    .addColumn('vote_membership', 'integer')
    .addColumn('unanimous', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('operation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_ar', 'text')
    .addColumn('compartment', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('planned_people', 'integer', (c) => c.notNull())
    .addColumn('links', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text')
    .addColumn('thresholds', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('operation_mandate')
    .addColumn('operation_id', 'text', (c) => c.notNull().references('operation.id'))
    .addColumn('mandate_id', 'text', (c) => c.notNull().references('mandate.id'))
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('operation_mandate_pk', ['operation_id', 'mandate_id'])
    .execute();
  await db.schema
    .createTable('operation_status')
    .addColumn('operation_id', 'text', (c) => c.notNull().references('operation.id'))
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('operation_status_pk', ['operation_id', 'ord'])
    .execute();
  await db.schema
    .createTable('route_point')
    .addColumn('operation_id', 'text', (c) => c.notNull().references('operation.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('monitored', 'integer', (c) => c.notNull())
    .addColumn('expected_minutes_to_next', 'integer')
    .addPrimaryKeyConstraint('route_point_pk', ['operation_id', 'id'])
    .execute();
  await db.schema
    .createTable('convoy')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('operation_id', 'text', (c) => c.notNull().references('operation.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('vehicle')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('operation_id', 'text', (c) => c.notNull().references('operation.id'))
    .addColumn('convoy_id', 'text', (c) => c.references('convoy.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('marking', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vehicle_operation').on('vehicle').column('operation_id').execute();
  await db.schema
    .createTable('manifest')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('operation_id', 'text', (c) => c.notNull().references('operation.id'))
    .addColumn('vehicle_id', 'text', (c) => c.notNull().references('vehicle.id'))
    .addColumn('headcount', 'integer', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('protected_entries', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('device_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createTable('observation')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull().unique())
    .addColumn('operation_id', 'text', (c) => c.notNull().references('operation.id'))
    .addColumn('route_point_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('device_time', 'text', (c) => c.notNull())
    .addColumn('received_time', 'text', (c) => c.notNull())
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('device_key_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('vehicle_ids', 'text', (c) => c.notNull())
    .addColumn('headcount', 'integer')
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('photo_sha256', 'text', (c) => c.notNull())
    .addColumn('signed_text', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('observation_operation').on('observation').column('operation_id').execute();
  await db.schema
    .createTable('alert')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('operation_id', 'text', (c) => c.notNull().references('operation.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('state_changed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_operation').on('alert').columns(['operation_id', 'state']).execute();
  await db.schema
    .createTable('ops_event')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('operation_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ops_event_operation')
    .on('ops_event')
    .columns(['operation_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'ops_event',
    'alert',
    'observation',
    'device_key',
    'manifest',
    'vehicle',
    'convoy',
    'route_point',
    'operation_status',
    'operation_mandate',
    'operation',
    'mandate',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
