// 0023 — state that many server processes share (issue 21.2, the two parts left):
// - `event_stream`: one row per open SSE stream, so the per-user stream limit counts the streams
//   of every process. A row is a lease (`lease_until`, renewed while the stream lives): the
//   streams of a process that died stop counting when their leases run out.
// - `upload_part`: the bytes of a resumable (tus) upload are parts in the shared blob store
//   (`uploads/<upload id>/<key>`), one per PATCH, instead of a file in one process's data
//   directory; an upload begun on one server resumes on any other. The offset is the sum of the
//   parts' sizes.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('event_stream')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('event_stream_user_idx')
    .on('event_stream')
    .columns(['user_id', 'lease_until'])
    .execute();

  await db.schema
    .createTable('upload_part')
    .addColumn('upload_id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    // The part's name under the store's `uploads/<upload id>/`.
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('upload_part_pk', ['upload_id', 'n'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('upload_part').execute();
  await db.schema.dropTable('event_stream').execute();
}
