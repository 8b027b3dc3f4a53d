// 0018 — which key signs the custody log (issue 21.2). Many processes on one PostgreSQL each
// loaded (or made) a key from their own data directory, so two keys signed one log and its
// checkpoints failed verification. One row records the deployment's verifier key; a process
// whose key is another refuses to start (src/store/keys.ts), and `attest log rotate-key`
// replaces it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('log_signer')
    // Always 1: one log, one signer key.
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('verifier_key', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('log_signer').execute();
}
