/**
 * observations.ts — signed observations in the database: rows to the model and back, the batch
 * insert, the look-up by client id (duplicates, photos) and the catch-up read in `seq` order.
 */
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import { nextValues } from '../../store/counters.js';
import type { CategoryCounts, Observation, ObservationConflict, ObservationKind } from '../model.js';
import type { ObservationTable } from '../tables.js';
import type { Db } from './db.js';

/** Observation rows per INSERT: 17 columns each, well under SQLite's 32,766 bound parameters. */
const OBSERVATION_BATCH = 500;
/** Rows per page of the engine's catch-up read. */
const LOAD_BATCH = 5_000;

/**
 * ObservationStatus says whether a stored body counts: `accepted` (the normal case), `held` (one of
 * several different bodies a device sent under one client id, awaiting a coordinator), then
 * `chosen` or `set-aside` once a coordinator decided.
 */
export type ObservationStatus = 'accepted' | 'held' | 'chosen' | 'set-aside';

/** Statuses whose bodies the engine reconciles. */
export const COUNTED: readonly ObservationStatus[] = ['accepted', 'chosen'];

/** ObservationInsert is an observation with its signed text and signature, ready to insert. */
export interface ObservationInsert {
  readonly observation: Observation;
  readonly signedText: string;
  readonly signature: string;
  readonly status?: ObservationStatus;
}

/** bodySha256 is the SHA-256 (hex) of a signed text: one body, one hash. */
export function bodySha256(signedText: string): string {
  return createHash('sha256').update(signedText, 'utf8').digest('hex');
}

/** insertObservations writes observations in the order given and returns their seqs. */
export async function insertObservations(db: Db, rows: readonly ObservationInsert[]): Promise<number[]> {
  const first = await nextValues(db, 'observation', rows.length);
  for (let i = 0; i < rows.length; i += OBSERVATION_BATCH) {
    await db
      .insertInto('observation')
      .values(
        rows
          .slice(i, i + OBSERVATION_BATCH)
          .map((r, j) =>
            observationRow(r.observation, first + i + j, r.signedText, r.signature, r.status ?? 'accepted'),
          ),
      )
      .execute();
  }
  return rows.map((_, i) => first + i);
}

/** selectBodies returns every stored body of one device's client id (one, unless in conflict). */
export async function selectBodies(db: Db, deviceKeyId: string, clientId: string) {
  return db
    .selectFrom('observation')
    .select(['seq', 'body_sha256', 'status', 'received_time', 'operation_id', 'monitor_id', 'device_time'])
    .where('device_key_id', '=', deviceKeyId)
    .where('client_id', '=', clientId)
    .orderBy('seq')
    .execute();
}

/** setBodiesStatus sets the status of one device's client id's bodies (all, or those with `sha`). */
export async function setBodiesStatus(
  db: Db,
  deviceKeyId: string,
  clientId: string,
  status: ObservationStatus,
  sha?: string,
): Promise<void> {
  let q = db
    .updateTable('observation')
    .set({ status })
    .where('device_key_id', '=', deviceKeyId)
    .where('client_id', '=', clientId);
  if (sha !== undefined) q = q.where('body_sha256', '=', sha);
  await q.execute();
}

/** selectMonitorObservations returns a monitor's stored bodies with this client id (photos). */
export async function selectMonitorObservations(db: Db, monitorId: string, clientId: string) {
  return db
    .selectFrom('observation')
    .select(['monitor_id', 'operation_id', 'device_time', 'photo_sha256', 'route_point_id', 'vehicle_ids'])
    .where('monitor_id', '=', monitorId)
    .where('client_id', '=', clientId)
    .orderBy('seq')
    .execute();
}

/** selectUnresolvedConflicts returns every (device key, client id) whose bodies are held. */
export async function selectUnresolvedConflicts(db: Db): Promise<ObservationConflict[]> {
  const rows = await db
    .selectFrom('observation')
    .select(['device_key_id', 'client_id', 'operation_id', 'monitor_id', 'body_sha256', 'device_time'])
    .where('status', '=', 'held')
    .orderBy('device_key_id')
    .orderBy('client_id')
    .execute();
  const out = new Map<
    string,
    { c: Omit<ObservationConflict, 'bodySha256' | 'deviceTime'>; shas: string[]; times: number[] }
  >();
  for (const r of rows) {
    const key = `${r.device_key_id}\n${r.client_id}`;
    let entry = out.get(key);
    if (!entry) {
      entry = {
        c: {
          operationId: r.operation_id,
          deviceKeyId: r.device_key_id,
          clientId: r.client_id,
          monitorId: r.monitor_id,
        },
        shas: [],
        times: [],
      };
      out.set(key, entry);
    }
    entry.shas.push(r.body_sha256);
    entry.times.push(Date.parse(r.device_time));
  }
  return [...out.values()].map(({ c, shas, times }) => ({
    ...c,
    bodySha256: [...shas].sort(),
    deviceTime: new Date(Math.min(...times)).toISOString(),
  }));
}

