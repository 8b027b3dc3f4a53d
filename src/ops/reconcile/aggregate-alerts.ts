/**
 * aggregate-alerts.ts — the alerts that belong to a convoy, a route point or an operation rather than
 * to one vehicle: convoy turned back, route point unmonitored, operation stalled, linked operation
 * out of step, and source totals diverging. Each `evaluate…` function re-derives one alert from the
 * state's counters in O(size of its own evidence), so an observation touches only what it changed.
 */
import { alertKey, derivedAlert } from '../alerts/lifecycle.js';
import type { AlertSeverity } from '../model.js';
import { instantAfterMoving, movingMs } from '../operation-status.js';
import { assignedAt, monitorUpTo, NOT_YET, onWatch, watchBasis, watchersAt } from './frontier.js';
import {
  type AlertChange,
  getOrCreate,
  type ReconcileState,
  reportedUpTo,
  scheduleWake,
  setAlert,
  utcDay,
} from './reconcile-state.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Vehicles named in one alert's figures (the count says how many there are in all). */
const MAX_NAMED = 20;

/**
 * evaluatePointSilence re-derives `point-not-reporting` for one route point: vehicles are due there
 * but its monitors have not all reported past their due time. It names the point's monitors with
 * each one's last report (`monitor:<id>`), the ones holding the point back (`monitorsBehind`), the
 * point's frontier (`lastReportAt`) and the vehicles awaited — one alert for the point, not one per
 * vehicle.
 */
export function evaluatePointSilence(
  state: ReconcileState,
  operationId: string,
  pointId: string,
  changes: AlertChange[],
): void {
  const key = alertKey('point-not-reporting', operationId, pointId);
  const slot = `${operationId}|${pointId}`;
  const awaited = state.silent.get(slot);
  if (!awaited || awaited.size === 0) {
    setAlert(state, key, null, changes);
    return;
  }
  const reports = state.pointReports.get(slot);
  const since = Math.min(...awaited.values());
  const markings = [...awaited.keys()].map((id) => state.vehicles.get(id)?.marking ?? id).sort();
  const watchers = watchersAt(state, slot, reports);
  const frontier = reports?.upToMs ?? Number.NEGATIVE_INFINITY;
  // Who holds the point back: on-watch monitors (heard from here or assigned) who have not reported
  // (anywhere) past the earliest due time (the frontier is the earliest of the on-watch ones).
  const offWatchMs = state.operations.get(operationId)!.thresholds.offWatchAfterMinutes * MINUTE;
  const basis = watchBasis(state, slot, reports);
  const behind = watchers.filter((m) => {
    const t = monitorUpTo(state, m);
    return t <= since && onWatch(basis, t, offWatchMs);
  });
  const assigned = assignedAt(state, slot);
  const figures: Record<string, string | number | null> = {
    pointId,
    vehiclesAwaited: awaited.size,
    vehicles: markings.slice(0, MAX_NAMED).join(', ') + (markings.length > MAX_NAMED ? ', …' : ''),
    monitors: watchers.join(','),
    monitorsBehind: behind.join(','),
    lastReportAt: Number.isFinite(frontier) && frontier > NOT_YET ? new Date(frontier).toISOString() : null,
  };
  if (assigned.length > 0) figures.monitorsAssigned = [...assigned].sort().join(',');
  // Each one's last report from this point (null: assigned, not heard from here yet).
  for (const m of watchers) {
    const t = reports?.monitors.get(m);
    figures[`monitor:${m}`] = t === undefined ? null : new Date(t).toISOString();
  }
  setAlert(
    state,
    key,
    derivedAlert({
      key,
      kind: 'point-not-reporting',
      severity: 'warning',
      operationId,
      subject: { type: 'route-point', id: pointId },
      evidence: { observationIds: [], figures },
      raisedAtMs: since,
    }),
    changes,
  );
}

/** turnBackGroup names the convoy a vehicle's turn-backs count under (itself without a convoy). */
export function turnBackGroup(state: ReconcileState, vehicleId: string): string {
  return state.vehicles.get(vehicleId)?.convoyId ?? `vehicle:${vehicleId}`;
}

