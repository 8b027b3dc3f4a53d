/**
 * reconcile.ts — the reconciliation engine. `applyObservation` takes one observation at a time (the
 * live path: O(k log k) in the vehicle's own k observations plus O(log n) index updates); `tick`
 * re-evaluates the time-based alerts whose wake-up time has come (min-heap, lazy deletion);
 * `reconcileAll` recomputes everything from the full set in one pass. Both paths derive the same
 * state from the same set of observations and the same clock, whatever order or how many times the
 * observations arrive: per-vehicle facts are pure functions of that vehicle's observations, and the
 * aggregates are sums of per-vehicle contributions (see reconcile.test.ts, which checks it).
 */

import { OpsError } from '../errors.js';
import {
  type Observation,
  observationKey,
  type StatusChange,
  type TrackedObservation,
  type VehicleDerivation,
} from '../model.js';
import { observationSigningText } from '../observations/signing.js';
import { appendStatusChange } from '../operation-status.js';
import {
  evaluateAllStalls,
  evaluateConvoyTurnedBack,
  evaluateLinks,
  evaluateOpenStall,
  evaluatePointSilence,
  evaluateSources,
  evaluateUnmonitored,
  judgePendingStalls,
  recordMovement,
  rejudgeStalls,
  turnBackGroup,
} from './aggregate-alerts.js';
import { brokenBy, frontierOf, notePointReport, watchAssigned, watchFrontiers } from './frontier.js';
import { evaluateNoNews, noteNews, recomputeNews } from './no-news.js';
import {
  type AlertChange,
  createReconcileState as createBareState,
  getOrCreate,
  operationContext,
  type ReconcileInput,
  type ReconcileState,
  reportedUpTo,
  scheduleWake,
  setAlert,
  tallyIn,
  utcDay,
} from './reconcile-state.js';
import { compareTracked, deriveVehicle } from './vehicle-derivation.js';

export type { AlertChange, ReconcileInput, ReconcileState } from './reconcile-state.js';

/**
 * createReconcileState returns an empty state for the operations, convoys and vehicles given, with
 * each operation's silence judged at `now` (an active operation nobody has reported from yet is
 * already a no-news gap; no-news.ts).
 */
export function createReconcileState(input: ReconcileInput, now: number): ReconcileState {
  const state = createBareState(input, now);
  watchAssigned(state);
  const changes: AlertChange[] = [];
  for (const operationId of [...state.operations.keys()].sort()) evaluateNoNews(state, operationId, changes);
  return state;
}

/** ApplyResult says whether an observation was new and which alerts it changed. */
export interface ApplyResult {
  readonly status: 'accepted' | 'duplicate';
  readonly changes: readonly AlertChange[];
}

/**
 * applyObservation adds one validated observation to the state at server time `now` (epoch ms) and
 * returns the alert changes. A re-sent observation (same client id, same signed content) is a
 * duplicate and changes nothing but keeps the earliest receipt time; a different observation under a
 * used client id throws OpsError('CLIENT_ID_REUSED'). An unknown vehicle or operation throws too.
 */
export function applyObservation(state: ReconcileState, obs: Observation, now: number): ApplyResult {
  const changes: AlertChange[] = [];
  state.now = Math.max(state.now, now);
  if (!admit(state, obs, changes)) return { status: 'duplicate', changes };
  noteNews(state, obs.operationId, Date.parse(obs.receivedTime), changes);
  const deviceMs = Date.parse(obs.deviceTime);
  const upToBefore = new Map<string, number>();
  for (const slot of [`${obs.operationId}|`, ...(state.monitorSlots.get(obs.monitorId) ?? [])]) {
    const operationId = slot.slice(0, slot.indexOf('|'));
    upToBefore.set(operationId, reportedUpTo(state, operationId));
  }
  const moves = notePointReport(state, obs, deviceMs);
  if (obs.kind === 'reported-total') {
    recordReport(state, obs, deviceMs, changes);
  } else {
    if (obs.vehicleIds.length > 1) bump(state.groupObservations, obs.operationId, 1);
    for (const vehicleId of obs.vehicleIds) {
      insertSorted(state.tracks, vehicleId, { obs, deviceMs });
      rederiveVehicle(state, vehicleId, changes);
    }
    recordMovement(state, obs.operationId, deviceMs, changes);
  }
  // Frontiers moved (forward as monitors report, back when a monitor is first heard from at a
  // point): the vehicles judged on an old frontier in a way the new one contradicts are judged
  // again — awaited ones may now be overdue, overdue ones may be awaited again.
  for (const move of moves)
    for (const vehicleId of brokenBy(state, move.slot, move.after))
      rederiveVehicle(state, vehicleId, changes);
  for (const [operationId, before] of [...upToBefore].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const upTo = reportedUpTo(state, operationId);
    if (upTo > before) judgePendingStalls(state, operationId, changes);
    else if (upTo < before) rejudgeStalls(state, operationId, upTo, changes);
  }
  const slots = new Set([`${obs.operationId}|${obs.routePointId}`, ...moves.map((m) => m.slot)]);
  for (const slot of [...slots].sort()) {
    const [operationId, pointId] = slot.split('|') as [string, string];
    if (state.silent.has(slot) || state.alerts.has(`point-not-reporting:${operationId}:${pointId}`))
      evaluatePointSilence(state, operationId, pointId, changes);
  }
  return { status: 'accepted', changes };
}

