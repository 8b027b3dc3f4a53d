/**
 * service.ts — planning evacuation operations: store a plan (mandates, operations with routes and
 * links, convoys, vehicles, manifests) after checking it whole, change an operation's status, and
 * learn expected transit times from observed traffic. Each change bumps the registry counter so
 * every engine rebuilds from the new plan.
 */
import { type Ctx, nowIso } from '../../ctx.js';
import { COMPARTMENT_NAME } from '../../vault/index.js';
import { OpsError } from '../errors.js';
import { publishEvents } from '../events/publish.js';
import {
  type Convoy,
  type Mandate,
  type Manifest,
  type RoutePoint,
  type StatusChange,
  type StoredOperation,
  VEHICLE_KINDS,
  type Vehicle,
  validateMandate,
} from '../model.js';
import { isOpsId } from '../observations/validation.js';
import { appendStatusChange, validateStatusHistory } from '../operation-status.js';
import { opsEngine } from '../reconcile/engine.js';
import { operationContext } from '../reconcile/reconcile-state.js';
import {
  bumpRegistry,
  firstTakenId,
  insertConvoys,
  insertMandate,
  insertManifests,
  insertOperation,
  insertStatus,
  insertVehicles,
  selectMandateIds,
  selectOperations,
  updateExpectedMinutes,
} from '../repo/operations.js';
import { MAX_MONITORS_PER_POINT } from './schemas.js';
import { type LearnedSegment, learnSegmentTimes } from './segment-learning.js';

/** OperationPlan is everything needed to set up operations at once (the demo, `POST` bundles). */
export interface OperationPlan {
  readonly mandates: readonly Mandate[];
  readonly operations: readonly StoredOperation[];
  readonly convoys: readonly Convoy[];
  readonly vehicles: readonly Vehicle[];
  readonly manifests: readonly Manifest[];
}

/** PlanOptions says what the planner may see of operations already stored. */
export interface PlanOptions {
  /**
   * mayRead tells whether the planner may read operations in `compartment` (ops:read). A link to
   * an operation it may not read is refused exactly like a link to one that does not exist
   * (issue 12.2). Absent: the deployment's operator (CLI, demo), who reads everything.
   */
  readonly mayRead?: (compartment: string) => boolean;
}

/**
 * planOperations validates and stores a plan in one transaction: mandates (votes checked),
 * operations (routes, status history, links to operations of the same compartment in the plan or
 * the store), convoys, vehicles and manifests. Any inconsistency throws OpsError and nothing is
 * stored.
 *
 * Ids are deployment-wide (a device signs an observation naming its operation and vehicles by id,
 * and custody entries name them too: an id must mean one record everywhere). An id already in use
 * is refused with one answer whatever holds it and wherever it is, so the refusal names no kind
 * of record and no compartment (issue 12.9; README "First run, users and access").
 */