/** evaluateConvoyTurnedBack re-derives `convoy-turned-back` for one convoy (or lone vehicle). */
export function evaluateConvoyTurnedBack(state: ReconcileState, group: string, changes: AlertChange[]): void {
  const key = alertKey('convoy-turned-back', group);
  const byVehicle = state.turnedBack.get(group);
  if (!byVehicle || byVehicle.size === 0) {
    setAlert(state, key, null, changes);
    return;
  }
  const sightings = [...byVehicle.entries()]
    .flatMap(([vehicleId, list]) => list.map((s) => ({ vehicleId, ...s })))
    .sort((a, b) => a.atMs - b.atMs || (a.observationId < b.observationId ? -1 : 1));
  const first = sightings[0]!;
  const vehicle = state.vehicles.get(first.vehicleId)!;
  const points = [...new Set(sightings.map((s) => s.pointId))].sort();
  const isConvoy = !group.startsWith('vehicle:');
  setAlert(
    state,
    key,
    derivedAlert({
      key,
      kind: 'convoy-turned-back',
      severity: 'critical',
      operationId: vehicle.operationId,
      subject: isConvoy ? { type: 'convoy', id: group } : { type: 'vehicle', id: vehicle.id },
      evidence: {
        observationIds: sightings.map((s) => s.observationId),
        figures: { vehicles: byVehicle.size, sightings: sightings.length, pointIds: points.join(',') },
      },
      raisedAtMs: first.atMs,
    }),
    changes,
  );
}

/** evaluateUnmonitored re-derives `route-point-unmonitored` for one point on one UTC day. */
export function evaluateUnmonitored(
  state: ReconcileState,
  operationId: string,
  pointId: string,
  day: string,
  changes: AlertChange[],
): void {
  const key = alertKey('route-point-unmonitored', operationId, pointId, day);
  const vehicles = state.unmonitored.get(`${operationId}|${pointId}|${day}`);
  const unseen = vehicles?.size ?? 0;
  const medical = [...(vehicles?.values() ?? [])].filter(Boolean).length;
  const op = state.operations.get(operationId)!;
  // One ambulance or medical case passing unseen matters (issue 13.4); other vehicles by the threshold.
  if (unseen === 0 || (medical === 0 && unseen < op.thresholds.unmonitoredMinVehicles)) {
    setAlert(state, key, null, changes);
    return;
  }
  const markings = [...vehicles!.keys()].map((id) => state.vehicles.get(id)?.marking ?? id).sort();
  setAlert(
    state,
    key,
    derivedAlert({
      key,
      kind: 'route-point-unmonitored',
      severity: 'warning',
      operationId,
      subject: { type: 'route-point', id: pointId },
      evidence: {
        observationIds: [],
        figures: {
          pointId,
          day,
          vehiclesUnseen: unseen,
          medicalUnseen: medical,
          vehicles: markings.slice(0, MAX_NAMED).join(', ') + (markings.length > MAX_NAMED ? ', …' : ''),
        },
      },
      raisedAtMs: Date.parse(`${day}T00:00:00Z`),
    }),
    changes,
  );
}

/**
 * evaluateStallGap re-derives `operation-stalled` for the gap that starts at movement instant `from`
 * and ends at `to` (the next movement) or, when `to` is null, is still open at `state.now`. Only
 * moving time (active or resumed) counts, so a suspension is not a stall.
 */
export function evaluateStallGap(
  state: ReconcileState,
  operationId: string,
  from: number,
  to: number | null,
  changes: AlertChange[],
): void {
  const op = state.operations.get(operationId)!;
  const key = alertKey('operation-stalled', operationId, new Date(from).toISOString());
  const limit = op.thresholds.stallAfterMinutes * MINUTE;
  const reached = instantAfterMoving(op.timeline, from, limit);
  if (to === null)
    scheduleWake(state, `stall:${operationId}`, reached !== null && reached > state.now ? reached : null);
  const long = reached !== null && (to === null ? state.now >= reached : reached <= to);
  // Judged only once every reporting point has reported past the limit: before that, a movement in
  // the gap may still arrive from a phone that syncs late (no news is not bad news, issue 13.2).
  const known = reached !== null && reached <= reportedUpTo(state, operationId);
  const pending = getOrCreate(state.pendingStalls, operationId, () => new Map<number, number>());
  const judged = getOrCreate(state.judgedStalls, operationId, () => new Map<number, number>());
  if (long && !known) pending.set(from, reached!);
  else pending.delete(from);
  const stalled = long && known;
  if (stalled) judged.set(from, reached!);
  else judged.delete(from);
  if (!stalled) {
    setAlert(state, key, null, changes);
    return;
  }
  setAlert(
    state,
    key,
    derivedAlert({
      key,
      kind: 'operation-stalled',
      severity: to === null ? 'critical' : 'warning',
      operationId,
      subject: { type: 'operation', id: operationId },
      evidence: {
        observationIds: [],
        figures: {
          lastMovementAt: new Date(from).toISOString(),
          nextMovementAt: to === null ? null : new Date(to).toISOString(),
          stalledMinutes: to === null ? null : Math.floor(movingMs(op.timeline, from, to) / MINUTE),
          thresholdMinutes: op.thresholds.stallAfterMinutes,
        },
      },
      raisedAtMs: reached,
    }),
    changes,
  );
}

