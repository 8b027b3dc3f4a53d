/**
 * repo.ts — the witnesses' rows (migration 0029): per-witness state with its lease, and the
 * verified cosignatures of each checkpoint.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { LogWitnessTable } from '../tables.js';

type Db = Kysely<Database>;
export type WitnessRow = Selectable<LogWitnessTable>;

/** ensureWitnessRow creates the state row of a configured witness once. */
export async function ensureWitnessRow(db: Db, vkey: string, name: string): Promise<void> {
  await db
    .insertInto('log_witness')
    .values({ vkey, name, failures: 0 })
    .onConflict((oc) => oc.column('vkey').doNothing())
    .execute();
}

export async function witnessRows(db: Db, vkeys: readonly string[]): Promise<WitnessRow[]> {
  if (vkeys.length === 0) return [];
  return db.selectFrom('log_witness').selectAll().where('vkey', 'in', vkeys).execute();
}

/**
 * claimWitness takes the witness's lease until `until` unless another process holds an unexpired
 * one: one UPDATE, so two processes never both win (PostgreSQL row lock; SQLite's one writer).
 */
export async function claimWitness(
  db: Db,
  vkey: string,
  owner: string,
  nowIso: string,
  until: string,
): Promise<boolean> {
  const r = await db
    .updateTable('log_witness')
    .set({ lease_owner: owner, lease_until: until, last_attempt_at: nowIso })
    .where('vkey', '=', vkey)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', nowIso)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** updateLeased writes `values` only while `owner` still holds the lease (fenced). */
export async function updateLeased(
  db: Db,
  vkey: string,
  owner: string,
  values: Partial<Omit<LogWitnessTable, 'vkey' | 'name'>>,
): Promise<void> {
  await db
    .updateTable('log_witness')
    .set(values)
    .where('vkey', '=', vkey)
    .where('lease_owner', '=', owner)
    .execute();
}

/** storeCosignature keeps a verified cosignature line of checkpoint `number` (once per witness). */
export async function storeCosignature(
  db: Db,
  row: { number: number; vkey: string; name: string; timestamp: number; line: string; at: string },
): Promise<void> {
  await db
    .insertInto('checkpoint_cosignature')
    .values({
      checkpoint_number: row.number,
      witness_vkey: row.vkey,
      witness_name: row.name,
      timestamp: row.timestamp,
      line: row.line,
      received_at: row.at,
    })
    .onConflict((oc) => oc.columns(['checkpoint_number', 'witness_vkey']).doNothing())
    .execute();
}

/** cosignatureLines returns checkpoint `number`'s cosignature lines, in a stable order. */
export async function cosignatureRows(db: Db, number: number) {
  return db
    .selectFrom('checkpoint_cosignature')
    .select(['witness_vkey', 'witness_name', 'timestamp', 'line'])
    .where('checkpoint_number', '=', number)
    .orderBy('witness_vkey')
    .execute();
}
