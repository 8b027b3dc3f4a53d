/**
 * migrate.ts — versioned schema migrations, run in order on every start. Each migration is a
 * module in ./migrations named NNNN-what.ts and listed in ./migrations/index.ts; a migration,
 * once released, is never edited: a change is a new migration.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { migrations } from './migrations/index.js';

class ListedMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** migrateToLatest applies every pending migration or throws with the one that failed. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are schema-agnostic
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  // 0004 (ops) landed after 0005 (uploads) had shipped: a store made in between must still take it.
  const migrator = new Migrator({ db, provider: new ListedMigrations(), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message ?? error}`);
  }
}

/** migrationNames lists the migrations this code knows, in the order they run. */
export function migrationNames(): string[] {
  return Object.keys(migrations).sort();
}

/**
 * migrateUpTo applies the migrations up to and including `name` (restoring a backup taken by a
 * version that had run exactly those: its rows fit that schema; the rest run when it opens).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are schema-agnostic
export async function migrateUpTo(db: Kysely<any>, name: string): Promise<void> {
  const migrator = new Migrator({ db, provider: new ListedMigrations(), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateTo(name);
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message ?? error}`);
  }
}
