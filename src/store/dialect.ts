/**
 * dialect.ts — which SQL dialect an open database speaks, for the few places whose SQL differs
 * (the log's append-only triggers: their DDL in migration 0007, their presence in `attest
 * verify`). Services use `ctx.dialect`; this is for code that only holds the Kysely instance.
 * It stands apart from db.ts so that migrations can use it without an import cycle.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/** dialectOf tells which dialect an open Kysely instance speaks. */
// biome-ignore lint/suspicious/noExplicitAny: any schema
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** triggerNames lists the triggers defined in the database (for checks that guards are in place). */
// biome-ignore lint/suspicious/noExplicitAny: any schema
export async function triggerNames(db: Kysely<any>): Promise<Set<string>> {
  const rows =
    dialectOf(db) === 'postgres'
      ? await sql<{ name: string }>`SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal`.execute(db)
      : await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'trigger'`.execute(db);
  return new Set(rows.rows.map((r) => r.name));
}
