/**
 * repo.ts — the custody log's queries: entries, stored subtree hashes and checkpoints.
 */
import { CompiledQuery, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { SubtreeCoord, SubtreeHashReader } from '../lib/merkle.js';
import type { Database } from '../store/schema.js';
import { CustodyError } from './errors.js';
import type { CheckpointTable, CustodyEntryTable } from './tables.js';

type Db = Kysely<Database> | Transaction<Database>;

const COORDS_PER_QUERY = 200;
const INDICES_PER_QUERY = 1000;

/**
 * readHashes fetches the stored subtree hashes at `coords`, in order, in as few queries as the
 * list allows. A missing one means the tree is smaller than asked: INVALID_RANGE.
 */
export async function readHashes(db: Db, coords: readonly SubtreeCoord[]): Promise<Buffer[]> {
  const found = new Map<string, Buffer>();
  for (let i = 0; i < coords.length; i += COORDS_PER_QUERY) {
    const batch = coords.slice(i, i + COORDS_PER_QUERY);
    const rows = await db
      .selectFrom('custody_node')
      .select(['level', 'idx', 'hash'])
      .where((eb) => eb.or(batch.map((c) => eb.and([eb('level', '=', c.level), eb('idx', '=', c.index)]))))
      .execute();
    for (const r of rows) found.set(`${r.level}:${r.idx}`, Buffer.from(r.hash, 'hex'));
  }
  return coords.map((c) => {
    const h = found.get(`${c.level}:${c.index}`);
    if (!h) throw new CustodyError('INVALID_RANGE', 'the log is smaller than the tree asked for');
    return h;
  });
}

/**
 * readHashSet fetches many stored subtree hashes keyed `level:index`, one query per level and
 * chunk of indices (an export proves thousands of entries whose paths share most nodes).
 */
export async function readHashSet(db: Db, coords: readonly SubtreeCoord[]): Promise<Map<string, Buffer>> {
  const byLevel = new Map<number, Set<number>>();
  for (const c of coords) {
    const set = byLevel.get(c.level);
    if (set) set.add(c.index);
    else byLevel.set(c.level, new Set([c.index]));
  }
  const found = new Map<string, Buffer>();
  for (const [level, set] of byLevel) {
    const indices = [...set];
    for (let i = 0; i < indices.length; i += INDICES_PER_QUERY) {
      const rows = await db
        .selectFrom('custody_node')
        .select(['idx', 'hash'])
        .where('level', '=', level)
        .where('idx', 'in', indices.slice(i, i + INDICES_PER_QUERY))
        .execute();
      for (const r of rows) found.set(`${level}:${r.idx}`, Buffer.from(r.hash, 'hex'));
    }
  }
  return found;
}

/** hashReader serves the lib's proof planning from the database. */
export function hashReader(db: Db): SubtreeHashReader {
  return { getMany: (coords) => readHashes(db, coords) };
}

export async function insertRows(
  trx: Transaction<Database>,
  entries: Selectable<CustodyEntryTable>[],
  nodes: { level: number; idx: number; hash: string }[],
): Promise<void> {
  await insertChunked(trx, 'custody_entry', entries, ENTRY_ROWS);
  await insertChunked(trx, 'custody_node', nodes, NODE_ROWS);
}

/** insertChunked inserts `rows` in statements of at most `chunk` rows, their values in SHAPES' column order. */
async function insertChunked(
  trx: Transaction<Database>,
  table: keyof typeof SHAPES,
  rows: readonly object[],
  chunk: number,
): Promise<void> {
  const columns = Object.keys(SHAPES[table]);
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk) as readonly Record<string, unknown>[];
    const params: unknown[] = [];
    for (const row of part) for (const column of columns) params.push(row[column]);
    await trx.executeQuery(CompiledQuery.raw(insertText(trx, table, part.length), params));
  }
}

const ENTRY_ROWS = 500;
const NODE_ROWS = 1000;

/** One row of each table: its columns, in the order insertChunked passes their values. */
const SHAPES = {
  custody_entry: { seq: 0, leaf_hash: '', kind: '', item_id: null, actor_id: '', at: '', payload: '' },
  custody_node: { level: 0, idx: 0, hash: '' },
} as const;

/** Compiled insert statements by dialect, table and row count. */
const insertTexts = new Map<string, string>();

/**
 * insertText returns the parameterised multi-row INSERT for `rows` rows of `table`, compiled by
 * Kysely for this connection's dialect once and then reused: building and compiling the query
 * tree for 3,500 values was a tenth of every custody append. The values still go as parameters.
 */
function insertText(trx: Transaction<Database>, table: keyof typeof SHAPES, rows: number): string {
  const probe = trx.insertInto(table).values([SHAPES[table]]).compile().sql;
  const key = `${probe}\u0000${rows}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    text = trx
      .insertInto(table)
      .values(Array.from({ length: rows }, () => ({ ...SHAPES[table] })))
      .compile().sql;
    if (insertTexts.size > 4 * (ENTRY_ROWS + NODE_ROWS)) insertTexts.clear();
    insertTexts.set(key, text);
  }
  return text;
}

/** logSize returns how many entries the log holds (its counter; equal to max(seq)+1). */
export async function logSize(db: Db): Promise<number> {
  const row = await db.selectFrom('counter').select('value').where('name', '=', 'custody').executeTakeFirst();
  return row ? Number(row.value) : 0;
}

export async function latestCheckpointRow(db: Db): Promise<Selectable<CheckpointTable> | undefined> {
  return db.selectFrom('checkpoint').selectAll().orderBy('number', 'desc').limit(1).executeTakeFirst();
}

export async function checkpointByNumber(
  db: Db,
  number: number,
): Promise<Selectable<CheckpointTable> | undefined> {
  return db.selectFrom('checkpoint').selectAll().where('number', '=', number).executeTakeFirst();
}

export async function checkpointRow(db: Db, size: number): Promise<Selectable<CheckpointTable> | undefined> {
  return db.selectFrom('checkpoint').selectAll().where('size', '=', size).executeTakeFirst();
}

export async function entryRow(db: Db, seq: number): Promise<Selectable<CustodyEntryTable> | undefined> {
  return db.selectFrom('custody_entry').selectAll().where('seq', '=', seq).executeTakeFirst();
}

/** entriesForItems returns the entries about any of `itemIds` with seq below `size`, by seq. */
export async function entriesForItems(
  db: Db,
  itemIds: readonly string[],
  size: number,
): Promise<Selectable<CustodyEntryTable>[]> {
  const rows: Selectable<CustodyEntryTable>[] = [];
  for (let i = 0; i < itemIds.length; i += INDICES_PER_QUERY) {
    rows.push(
      ...(await db
        .selectFrom('custody_entry')
        .selectAll()
        .where('item_id', 'in', itemIds.slice(i, i + INDICES_PER_QUERY))
        .where('seq', '<', size)
        .execute()),
    );
  }
  return rows.sort((a, b) => Number(a.seq) - Number(b.seq));
}

export async function entriesForItem(db: Db, itemId: string): Promise<Selectable<CustodyEntryTable>[]> {
  return db.selectFrom('custody_entry').selectAll().where('item_id', '=', itemId).orderBy('seq').execute();
}
