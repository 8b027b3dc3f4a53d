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
 * Frontiers move both ways: forward as monitors report, back when a monitor is first heard from at
 * P with an earlier time (or comes back on watch). Each vehicle derivation records what it assumed
 * about each point's frontier (`FrontierDependency`); when a frontier moves, exactly the vehicles
 * whose assumption it broke are derived again, so the state stays a function of the observations.
 */
import type { FrontierDependency, Observation, PointReports } from '../model.js';
import { getOrCreate, type ReconcileState } from './reconcile-state.js';

const MINUTE = 60_000;

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
export function onWatch(reports: PointReports, upToMs: number, offWatchMs: number): boolean {
  const { times } = reports;
  let span = 0;
  for (let i = upperBound(times, upToMs) + 1; i < times.length; i++) {
    span += Math.min(times[i]! - times[i - 1]!, SHARED_PAUSE_MS);
    if (span >= offWatchMs) return false;
  }
  return true;
}

/**
 * pointFrontier is the earliest, among the point's on-watch monitors, of the instant up to which each
 * has reported anywhere: a phone sends its queue in order, so a sighting made here before a later
 * report from elsewhere has been sent too.
 */
export function pointFrontier(state: ReconcileState, reports: PointReports, offWatchMs: number): number {
  let frontier = Number.POSITIVE_INFINITY;
  for (const monitorId of reports.monitors.keys()) {
    const upTo = state.monitorUpTo.get(monitorId)!;
    if (upTo < frontier && onWatch(reports, upTo, offWatchMs)) frontier = upTo;
  }
  return frontier === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : frontier;
}

/**
 * notePointReport records the observation's device time for its point and its monitor, and returns
 * the frontiers that moved: its point's, and those of the other points where the monitor has
 * reported, when the monitor's own reported-up-to time moved forward.
 */
export function notePointReport(state: ReconcileState, obs: Observation, deviceMs: number): FrontierMove[] {
  const slot = `${obs.operationId}|${obs.routePointId}`;
  const reports = getOrCreate(state.pointReports, slot, () => ({
    upToMs: Number.NEGATIVE_INFINITY,
    latestMs: Number.NEGATIVE_INFINITY,
    times: [],
    monitors: new Map<string, number>(),
  }));
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
  const moves: FrontierMove[] = [];
  for (const s of advanced ? [...slots].sort() : [slot]) {
    const r = state.pointReports.get(s)!;
    const op = state.operations.get(s.slice(0, s.indexOf('|')))!;
    const before = r.upToMs;
    r.upToMs = pointFrontier(state, r, op.thresholds.offWatchAfterMinutes * MINUTE);
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
