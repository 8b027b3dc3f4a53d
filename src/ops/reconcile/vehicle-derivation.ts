/**
 * vehicle-derivation.ts — what one vehicle's observations say, as a pure function of those
 * observations, its operation and the clock: its legs (a turned-back vehicle starts a new leg at its
 * next sighting), the accepted headcount at each point, its arrival, and the vehicle's alerts
 * (people unaccounted, overdue, excessive dwell, missing at arrival, conflicting observations) plus
 * its share of aggregate ones (turned back, unmonitored points). Every time-based condition has the
 * form `now ≥ deadline`, and `nextWakeAt` is the earliest deadline still ahead, so the result is
 * constant between wake-ups: that is what lets `tick` and a full recompute agree.
 */
import type {
  Alert,
  FrontierDependency,
  OperationContext,
  TrackedObservation,
  Vehicle,
  VehicleDerivation,
  Visit,
} from '../model.js';
import {
  checkConflicts,
  checkDrops,
  checkDwell,
  checkMissing,
  checkTransits,
  type TimingStep,
  vehicleTimingAlert,
} from './vehicle-checks.js';

/** compareTracked orders observations by device time, then client id, then device key (a total order). */
export function compareTracked(a: TrackedObservation, b: TrackedObservation): number {
  return (
    a.deviceMs - b.deviceMs ||
    (a.obs.clientId < b.obs.clientId ? -1 : a.obs.clientId > b.obs.clientId ? 1 : 0) ||
    (a.obs.deviceKeyId < b.obs.deviceKeyId ? -1 : a.obs.deviceKeyId > b.obs.deviceKeyId ? 1 : 0)
  );
}

/**
 * FrontierProbe answers "has this point reported past t?" from the points' frontiers and remembers
 * every answer it gave, so the engine knows which frontier moves can change this derivation: a
 * `true` stands while the frontier stays above t, a `false` while it stays at or below t.
 */
export class FrontierProbe {
  readonly #frontier: (pointId: string) => number;
  readonly #deps = new Map<string, { passed: number; awaited: number }>();

  constructor(frontier: (pointId: string) => number) {
    this.#frontier = frontier;
  }

  /** past says whether `pointId` has reported past `ms` (its frontier is later than `ms`). */
  past(pointId: string, ms: number): boolean {
    const yes = this.#frontier(pointId) > ms;
    this.#note(pointId, yes, ms);
    return yes;
  }

  /**
   * pastOrUnwatched is `past`, except that a point nobody ever reported from counts as reported: nobody
   * is watching it, so waiting for it would wait forever (unseen passages are judged at once).
   */
  pastOrUnwatched(pointId: string, ms: number): boolean {
    const frontier = this.#frontier(pointId);
    const yes = frontier === Number.NEGATIVE_INFINITY || frontier > ms;
    this.#note(pointId, yes, ms);
    return yes;
  }

  #note(pointId: string, yes: boolean, ms: number): void {
    let dep = this.#deps.get(pointId);
    if (!dep) {
      dep = { passed: Number.NEGATIVE_INFINITY, awaited: Number.POSITIVE_INFINITY };
      this.#deps.set(pointId, dep);
    }
    if (yes) dep.passed = Math.max(dep.passed, ms);
    else dep.awaited = Math.min(dep.awaited, ms);
  }

  /** dependencies lists what the answers assumed, by point id. */
  dependencies(): FrontierDependency[] {
    return [...this.#deps]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([pointId, d]) => ({ pointId, passed: d.passed, awaited: d.awaited }));
  }
}

interface Leg {
  readonly visits: Map<string, Visit>;
  turnedBack: TrackedObservation | null;
}