export async function planOperations(
  ctx: Ctx,
  plan: OperationPlan,
  actorId: string,
  { mayRead = () => true }: PlanOptions = {},
): Promise<void> {
  for (const m of plan.mandates) validateMandate(m);
  const existing = await selectOperations(ctx.db);
  const storedMandates = await selectMandateIds(ctx.db);
  const taken = async (table: 'vehicle' | 'convoy' | 'manifest', ids: readonly string[]) => {
    const id = await firstTakenId(ctx.db, table, ids);
    if (id !== undefined) idInUse(id);
  };
  for (const op of plan.operations) {
    if (existing.some((o) => o.id === op.id)) idInUse(op.id);
  }
  if (new Set(plan.operations.map((o) => o.id)).size !== plan.operations.length)
    invalid('an operation id is repeated');
  for (const m of plan.mandates) if (storedMandates.includes(m.id)) idInUse(m.id);
  await taken(
    'vehicle',
    plan.vehicles.map((v) => v.id),
  );
  await taken(
    'convoy',
    plan.convoys.map((c) => c.id),
  );
  await taken(
    'manifest',
    plan.manifests.map((m) => m.id),
  );
  // The operations a link may name, with their compartments: the plan's own (the route checked
  // that the planner writes in each) and the stored ones the planner may read; the others are
  // "unknown", as if absent.
  const known = new Map([
    ...existing.filter((o) => mayRead(o.compartment)).map((o) => [o.id, o.compartment] as const),
    ...plan.operations.map((o) => [o.id, o.compartment] as const),
  ]);
  const mandateIds = new Set([...plan.mandates.map((m) => m.id), ...storedMandates]);
  for (const op of plan.operations) checkOperation(op, known, mandateIds);
  // An exercise is never linked to a real operation: its progress would gate (or be gated by) real
  // people's movement, and each would show the other in its reports.
  const exerciseOf = new Map([
    ...existing.map((o) => [o.id, o.exercise === true] as const),
    ...plan.operations.map((o) => [o.id, o.exercise === true] as const),
  ]);
  for (const op of plan.operations)
    for (const link of op.links)
      if (exerciseOf.get(link.other) !== (op.exercise === true))
        invalid(
          `operation ${op.id} links an exercise and a real operation; link exercises only to exercises`,
        );
  const opIds = new Set(plan.operations.map((o) => o.id));
  const convoyIds = new Set(plan.convoys.map((c) => c.id));
  for (const c of plan.convoys) {
    if (!isOpsId(c.id) || !opIds.has(c.operationId)) invalid(`convoy ${c.id} names no operation in the plan`);
  }
  const vehicleIds = new Set<string>();
  for (const v of plan.vehicles) {
    if (!isOpsId(v.id) || vehicleIds.has(v.id))
      invalid(`vehicle id ${JSON.stringify(v.id)} is malformed or repeated`);
    vehicleIds.add(v.id);
    if (!opIds.has(v.operationId)) invalid(`vehicle ${v.id} names no operation in the plan`);
    if (v.convoyId !== undefined && !convoyIds.has(v.convoyId))
      invalid(`vehicle ${v.id} names an unknown convoy`);
    if (!(VEHICLE_KINDS as readonly string[]).includes(v.kind))
      invalid(`vehicle ${v.id} has an unknown kind`);
    if (!Number.isSafeInteger(v.capacity) || v.capacity < 1)
      invalid(`vehicle ${v.id} needs a positive capacity`);
  }
  for (const m of plan.manifests) {
    if (!vehicleIds.has(m.vehicleId)) invalid(`manifest ${m.id} names an unknown vehicle`);
    if (!Number.isSafeInteger(m.headcount) || m.headcount < 0)
      invalid(`manifest ${m.id} has a bad headcount`);
  }
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    for (const m of plan.mandates) await insertMandate(trx, m);
    for (const op of plan.operations) await insertOperation(trx, op, at, actorId);
    await insertConvoys(trx, plan.convoys);
    await insertVehicles(trx, plan.vehicles);
    await insertManifests(trx, plan.manifests);
    await bumpRegistry(trx);
  });
}

/**
 * readableOperation returns the operation `id` if `may` allows its compartment; otherwise, as
 * when it does not exist, OpsError('UNKNOWN_OPERATION'): a caller learns nothing of operations
 * outside its compartments.
 */
export async function readableOperation(
  ctx: Ctx,
  id: string,
  may: (compartment: string) => boolean,
): Promise<StoredOperation> {
  const op = await opsEngine(ctx).read((_, registry) => registry.operations.find((o) => o.id === id));
  if (!op || !may(op.compartment)) throw new OpsError('UNKNOWN_OPERATION', `no operation ${id}`);
  return op;
}

function invalid(message: string): never {
  throw new OpsError('INVALID_OPERATION', message);
}

/** idInUse refuses an id already taken: the same words for any record, seen or hidden. */
function idInUse(id: string): never {
  throw new OpsError('ID_IN_USE', `the id ${id} is already in use in this deployment; choose another`, {
    id,
  });
}

function checkOperation(
  op: StoredOperation,
  known: ReadonlyMap<string, string>,
  mandateIds: Set<string>,
): void {
  if (!isOpsId(op.id)) invalid(`operation id ${JSON.stringify(op.id)} is malformed`);
  if (!COMPARTMENT_NAME.test(op.compartment))
    invalid('compartment must be lowercase letters, digits and dashes');
  if (op.name.trim() === '' || op.name.length > 300)
    invalid('an operation needs a name of at most 300 characters');
  if (!Number.isSafeInteger(op.plannedPeople) || op.plannedPeople < 0) invalid('planned people must be ≥ 0');
  for (const id of op.mandateIds) if (!mandateIds.has(id)) invalid(`unknown mandate ${id}`);
  for (const link of op.links) {
    const compartment = known.get(link.other);
    if (compartment === undefined || link.other === op.id) invalid(`link to unknown operation ${link.other}`);
    // A link shows each side the other's name, status and progress (dashboard, sitrep, the
    // out-of-step alert): across compartments that would carry one compartment's records into
    // the other's views, so linked operations share a compartment (DESIGN rule 7).
    if (compartment !== op.compartment)
      invalid(
        `operation ${op.id} links to ${link.other} in another compartment; linked operations share one`,
      );
  }
  for (const p of op.route) {
    if (!isOpsId(p.id)) invalid(`route point id ${JSON.stringify(p.id)} is malformed`);
    const place = p.place as { lat?: unknown; lon?: unknown; pcode?: unknown };
    if (!('pcode' in place) && (typeof place.lat !== 'number' || typeof place.lon !== 'number')) {
      invalid(`route point ${p.id} needs a P-code or coordinates`);
    }
    if (typeof place.lat === 'number' && (Math.abs(place.lat) > 90 || Math.abs(place.lon as number) > 180)) {
      invalid(`route point ${p.id} has coordinates off the globe`);
    }
    checkAssignment(p);
  }
  validateStatusHistory(op.statusHistory);
  operationContext(op); // the route runs origin → destination with distinct points
}

