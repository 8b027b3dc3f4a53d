// 0027 — saved searches (attack review, F3): the compartments the caller could read when a
// search was saved (`all`, or a JSON array), so a token scoped to fewer compartments neither
// reads nor replaces a query written under wider access (its words can name what that token
// may not see). Null (rows from before): shown to the user under any scope, as before.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('saved_search').addColumn('scope', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('saved_search').dropColumn('scope').execute();
}
