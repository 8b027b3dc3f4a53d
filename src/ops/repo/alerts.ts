/**
 * alerts.ts — stored alerts: rows to the model and back, the engine's upsert of derived alerts
 * (which keeps the people's part of the lifecycle), and the lifecycle update a person makes.
 */
import type { Selectable } from 'kysely';
import type {
  Alert,
  AlertEvidence,
  AlertKind,
  AlertSeverity,
  AlertState,
  AlertStep,
  AlertSubject,
  StoredAlert,
} from '../model.js';
import type { AlertTable } from '../tables.js';
import type { Db } from './db.js';

/** Rows per upsert: 14 columns each. */
const UPSERT_BATCH = 200;
/** Keys per IN (…) list. */
const KEY_BATCH = 500;

export function alertFromRow(r: Selectable<AlertTable>): StoredAlert {
  return {
    id: r.id,
    key: r.key,
    kind: r.kind as AlertKind,
    severity: r.severity as AlertSeverity,
    operationId: r.operation_id,
    subject: { type: r.subject_type as AlertSubject['type'], id: r.subject_id },
    evidence: JSON.parse(r.evidence) as AlertEvidence,
    state: r.state as AlertState,
    note: r.note,
    raisedAt: r.raised_at,
    stateChangedAt: r.state_changed_at,
    stateChangedBy: r.state_changed_by,
    history: JSON.parse(r.history) as AlertStep[],
    updatedAt: r.updated_at,
  };
}

/** alertRow is the row of a derived alert; `stateChangedBy` is kept from the stored one. */
export function alertRow(
  id: string,
  a: Alert,
  updatedAt: string,
  stateChangedBy: string | null,
): Selectable<AlertTable> {
  return {
    id,
    key: a.key,
    operation_id: a.operationId,
    kind: a.kind,
    severity: a.severity,
    state: a.state,
    subject_type: a.subject.type,
    subject_id: a.subject.id,
    evidence: JSON.stringify(a.evidence),
    note: a.note,
    raised_at: a.raisedAt,
    state_changed_at: a.stateChangedAt,
    state_changed_by: stateChangedBy,
    history: JSON.stringify(a.history),
    updated_at: updatedAt,
  };
}

/** selectAlerts returns every stored alert (the engine's rebuild compares against them). */
export async function selectAllAlerts(db: Db): Promise<StoredAlert[]> {
  return (await db.selectFrom('alert').selectAll().execute()).map(alertFromRow);
}

/** selectAlertsByKey returns the stored alerts with these keys, by key. */
export async function selectAlertsByKey(db: Db, keys: readonly string[]): Promise<Map<string, StoredAlert>> {
  const out = new Map<string, StoredAlert>();
  for (let i = 0; i < keys.length; i += KEY_BATCH) {
    const rows = await db
      .selectFrom('alert')
      .selectAll()
      .where('key', 'in', keys.slice(i, i + KEY_BATCH))
      .execute();
    for (const row of rows) out.set(row.key, alertFromRow(row));
  }
  return out;
}

/** selectOperationAlerts returns an operation's alerts, newest first, optionally in one state. */
export async function selectOperationAlerts(
  db: Db,
  operationId: string,
  state?: string,
): Promise<StoredAlert[]> {
  let q = db
    .selectFrom('alert')
    .selectAll()
    .where('operation_id', '=', operationId)
    .orderBy('raised_at', 'desc')
    .orderBy('id');
  if (state) q = q.where('state', '=', state);
  return (await q.execute()).map(alertFromRow);
}

/** selectAlert returns a stored alert by id. */
export async function selectAlert(db: Db, id: string): Promise<StoredAlert | undefined> {
  const row = await db.selectFrom('alert').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? alertFromRow(row) : undefined;
}

/** upsertAlerts writes derived alerts; a person's `state_changed_by` is never overwritten. */
export async function upsertAlerts(db: Db, rows: ReadonlyArray<Selectable<AlertTable>>): Promise<void> {
  for (let i = 0; i < rows.length; i += UPSERT_BATCH) {
    await db
      .insertInto('alert')
      .values(rows.slice(i, i + UPSERT_BATCH))
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          severity: eb.ref('excluded.severity'),
          history: eb.ref('excluded.history'),
          state: eb.ref('excluded.state'),
          evidence: eb.ref('excluded.evidence'),
          note: eb.ref('excluded.note'),
          raised_at: eb.ref('excluded.raised_at'),
          state_changed_at: eb.ref('excluded.state_changed_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

/**
 * deleteUntouchedAlerts removes the alerts with these keys that nobody has acted on (still open, no
 * person's state change) and returns the keys it removed. A person's acknowledgement that lands
 * first keeps its alert (the engine then resolves it instead).
 */
export async function deleteUntouchedAlerts(db: Db, keys: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < keys.length; i += KEY_BATCH) {
    const rows = await db
      .deleteFrom('alert')
      .where('key', 'in', keys.slice(i, i + KEY_BATCH))
      .where('state', '=', 'open')
      .where('state_changed_by', 'is', null)
      .where('state_changed_at', 'is', null)
      .returning('key')
      .execute();
    for (const r of rows) out.add(r.key);
  }
  return out;
}

/**
 * updateAlertState moves an alert to `next`'s state if it is still in state `from` (a concurrent
 * change loses), recording who made the change.
 */
export async function updateAlertState(
  db: Db,
  id: string,
  from: AlertState,
  next: Pick<Alert, 'state' | 'note' | 'stateChangedAt'>,
  actorId: string,
  at: string,
): Promise<void> {
  await db
    .updateTable('alert')
    .set({
      state: next.state,
      note: next.note,
      state_changed_at: next.stateChangedAt,
      state_changed_by: actorId,
      updated_at: at,
    })
    .where('id', '=', id)
    .where('state', '=', from)
    .execute();
}

/**
 * countAlertsByKind counts stored alerts per kind (kinds with none are absent), of real operations
 * only: an exercise's alerts are training, never part of a deployment's figures (issue 13.8).
 */
export async function countAlertsByKind(db: Db): Promise<Array<{ kind: string; n: number }>> {
  const rows = await db
    .selectFrom('alert')
    .innerJoin('operation', 'operation.id', 'alert.operation_id')
    .where('operation.exercise', '=', 0)
    .select(['alert.kind as kind', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('alert.kind')
    .execute();
  return rows.map((r) => ({ kind: r.kind, n: Number(r.n) }));
}
