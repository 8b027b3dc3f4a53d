/**
 * repo.ts — evacuation operations in the database: rows to the plain model (model.ts) and back.
 * No rules live here beyond the mapping; the service decides what may be written.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type {
  Alert,
  AlertEvidence,
  AlertKind,
  AlertSeverity,
  AlertState,
  AlertSubject,
  CategoryCounts,
  Convoy,
  Mandate,
  MandateBody,
  Manifest,
  Observation,
  ObservationKind,
  Operation,
  OperationLink,
  OperationStatus,
  PlaceRef,
  RoutePointKind,
  Thresholds,
  Vehicle,
  VehicleKind,
} from './model.js';
import type { AlertTable, ObservationTable } from './tables.js';

type Db = Kysely<Database> | Transaction<Database>;

/** StoredOperation is an operation with what only the store knows: its compartment. */
export interface StoredOperation extends Operation {
  readonly compartment: string;
}

/** Registry is everything reconciliation needs besides observations. */
export interface Registry {
  readonly mandates: readonly Mandate[];
  readonly operations: readonly StoredOperation[];
  readonly convoys: readonly Convoy[];
  readonly vehicles: readonly Vehicle[];
}

/** REGISTRY_COUNTER is bumped by every change to operations, statuses, convoys or vehicles. */
export const REGISTRY_COUNTER = 'ops-registry';

// ── Mandates ────────────────────────────────────────────────────────────────────────────────────

export async function insertMandate(db: Db, m: Mandate): Promise<void> {
  await db
    .insertInto('mandate')
    .values({
      id: m.id,
      body: m.body,
      instrument: m.instrument,
      date: m.date,
      text_ref: m.textRef,
      title: m.title ?? null,
      vote_yes: m.vote?.yes ?? null,
      vote_no: m.vote?.no ?? null,
      vote_abstain: m.vote?.abstain ?? null,
      vote_membership: m.vote?.membership ?? null,
      unanimous: m.unanimous ? 1 : 0,
    })
    .execute();
}

export async function selectMandates(db: Db): Promise<Mandate[]> {
  const rows = await db.selectFrom('mandate').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    body: r.body as MandateBody,
    instrument: r.instrument,
    date: r.date,
    textRef: r.text_ref,
    ...(r.title !== null ? { title: r.title } : {}),
    ...(r.vote_yes !== null
      ? {
          vote: {
            yes: Number(r.vote_yes),
            no: Number(r.vote_no),
            abstain: Number(r.vote_abstain),
            membership: Number(r.vote_membership),
          },
        }
      : {}),
    ...(Number(r.unanimous) === 1 ? { unanimous: true } : {}),
  }));
}

// ── Operations ──────────────────────────────────────────────────────────────────────────────────

export async function insertOperation(
  db: Db,
  op: StoredOperation,
  createdAt: string,
  actorId: string,
): Promise<void> {
  await db
    .insertInto('operation')
    .values({
      id: op.id,
      name: op.name,
      name_ar: op.nameAr ?? null,
      compartment: op.compartment,
      origin: JSON.stringify(op.origin),
      destination: JSON.stringify(op.destination),
      planned_people: op.plannedPeople,
      links: JSON.stringify(op.links),
      deadline: op.deadline ?? null,
      thresholds: JSON.stringify(op.thresholds ?? {}),
      created_at: createdAt,
    })
    .execute();
  if (op.mandateIds.length > 0) {
    await db
      .insertInto('operation_mandate')
      .values(op.mandateIds.map((mandate_id, ord) => ({ operation_id: op.id, mandate_id, ord })))
      .execute();
  }
  await db
    .insertInto('route_point')
    .values(
      op.route.map((p) => ({
        operation_id: op.id,
        id: p.id,
        ord: p.order,
        kind: p.kind,
        place: JSON.stringify(p.place),
        monitored: p.monitored === false ? 0 : 1,
        expected_minutes_to_next: p.expectedMinutesToNext ?? null,
      })),
    )
    .execute();
  for (const [ord, change] of op.statusHistory.entries()) {
    await insertStatus(db, op.id, ord, change, actorId);
  }
}

export async function insertStatus(
  db: Db,
  operationId: string,
  ord: number,
  change: { status: OperationStatus; at: string; reason: string },
  actorId: string,
): Promise<void> {
  await db
    .insertInto('operation_status')
    .values({ operation_id: operationId, ord, ...change, actor_id: actorId })
    .execute();
}

