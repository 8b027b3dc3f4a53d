/**
 * frontier.ts — how far each route point has reported (issue 13.2, DESIGN rule 9). A monitor's phone
 * sends its queue in order, so once monitor M has sent an observation with device time t (from any
 * point), nothing M saw before t is still on its way. A point's frontier is the earliest such time
 * among the monitors on watch there (those who have reported from it): past the frontier, no
 * sighting from the point can still arrive. A monitor is off watch at P once P's other monitors have
 * gone on reporting for `offWatchAfterMinutes` after M's last report anywhere (a shift ended, a phone
 * lost): M stops holding P back. Until then a silent phone holds the point at its last report — the
 * `point-not-reporting` condition, not overdue vehicles. A silence every monitor shares (a night, a
 * suspension) puts nobody off watch: only the point's activity counts (`onWatch`).
 *
 * A plan may list the monitors assigned to a point (`RoutePoint.monitors`): they are on watch there
 * from the start, before they are first heard from at it, so the first phone to sync cannot move
 * the point's frontier alone. An assigned monitor not heard from anywhere holds the point at
 * NOT_YET (watched, nothing reported) until off watch; at a point nobody has reported from yet,
 * "off watch" is measured on the operation's activity, so a monitor who never turns up stops
 * holding the point after `offWatchAfterMinutes` of the others' reports and the point is then
 * judged as unwatched, as before assignments existed.
 *
 * Frontiers move both ways: forward as monitors report, back when a monitor is first heard from at
 * P with an earlier time (or comes back on watch). Each vehicle derivation records what it assumed
 * about each point's frontier (`FrontierDependency`); when a frontier moves, exactly the vehicles
 * whose assumption it broke are derived again, so the state stays a function of the observations.
 */
import type { FrontierDependency, Observation, PointReports } from '../model.js';
import { getOrCreate, type ReconcileState } from './reconcile-state.js';

const MINUTE = 60_000;

/**
 * NOT_YET is the frontier of a watched point whose on-watch monitors include one never heard from:
 * earlier than any report, yet not −∞ (which means nobody watches the point, so unseen passages
 * there are judged at once). The earliest instant a Date can hold.
 */
export const NOT_YET = -8.64e15;

/** Activity is the sorted report times that decide who is off watch. */
export interface Activity {
  readonly times: readonly number[];
}

/** FrontierMove is a point's frontier before and after one observation. */
export interface FrontierMove {
  readonly slot: string;
  readonly before: number;
  readonly after: number;
}

/** upperBound returns the first index of sorted `xs` whose value is > `x`. */
function upperBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A pause longer than this between a point's consecutive reports is one every monitor there shares
 * (a night, a suspension, a quiet spell): it counts only this much towards putting anyone off watch.
 */
export const SHARED_PAUSE_MS = 30 * MINUTE;

/**
 * onWatch says whether a monitor who has reported (anywhere) up to `upToMs` still holds the point
 * back: the point has not yet reported for `offWatchMs` of its own activity after that instant
 * (the span from the first later report to the latest, each pause counted at most SHARED_PAUSE_MS).
 */
export function onWatch(reports: Activity, upToMs: number, offWatchMs: number): boolean {
  const { times } = reports;
  let span = 0;
  for (let i = upperBound(times, upToMs) + 1; i < times.length; i++) {
    span += Math.min(times[i]! - times[i - 1]!, SHARED_PAUSE_MS);
    if (span >= offWatchMs) return false;
  }
  return true;
}

/** assignedAt lists the monitors the plan assigns to `op|point` (none: learned from the record). */
export function assignedAt(state: ReconcileState, slot: string): readonly string[] {
  const bar = slot.indexOf('|');
  return state.operations.get(slot.slice(0, bar))?.assigned.get(slot.slice(bar + 1)) ?? [];
}

/** watchersAt lists, sorted, the monitors heard from at `slot` and those assigned to it. */
export function watchersAt(state: ReconcileState, slot: string, reports: PointReports | undefined): string[] {
  const heard = reports ? [...reports.monitors.keys()] : [];
  return [...new Set([...heard, ...assignedAt(state, slot)])].sort();
}

/**
 * watchBasis is the activity that puts a monitor off watch at `slot`: the point's own reports, or
 * the operation's while nobody has reported from the point (an assigned point waiting for its
 * monitors).
 */
export function watchBasis(state: ReconcileState, slot: string, reports: PointReports | undefined): Activity {
  if (reports && reports.times.length > 0) return reports;
  return { times: state.operationTimes.get(slot.slice(0, slot.indexOf('|'))) ?? [] };
}

/** monitorUpTo is the instant up to which `monitorId` has reported anywhere (NOT_YET: never). */
export function monitorUpTo(state: ReconcileState, monitorId: string): number {
  return state.monitorUpTo.get(monitorId) ?? NOT_YET;
}

/**
 * pointFrontier is the earliest, among the point's on-watch monitors (heard from there or assigned
 * to it), of the instant up to which each has reported anywhere: a phone sends its queue in order,
 * so a sighting made here before a later report from elsewhere has been sent too.
 */