/** upsertConflictResolution records a coordinator's choice (null: every body set aside). */
export async function upsertConflictResolution(
  db: Db,
  row: {
    deviceKeyId: string;
    clientId: string;
    operationId: string;
    chosenSha256: string | null;
    reason: string;
    resolvedBy: string;
    resolvedAt: string;
  },
): Promise<void> {
  await db
    .insertInto('observation_conflict')
    .values({
      device_key_id: row.deviceKeyId,
      client_id: row.clientId,
      operation_id: row.operationId,
      chosen_sha256: row.chosenSha256,
      reason: row.reason,
      resolved_by: row.resolvedBy,
      resolved_at: row.resolvedAt,
    })
    .onConflict((oc) =>
      oc.columns(['device_key_id', 'client_id']).doUpdateSet({
        chosen_sha256: row.chosenSha256,
        reason: row.reason,
        resolved_by: row.resolvedBy,
        resolved_at: row.resolvedAt,
      }),
    )
    .execute();
}

/** observationsAfter yields the stored observations with seq > `after`, in seq order, a page at a time. */
export async function* observationsAfter(
  db: Db,
  after: number,
): AsyncGenerator<{ readonly seq: number; readonly observation: Observation }> {
  for (let from = after; ; ) {
    const rows = await db
      .selectFrom('observation')
      .selectAll()
      .where('seq', '>', from)
      .where('status', 'in', COUNTED)
      .orderBy('seq')
      .limit(LOAD_BATCH)
      .execute();
    for (const row of rows) yield { seq: Number(row.seq), observation: observationFromRow(row) };
    if (rows.length < LOAD_BATCH) return;
    from = Number(rows.at(-1)!.seq);
  }
}

export function observationRow(
  obs: Observation,
  seq: number,
  signedText: string,
  signature: string,
  status: ObservationStatus = 'accepted',
): Selectable<ObservationTable> {
  return {
    client_id: obs.clientId,
    body_sha256: bodySha256(signedText),
    status,
    seq,
    operation_id: obs.operationId,
    route_point_id: obs.routePointId,
    kind: obs.kind,
    device_time: obs.deviceTime,
    received_time: obs.receivedTime,
    monitor_id: obs.monitorId,
    device_key_id: obs.deviceKeyId,
    source: obs.source,
    vehicle_ids: JSON.stringify(obs.vehicleIds),
    headcount: obs.headcount,
    categories: JSON.stringify(obs.categories),
    note: obs.note,
    photo_sha256: JSON.stringify(obs.photoSha256),
    signed_text: signedText,
    signature,
  };
}

export function observationFromRow(r: Selectable<ObservationTable>): Observation {
  return {
    clientId: r.client_id,
    operationId: r.operation_id,
    routePointId: r.route_point_id,
    kind: r.kind as ObservationKind,
    deviceTime: r.device_time,
    receivedTime: r.received_time,
    monitorId: r.monitor_id,
    deviceKeyId: r.device_key_id,
    source: r.source,
    vehicleIds: JSON.parse(r.vehicle_ids) as string[],
    headcount: r.headcount === null ? null : Number(r.headcount),
    categories: JSON.parse(r.categories) as CategoryCounts,
    note: r.note,
    photoSha256: JSON.parse(r.photo_sha256) as string[],
  };
}

/** Statuses a body has once it was part of a conflict (open: held; decided: chosen or set aside). */
const IN_CONFLICT: readonly ObservationStatus[] = ['held', 'chosen', 'set-aside'];

/**
 * selectConflictBodies returns the bodies of an operation that are or were in conflict, with their
 * signed text and signature (for the signature check) — at most `limit` rows, in seq order.
 */
export async function selectConflictBodies(db: Db, operationId: string, limit: number) {
  return db
    .selectFrom('observation')
    .select([
      'seq',
      'device_key_id',
      'client_id',
      'body_sha256',
      'status',
      'kind',
      'route_point_id',
      'device_time',
      'received_time',
      'monitor_id',
      'vehicle_ids',
      'headcount',
      'categories',
      'note',
      'photo_sha256',
      'signed_text',
      'signature',
    ])
    .where('operation_id', '=', operationId)
    .where('status', 'in', IN_CONFLICT)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** selectConflictResolutions returns the coordinators' decisions recorded for an operation. */
export async function selectConflictResolutions(db: Db, operationId: string) {
  return db
    .selectFrom('observation_conflict')
    .selectAll()
    .where('operation_id', '=', operationId)
    .orderBy('device_key_id')
    .orderBy('client_id')
    .execute();
}
