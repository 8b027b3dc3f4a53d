/**
 * vehicle-checks.ts — the per-vehicle alert rules, run on one leg at a time by deriveVehicle
 * (vehicle-derivation.ts): conflicting counts, people unaccounted between consecutive points,
 * overdue segments, excessive dwell at a checkpoint, and missing at arrival. Time-based rules have
 * the form `now ≥ deadline` and push their deadline to `wakes`, so tick knows when to look again.
 */
import { alertKey, derivedAlert } from '../alerts/lifecycle.js';
import type { Alert, OperationContext, Vehicle, Visit } from '../model.js';

const MINUTE = 60_000;

/** LegContext is one leg of one vehicle being checked, with where the checks put their output. */
export interface LegContext {
  readonly vehicle: Vehicle;
  readonly op: OperationContext;
  readonly alerts: Alert[];
  readonly wakes: number[];
  readonly now: number;
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
    const figures = Object.values(v.conflict.values);
    vehicleAlert(ctx, {
      key: alertKey('conflicting-observations', ctx.vehicle.id, ctx.leg, v.pointId),
      kind: 'conflicting-observations',
      severity: 'warning',
      evidence: {
        observationIds: v.conflict.observationIds,
        figures: {
          pointId: v.pointId,
          accepted: v.count,
          min: Math.min(...figures),
          max: Math.max(...figures),
          ...v.conflict.values,
        },
      },
      raisedAtMs: v.conflict.raisedAtMs,
    });
  }
}

export function checkDrops(ctx: LegContext): void {
  const counted = ctx.visits.filter((v) => v.count !== null);
  const arrival = ctx.arrived?.count ?? null;
  for (let i = 1; i < counted.length; i++) {
    const from = counted[i - 1]!;
    const to = counted[i]!;
    if (to.count! >= from.count!) continue;
    const recovered = arrival !== null && to !== ctx.arrived && arrival >= from.count!;
    vehicleAlert(ctx, {
      key: alertKey('people-unaccounted', ctx.vehicle.id, ctx.leg, from.pointId),
      kind: 'people-unaccounted',
      severity: recovered ? 'warning' : 'critical',
      evidence: {
        observationIds: [...ids(from), ...ids(to)],
        figures: {
          fromPointId: from.pointId,
          toPointId: to.pointId,
          before: from.count,
          after: to.count,
          missing: from.count! - to.count!,
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
    const overdue = to ? to.first >= deadline : now >= deadline;
    if (!to) ctx.wakes.push(deadline);
    if (!overdue) return;
    vehicleAlert(ctx, {
      key: alertKey('vehicle-overdue', ctx.vehicle.id, ctx.leg, from.pointId),
      kind: 'vehicle-overdue',
      severity: to ? 'warning' : 'critical',
      evidence: {
        observationIds: to ? [...ids(from), ...ids(to)] : ids(from),
        figures: {
          fromPointId: from.pointId,
          toPointId: to ? to.pointId : (op.points[target]?.id ?? null),
          lastSeenAt: new Date(from.last).toISOString(),
          expectedBy: new Date(deadline).toISOString(),
          seenAt: to ? new Date(to.first).toISOString() : null,
          expectedMinutes: expected / MINUTE,
        },
      },
      raisedAtMs: deadline,
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
    const dwelt = stillThere ? Math.max(v.last, ctx.now) : v.last;
    if (dwelt < deadline) continue;
    vehicleAlert(ctx, {
      key: alertKey('excessive-dwell', ctx.vehicle.id, ctx.leg, v.pointId),
      kind: 'excessive-dwell',
      severity: 'warning',
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
      raisedAtMs: deadline,
    });
  }
}

export function checkMissing(ctx: LegContext): void {
  if (ctx.op.endMs === null) return;
  const due = ctx.op.endMs + ctx.op.thresholds.arrivalGraceMinutes * MINUTE;
  ctx.wakes.push(due);
  if (ctx.now < due) return;
  const last = ctx.visits.at(-1)!;
  vehicleAlert(ctx, {
    key: alertKey('vehicle-missing-at-arrival', ctx.vehicle.id),
    kind: 'vehicle-missing-at-arrival',
    severity: 'critical',
    evidence: {
      observationIds: ids(last),
      figures: {
        lastPointId: last.pointId,
        lastSeenAt: new Date(last.last).toISOString(),
        lastCount: last.count,
        dueBy: new Date(due).toISOString(),
      },
    },
    raisedAtMs: due,
  });
}
