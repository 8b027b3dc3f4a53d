/**
 * operations.ts — the plan in the database: mandates, operations (route, mandates, status
 * history), convoys, vehicles and manifests, rows to the plain model (model.ts) and back, and the
 * registry counter that tells the engine the plan changed. No rules live here beyond the mapping;
 * plan/service.ts decides what may be written.
 */
import { nextValues } from '../../store/counters.js';
import type {
  Convoy,
  Mandate,
  MandateBody,
  Manifest,
  OperationLink,
  OperationStatus,
  PlaceRef,
  Registry,
  RoutePointKind,
  StoredOperation,
  Thresholds,
  Vehicle,
  VehicleKind,
} from '../model.js';
import type { Db } from './db.js';

/** REGISTRY_COUNTER is bumped by every change to operations, statuses, convoys or vehicles. */
export const REGISTRY_COUNTER = 'ops-registry';

/** bumpRegistry tells every engine (this process or another) that the plan changed. */
export async function bumpRegistry(db: Db): Promise<void> {
  await nextValues(db, REGISTRY_COUNTER);
}

/** registryVersion is the registry counter's value (0 before any plan). */
export async function registryVersion(db: Db): Promise<number> {
  const row = await db
    .selectFrom('counter')
    .select('value')
    .where('name', '=', REGISTRY_COUNTER)
    .executeTakeFirst();
  return row ? Number(row.value) : 0;
}

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
      exercise: op.exercise === true ? 1 : 0,
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
  const assigned = op.route.flatMap((p) =>
    (p.monitors ?? []).map((monitor_id, ord) => ({
      operation_id: op.id,
      route_point_id: p.id,
      monitor_id,
      ord,
    })),
  );
  if (assigned.length > 0) await db.insertInto('route_point_monitor').values(assigned).execute();
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
  const [points, mandates, statuses, monitors] = await Promise.all([
    db.selectFrom('route_point').selectAll().where('operation_id', 'in', opIds).orderBy('ord').execute(),
    db
      .selectFrom('operation_mandate')
      .selectAll()
      .where('operation_id', 'in', opIds)
      .orderBy('ord')
      .execute(),
    db.selectFrom('operation_status').selectAll().where('operation_id', 'in', opIds).orderBy('ord').execute(),
    db
      .selectFrom('route_point_monitor')
      .selectAll()
      .where('operation_id', 'in', opIds)
      .orderBy('operation_id')
      .orderBy('route_point_id')
      .orderBy('ord')
      .execute(),
  ]);
  const assigned = new Map<string, string[]>();
  for (const m of monitors) {
    const key = `${m.operation_id}|${m.route_point_id}`;
    const list = assigned.get(key) ?? [];
    list.push(m.monitor_id);
    assigned.set(key, list);
  }
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
    ...(Number(r.exercise) === 1 ? { exercise: true } : {}),
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
        ...(assigned.has(`${r.id}|${p.id}`) ? { monitors: assigned.get(`${r.id}|${p.id}`)! } : {}),
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

// ── Checks the plan service makes before writing ────────────────────────────────────────────────

/** selectMandateIds lists the stored mandates' ids. */
export async function selectMandateIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('mandate').select('id').execute()).map((r) => r.id);
}

/** firstTakenId returns one of `ids` that `table` already holds, if any. */
export async function firstTakenId(
  db: Db,
  table: 'vehicle' | 'convoy' | 'manifest',
  ids: readonly string[],
): Promise<string | undefined> {
  for (let i = 0; i < ids.length; i += BATCH) {
    const row = await db
      .selectFrom(table)
      .select('id')
      .where('id', 'in', ids.slice(i, i + BATCH))
      .executeTakeFirst();
    if (row) return row.id;
  }
  return undefined;
}

/** updateExpectedMinutes sets a route point's expected transit time to the next point. */
export async function updateExpectedMinutes(
  db: Db,
  operationId: string,
  pointId: string,
  minutes: number,
): Promise<void> {
  await db
    .updateTable('route_point')
    .set({ expected_minutes_to_next: minutes })
    .where('operation_id', '=', operationId)
    .where('id', '=', pointId)
    .execute();
}