/** selectOperations returns every operation (or those named) with route, mandates and history. */
export async function selectOperations(db: Db, ids?: readonly string[]): Promise<StoredOperation[]> {
  if (ids?.length === 0) return [];
  let q = db.selectFrom('operation').selectAll().orderBy('id');
  if (ids) q = q.where('id', 'in', ids);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const opIds = rows.map((r) => r.id);
  const [points, mandates, statuses] = await Promise.all([
    db.selectFrom('route_point').selectAll().where('operation_id', 'in', opIds).orderBy('ord').execute(),
    db
      .selectFrom('operation_mandate')
      .selectAll()
      .where('operation_id', 'in', opIds)
      .orderBy('ord')
      .execute(),
    db.selectFrom('operation_status').selectAll().where('operation_id', 'in', opIds).orderBy('ord').execute(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    ...(r.name_ar !== null ? { nameAr: r.name_ar } : {}),
    compartment: r.compartment,
    mandateIds: mandates.filter((m) => m.operation_id === r.id).map((m) => m.mandate_id),
    origin: JSON.parse(r.origin) as PlaceRef,
    destination: JSON.parse(r.destination) as PlaceRef,
    plannedPeople: Number(r.planned_people),
    links: JSON.parse(r.links) as OperationLink[],
    ...(r.deadline !== null ? { deadline: r.deadline } : {}),
    thresholds: JSON.parse(r.thresholds) as Partial<Thresholds>,
    route: points
      .filter((p) => p.operation_id === r.id)
      .map((p) => ({
        id: p.id,
        order: Number(p.ord),
        kind: p.kind as RoutePointKind,
        place: JSON.parse(p.place) as PlaceRef,
        monitored: Number(p.monitored) === 1,
        ...(p.expected_minutes_to_next !== null
          ? { expectedMinutesToNext: Number(p.expected_minutes_to_next) }
          : {}),
      })),
    statusHistory: statuses
      .filter((s) => s.operation_id === r.id)
      .map((s) => ({ status: s.status as OperationStatus, at: s.at, reason: s.reason })),
  }));
}

// ── Convoys, vehicles, manifests ────────────────────────────────────────────────────────────────

/** BATCH keeps multi-row inserts under SQLite's 32,766 bound parameters. */
const BATCH = 500;

async function insertBatched<T>(items: readonly T[], write: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) await write(items.slice(i, i + BATCH));
}

export async function insertConvoys(db: Db, convoys: readonly Convoy[]): Promise<void> {
  await insertBatched(convoys, (b) =>
    db
      .insertInto('convoy')
      .values(b.map((c) => ({ id: c.id, operation_id: c.operationId, label: c.label })))
      .execute(),
  );
}

export async function insertVehicles(db: Db, vehicles: readonly Vehicle[]): Promise<void> {
  await insertBatched(vehicles, (b) =>
    db
      .insertInto('vehicle')
      .values(
        b.map((v) => ({
          id: v.id,
          operation_id: v.operationId,
          convoy_id: v.convoyId ?? null,
          kind: v.kind,
          marking: v.marking,
          capacity: v.capacity,
        })),
      )
      .execute(),
  );
}

export async function insertManifests(db: Db, manifests: readonly Manifest[]): Promise<void> {
  await insertBatched(manifests, (b) =>
    db
      .insertInto('manifest')
      .values(
        b.map((m) => ({
          id: m.id,
          operation_id: m.operationId,
          vehicle_id: m.vehicleId,
          headcount: m.headcount,
          categories: JSON.stringify(m.categories),
          protected_entries: JSON.stringify(m.protectedEntries ?? []),
        })),
      )
      .execute(),
  );
}

export async function selectConvoys(db: Db): Promise<Convoy[]> {
  const rows = await db.selectFrom('convoy').selectAll().orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, operationId: r.operation_id, label: r.label }));
}

export async function selectVehicles(db: Db, operationId?: string): Promise<Vehicle[]> {
  let q = db.selectFrom('vehicle').selectAll().orderBy('id');
  if (operationId) q = q.where('operation_id', '=', operationId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    operationId: r.operation_id,
    ...(r.convoy_id !== null ? { convoyId: r.convoy_id } : {}),
    kind: r.kind as VehicleKind,
    marking: r.marking,
    capacity: Number(r.capacity),
  }));
}

export async function selectRegistry(db: Db): Promise<Registry> {
  const [mandates, operations, convoys, vehicles] = await Promise.all([
    selectMandates(db),
    selectOperations(db),
    selectConvoys(db),
    selectVehicles(db),
  ]);
  return { mandates, operations, convoys, vehicles };
}

// ── Observations ────────────────────────────────────────────────────────────────────────────────

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

// ── Alerts ──────────────────────────────────────────────────────────────────────────────────────

export function alertFromRow(
  r: Selectable<AlertTable>,
): Alert & { readonly id: string; readonly updatedAt: string } {
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
    updatedAt: r.updated_at,
  };
}

export function alertRow(id: string, a: Alert, updatedAt: string): Selectable<AlertTable> {
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
    updated_at: updatedAt,
  };
}