/** deriveVehicle derives a vehicle's state from its observations sorted by `compareTracked`. */
export function deriveVehicle(
  vehicle: Vehicle,
  sorted: readonly TrackedObservation[],
  op: OperationContext,
  now: number,
  frontier: (pointId: string) => number = () => Number.POSITIVE_INFINITY,
): VehicleDerivation {
  const probe = new FrontierProbe(frontier);
  const reportedPast = (pointId: string, ms: number) => probe.past(pointId, ms);
  const legs = splitLegs(sorted, op);
  const alerts: Alert[] = [];
  const wakes: number[] = [];
  const timing: TimingStep[] = [];
  const awaiting: Array<{ pointId: string; sinceMs: number }> = [];
  const turnedBack: Array<{ pointId: string; atMs: number; observationId: string }> = [];
  const unmonitored: Array<{ pointId: string; day: string; medical: boolean }> = [];
  const base = { vehicle, op, alerts, wakes, now, reportedPast, timing, awaiting };
  legs.forEach((leg, legIndex) => {
    const visits = [...leg.visits.values()].sort((a, b) => a.index - b.index);
    for (const v of visits) settleVisit(v);
    const isFinal = legIndex === legs.length - 1;
    const arrived = visits.find((v) => op.points[v.index]?.kind === 'destination') ?? null;
    const open = isFinal && visits.length > 0 && !arrived && !leg.turnedBack;
    const ctx = { ...base, leg: legIndex, visits, arrived, open };
    checkConflicts(ctx);
    checkDrops(ctx);
    checkTransits(ctx);
    checkDwell(ctx);
    if (leg.turnedBack) {
      const t = leg.turnedBack;
      turnedBack.push({ pointId: t.obs.routePointId, atMs: t.deviceMs, observationId: t.obs.clientId });
    }
    const medical = vehicle.kind === 'ambulance' || visits.some((v) => (v.categories?.medical ?? 0) > 0);
    unmonitored.push(...unmonitoredPoints(visits, op, medical, probe));
  });
  const final = legs.at(-1);
  const finalVisits = final ? [...final.visits.values()].sort((a, b) => a.index - b.index) : [];
  const arrivedVisit = finalVisits.find((v) => op.points[v.index]?.kind === 'destination') ?? null;
  const open = finalVisits.length > 0 && !arrivedVisit && !final?.turnedBack;
  const missing =
    open && checkMissing({ ...base, leg: legs.length - 1, visits: finalVisits, arrived: null, open });
  const timingAlert = vehicleTimingAlert(vehicle, op, timing);
  if (timingAlert) alerts.push(timingAlert);
  // Once missing (the operation is over), a silent point no longer explains the vehicle's absence.
  const waitingFor = missing ? null : (awaiting.sort((a, b) => a.sinceMs - b.sinceMs)[0] ?? null);
  const future = wakes.filter((w) => w > now);
  return {
    legCount: legs.length,
    finalCounts: finalVisits.map((v) => ({ pointId: v.pointId, count: v.count, atMs: v.first })),
    arrival: arrivedVisit
      ? {
          count: arrivedVisit.count,
          medical:
            arrivedVisit.categories?.medical ??
            (vehicle.kind === 'ambulance' ? (arrivedVisit.count ?? 0) : 0),
          atMs: arrivedVisit.first,
          monitors: arrivedVisit.support,
        }
      : null,
    open,
    missing,
    turnedBack,
    unmonitored,
    awaiting: waitingFor,
    frontierDeps: probe.dependencies(),
    alerts,
    nextWakeAt: future.length > 0 ? Math.min(...future) : null,
  };
}

function splitLegs(sorted: readonly TrackedObservation[], op: OperationContext): Leg[] {
  const legs: Leg[] = [];
  let leg: Leg | null = null;
  for (const t of sorted) {
    if (!leg || leg.turnedBack) {
      leg = { visits: new Map(), turnedBack: null };
      legs.push(leg);
    }
    if (t.obs.kind === 'turned-back') {
      leg.turnedBack = t;
      continue;
    }
    const index = op.pointIndex.get(t.obs.routePointId);
    if (index === undefined) continue;
    let visit = leg.visits.get(t.obs.routePointId);
    if (!visit) {
      visit = {
        pointId: t.obs.routePointId,
        index,
        first: t.deviceMs,
        last: t.deviceMs,
        observations: [],
        count: null,
        low: null,
        high: null,
        support: 0,
        categories: null,
        conflict: null,
      };
      leg.visits.set(t.obs.routePointId, visit);
    }
    visit.observations.push(t);
    visit.first = Math.min(visit.first, t.deviceMs);
    visit.last = Math.max(visit.last, t.deviceMs);
  }
  return legs;
}

