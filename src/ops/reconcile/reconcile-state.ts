/**
 * reconcile-state.ts — the reconciliation engine's state and its indexes. The state is mutated in
 * place (per-observation work must stay O(log n) at 160,000 vehicles): observations by client id,
 * each vehicle's sorted track and derivation, running tallies per operation, point and convoy, the
 * aggregate counters behind operation-level alerts, the alerts by key, and a min-heap of wake-ups.
 * Every tally is a sum of per-vehicle contributions that are subtracted and re-added when a vehicle
 * is re-derived, so the order in which observations arrive cannot change the result.
 */
import { alertKey, derivedAlert, sameDerivation } from '../alerts/lifecycle.js';
import { OpsError } from '../errors.js';
import type {
  FrontierDependency,
  OperationContext,
  TrackedObservation,
  VehicleDerivation,
} from '../model.js';
import {
  type Alert,
  type Convoy,
  DEFAULT_THRESHOLDS,
  type Observation,
  type ObservationConflict,
  type Operation,
  type PointReports,
  type Vehicle,
  type VehicleKind,
} from '../model.js';
import { completedAtMs, movingTimeline, validateStatusHistory } from '../operation-status.js';
import { MinHeap } from './min-heap.js';

/** ReconcileInput is the registry the engine reconciles against. */
export interface ReconcileInput {
  readonly operations: readonly Operation[];
  readonly convoys: readonly Convoy[];
  readonly vehicles: readonly Vehicle[];
  /** Unresolved conflicts: different bodies one device sent under one client id (none counts). */
  readonly conflicts?: readonly ObservationConflict[];
}

/** Tally counts vehicles and the people and medical cases in them. */
export interface Tally {
  vehicles: number;
  people: number;
  medical: number;
  /** Vehicles whose count is unknown (seen only in group observations). */
  uncounted: number;
  /** Vehicles whose count rests on a single monitor. */
  singleSource: number;
}

/** SourceReport is one source's latest reported total on one day. */
export interface SourceReport {
  readonly atMs: number;
  readonly clientId: string;
  readonly total: number;
}

/** AlertChange says how one alert changed: raised, updated (same key) or withdrawn (cleared). */
export interface AlertChange {
  readonly type: 'raised' | 'updated' | 'withdrawn';
  readonly alert: Alert;
}

export interface ReconcileState {
  readonly operations: Map<string, OperationContext>;
  readonly convoys: Map<string, Convoy>;
  readonly vehicles: Map<string, Vehicle>;
  readonly observations: Map<string, Observation>;
  readonly tracks: Map<string, TrackedObservation[]>;
  readonly derived: Map<string, VehicleDerivation>;
  readonly alerts: Map<string, Alert>;
  /** Accepted counts per operation → route point, final legs only. */
  readonly pointTallies: Map<string, Map<string, Tally>>;
  /** Arrivals per operation → vehicle kind. */
  readonly arrivalTallies: Map<string, Map<VehicleKind, Tally>>;
  /** Accepted counts per convoy → route point, final legs only. */
  readonly convoyTallies: Map<string, Map<string, Tally>>;
  /** Turn-backs per convoy (or `vehicle:<id>` without one) → vehicle → sightings. */
  readonly turnedBack: Map<string, Map<string, VehicleDerivation['turnedBack']>>;
  /** Unseen passages per `op|point|day`: vehicle → whether it is an ambulance or carries medical cases. */
  readonly unmonitored: Map<string, Map<string, boolean>>;
  /** What each `op|point` has reported so far: per monitor, and the frontier (frontier.ts). */
  readonly pointReports: Map<string, PointReports>;
  /** Per monitor, the latest device time of any of their observations (their queue is sent up to it). */
  readonly monitorUpTo: Map<string, number>;
  /** Per monitor, the `op|point` slots they have reported from or are assigned to. */
  readonly monitorSlots: Map<string, Set<string>>;
  /**
   * Per operation, every distinct device time reported from any of its points, ascending: the
   * activity that puts an assigned monitor off watch at a point nobody has reported from yet.
   */
  readonly operationTimes: Map<string, number[]>;
  /** Vehicles awaited at `op|point` that has not reported past their due time: vehicle → since. */
  readonly silent: Map<string, Map<string, number>>;
  /**
   * Per `op|point`, the vehicles whose derivation assumed something about that point's frontier, and
   * what (frontier.ts): a frontier move re-derives exactly the ones whose assumption it broke.
   */
  readonly frontierWatch: Map<string, Map<string, FrontierDependency>>;
  /**
   * Stall gaps long enough to stall but not yet judged, per operation: gap start → the instant the
   * stall limit is reached. They are judged once every reporting point has reported past that
   * instant (issue 13.2: a silent phone is no news, not a stalled operation).
   */
  readonly pendingStalls: Map<string, Map<number, number>>;
  /**
   * Stall gaps judged stalled, per operation: gap start → the instant the limit was reached. When a
   * frontier moves back (a monitor first heard from), those past the new reported-up-to time are
   * judged again: a late phone may yet hold a movement inside them.
   */
  readonly judgedStalls: Map<string, Map<number, number>>;
  /** People arrived per operation → UTC day. */
  readonly arrivalsByDay: Map<string, Map<string, number>>;
  /** Distinct movement instants per operation, sorted ascending (stall gaps). */
  readonly movement: Map<string, number[]>;
  /** Reported totals per `op|day` → source → latest report. */
  readonly reports: Map<string, Map<string, SourceReport>>;
  /**
   * Per operation, the latest receipt time (server clock) of any of its observations: the start of
   * the current no-news gap (no-news.ts).
   */
  readonly newsAt: Map<string, number>;
  /** Per operation, the key of its standing `operation-no-news` alert (one gap at a time). */
  readonly noNewsKeys: Map<string, string>;
  /** Group observations (several vehicles, one headcount) per operation. */
  readonly groupObservations: Map<string, number>;
  readonly versions: Map<string, number>;
  readonly heap: MinHeap;
  now: number;
}

