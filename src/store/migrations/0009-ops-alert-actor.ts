// 0009 — who last acknowledged or resolved an alert (issue 11.4): the alert lifecycle names its actor.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('alert').addColumn('state_changed_by', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('alert').dropColumn('state_changed_by').execute();
}
