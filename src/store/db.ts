/**
 * db.ts — opens the record database. The dialect is chosen here and nowhere else:
 * SQLite through better-sqlite3 by default (a file under ATTEST_DATA, WAL, foreign keys on),
 * PostgreSQL through `pg` when DATABASE_URL is set (the scale tier). Migrations run on open.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SelectQueryBuilder, SqliteDialect } from 'kysely';
import type { DialectName } from './dialect.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';

export type { DialectName } from './dialect.js';

export interface DbHandle {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** Where the records live, for people (never includes a password). */
  readonly location: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL connection string; when absent, SQLite in `dataDir`. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  /** Run migrations (default true). */
  readonly migrate?: boolean;
}

// PostgreSQL returns BIGINT (OID 20) and NUMERIC counts as strings; the records use
// sequence numbers and sizes well below 2^53, so numbers are exact and simpler for callers.
const INT8_OID = 20;
const pgTypes = (pg: typeof import('pg').default) => ({
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
});

/** openDatabase connects, configures the connection and brings the schema up to date. */
export async function openDatabase(options: OpenOptions): Promise<DbHandle> {
  const handle = options.databaseUrl ? await openPostgres(options.databaseUrl) : openSqlite(options.dataDir);
  if (options.migrate !== false) {
    try {
      await migrateToLatest(handle.db);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
  return handle;
}

/**
 * ownerOnly makes the SQLite file readable by its owner alone (issue 12.13). SQLite's unix VFS
 * creates `-wal`, `-shm` and `-journal` with the database file's own permissions
 * (findCreateFileMode in os_unix.c), so the file is created 0600 here before SQLite opens it; a
 * file from before (or its -wal/-shm) that others may read is tightened.
 */
function ownerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
  }
}

function openSqlite(dataDir: string): DbHandle {
  // 0700 applies to the directories this creates; an existing directory is the operator's.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'attest.sqlite');
  ownerOnly(file);
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a committed evidence record survives power loss, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 10000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
}

/** How many prepared statements one SQLite connection keeps for reuse. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * withStatementCache hands Kysely a connection that reuses prepared statements by SQL text.
 * Kysely's SQLite driver prepares every query afresh; SQLite then re-parses and re-plans it,
 * which for the custody log's 500-row inserts (3,500 parameters) is a measurable share of an
 * append. A statement still iterating (a streamed read) is busy and cannot be run again, so a
 * busy one is never reused: that call gets a fresh statement. Least recently used drop first.
 */
function withStatementCache(sqlite: SQLite.Database): {
  prepare(sql: string): SQLite.Statement;
  close(): void;
} {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(text: string) {
      const hit = cache.get(text);
      if (hit && !hit.busy) {
        // Re-insert: a Map iterates in insertion order, so the first key is the least recent.
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      const stmt = sqlite.prepare(text);
      if (!hit) {
        cache.set(text, stmt);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      return stmt;
    },
    close() {
      cache.clear();
      sqlite.close();
    },
  };
}

async function openPostgres(url: string): Promise<DbHandle> {
  // Loaded only for PostgreSQL: an embedded deployment's every command starts without it.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes(pg) });
  // A connection the server ends (a restart, a failover, pg_terminate_backend) is an 'error'
  // event on its client — and on the pool too while it is idle. Unhandled, it kills the process:
  // every `attest serve` at once when the shared database restarts. Each client reports it; a
  // query in flight fails on its own; pg-pool drops the broken client (idle, or when released)
  // and the next query connects again (node-postgres docs, "Pool" and "Client": error events).
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      process.emitWarning(`a PostgreSQL connection was closed by the server: ${err.message}`, {
        code: 'ATTEST_PG_CONNECTION_LOST',
      });
    });
  });
  // Reported by the client's own handler above; the pool must still listen, or it throws.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', location: redactUrl(url), close: () => db.destroy() };
}

/** redactUrl drops the password from a connection string so it can be printed or logged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/**
 * skipLocked makes a claim's inner SELECT lock the rows it picks and pass over rows other
 * transactions hold (PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`), so concurrent workers never
 * pick the same job. SQLite has one writer at a time and no FOR UPDATE: a claim written as one
 * `UPDATE … WHERE id = (SELECT …)` statement is already exclusive there.
 */
export function skipLocked<DB, TB extends keyof DB, O>(
  dialect: DialectName,
  query: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forUpdate().skipLocked() : query;
}

/**
 * forUpdate makes a SELECT lock the rows it reads until the transaction ends (PostgreSQL
 * `FOR UPDATE`), so that two transactions that read-then-write the same row take turns. SQLite
 * has one writer at a time: its transactions already take turns.
 */
export function forUpdate<DB, TB extends keyof DB, O>(
  dialect: DialectName,
  query: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forUpdate() : query;
}
