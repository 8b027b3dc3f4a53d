/**
 * segment-learning.ts — expected transit times learned from observed traffic. Overdue alerts need
 * an expected time per segment; when the plan has none (or a poor one), the median of the transits
 * seen so far, times a safety factor, is a fair expectation. Learning is a batch step (O(n) over
 * the state) that returns a new operation; the service re-runs `reconcileAll` with it, so the live
 * engine never sees a threshold move under it (which would break incremental = full recompute).
 */
import type { Operation } from '../model.js';
import type { ReconcileState } from '../reconcile/reconcile-state.js';

/** LearnedSegment is the median observed transit from route point `fromPointId` to the next one. */
export interface LearnedSegment {
  readonly fromPointId: string;
  readonly samples: number;
  readonly medianMinutes: number;
  readonly expectedMinutes: number;
}

/**
 * learnSegmentTimes returns, for each segment with at least `minSamples` direct transits (a vehicle
 * seen at point i, then next at point i+1), the median transit and `factor` × median, rounded up.
 */
export function learnSegmentTimes(
  state: ReconcileState,
  operationId: string,
  options: { factor?: number; minSamples?: number } = {},
): LearnedSegment[] {
  const op = state.operations.get(operationId);
  if (!op) throw new RangeError(`no operation ${operationId}`);
  const factor = options.factor ?? 1.5;
  const minSamples = options.minSamples ?? 10;
  const samples = op.points.map((): number[] => []);
  for (const vehicle of state.vehicles.values()) {
    if (vehicle.operationId !== operationId) continue;
    let previous: { index: number; last: number } | null = null;
    for (const { obs, deviceMs } of state.tracks.get(vehicle.id) ?? []) {
      const index = op.pointIndex.get(obs.routePointId);
      if (index === undefined || obs.kind === 'turned-back' || obs.kind === 'reported-total') {
        previous = null;
        continue;
      }
      if (previous && index === previous.index) previous.last = deviceMs;
      else {
        if (previous && index === previous.index + 1) samples[previous.index]!.push(deviceMs - previous.last);
        previous = { index, last: deviceMs };
      }
    }
  }
  const out: LearnedSegment[] = [];
  samples.forEach((list, i) => {
    if (list.length < minSamples || i === op.points.length - 1) return;
    list.sort((a, b) => a - b);
    const mid = list.length >> 1;
    const median = list.length % 2 ? list[mid]! : (list[mid - 1]! + list[mid]!) / 2;
    const medianMinutes = median / 60_000;
    out.push({
      fromPointId: op.points[i]!.id,
      samples: list.length,
      medianMinutes: Math.round(medianMinutes),
      expectedMinutes: Math.ceil(medianMinutes * factor),
    });
  });
  return out;
}

/** withLearnedSegmentTimes returns the operation with the learned expectations on its route points. */
export function withLearnedSegmentTimes(operation: Operation, learned: readonly LearnedSegment[]): Operation {
  const byPoint = new Map(learned.map((l) => [l.fromPointId, l.expectedMinutes] as const));
  return {
    ...operation,
    route: operation.route.map((p) =>
      byPoint.has(p.id) ? { ...p, expectedMinutesToNext: byPoint.get(p.id)! } : p,
    ),
  };
}