/** lowerBound returns the first index of sorted `xs` whose value is ≥ `x`. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** recordMovement adds a movement instant and re-derives the stall gaps it splits. */
export function recordMovement(
  state: ReconcileState,
  operationId: string,
  at: number,
  changes: AlertChange[],
): void {
  const times = state.movement.get(operationId)!;
  const i = lowerBound(times, at);
  if (times[i] === at) return;
  times.splice(i, 0, at);
  const before = times[i - 1];
  const after = times[i + 1] ?? null;
  if (before !== undefined) evaluateStallGap(state, operationId, before, at, changes);
  evaluateStallGap(state, operationId, at, after, changes);
}

/**
 * judgePendingStalls judges the pending stall gaps whose limit the operation's reports have now
 * passed (after a point reported further). Only long gaps are pending, so this is a short list.
 */
export function judgePendingStalls(state: ReconcileState, operationId: string, changes: AlertChange[]): void {
  const pending = state.pendingStalls.get(operationId);
  if (!pending || pending.size === 0) return;
  const upTo = reportedUpTo(state, operationId);
  const times = state.movement.get(operationId)!;
  for (const [from, reached] of [...pending].sort(([a], [b]) => a - b)) {
    if (reached > upTo) continue;
    const i = lowerBound(times, from);
    if (times[i] !== from) {
      pending.delete(from);
      continue;
    }
    evaluateStallGap(state, operationId, from, times[i + 1] ?? null, changes);
  }
}

/**
 * rejudgeStalls judges again the stalled gaps whose limit lies past `upTo`, the operation's
 * reported-up-to time after it moved back (a monitor first heard from at a point): that monitor's
 * phone may still hold a movement inside them, so they are pending again.
 */
export function rejudgeStalls(
  state: ReconcileState,
  operationId: string,
  upTo: number,
  changes: AlertChange[],
): void {
  const judged = state.judgedStalls.get(operationId);
  if (!judged || judged.size === 0) return;
  const times = state.movement.get(operationId)!;
  for (const [from, reached] of [...judged].sort(([a], [b]) => a - b)) {
    if (reached <= upTo) continue;
    const i = lowerBound(times, from);
    evaluateStallGap(state, operationId, from, times[i + 1] ?? null, changes);
  }
}

/** evaluateOpenStall re-derives the stall gap after an operation's latest movement. */
export function evaluateOpenStall(state: ReconcileState, operationId: string, changes: AlertChange[]): void {
  const last = state.movement.get(operationId)!.at(-1);
  if (last !== undefined) evaluateStallGap(state, operationId, last, null, changes);
}

/** evaluateAllStalls re-derives every gap of an operation (after its status history changed). */
export function evaluateAllStalls(state: ReconcileState, operationId: string, changes: AlertChange[]): void {
  const times = state.movement.get(operationId)!;
  for (const key of [...state.alerts.keys()]) {
    if (key.startsWith(`operation-stalled:${operationId}:`)) setAlert(state, key, null, changes);
  }
  for (let i = 0; i < times.length; i++)
    evaluateStallGap(state, operationId, times[i]!, times[i + 1] ?? null, changes);
}

function progressPercent(state: ReconcileState, operationId: string, throughDay: string): number {
  const planned = state.operations.get(operationId)!.operation.plannedPeople;
  let arrived = 0;
  for (const [day, people] of state.arrivalsByDay.get(operationId) ?? [])
    if (day <= throughDay) arrived += people;
  return planned > 0 ? Math.floor((arrived * 100) / planned) : 0;
}