/**
 * tick advances the clock to `now` and re-evaluates every subject whose wake-up time has come: a
 * vehicle (overdue, dwell, missing), an operation's open stall gap, or its linked-operation rules.
 */
export function tick(state: ReconcileState, now: number): AlertChange[] {
  const changes: AlertChange[] = [];
  state.now = Math.max(state.now, now);
  for (let top = state.heap.peek(); top && top.at <= state.now; top = state.heap.peek()) {
    state.heap.pop();
    if (state.versions.get(top.subject) !== top.version) continue;
    const [kind, id] = splitSubject(top.subject);
    if (kind === 'vehicle') rederiveVehicle(state, id, changes);
    else if (kind === 'stall') evaluateOpenStall(state, id, changes);
    else if (kind === 'news') evaluateNoNews(state, id, changes);
    else evaluateLinks(state, id, changes);
  }
  return changes;
}

/**
 * reconcileAll recomputes the state from scratch: every observation (any order, duplicates allowed)
 * is indexed first, each vehicle is derived once, then the operation-level alerts. It gives the same
 * state as applying the observations one by one and ticking to `now`.
 */
export function reconcileAll(
  input: ReconcileInput,
  observations: Iterable<Observation>,
  now: number,
): ReconcileState {
  const state = createReconcileState(input, now);
  const changes: AlertChange[] = [];
  const touched = new Set<string>();
  const moved = new Map<string, Set<number>>();
  for (const obs of observations) {
    if (!admit(state, obs, changes)) continue;
    const deviceMs = Date.parse(obs.deviceTime);
    notePointReport(state, obs, deviceMs);
    if (obs.kind === 'reported-total') {
      recordReport(state, obs, deviceMs, changes);
      continue;
    }
    if (obs.vehicleIds.length > 1) bump(state.groupObservations, obs.operationId, 1);
    for (const vehicleId of obs.vehicleIds) {
      getOrCreate(state.tracks, vehicleId, () => []).push({ obs, deviceMs });
      touched.add(vehicleId);
    }
    getOrCreate(moved, obs.operationId, () => new Set<number>()).add(deviceMs);
  }
  for (const track of state.tracks.values()) track.sort(compareTracked);
  for (const vehicleId of [...touched].sort()) rederiveVehicle(state, vehicleId, changes, false);
  for (const [operationId, times] of moved) {
    const all = state.movement.get(operationId)!;
    state.movement.set(
      operationId,
      [...new Set([...all, ...times])].sort((a, b) => a - b),
    );
  }
  for (const operationId of state.operations.keys()) {
    evaluateAllStalls(state, operationId, changes);
    evaluateLinks(state, operationId, changes);
  }
  // The latest receipt per operation, over the stored copies (a re-send keeps the earliest receipt).
  for (const o of state.observations.values()) {
    const t = Date.parse(o.receivedTime);
    if (!(t <= (state.newsAt.get(o.operationId) ?? Number.NEGATIVE_INFINITY)))
      state.newsAt.set(o.operationId, t);
  }
  for (const operationId of [...state.operations.keys()].sort()) evaluateNoNews(state, operationId, changes);
  for (const slot of [...state.pointReports.keys()].sort()) {
    const [operationId, pointId] = slot.split('|') as [string, string];
    evaluatePointSilence(state, operationId, pointId, changes);
  }
  return state;
}

/**
 * applyStatusChange appends a status change to an operation (checking the transition) and
 * re-derives what depends on the timeline: stall gaps, links and every vehicle of the operation.
 * It is rare (a handful per operation), so it may touch all of the operation's vehicles.
 */
