// 0013 — resumable uploads, hardened and interoperable (issues 12.6 and 19.1):
// - `lock_token` / `locked_until`: the one PATCH that may write to an upload holds its lock (a
//   random token) until it ends; a second PATCH meanwhile is refused (409). The lease runs out by
//   `locked_until` (ISO 8601), so a process that died mid-PATCH does not block the upload forever.
// - `concat` / `parts`: tus concatenation. An upload is an ordinary one (concat null), a partial
//   one that never becomes an item by itself ('partial'), or the final concatenation of partials
//   ('final', with the ordered partial ids in `parts` as a JSON array).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('upload').addColumn('lock_token', 'text').execute();
  await db.schema.alterTable('upload').addColumn('locked_until', 'text').execute();
  await db.schema.alterTable('upload').addColumn('concat', 'text').execute();
  await db.schema.alterTable('upload').addColumn('parts', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['parts', 'concat', 'locked_until', 'lock_token'])
    await db.schema.alterTable('upload').dropColumn(column).execute();
}
