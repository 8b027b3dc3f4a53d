/**
 * dialect.ts — which SQL dialect an open database speaks, for the few places whose SQL differs
 * (the log's append-only triggers: their DDL in migration 0007, their presence in `attest
 * verify`). Services use `ctx.dialect`; this is for code that only holds the Kysely instance.
 * It stands apart from db.ts so that migrations can use it without an import cycle.
 */
import { createHash } from 'node:crypto';
import { type Kysely, PostgresAdapter, type QueryExecutorProvider, sql } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/** dialectOf tells which dialect an open Kysely instance speaks. */
export function dialectOf(db: QueryExecutorProvider): DialectName {
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

/**
 * lockKeysInTransaction serialises transactions that name the same key, until `trx` ends: on
 * PostgreSQL, transaction-scoped advisory locks, taken in ascending order in one statement so two
 * transactions locking overlapping sets never deadlock (PostgreSQL ≥ 9.6 evaluates volatile
 * functions after ORDER BY); on SQLite the one writer already runs transactions one at a time.
 * Keys are hashed to the lock's 64-bit number (SHA-256 of `namespace:key`, first 8 bytes): a
 * collision only makes two unrelated transactions wait for each other.
 */
export async function lockKeysInTransaction(
  trx: QueryExecutorProvider,
  namespace: string,
  keys: readonly string[],
): Promise<void> {
  if (keys.length === 0 || dialectOf(trx) !== 'postgres') return;
  const ids = [...new Set(keys.map((k) => advisoryLockId(`${namespace}:${k}`)))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  await sql`SELECT pg_advisory_xact_lock(k) FROM unnest(${ids.map(String)}::bigint[]) AS t(k) ORDER BY k`.execute(
    trx,
  );
}

/** advisoryLockId maps a name to a signed 64-bit advisory lock number. */
export function advisoryLockId(name: string): bigint {
  return createHash('sha256').update(name).digest().readBigInt64BE(0);
}

/**
 * serialisedAcrossProcesses runs `fn` as the only holder of `name` among every process on the
 * database: on PostgreSQL inside a transaction holding the advisory lock (`fn` gets that
 * transaction, and its writes commit when it returns); on SQLite, which only processes on one
 * machine can share, `fn` gets `db` unchanged and the caller's own file lock does the work.
 */
export async function serialisedAcrossProcesses<DB, T>(
  db: Kysely<DB>,
  name: string,
  fn: (db: Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (dialectOf(db) !== 'postgres') return fn(db);
  return db.transaction().execute(async (trx) => {
    await lockKeysInTransaction(trx, 'process-lock', [name]);
    return fn(trx);
  });
}

/** A read-only view of the database as it was at one instant, until `end`. */
export interface ReadSnapshot<DB> {
  /** Every query through it sees the same committed state, whatever others commit meanwhile. */
  readonly db: Kysely<DB>;
  /** Ends the snapshot (a rollback: it never wrote). */
  end(): Promise<void>;
}

/**
 * openReadSnapshot starts a transaction in which every read sees the database as it was when
 * the snapshot opened, while other connections go on writing: on PostgreSQL `REPEATABLE READ,
 * READ ONLY` (docs §13.2.2: every statement sees the snapshot taken by the transaction's first
 * one); on SQLite a read transaction, which in WAL mode reads the database as of its first read
 * while writers append to the WAL (sqlite.org/wal.html §2.2, "Concurrency") — with `query_only`
 * on, so a write by mistake fails instead of taking the one write lock for the snapshot's
 * length. The first statement is run here, so the snapshot is taken now, not at the caller's
 * first query. On SQLite the snapshot holds Kysely's one connection: queries through any other
 * handle of the same Kysely wait for `end`.
 */
export async function openReadSnapshot<DB>(db: Kysely<DB>): Promise<ReadSnapshot<DB>> {
  const postgres = dialectOf(db) === 'postgres';
  const trx = postgres
    ? await db.startTransaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute()
    : await db.startTransaction().execute();
  try {
    if (postgres) await sql`SELECT 1`.execute(trx);
    else {
      await sql`PRAGMA query_only = ON`.execute(trx);
      await sql`SELECT count(*) FROM sqlite_master`.execute(trx);
    }
  } catch (err) {
    await trx.rollback().execute();
    throw err;
  }
  return {
    db: trx,
    async end() {
      try {
        await trx.rollback().execute();
      } finally {
        if (!postgres) await sql`PRAGMA query_only = OFF`.execute(db);
      }
    },
  };
}
