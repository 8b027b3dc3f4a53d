/**
 * counters.ts — named, gap-free counters (ERNs). The increment runs inside the caller's
 * transaction, so a rolled-back insert gives its number back and committed numbers never
 * repeat; the row lock serialises concurrent writers on PostgreSQL.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** nextValues reserves `count` consecutive values of counter `name` and returns the first. */
export async function nextValues(
  trx: Transaction<Database> | Kysely<Database>,
  name: string,
  count = 1,
): Promise<number> {
  await trx
    .insertInto('counter')
    .values({ name, value: 0 })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await trx
    .updateTable('counter')
    .set((eb) => ({ value: eb('value', '+', count) }))
    .where('name', '=', name)
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value) - count + 1;
}