export function pointFrontier(
  state: ReconcileState,
  slot: string,
  reports: PointReports,
  offWatchMs: number,
): number {
  const basis = watchBasis(state, slot, reports);
  let frontier = Number.POSITIVE_INFINITY;
  const consider = (monitorId: string) => {
    const upTo = monitorUpTo(state, monitorId);
    if (upTo < frontier && onWatch(basis, upTo, offWatchMs)) frontier = upTo;
  };
  for (const monitorId of reports.monitors.keys()) consider(monitorId);
  for (const monitorId of assignedAt(state, slot)) if (!reports.monitors.has(monitorId)) consider(monitorId);
  return frontier === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : frontier;
}

/** emptyReports is what a point has reported before anyone reported from it. */
function emptyReports(): PointReports {
  return {
    upToMs: Number.NEGATIVE_INFINITY,
    latestMs: Number.NEGATIVE_INFINITY,
    times: [],
    monitors: new Map<string, number>(),
  };
}

/**
 * watchAssigned sets up the points the plan assigns monitors to, in a new state: each is watched
 * from the start (its frontier NOT_YET until its monitors report) and each assigned monitor's
 * reports move it (`monitorSlots`).
 */
export function watchAssigned(state: ReconcileState): void {
  for (const [operationId, op] of [...state.operations].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const [pointId, monitors] of op.assigned) {
      const slot = `${operationId}|${pointId}`;
      const reports = getOrCreate(state.pointReports, slot, emptyReports);
      for (const m of monitors) getOrCreate(state.monitorSlots, m, () => new Set<string>()).add(slot);
      reports.upToMs = pointFrontier(state, slot, reports, op.thresholds.offWatchAfterMinutes * MINUTE);
    }
  }
}

/**
 * notePointReport records the observation's device time for its point and its monitor, and returns
 * the frontiers that moved: its point's, and those of the other points where the monitor has
 * reported, when the monitor's own reported-up-to time moved forward.
 */
export function notePointReport(state: ReconcileState, obs: Observation, deviceMs: number): FrontierMove[] {
  const slot = `${obs.operationId}|${obs.routePointId}`;
  const reports = getOrCreate(state.pointReports, slot, emptyReports);
  const opTimes = getOrCreate(state.operationTimes, obs.operationId, () => []);
  const k = upperBound(opTimes, deviceMs);
  if (opTimes[k - 1] !== deviceMs) opTimes.splice(k, 0, deviceMs);
  const at = upperBound(reports.times, deviceMs);
  if (reports.times[at - 1] !== deviceMs) reports.times.splice(at, 0, deviceMs);
  reports.latestMs = Math.max(reports.latestMs, deviceMs);
  const mine = reports.monitors.get(obs.monitorId);
  if (mine === undefined || deviceMs > mine) reports.monitors.set(obs.monitorId, deviceMs);
  const slots = getOrCreate(state.monitorSlots, obs.monitorId, () => new Set<string>());
  slots.add(slot);
  const upTo = state.monitorUpTo.get(obs.monitorId);
  const advanced = upTo === undefined || deviceMs > upTo;
  if (advanced) state.monitorUpTo.set(obs.monitorId, deviceMs);
  const recompute = new Set(advanced ? slots : [slot]);
  // An assigned point nobody has reported from yet is judged on the operation's activity, which moved.
  for (const pointId of state.operations.get(obs.operationId)!.assigned.keys()) {
    const s = `${obs.operationId}|${pointId}`;
    if (state.pointReports.get(s)?.times.length === 0) recompute.add(s);
  }
  const moves: FrontierMove[] = [];
  for (const s of [...recompute].sort()) {
    const r = state.pointReports.get(s)!;
    const op = state.operations.get(s.slice(0, s.indexOf('|')))!;
    const before = r.upToMs;
    r.upToMs = pointFrontier(state, s, r, op.thresholds.offWatchAfterMinutes * MINUTE);
    if (r.upToMs !== before) moves.push({ slot: s, before, after: r.upToMs });
  }
  return moves;
}

/** frontierOf returns the frontier of `op|point` (−∞ if nobody ever reported from it). */
export function frontierOf(state: ReconcileState, slot: string): number {
  return state.pointReports.get(slot)?.upToMs ?? Number.NEGATIVE_INFINITY;
}

/** watchFrontiers replaces a vehicle's recorded frontier dependencies (`previous` → `next`). */
export function watchFrontiers(
  state: ReconcileState,
  operationId: string,
  vehicleId: string,
  previous: readonly FrontierDependency[],
  next: readonly FrontierDependency[],
): void {
  for (const dep of previous) {
    const slot = `${operationId}|${dep.pointId}`;
    const watch = state.frontierWatch.get(slot);
    watch?.delete(vehicleId);
    if (watch?.size === 0) state.frontierWatch.delete(slot);
  }
  for (const dep of next)
    getOrCreate(state.frontierWatch, `${operationId}|${dep.pointId}`, () => new Map()).set(vehicleId, dep);
}

/**
 * brokenBy lists the vehicles whose derivation assumed something about the slot's frontier that
 * `after` no longer satisfies: a point judged reported past t that now is not, or one judged not
 * yet past t that now is. Sorted, so the re-derivations happen in one order whatever came before.
 */
export function brokenBy(state: ReconcileState, slot: string, after: number): string[] {
  const out: string[] = [];
  for (const [vehicleId, dep] of state.frontierWatch.get(slot) ?? [])
    if (after <= dep.passed || after > dep.awaited) out.push(vehicleId);
  return out.sort();
}
