/**
 * vehicle-checks.ts — the per-vehicle alert rules, run on one leg at a time by deriveVehicle
 * (vehicle-derivation.ts): conflicting counts, people unaccounted between consecutive points,
 * overdue segments, excessive dwell at a checkpoint, and missing at arrival. Time-based rules have
 * the form `now ≥ deadline` and push their deadline to `wakes`, so tick knows when to look again.
 *
 * No news is not bad news (issue 13.2, DESIGN rule 9): a vehicle is overdue at point P, or held
 * before it, only once P has reported past the deadline without it; until then it is `awaiting` P,
 * which feeds one `point-not-reporting` alert for P. The time-based conditions of one vehicle
 * (overdue, held, missing) are one alert whose kind and severity escalate, with its history.
 */
import { alertKey, derivedAlert } from '../alerts/lifecycle.js';
import type {
  Alert,
  AlertEvidence,
  AlertKind,
  AlertSeverity,
  OperationContext,
  Vehicle,
  Visit,
} from '../model.js';

const MINUTE = 60_000;

/** TimingStep is one time-based condition of a vehicle (merged into its one timing alert). */
export interface TimingStep {
  readonly kind: Extract<AlertKind, 'vehicle-overdue' | 'excessive-dwell' | 'vehicle-missing-at-arrival'>;
  readonly severity: AlertSeverity;
  readonly sinceMs: number;
  readonly evidence: AlertEvidence;
}

/** LegContext is one leg of one vehicle being checked, with where the checks put their output. */
export interface LegContext {
  readonly vehicle: Vehicle;
  readonly op: OperationContext;
  readonly alerts: Alert[];
  readonly timing: TimingStep[];
  readonly awaiting: Array<{ pointId: string; sinceMs: number }>;
  readonly wakes: number[];
  readonly now: number;
  /**
   * Whether a route point has reported past `ms`: every monitor on watch there has sent a later
   * sighting, so none of theirs up to `ms` is still on its way (vehicle-derivation.ts FrontierProbe).
   */
  readonly reportedPast: (pointId: string, ms: number) => boolean;
  readonly leg: number;
  readonly visits: readonly Visit[];
  readonly arrived: Visit | null;
  readonly open: boolean;
}

function vehicleAlert(
  ctx: LegContext,
  fields: Omit<Parameters<typeof derivedAlert>[0], 'operationId' | 'subject'>,
) {
  ctx.alerts.push(
    derivedAlert({
      ...fields,
      operationId: ctx.op.operation.id,
      subject: { type: 'vehicle', id: ctx.vehicle.id },
    }),
  );
}

const ids = (visit: Visit) => visit.observations.map((t) => t.obs.clientId);

export function checkConflicts(ctx: LegContext): void {
  for (const v of ctx.visits) {
    if (!v.conflict) continue;
    vehicleAlert(ctx, {
      key: alertKey('conflicting-observations', ctx.vehicle.id, ctx.leg, v.pointId),
      kind: 'conflicting-observations',
      severity: 'warning',
      evidence: {
        observationIds: v.conflict.observationIds,
        figures: {
          pointId: v.pointId,
          accepted: v.count,
          min: v.low,
          max: v.high,
          // Which figure the totals use, and why: the majority's, or on a tie the lower one.
          basis: v.conflict.basis,
          ...v.conflict.values,
        },
      },
      raisedAtMs: v.conflict.raisedAtMs,
    });
  }
}

/**
 * checkDrops raises `people-unaccounted` when a vehicle carries fewer people at a point than at the
 * one before. With disputed counts it compares the most favourable figures (the lowest before, the
 * highest after), so a tie between monitors is never reported as a loss.
 */
export function checkDrops(ctx: LegContext): void {
  const counted = ctx.visits.filter((v) => v.count !== null);
  const arrival = ctx.arrived?.high ?? null;
  for (let i = 1; i < counted.length; i++) {
    const from = counted[i - 1]!;
    const to = counted[i]!;
    if (to.high! >= from.low!) continue;
    const recovered = arrival !== null && to !== ctx.arrived && arrival >= from.low!;
    vehicleAlert(ctx, {
      key: alertKey('people-unaccounted', ctx.vehicle.id, ctx.leg, from.pointId),
      kind: 'people-unaccounted',
      severity: recovered ? 'warning' : 'critical',
      evidence: {
        observationIds: [...ids(from), ...ids(to)],
        figures: {
          fromPointId: from.pointId,
          toPointId: to.pointId,
          before: from.low,
          after: to.high,
          missing: from.low! - to.high!,
          arrivalCount: arrival,
          recoveredAtArrival: recovered,
        },
      },
      raisedAtMs: to.first,
    });
  }
}

/** expectedMs returns the planned transit time from route index `a` to `b`, or null if unplanned. */
function expectedMs(op: OperationContext, a: number, b: number): number | null {
  let total = 0;
  for (let i = a; i < b; i++) {
    const minutes = op.points[i]?.expectedMinutesToNext;
    if (minutes === undefined) return null;
    total += minutes * MINUTE;
  }
  return total;
}

