/** events.ts — operations' event streams in the database (`ops_event`, one global `seq`). */
import { nextValues } from '../../store/counters.js';
import type { OpsEvent } from '../model.js';
import type { Db } from './db.js';

/** insertEvents appends events, all dated `at`, and returns their seqs. */
export async function insertEvents(
  db: Db,
  events: ReadonlyArray<Omit<OpsEvent, 'seq' | 'at'>>,
  at: string,
): Promise<number[]> {
  const first = await nextValues(db, 'ops-event', events.length);
  await db
    .insertInto('ops_event')
    .values(
      events.map((e, i) => ({
        seq: first + i,
        operation_id: e.operationId,
        type: e.type,
        data: JSON.stringify(e.data),
        at,
      })),
    )
    .execute();
  return events.map((_, i) => first + i);
}

/** lastEventSeq is the seq of an operation's latest event (0 when it has none). */
export async function lastEventSeq(db: Db, operationId: string): Promise<number> {
  const row = await db
    .selectFrom('ops_event')
    .select((eb) => eb.fn.max('seq').as('max'))
    .where('operation_id', '=', operationId)
    .executeTakeFirst();
  return row?.max === null || row?.max === undefined ? 0 : Number(row.max);
}

/** eventsAfter returns up to `limit` of an operation's events with seq > `after`, in order. */
export async function eventsAfter(db: Db, operationId: string, after: number, limit: number) {
  const rows = await db
    .selectFrom('ops_event')
    .selectAll()
    .where('operation_id', '=', operationId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), type: r.type, data: r.data }));
}
