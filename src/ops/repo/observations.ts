/**
 * observations.ts — signed observations in the database: rows to the model and back, the batch
 * insert, the look-up by client id (duplicates, photos) and the catch-up read in `seq` order.
 */
import type { Selectable } from 'kysely';
import { nextValues } from '../../store/counters.js';
import type { CategoryCounts, Observation, ObservationKind } from '../model.js';
import type { ObservationTable } from '../tables.js';
import type { Db } from './db.js';

/** Observation rows per INSERT: 17 columns each, well under SQLite's 32,766 bound parameters. */
const OBSERVATION_BATCH = 500;
/** Rows per page of the engine's catch-up read. */
const LOAD_BATCH = 5_000;

/** StoredObservationRow is an observation with its signed text and signature, ready to insert. */
export interface ObservationInsert {
  readonly observation: Observation;
  readonly signedText: string;
  readonly signature: string;
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
          .map((r, j) => observationRow(r.observation, first + i + j, r.signedText, r.signature)),
      )
      .execute();
  }
  return rows.map((_, i) => first + i);
}

/** selectByClientId returns the stored observation with this client id, if any. */
export async function selectByClientId(db: Db, clientId: string) {
  return db
    .selectFrom('observation')
    .select([
      'seq',
      'signed_text',
      'received_time',
      'monitor_id',
      'operation_id',
      'device_time',
      'photo_sha256',
    ])
    .where('client_id', '=', clientId)
    .executeTakeFirst();
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
): Selectable<ObservationTable> {
  return {
    client_id: obs.clientId,
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