export function checkTransits(ctx: LegContext): void {
  const { visits, op, now } = ctx;
  visits.forEach((from, i) => {
    const to = visits[i + 1];
    const target = to ? to.index : from.index + 1;
    if (!to && (!ctx.open || target >= op.points.length)) return;
    const expected = expectedMs(op, from.index, target);
    if (expected === null) return;
    const deadline = from.last + expected;
    const targetId = to ? to.pointId : op.points[target]!.id;
    if (!to) {
      ctx.wakes.push(deadline);
      if (now < deadline) return;
      if (!ctx.reportedPast(targetId, deadline)) {
        ctx.awaiting.push({ pointId: targetId, sinceMs: deadline });
        return;
      }
    } else if (to.first < deadline) return;
    ctx.timing.push({
      kind: 'vehicle-overdue',
      severity: to ? 'warning' : 'critical',
      sinceMs: deadline,
      evidence: {
        observationIds: to ? [...ids(from), ...ids(to)] : ids(from),
        figures: {
          fromPointId: from.pointId,
          toPointId: targetId,
          lastSeenAt: new Date(from.last).toISOString(),
          expectedBy: new Date(deadline).toISOString(),
          seenAt: to ? new Date(to.first).toISOString() : null,
          expectedMinutes: expected / MINUTE,
        },
      },
    });
  });
}

export function checkDwell(ctx: LegContext): void {
  const maxMs = ctx.op.thresholds.maxDwellMinutes * MINUTE;
  const lastVisit = ctx.visits.at(-1);
  for (const v of ctx.visits) {
    const kind = ctx.op.points[v.index]?.kind;
    if (kind !== 'checkpoint' && kind !== 'waypoint') continue;
    const deadline = v.first + maxMs;
    const stillThere = ctx.open && v === lastVisit;
    if (stillThere) ctx.wakes.push(deadline);
    // The point's own monitors saw it there past the limit: bad news, whatever else reports.
    let held = v.last >= deadline;
    if (!held && stillThere && ctx.now >= deadline) {
      const next = ctx.op.points[v.index + 1];
      if (next && !ctx.reportedPast(next.id, deadline))
        ctx.awaiting.push({ pointId: next.id, sinceMs: deadline });
      else held = true;
    }
    if (!held) continue;
    ctx.timing.push({
      kind: 'excessive-dwell',
      severity: 'warning',
      sinceMs: deadline,
      evidence: {
        observationIds: ids(v),
        figures: {
          pointId: v.pointId,
          firstSeenAt: new Date(v.first).toISOString(),
          lastSeenAt: new Date(v.last).toISOString(),
          stillThere,
          maxDwellMinutes: ctx.op.thresholds.maxDwellMinutes,
        },
      },
    });
  }
}

/** checkMissing marks an open vehicle missing once the operation ended and the grace passed. */
export function checkMissing(ctx: LegContext): boolean {
  if (ctx.op.endMs === null) return false;
  const due = ctx.op.endMs + ctx.op.thresholds.arrivalGraceMinutes * MINUTE;
  ctx.wakes.push(due);
  if (ctx.now < due) return false;
  const last = ctx.visits.at(-1)!;
  ctx.timing.push({
    kind: 'vehicle-missing-at-arrival',
    severity: 'critical',
    sinceMs: due,
    evidence: {
      observationIds: ids(last),
      figures: {
        lastPointId: last.pointId,
        lastSeenAt: new Date(last.last).toISOString(),
        lastCount: last.count,
        dueBy: new Date(due).toISOString(),
      },
    },
  });
  return true;
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * vehicleTimingAlert folds a vehicle's time-based conditions into its one timing alert: the kind,
 * severity and evidence of the gravest (the latest among equals), raised when the first began, with
 * every condition in its history. Its key does not name the kind, so escalation updates one alert.
 */
export function vehicleTimingAlert(
  vehicle: Vehicle,
  op: OperationContext,
  steps: TimingStep[],
): Alert | null {
  if (steps.length === 0) return null;
  const ordered = [...steps].sort(
    (a, b) => a.sinceMs - b.sinceMs || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0),
  );
  let worst = ordered[0]!;
  for (const s of ordered) if (SEVERITY_RANK[s.severity] >= SEVERITY_RANK[worst.severity]) worst = s;
  return derivedAlert({
    key: `vehicle-timing:${vehicle.id}`,
    kind: worst.kind,
    severity: worst.severity,
    operationId: op.operation.id,
    subject: { type: 'vehicle', id: vehicle.id },
    evidence: worst.evidence,
    raisedAtMs: ordered[0]!.sinceMs,
    history: ordered.map((s) => ({
      kind: s.kind,
      severity: s.severity,
      since: new Date(s.sinceMs).toISOString(),
    })),
  });
}