/**
 * checkAssignment checks the monitors a route point lists: well-formed user ids, each once, at most
 * MAX_MONITORS_PER_POINT, and only on a monitored point (an unmonitored point with monitors says two
 * things). They are not checked against the accounts: a plan is often written before the field team
 * is enrolled, and a planner learning from the answer which user ids exist would be a leak across
 * compartments (DESIGN rule 7). A monitor listed who never reports stops holding the point back
 * after the operation's off-watch time, and `point-not-reporting` names them meanwhile.
 */
function checkAssignment(p: RoutePoint): void {
  const monitors = p.monitors ?? [];
  if (monitors.length === 0) return;
  if (p.monitored === false) invalid(`route point ${p.id} is unmonitored but lists monitors`);
  if (monitors.length > MAX_MONITORS_PER_POINT)
    invalid(`route point ${p.id} lists more than ${MAX_MONITORS_PER_POINT} monitors`);
  const seen = new Set<string>();
  for (const m of monitors) {
    if (typeof m !== 'string' || !isOpsId(m)) invalid(`route point ${p.id} lists a malformed monitor id`);
    if (seen.has(m)) invalid(`route point ${p.id} lists monitor ${m} twice`);
    seen.add(m);
  }
}

/** changeStatus appends a status change to an operation (planned → active → suspended → …). */
export async function changeStatus(
  ctx: Ctx,
  operationId: string,
  change: Omit<StatusChange, 'at'> & { readonly at?: string },
  actorId: string,
): Promise<StatusChange[]> {
  const [op] = await selectOperations(ctx.db, [operationId]);
  if (!op) throw new OpsError('UNKNOWN_OPERATION', 'no such operation', { operationId });
  const full: StatusChange = { status: change.status, reason: change.reason, at: change.at ?? nowIso(ctx) };
  const history = appendStatusChange(op.statusHistory, full);
  await ctx.db.transaction().execute(async (trx) => {
    await insertStatus(trx, operationId, history.length - 1, full, actorId);
    await bumpRegistry(trx);
  });
  await publishEvents(ctx, [{ operationId, type: 'status', data: full }]);
  await opsEngine(ctx).sync();
  return history;
}

/** LearnResult says which segments got a learned expected transit time. */
export interface LearnResult {
  readonly learned: readonly LearnedSegment[];
  /** Route points whose expected time was set (planned ones are kept unless `overwrite`). */
  readonly applied: readonly string[];
}

/**
 * learnTransitTimes sets each segment's expected transit time from observed traffic: the median of
 * direct transits × `factor` (segment-learning.ts), for segments with at least `minSamples`. A
 * planned expectation is kept unless `overwrite`. The engine then recomputes from scratch with the
 * new expectations, so overdue alerts follow them.
 */
export async function learnTransitTimes(
  ctx: Ctx,
  operationId: string,
  options: { factor?: number; minSamples?: number; overwrite?: boolean } = {},
): Promise<LearnResult> {
  const engine = opsEngine(ctx);
  const { learned, route } = await engine.read((state, registry) => {
    const op = registry.operations.find((o) => o.id === operationId);
    if (!op) throw new OpsError('UNKNOWN_OPERATION', 'no such operation', { operationId });
    return { learned: learnSegmentTimes(state, operationId, options), route: op.route };
  });
  const planned = new Set(route.filter((p) => p.expectedMinutesToNext !== undefined).map((p) => p.id));
  const apply = learned.filter((l) => options.overwrite === true || !planned.has(l.fromPointId));
  if (apply.length > 0) {
    await ctx.db.transaction().execute(async (trx) => {
      for (const l of apply) await updateExpectedMinutes(trx, operationId, l.fromPointId, l.expectedMinutes);
      await bumpRegistry(trx);
    });
    await engine.sync();
  }
  return { learned, applied: apply.map((l) => l.fromPointId) };
}