/**
 * settleVisit picks the accepted headcount at a point: each monitor's latest single-vehicle figure
 * counts once; the figure most monitors gave wins. With no majority (a tie) the lower of the tied
 * figures is used, so totals never count people that a monitor did not see. Different figures from
 * different monitors are a conflict; all are kept as evidence and the count carries its range
 * (`low`–`high`) for the rules that compare counts (issue 13.3).
 */
function settleVisit(visit: Visit): void {
  const byMonitor = new Map<string, TrackedObservation>();
  for (const t of visit.observations) {
    if (t.obs.vehicleIds.length !== 1 || t.obs.headcount === null) continue;
    byMonitor.set(t.obs.monitorId, t); // sorted ascending: the latest per monitor wins
  }
  if (byMonitor.size === 0) return;
  const tally = new Map<number, { votes: number; earliest: TrackedObservation }>();
  for (const t of [...byMonitor.values()].sort(compareTracked)) {
    const n = t.obs.headcount!;
    const entry = tally.get(n);
    if (entry) entry.votes += 1;
    else tally.set(n, { votes: 1, earliest: t });
  }
  const most = Math.max(...[...tally.values()].map((e) => e.votes));
  const leaders = [...tally.entries()].filter(([, e]) => e.votes === most).sort(([a], [b]) => a - b);
  const [count, best] = leaders[0]!;
  const figures = [...tally.keys()];
  visit.count = count;
  visit.low = Math.min(...figures);
  visit.high = Math.max(...figures);
  visit.support = best.votes;
  visit.categories = best.earliest.obs.categories;
  if (tally.size > 1) {
    const ordered = [...byMonitor.values()].sort(compareTracked);
    const seen = new Set<number>();
    let raisedAtMs = 0;
    for (const t of ordered) {
      seen.add(t.obs.headcount!);
      if (seen.size === 2) {
        raisedAtMs = t.deviceMs;
        break;
      }
    }
    const values: Record<string, number> = {};
    for (const [monitor, t] of [...byMonitor.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      values[`monitor:${monitor}`] = t.obs.headcount!;
    }
    visit.conflict = {
      values,
      raisedAtMs,
      observationIds: ordered.map((t) => t.obs.clientId),
      basis: leaders.length > 1 ? 'tie' : 'majority',
    };
  }
}

/**
 * unmonitoredPoints lists the monitored route points a leg passed without a sighting: every point
 * before the furthest one seen. Each counts on the UTC day of the next sighting after it. A point
 * whose monitors have reported before, but not yet up to that next sighting, may still send the
 * sighting (a phone syncing late): it is left out, and the probe's record of it makes the engine
 * judge it again when the point reports further (no news is not bad news, issue 13.2). A point that
 * never reported anything is judged at once: nobody is watching it.
 */
function unmonitoredPoints(
  visits: readonly Visit[],
  op: OperationContext,
  medical: boolean,
  probe: FrontierProbe,
): Array<{ pointId: string; day: string; medical: boolean }> {
  const out: Array<{ pointId: string; day: string; medical: boolean }> = [];
  let next = 0;
  const furthest = visits.at(-1)?.index ?? -1;
  for (let i = 0; i < furthest; i++) {
    while (visits[next] && visits[next]!.index < i) next++;
    const visit = visits[next];
    if (!visit || visit.index === i) continue;
    const point = op.points[i]!;
    if (point.monitored === false) continue;
    // Its sighting would be earlier than the next one: reported up to just before it is enough.
    if (!probe.pastOrUnwatched(point.id, visit.first - 1)) continue;
    out.push({ pointId: point.id, day: new Date(visit.first).toISOString().slice(0, 10), medical });
  }
  return out;
}
