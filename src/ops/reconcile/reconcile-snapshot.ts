/**
 * reconcile-snapshot.ts — a plain, canonically ordered copy of a reconciliation state: what the
 * store persists, what the API returns, and what tests compare to prove that the incremental engine
 * and the full recompute agree. Maps become arrays sorted by key; the wake-up heap is left out.
 */
import type { Alert, VehicleDerivation, VehicleKind } from '../model.js';
import type { ReconcileState, Tally } from './reconcile-state.js';

export interface ReconcileSnapshot {
  readonly now: string;
  readonly observations: number;
  readonly vehicles: ReadonlyArray<{ readonly id: string } & VehicleDerivation>;
  readonly pointTallies: ReadonlyArray<{ readonly operationId: string; readonly pointId: string } & Tally>;
  readonly arrivalTallies: ReadonlyArray<
    { readonly operationId: string; readonly kind: VehicleKind } & Tally
  >;
  readonly convoyTallies: ReadonlyArray<{ readonly convoyId: string; readonly pointId: string } & Tally>;
  /** Unseen passages per `op|point|day`: the vehicles, sorted, with their medical flag. */
  readonly unmonitored: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, boolean]>]>;
  /** What each `op|point` reported: latest device time and per-monitor times. */
  readonly pointReports: ReadonlyArray<readonly [string, number, ReadonlyArray<readonly [string, number]>]>;
  /** Vehicles awaited per silent `op|point`, with since when. */
  readonly silent: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, number]>]>;
  readonly arrivalsByDay: ReadonlyArray<readonly [string, string, number]>;
  readonly movement: ReadonlyArray<readonly [string, readonly number[]]>;
  readonly alerts: readonly Alert[];
}

const byKey = <T>(entries: Iterable<[string, T]>) =>
  [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function flatTallies<K extends string>(map: Map<string, Map<K, Tally>>) {
  return byKey(map.entries()).flatMap(([outer, inner]) =>
    byKey(inner.entries())
      .filter(([, t]) => t.vehicles !== 0 || t.people !== 0)
      .map(([k, t]) => ({ outer, inner: k, tally: { ...t } })),
  );
}

/** snapshotState returns the state as plain data in canonical order. */
export function snapshotState(state: ReconcileState): ReconcileSnapshot {
  return {
    now: new Date(state.now).toISOString(),
    observations: state.observations.size,
    vehicles: byKey(state.derived.entries()).map(([id, d]) => ({ id, ...d })),
    pointTallies: flatTallies(state.pointTallies).map((t) => ({
      operationId: t.outer,
      pointId: t.inner,
      ...t.tally,
    })),
    arrivalTallies: flatTallies(state.arrivalTallies).map((t) => ({
      operationId: t.outer,
      kind: t.inner as VehicleKind,
      ...t.tally,
    })),
    convoyTallies: flatTallies(state.convoyTallies).map((t) => ({
      convoyId: t.outer,
      pointId: t.inner,
      ...t.tally,
    })),
    unmonitored: byKey(state.unmonitored.entries())
      .filter(([, vehicles]) => vehicles.size > 0)
      .map(([slot, vehicles]) => [slot, byKey(vehicles.entries())] as const),
    pointReports: byKey(state.pointReports.entries()).map(
      ([slot, r]) => [slot, r.upToMs, byKey(r.monitors.entries())] as const,
    ),
    silent: byKey(state.silent.entries())
      .filter(([, vehicles]) => vehicles.size > 0)
      .map(([slot, vehicles]) => [slot, byKey(vehicles.entries())] as const),
    arrivalsByDay: byKey(state.arrivalsByDay.entries()).flatMap(([op, days]) =>
      byKey(days.entries()).map(([day, n]) => [op, day, n] as const),
    ),
    movement: byKey(state.movement.entries()),
    alerts: byKey(state.alerts.entries()).map(([, a]) => a),
  };
}
