/**
 * attention.ts — what a coordinator must see first, as pure functions of the operation's view:
 * unresolved alerts grouped by what they are about (critical first), the people arrived, on the
 * road and at each point, and whether the figures are stale (the live stream is down, or nothing
 * has arrived for QUIET_MINUTES while the operation is moving).
 */
import type { Alert, RoutePoint, Severity, VehicleRow } from '../api/types.js';

/** The view's vehicles carry the people on board at their latest point (null: not counted alone). */
export type LiveVehicle = VehicleRow & { readonly people?: number | null };
/** The view's route points carry when each last saw anything. */
export type LivePoint = RoutePoint & { readonly lastObservedAt?: string | null };

/** QUIET_MINUTES without any observation makes a moving operation's figures stale. */
export const QUIET_MINUTES = 15;

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };
const STATE_RANK = { open: 0, acknowledged: 1, resolved: 2 } as const;

/** compareAlerts orders alerts for attention: unresolved first, critical first, open before acknowledged, newest first. */
export function compareAlerts(a: Alert, b: Alert): number {
  const resolved = Number(a.state === 'resolved') - Number(b.state === 'resolved');
  return (
    resolved ||
    (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3) ||
    STATE_RANK[a.state] - STATE_RANK[b.state] ||
    b.raisedAt.localeCompare(a.raisedAt)
  );
}

export interface AlertGroup {
  /** `vehicle:veh-1`, `operation:op-1`, … */
  readonly key: string;
  readonly subjectType: string;
  readonly subjectId: string;
  /** The subject as people know it (a marking, a place, a convoy), or its id. */
  readonly label: string;
  readonly severity: Severity;
  /** Its alerts, most urgent first. */
  readonly alerts: readonly Alert[];
}

function subjectOf(alert: Alert): { type: string; id: string } {
  const s = alert.subject as { type?: unknown; id?: unknown } | string | null;
  if (typeof s === 'string') return { type: 'other', id: s };
  return { type: typeof s?.type === 'string' ? s.type : 'other', id: String(s?.id ?? '') };
}

/** groupAlerts groups the unresolved alerts by subject, the most urgent group first. */
export function groupAlerts(alerts: readonly Alert[]): AlertGroup[] {
  const groups = new Map<string, Alert[]>();
  for (const a of [...alerts].filter((x) => x.state !== 'resolved').sort(compareAlerts)) {
    const { type, id } = subjectOf(a);
    const key = `${type}:${id}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  return [...groups].map(([key, list]) => {
    const first = list[0]!;
    const { type, id } = subjectOf(first);
    return {
      key,
      subjectType: type,
      subjectId: id,
      label: first.subjectLabel ?? id,
      severity: first.severity,
      alerts: list,
    };
  });
  // Map keeps insertion order, and alerts were inserted most urgent first: so are the groups.
}

/** severityCounts counts open alerts (not yet acknowledged by anyone) by severity. */
export function severityCounts(alerts: readonly Alert[]): Record<Severity, number> {
  const out: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const a of alerts) if (a.state === 'open' && a.severity in out) out[a.severity] += 1;
  return out;
}

export interface PeopleOnTheRoad {
  /** People counted on vehicles in transit (or overdue). */
  readonly inTransit: number;
  /** Vehicles in transit whose people were only counted together with other vehicles. */
  readonly uncountedVehicles: number;
  /** People on the road by the point where their vehicle was last seen. */
  readonly atPoint: ReadonlyMap<string, number>;
}

/** peopleOnTheRoad adds up the people on vehicles that left and have not arrived. */
export function peopleOnTheRoad(vehicles: readonly LiveVehicle[]): PeopleOnTheRoad {
  let inTransit = 0;
  let uncountedVehicles = 0;
  const atPoint = new Map<string, number>();
  for (const v of vehicles) {
    if (v.state !== 'in-transit' && v.state !== 'overdue') continue;
    if (typeof v.people !== 'number') {
      uncountedVehicles += 1;
      continue;
    }
    inTransit += v.people;
    if (v.lastPointId) atPoint.set(v.lastPointId, (atPoint.get(v.lastPointId) ?? 0) + v.people);
  }
  return { inTransit, uncountedVehicles, atPoint };
}

export type Staleness =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'down'; readonly since: number }
  | { readonly kind: 'quiet'; readonly lastObservedAt: number };

/**
 * staleness says whether the dashboard's figures can be trusted as current: `down` when the live
 * stream is not connected (figures as of the last load), `quiet` when the operation is moving
 * but no point has seen anything for QUIET_MINUTES.
 */
export function staleness(input: {
  readonly now: number;
  readonly live: 'connecting' | 'live' | 'reconnecting';
  readonly loadedAt: number;
  readonly status: string;
  readonly points: readonly LivePoint[];
}): Staleness {
  if (input.live === 'reconnecting') return { kind: 'down', since: input.loadedAt };
  if (input.status !== 'active' && input.status !== 'resumed') return { kind: 'fresh' };
  const times = input.points
    .map((p) => (p.lastObservedAt ? Date.parse(p.lastObservedAt) : Number.NaN))
    .filter((t) => !Number.isNaN(t));
  if (times.length === 0) return { kind: 'fresh' };
  const last = Math.max(...times);
  return input.now - last >= QUIET_MINUTES * 60_000
    ? { kind: 'quiet', lastObservedAt: last }
    : { kind: 'fresh' };
}
