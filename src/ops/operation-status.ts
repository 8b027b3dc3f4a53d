/**
 * operation-status.ts — an operation's status history as a timeline: which transitions are allowed
 * (planned → active → suspended ⇄ resumed → completed), the status at an instant, and how much of an
 * interval the operation was moving (active or resumed). Reconciliation uses the timeline for stall
 * and missing-at-arrival alerts.
 */
import { OpsError } from './errors.js';
import type { MovingTimeline, Operation, OperationStatus, StatusChange } from './model.js';

const ALLOWED: Readonly<Record<OperationStatus, readonly OperationStatus[]>> = {
  planned: ['active', 'completed'],
  active: ['suspended', 'completed'],
  suspended: ['resumed', 'completed'],
  resumed: ['suspended', 'completed'],
  completed: [],
};

/** isMoving says whether people may be on the road under `status`. */
export function isMoving(status: OperationStatus): boolean {
  return status === 'active' || status === 'resumed';
}

/**
 * validateStatusHistory checks that the history starts at `planned` or `active`, that each step is an
 * allowed transition at a non-decreasing time, and that suspensions give a reason. It throws
 * OpsError('INVALID_STATUS_CHANGE') naming the offending entry.
 */
export function validateStatusHistory(history: readonly StatusChange[]): void {
  let previous: StatusChange | undefined;
  history.forEach((change, index) => {
    const fail = (message: string) => new OpsError('INVALID_STATUS_CHANGE', message, { index, ...change });
    const at = Date.parse(change.at);
    if (Number.isNaN(at)) throw fail('status time is not an ISO 8601 time');
    if (!previous) {
      if (change.status !== 'planned' && change.status !== 'active')
        throw fail('history starts planned or active');
    } else {
      if (!ALLOWED[previous.status].includes(change.status)) {
        throw fail(`${previous.status} cannot become ${change.status}`);
      }
      if (at < Date.parse(previous.at)) throw fail('status history goes back in time');
    }
    if (change.status === 'suspended' && change.reason.trim() === '')
      throw fail('a suspension needs a reason');
    previous = change;
  });
}

/** appendStatusChange returns the history with `change` added, after checking the transition. */
export function appendStatusChange(history: readonly StatusChange[], change: StatusChange): StatusChange[] {
  const next = [...history, change];
  validateStatusHistory(next);
  return next;
}

/** statusAt returns the operation's status at `atMs` (planned before its first entry). */
export function statusAt(history: readonly StatusChange[], atMs: number): OperationStatus {
  let status: OperationStatus = 'planned';
  for (const change of history) {
    if (Date.parse(change.at) > atMs) break;
    status = change.status;
  }
  return status;
}

/** completedAtMs returns when the operation completed, or null. */
export function completedAtMs(operation: Operation): number | null {
  const done = operation.statusHistory.find((c) => c.status === 'completed');
  return done ? Date.parse(done.at) : null;
}

/** movingTimeline returns the intervals of `history` with status active or resumed. */
export function movingTimeline(history: readonly StatusChange[]): MovingTimeline {
  const out: Array<[number, number]> = [];
  let start: number | null = null;
  for (const change of history) {
    const at = Date.parse(change.at);
    if (isMoving(change.status)) {
      if (start === null) start = at;
    } else if (start !== null) {
      out.push([start, at]);
      start = null;
    }
  }
  if (start !== null) out.push([start, Number.POSITIVE_INFINITY]);
  return out;
}

/** movingMs returns how many milliseconds of [from, to) fall inside the timeline's intervals. */
export function movingMs(timeline: MovingTimeline, from: number, to: number): number {
  let total = 0;
  for (const [a, b] of timeline) {
    const lo = Math.max(a, from);
    const hi = Math.min(b, to);
    if (hi > lo) total += hi - lo;
  }
  return total;
}

/**
 * instantAfterMoving returns the earliest instant t ≥ from at which [from, t) holds `needMs` of
 * moving time, or null if the timeline never accumulates that much.
 */
export function instantAfterMoving(timeline: MovingTimeline, from: number, needMs: number): number | null {
  let left = needMs;
  for (const [a, b] of timeline) {
    const lo = Math.max(a, from);
    if (b <= lo) continue;
    if (b - lo >= left) return lo + left;
    left -= b - lo;
  }
  return null;
}
