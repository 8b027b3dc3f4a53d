// 0024 — consent conditions in the custody log (issue #10). A condition decides what may leave
// in a package, so recording or changing one is a change that matters to evidence: each new
// condition has a custody entry committing to its row (DESIGN rule 2), salted by this random
// `salt` so that the hash confirms no guessed source name or note. Conditions recorded before
// this migration keep a null salt: they had no entry, and `attest verify` says so only if an
// entry names them (src/cases/consent-verify.ts).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consent_condition').addColumn('salt', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consent_condition').dropColumn('salt').execute();
}