export function applyStatusChange(
  state: ReconcileState,
  operationId: string,
  change: StatusChange,
  now: number,
): AlertChange[] {
  const op = state.operations.get(operationId);
  if (!op) throw new OpsError('UNKNOWN_OPERATION', 'no such operation', { operationId });
  const statusHistory = appendStatusChange(op.operation.statusHistory, change);
  state.operations.set(operationId, operationContext({ ...op.operation, statusHistory }));
  state.now = Math.max(state.now, now);
  const changes: AlertChange[] = [];
  if (change.status === 'active' || change.status === 'resumed') {
    const times = state.movement.get(operationId)!;
    const at = Date.parse(change.at);
    if (!times.includes(at))
      state.movement.set(
        operationId,
        [...times, at].sort((a, b) => a - b),
      );
  }
  evaluateAllStalls(state, operationId, changes);
  evaluateLinks(state, operationId, changes);
  evaluateNoNews(state, operationId, changes);
  for (const vehicle of [...state.vehicles.values()].filter((v) => v.operationId === operationId)) {
    if (state.tracks.has(vehicle.id)) rederiveVehicle(state, vehicle.id, changes);
  }
  return changes;
}

function splitSubject(subject: string): [string, string] {
  const i = subject.indexOf(':');
  return [subject.slice(0, i), subject.slice(i + 1)];
}

/** admit stores a new observation and says whether it was new (see applyObservation). */
function admit(state: ReconcileState, obs: Observation, changes: AlertChange[]): boolean {
  const key = observationKey(obs);
  const previous = state.observations.get(key);
  if (!previous) {
    if (!state.operations.has(obs.operationId)) {
      throw new OpsError('UNKNOWN_OPERATION', 'observation for an unknown operation', {
        clientId: obs.clientId,
      });
    }
    for (const id of obs.vehicleIds) {
      if (state.vehicles.get(id)?.operationId !== obs.operationId) {
        throw new OpsError('UNKNOWN_VEHICLE', 'vehicle is not registered to the operation', {
          vehicleId: id,
        });
      }
    }
    state.observations.set(key, obs);
    return true;
  }
  if (observationSigningText(previous) !== observationSigningText(obs)) {
    throw new OpsError('CLIENT_ID_REUSED', 'a different observation already has this client id', {
      clientId: obs.clientId,
    });
  }
  if (Date.parse(obs.receivedTime) < Date.parse(previous.receivedTime)) {
    // The store keeps the earliest receipt; if that was the operation's latest news, the gap moves.
    state.observations.set(key, obs);
    if (state.newsAt.get(obs.operationId) === Date.parse(previous.receivedTime))
      recomputeNews(state, obs.operationId, changes);
  }
  return false;
}

function bump<K>(map: Map<K, number>, key: K, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next === 0) map.delete(key);
  else map.set(key, next);
}

function insertSorted(
  tracks: Map<string, TrackedObservation[]>,
  vehicleId: string,
  t: TrackedObservation,
): void {
  const track = getOrCreate(tracks, vehicleId, () => []);
  let i = track.length;
  while (i > 0 && compareTracked(track[i - 1]!, t) > 0) i--;
  track.splice(i, 0, t);
}

function recordReport(
  state: ReconcileState,
  obs: Observation,
  deviceMs: number,
  changes: AlertChange[],
): void {
  const day = utcDay(deviceMs);
  const slot = `${obs.operationId}|${day}`;
  const bySource = getOrCreate(state.reports, slot, () => new Map());
  const current = bySource.get(obs.source);
  const newer =
    !current || deviceMs > current.atMs || (deviceMs === current.atMs && obs.clientId > current.clientId);
  if (!newer) return;
  bySource.set(obs.source, { atMs: deviceMs, clientId: obs.clientId, total: obs.headcount ?? 0 });
  evaluateSources(state, obs.operationId, day, changes);
}

/**
 * rederiveVehicle derives a vehicle again at `state.now`, swaps its old contributions to the tallies
 * for the new ones, updates its own alerts and re-evaluates the aggregate alerts it touched.
 */
