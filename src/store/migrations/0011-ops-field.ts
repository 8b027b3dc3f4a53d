// 0011 — evacuation monitoring under field conditions (issue 13):
// - an observation is identified by (device key, client id), not by the client id alone: two phones
//   may pick the same client id, and neither may silence the other. The table is rebuilt with `seq`
//   as its key; `body_sha256` (SHA-256 of the signed text) tells a re-send from a different body, and
//   `status` says whether an observation counts: `accepted`, or `held` while two different signed
//   bodies under one (device key, client id) wait for a coordinator, then `chosen` / `set-aside`.
// - `observation_conflict` records the coordinator's choice between such bodies, with the reason.
// - operations may be `exercise` operations (training, replayed scenarios): shown as such and kept out
//   of real reports and exports.
// - an alert carries its `history`: the conditions it went through (kind, severity, since), so one
//   alert per subject can escalate instead of three alerts being raised.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('observation_v2')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('device_key_id', 'text', (c) => c.notNull())
    .addColumn('body_sha256', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('operation_id', 'text', (c) => c.notNull().references('operation.id'))
    .addColumn('route_point_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('device_time', 'text', (c) => c.notNull())
    .addColumn('received_time', 'text', (c) => c.notNull())
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('vehicle_ids', 'text', (c) => c.notNull())
    .addColumn('headcount', 'integer')
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('photo_sha256', 'text', (c) => c.notNull())
    .addColumn('signed_text', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();
  const rows = await sql<{
    client_id: string;
    signed_text: string;
  }>`select client_id, signed_text from observation`.execute(db);
  // body_sha256 is computed here (portable) and copied in with the rest of the row.
  const { createHash } = await import('node:crypto');
  await sql`insert into observation_v2 (seq, client_id, device_key_id, body_sha256, status, operation_id,
      route_point_id, kind, device_time, received_time, monitor_id, source, vehicle_ids, headcount,
      categories, note, photo_sha256, signed_text, signature)
    select seq, client_id, device_key_id, '', 'accepted', operation_id, route_point_id, kind, device_time,
      received_time, monitor_id, source, vehicle_ids, headcount, categories, note, photo_sha256,
      signed_text, signature from observation`.execute(db);
  for (const r of rows.rows) {
    const sha = createHash('sha256').update(r.signed_text, 'utf8').digest('hex');
    await sql`update observation_v2 set body_sha256 = ${sha} where client_id = ${r.client_id}`.execute(db);
  }
  await db.schema.dropTable('observation').execute();
  await db.schema.alterTable('observation_v2').renameTo('observation').execute();
  await db.schema.createIndex('observation_operation').on('observation').column('operation_id').execute();
  await db.schema
    .createIndex('observation_body')
    .on('observation')
    .columns(['device_key_id', 'client_id', 'body_sha256'])
    .unique()
    .execute();
  // At most one counted body per (device key, client id): a concurrent second body fails here and is
  // then handled as a conflict.
  await sql`create unique index observation_counted on observation (device_key_id, client_id)
    where status = 'accepted'`.execute(db);
  await db.schema
    .createTable('observation_conflict')
    .addColumn('device_key_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('operation_id', 'text', (c) => c.notNull())
    .addColumn('chosen_sha256', 'text')
    .addColumn('reason', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolved_at', 'text')
    .addPrimaryKeyConstraint('observation_conflict_pk', ['device_key_id', 'client_id'])
    .execute();
  await db.schema
    .alterTable('operation')
    .addColumn('exercise', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('alert')
    .addColumn('history', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('alert').dropColumn('history').execute();
  await db.schema.alterTable('operation').dropColumn('exercise').execute();
  await db.schema.dropTable('observation_conflict').execute();
}
