// 0012 — the access audit names the compartment an event concerns (a grant, a revoked grant, a
// user created with a role there), so a compartment-scoped auditor or admin can be shown the
// events of its compartments only (src/access/audit/service.ts).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_event').addColumn('compartment', 'text').execute();
  await db.schema
    .createIndex('access_event_compartment_idx')
    .on('access_event')
    .columns(['compartment', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('access_event_compartment_idx').execute();
  await db.schema.alterTable('access_event').dropColumn('compartment').execute();
}
