// 0032 — per-user quota on open resumable uploads: creating one counts the user's open uploads
// and sums their declared lengths (src/vault/upload-quota.ts), so that count reads an index of
// the user's rows rather than every upload in the deployment.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('upload_user_expires')
    .on('upload')
    .columns(['user_id', 'expires_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('upload_user_expires').execute();
}
