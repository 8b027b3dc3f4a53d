/**
 * no-news.ts — `operation-no-news`: every phone of an active operation has gone quiet (issue 13,
 * the stall alarm when nobody reports). Per-point silence is `point-not-reporting` and needs a
 * vehicle awaited there; a stall needs the points to have reported past it. Neither fires when no
 * observation arrives at all, which is exactly when the coordinators must hear of it.
 *
 * The gap is judged on receipt (`receivedTime`, the server's clock), not on device time: it is about
 * the channel, and a late sync *is* news. It starts at the latest receipt of any of the operation's
 * observations (or, before the first, when the operation first became active) and only moving time
 * counts (active or resumed, as for stalls), so a suspension pauses it and a completed or not yet
 * started operation never raises it. The operation's stall limit is the limit: warning once the gap
 * holds that much moving time, critical at twice it — one alert (keyed by the gap's start) whose
 * severity escalates, with its history. News closes the gap: the alert is withdrawn (retracted if
 * nobody acted on it, resolved with a note otherwise) and the next gap, if any, is a new alert — so a
 * late-sync replay raises at most one per gap, never one per observation. Judged on the engine's
 * clock at every tick (a wake-up at each threshold), never on wall-clock.
 */
import { alertKey, derivedAlert } from '../alerts/lifecycle.js';
import type { AlertStep } from '../model.js';
import { instantAfterMoving, statusAt } from '../operation-status.js';
import { type AlertChange, type ReconcileState, scheduleWake, setAlert } from './reconcile-state.js';

const MINUTE = 60_000;

/**
 * noteNews records the receipt time of one admitted observation of `operationId` and re-judges the
 * operation's silence when it is the latest news.
 */
export function noteNews(
  state: ReconcileState,
  operationId: string,
  receivedMs: number,
  changes: AlertChange[],
): void {
  const latest = state.newsAt.get(operationId);
  if (Number.isNaN(receivedMs) || (latest !== undefined && receivedMs <= latest)) return;
  state.newsAt.set(operationId, receivedMs);
  evaluateNoNews(state, operationId, changes);
}

/**
 * recomputeNews sets the operation's latest receipt again from its stored observations (after a
 * re-send carried an earlier receipt time, which the store keeps), so the gap is a function of the
 * record, not of the order. Rare: only a re-send received before its first copy.
 */
export function recomputeNews(state: ReconcileState, operationId: string, changes: AlertChange[]): void {
  let latest = Number.NEGATIVE_INFINITY;
  for (const o of state.observations.values()) {
    if (o.operationId !== operationId) continue;
    const t = Date.parse(o.receivedTime);
    if (t > latest) latest = t;
  }
  if (latest === Number.NEGATIVE_INFINITY) state.newsAt.delete(operationId);
  else state.newsAt.set(operationId, latest);
  evaluateNoNews(state, operationId, changes);
}

/**
 * evaluateNoNews re-derives the operation's `operation-no-news` alert at `state.now` and schedules
 * the next instant at which it may change (the warning, the escalation, the completion).
 */
export function evaluateNoNews(state: ReconcileState, operationId: string, changes: AlertChange[]): void {
  const op = state.operations.get(operationId);
  if (!op) return;
  const previousKey = state.noNewsKeys.get(operationId);
  const news = state.newsAt.get(operationId);
  const from = news ?? op.timeline[0]?.[0];
  const limit = op.thresholds.stallAfterMinutes * MINUTE;
  const warnAt = from === undefined ? null : instantAfterMoving(op.timeline, from, limit);
  const critAt = from === undefined ? null : instantAfterMoving(op.timeline, from, 2 * limit);
  const completed = op.operation.statusHistory.find((c) => c.status === 'completed');
  const completedMs = completed ? Date.parse(completed.at) : null;
  const ended = statusAt(op.operation.statusHistory, state.now) === 'completed';
  const wakes = [warnAt, critAt, completedMs].filter((t): t is number => t !== null && t > state.now);
  scheduleWake(state, `news:${operationId}`, wakes.length > 0 ? Math.min(...wakes) : null);
  const silent = !ended && from !== undefined && warnAt !== null && state.now >= warnAt;
  const key =
    from === undefined ? null : alertKey('operation-no-news', operationId, new Date(from).toISOString());
  if (previousKey !== undefined && (!silent || previousKey !== key)) {
    setAlert(state, previousKey, null, changes);
    state.noNewsKeys.delete(operationId);
  }
  if (!silent || key === null) return;
  const critical = critAt !== null && state.now >= critAt;
  const history: AlertStep[] = [
    { kind: 'operation-no-news', severity: 'warning', since: new Date(warnAt).toISOString() },
  ];
  if (critical)
    history.push({ kind: 'operation-no-news', severity: 'critical', since: new Date(critAt).toISOString() });
  state.noNewsKeys.set(operationId, key);
  setAlert(
    state,
    key,
    derivedAlert({
      key,
      kind: 'operation-no-news',
      severity: critical ? 'critical' : 'warning',
      operationId,
      subject: { type: 'operation', id: operationId },
      evidence: {
        observationIds: [],
        figures: {
          lastReceivedAt: news === undefined ? null : new Date(news).toISOString(),
          silentSince: new Date(from).toISOString(),
          thresholdMinutes: op.thresholds.stallAfterMinutes,
          criticalAfterMinutes: 2 * op.thresholds.stallAfterMinutes,
        },
      },
      raisedAtMs: warnAt,
      history,
    }),
    changes,
  );
}
