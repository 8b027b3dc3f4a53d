// 0029 — independent witnesses of the custody log (C2SP tlog-witness, tlog-cosignature v1).
// `log_witness`: per witness key, the largest checkpoint it cosigned (the old size of the next
// add-checkpoint request), what it last said about its own size (a 409 reply), the last error
// and when to try again, and a lease so that one process at a time talks to each witness.
// `checkpoint_cosignature`: each verified cosignature line, served appended to the checkpoint.
// Neither table is evidence (a cosignature is verified by anyone who holds the witness's key),
// so they are not under the log's append-only triggers: losing a row loses a proof, never hides
// a change.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('log_witness')
    // The witness's verifier key (name+keyid+base64(0x04||pub)): a new key is a new witness.
    .addColumn('vkey', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('cosigned_number', 'bigint')
    .addColumn('cosigned_size', 'bigint')
    .addColumn('cosigned_root', 'text')
    // The witness's own timestamp on that cosignature (UTC ISO 8601).
    .addColumn('cosigned_at', 'text')
    // The size the witness last said it holds (409 Conflict), when it differs from ours.
    .addColumn('known_size', 'bigint')
    .addColumn('last_attempt_at', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('last_error_code', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .execute();

  await db.schema
    .createTable('checkpoint_cosignature')
    .addColumn('checkpoint_number', 'bigint', (c) => c.notNull())
    .addColumn('witness_vkey', 'text', (c) => c.notNull())
    .addColumn('witness_name', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('line', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('checkpoint_cosignature_pk', ['checkpoint_number', 'witness_vkey'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('checkpoint_cosignature').execute();
  await db.schema.dropTable('log_witness').execute();
}