/** operationContext indexes an operation for reconciliation. */
export function operationContext(operation: Operation): OperationContext {
  validateStatusHistory(operation.statusHistory);
  const points = [...operation.route].sort((a, b) => a.order - b.order);
  const pointIndex = new Map(points.map((p, i) => [p.id, i] as const));
  if (pointIndex.size !== points.length || points.length < 2) {
    throw new OpsError('INVALID_OPERATION', 'a route needs at least two distinct points', {
      id: operation.id,
    });
  }
  if (points[0]!.kind !== 'origin' || points.at(-1)!.kind !== 'destination') {
    throw new OpsError('INVALID_OPERATION', 'a route runs from an origin to a destination', {
      id: operation.id,
    });
  }
  const completed = completedAtMs(operation);
  const deadline = operation.deadline ? Date.parse(operation.deadline) : null;
  const ends = [completed, deadline].filter((t): t is number => t !== null && !Number.isNaN(t));
  return {
    operation,
    points,
    pointIndex,
    thresholds: { ...DEFAULT_THRESHOLDS, ...operation.thresholds },
    endMs: ends.length > 0 ? Math.min(...ends) : null,
    timeline: movingTimeline(operation.statusHistory),
    assigned: new Map(
      points
        .filter((p) => p.monitored !== false && (p.monitors?.length ?? 0) > 0)
        .map((p) => [p.id, [...new Set(p.monitors)]] as const),
    ),
  };
}

/** createReconcileState returns an empty state for the operations, convoys and vehicles given. */
export function createReconcileState(input: ReconcileInput, now: number): ReconcileState {
  const state: ReconcileState = {
    operations: new Map(input.operations.map((o) => [o.id, operationContext(o)] as const)),
    convoys: new Map(input.convoys.map((c) => [c.id, c] as const)),
    vehicles: new Map(input.vehicles.map((v) => [v.id, v] as const)),
    observations: new Map(),
    tracks: new Map(),
    derived: new Map(),
    alerts: new Map(),
    pointTallies: new Map(),
    arrivalTallies: new Map(),
    convoyTallies: new Map(),
    turnedBack: new Map(),
    unmonitored: new Map(),
    pointReports: new Map(),
    monitorUpTo: new Map(),
    monitorSlots: new Map(),
    operationTimes: new Map(),
    silent: new Map(),
    frontierWatch: new Map(),
    pendingStalls: new Map(),
    judgedStalls: new Map(),
    arrivalsByDay: new Map(),
    movement: new Map(),
    reports: new Map(),
    newsAt: new Map(),
    noNewsKeys: new Map(),
    groupObservations: new Map(),
    versions: new Map(),
    heap: new MinHeap(),
    now,
  };
  for (const c of input.conflicts ?? []) {
    if (!state.operations.has(c.operationId)) continue;
    const alert = conflictAlert(c);
    state.alerts.set(alert.key, alert);
  }
  for (const op of state.operations.values()) {
    const anchors = op.operation.statusHistory
      .filter((c) => c.status === 'active' || c.status === 'resumed')
      .map((c) => Date.parse(c.at));
    state.movement.set(
      op.operation.id,
      [...new Set(anchors)].sort((a, b) => a - b),
    );
  }
  return state;
}