function rederiveVehicle(
  state: ReconcileState,
  vehicleId: string,
  changes: AlertChange[],
  links = true,
): void {
  const vehicle = state.vehicles.get(vehicleId)!;
  const op = state.operations.get(vehicle.operationId)!;
  const previous = state.derived.get(vehicleId);
  const frontier = (pointId: string) => frontierOf(state, `${vehicle.operationId}|${pointId}`);
  const next = deriveVehicle(vehicle, state.tracks.get(vehicleId) ?? [], op, state.now, frontier);
  state.derived.set(vehicleId, next);
  const touched = { unmonitored: new Set<string>(), links: false, turnedBack: false };
  const before = previous?.awaiting ?? null;
  const after = next.awaiting;
  if (before?.pointId !== after?.pointId || before?.sinceMs !== after?.sinceMs) {
    if (before) {
      const slot = `${vehicle.operationId}|${before.pointId}`;
      state.silent.get(slot)?.delete(vehicleId);
      if (state.silent.get(slot)?.size === 0) state.silent.delete(slot);
    }
    if (after)
      getOrCreate(state.silent, `${vehicle.operationId}|${after.pointId}`, () => new Map()).set(
        vehicleId,
        after.sinceMs,
      );
    if (before) evaluatePointSilence(state, vehicle.operationId, before.pointId, changes);
    if (after && after.pointId !== before?.pointId)
      evaluatePointSilence(state, vehicle.operationId, after.pointId, changes);
  }
  watchFrontiers(state, vehicle.operationId, vehicleId, previous?.frontierDeps ?? [], next.frontierDeps);
  if (previous) contribute(state, vehicleId, previous, -1, touched);
  contribute(state, vehicleId, next, 1, touched);
  const keep = new Set(next.alerts.map((a) => a.key));
  for (const alert of previous?.alerts ?? [])
    if (!keep.has(alert.key)) setAlert(state, alert.key, null, changes);
  for (const alert of next.alerts) setAlert(state, alert.key, alert, changes);
  for (const slot of touched.unmonitored) {
    const [operationId, pointId, day] = slot.split('|') as [string, string, string];
    evaluateUnmonitored(state, operationId, pointId, day, changes);
  }
  if (touched.turnedBack) evaluateConvoyTurnedBack(state, turnBackGroup(state, vehicleId), changes);
  if (touched.links && links) {
    for (const other of state.operations.values()) {
      const gatesMe = other.operation.links.some(
        (l) => l.kind === 'gates' && l.other === vehicle.operationId,
      );
      if (other.operation.id === vehicle.operationId || gatesMe)
        evaluateLinks(state, other.operation.id, changes);
    }
  }
  scheduleWake(state, `vehicle:${vehicleId}`, next.nextWakeAt);
}

interface Touched {
  readonly unmonitored: Set<string>;
  links: boolean;
  turnedBack: boolean;
}

/** contribute adds (sign 1) or removes (sign −1) one derivation's share of the tallies. */
function contribute(
  state: ReconcileState,
  vehicleId: string,
  d: VehicleDerivation,
  sign: 1 | -1,
  touched: Touched,
) {
  const vehicle = state.vehicles.get(vehicleId)!;
  const operationId = vehicle.operationId;
  for (const { pointId, count } of d.finalCounts) {
    const tallies = [tallyIn(state.pointTallies, operationId, pointId)];
    if (vehicle.convoyId) tallies.push(tallyIn(state.convoyTallies, vehicle.convoyId, pointId));
    for (const t of tallies) {
      t.vehicles += sign;
      if (count === null) t.uncounted += sign;
      else t.people += sign * count;
    }
  }
  if (d.arrival) {
    const t = tallyIn(state.arrivalTallies, operationId, vehicle.kind);
    t.vehicles += sign;
    t.medical += sign * d.arrival.medical;
    if (d.arrival.count === null) t.uncounted += sign;
    else t.people += sign * d.arrival.count;
    if (d.arrival.monitors === 1) t.singleSource += sign;
    bump(
      getOrCreate(state.arrivalsByDay, operationId, () => new Map()),
      utcDay(d.arrival.atMs),
      sign * (d.arrival.count ?? 0),
    );
    touched.links = true;
  }
  for (const { pointId, day, medical } of d.unmonitored) {
    const slot = `${operationId}|${pointId}|${day}`;
    if (sign === 1) getOrCreate(state.unmonitored, slot, () => new Map()).set(vehicleId, medical);
    else {
      state.unmonitored.get(slot)?.delete(vehicleId);
      if (state.unmonitored.get(slot)?.size === 0) state.unmonitored.delete(slot);
    }
    touched.unmonitored.add(slot);
  }
  const group = turnBackGroup(state, vehicleId);
  if (d.turnedBack.length > 0) {
    const byVehicle = getOrCreate(state.turnedBack, group, () => new Map());
    if (sign === 1) byVehicle.set(vehicleId, d.turnedBack);
    else byVehicle.delete(vehicleId);
    touched.turnedBack = true;
  }
}