/**
 * evaluateLinks re-derives `linked-operation-out-of-step` for every `gates` rule of `operationId`:
 * at the end of each UTC day (up to `state.now`) from the first to the last day with arrivals in
 * either operation, this operation's progress may lead the other's by at most `maxLeadPercent`.
 */
export function evaluateLinks(state: ReconcileState, operationId: string, changes: AlertChange[]): void {
  const op = state.operations.get(operationId)!;
  for (const link of op.operation.links) {
    const other = state.operations.get(link.other);
    // A link across compartments (plans refuse them now; a store may hold one from before) raises
    // nothing: the alert would carry the other compartment's progress into this one (issue 12.2).
    if (link.kind !== 'gates' || other?.operation.compartment !== op.operation.compartment) continue;
    const key = alertKey('linked-operation-out-of-step', operationId, link.other);
    const days = [
      ...(state.arrivalsByDay.get(operationId)?.keys() ?? []),
      ...(state.arrivalsByDay.get(link.other)?.keys() ?? []),
    ].sort();
    const outOfStep: Array<{ day: string; lead: number; mine: number; theirs: number }> = [];
    let wake: number | null = null;
    if (days.length > 0) {
      for (
        let t = Date.parse(`${days[0]}T00:00:00Z`);
        t <= Date.parse(`${days.at(-1)}T00:00:00Z`);
        t += DAY
      ) {
        const day = utcDay(t);
        if (t > state.now) break;
        // The current day is judged on the arrivals so far (issue 13.5), not only at its end.
        const mine = progressPercent(state, operationId, day);
        const theirs = progressPercent(state, link.other, day);
        if (mine - theirs > link.maxLeadPercent) outOfStep.push({ day, lead: mine - theirs, mine, theirs });
        if (t + DAY > state.now) {
          wake = t + DAY;
          break;
        }
      }
    }
    scheduleWake(state, `links:${operationId}`, wake);
    if (outOfStep.length === 0) {
      setAlert(state, key, null, changes);
      continue;
    }
    const worst = outOfStep.reduce((a, b) => (b.lead > a.lead ? b : a));
    const severity: AlertSeverity = worst.lead > 2 * link.maxLeadPercent ? 'critical' : 'warning';
    setAlert(
      state,
      key,
      derivedAlert({
        key,
        kind: 'linked-operation-out-of-step',
        severity,
        operationId,
        subject: { type: 'operation', id: operationId },
        evidence: {
          observationIds: [],
          figures: {
            otherOperationId: link.other,
            maxLeadPercent: link.maxLeadPercent,
            daysOutOfStep: outOfStep.map((d) => d.day).join(','),
            worstDay: worst.day,
            worstLeadPercent: worst.lead,
            progressPercent: worst.mine,
            otherProgressPercent: worst.theirs,
          },
        },
        raisedAtMs: Date.parse(`${outOfStep[0]!.day}T00:00:00Z`),
      }),
      changes,
    );
  }
}

/**
 * evaluateSources re-derives `source-totals-diverge` for one operation and UTC day: each source's
 * latest reported total is kept, and the alert carries every figure and the min–max range.
 */
export function evaluateSources(
  state: ReconcileState,
  operationId: string,
  day: string,
  changes: AlertChange[],
): void {
  const key = alertKey('source-totals-diverge', operationId, day);
  const bySource = state.reports.get(`${operationId}|${day}`);
  const op = state.operations.get(operationId)!;
  if (!bySource || bySource.size < 2) {
    setAlert(state, key, null, changes);
    return;
  }
  const entries = [...bySource.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const totals = entries.map(([, r]) => r.total);
  const min = Math.min(...totals);
  const max = Math.max(...totals);
  if ((max - min) * 100 <= op.thresholds.sourceTolerancePercent * max) {
    setAlert(state, key, null, changes);
    return;
  }
  const figures: Record<string, number | string> = { day, min, max, sources: entries.length };
  for (const [source, report] of entries) figures[`source:${source}`] = report.total;
  setAlert(
    state,
    key,
    derivedAlert({
      key,
      kind: 'source-totals-diverge',
      severity: 'warning',
      operationId,
      subject: { type: 'operation', id: operationId },
      evidence: { observationIds: entries.map(([, r]) => r.clientId), figures },
      raisedAtMs: Math.max(...entries.map(([, r]) => r.atMs)),
    }),
    changes,
  );
}