/**
 * conflictAlert is the `conflicting-reports` alert of one unresolved conflict: a device sent two
 * different signed bodies under one client id. Both are kept; neither counts until a coordinator
 * chooses (POST /api/ops/observation-conflicts/resolve).
 */
export function conflictAlert(c: ObservationConflict): Alert {
  return derivedAlert({
    key: alertKey('conflicting-reports', c.deviceKeyId, c.clientId),
    kind: 'conflicting-reports',
    severity: 'critical',
    operationId: c.operationId,
    subject: { type: 'operation', id: c.operationId },
    evidence: {
      observationIds: [c.clientId],
      figures: {
        deviceKeyId: c.deviceKeyId,
        clientId: c.clientId,
        monitorId: c.monitorId,
        bodies: c.bodySha256.length,
        bodySha256: c.bodySha256.join(','),
      },
    },
    raisedAtMs: Date.parse(c.deviceTime),
  });
}

/**
 * reportedUpTo is the instant up to which an operation's monitored route points have all reported:
 * the earliest of their frontiers (frontier.ts), over the points that have reported at all (a point
 * nobody ever reported from is not watched, and cannot hold the others back). −∞ before any report.
 */
export function reportedUpTo(state: ReconcileState, operationId: string): number {
  const op = state.operations.get(operationId);
  if (!op) return Number.NEGATIVE_INFINITY;
  let upTo = Number.POSITIVE_INFINITY;
  for (const p of op.points) {
    if (p.monitored === false) continue;
    const r = state.pointReports.get(`${operationId}|${p.id}`);
    if (r && r.upToMs < upTo) upTo = r.upToMs;
  }
  return upTo === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : upTo;
}

/** emptyTally returns a zero tally. */
export function emptyTally(): Tally {
  return { vehicles: 0, people: 0, medical: 0, uncounted: 0, singleSource: 0 };
}

/** tallyIn returns the tally under `outer` → `inner`, creating both levels when absent. */
export function tallyIn<K>(map: Map<string, Map<K, Tally>>, outer: string, inner: K): Tally {
  let level = map.get(outer);
  if (!level) {
    level = new Map();
    map.set(outer, level);
  }
  let tally = level.get(inner);
  if (!tally) {
    tally = emptyTally();
    level.set(inner, tally);
  }
  return tally;
}

/** bumpVersion invalidates the pending wake-ups of `subject` and returns its new version. */
export function bumpVersion(state: ReconcileState, subject: string): number {
  const version = (state.versions.get(subject) ?? 0) + 1;
  state.versions.set(subject, version);
  return version;
}

/** scheduleWake asks `tick` to re-evaluate `subject` at `at`, replacing any earlier request. */
export function scheduleWake(state: ReconcileState, subject: string, at: number | null): void {
  const version = bumpVersion(state, subject);
  if (at !== null) state.heap.push({ at, subject, version });
}

/**
 * setAlert records the derived alert for `key` (or its absence, null) and reports the change, if
 * any: a new key is raised, a changed derivation is updated, and a vanished one is withdrawn.
 */
export function setAlert(
  state: ReconcileState,
  key: string,
  alert: Alert | null,
  changes: AlertChange[],
): void {
  const previous = state.alerts.get(key);
  if (alert === null) {
    if (previous) {
      state.alerts.delete(key);
      changes.push({ type: 'withdrawn', alert: previous });
    }
    return;
  }
  if (!previous) {
    state.alerts.set(key, alert);
    changes.push({ type: 'raised', alert });
  } else if (!sameDerivation(previous, alert)) {
    state.alerts.set(key, alert);
    changes.push({ type: 'updated', alert });
  }
}

/** getOrCreate returns `map`'s value for `key`, first storing `make()` there when absent. */
export function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** utcDay returns the `YYYY-MM-DD` UTC day of an instant. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
