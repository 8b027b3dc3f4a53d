/**
 * views.ts — what the API and the CLI show of operations, computed from the reconciliation state
 * and the stored alerts: the list with totals, one operation's dashboard view (route points with
 * counts, vehicles by state, alerts, linked operations) and a monitor's assignment. Pure functions.
 */
import type {
  Mandate,
  PlaceRef,
  Registry,
  StatusChange,
  StoredAlert,
  StoredOperation,
  Vehicle,
} from '../model.js';
import { statusAt } from '../operation-status.js';
import type { ReconcileState } from '../reconcile/reconcile-state.js';
import { buildSitrep, type SitrepTotals } from './sitrep.js';
import { type KindCounts, kindCounts, kindFields } from './vehicle-kinds.js';

/**
 * ApiTotals is what arrived: people, vehicles of every kind (`vehicles`, `byKind` with every kind of
 * the plan) and the named per-kind fields (issue 13.6: trucks were dropped while their people counted).
 */
export interface ApiTotals {
  readonly people: number;
  readonly vehicles: number;
  readonly byKind: KindCounts;
  readonly buses: number;
  readonly ambulances: number;
  readonly privateVehicles: number;
  readonly trucks: number;
  readonly medicalEvacuations: number;
}

/** ApiExpected is what the plan expects: its people and its vehicles, counted the same way. */
export interface ApiExpected {
  readonly people: number;
  readonly vehicles: number;
  readonly byKind: KindCounts;
  readonly buses: number;
  readonly ambulances: number;
  readonly privateVehicles: number;
  readonly trucks: number;
}

export interface OperationSummaryView {
  readonly id: string;
  readonly name: string;
  readonly nameAr: string | null;
  readonly status: string;
  /** Exercise marks a training operation: every screen and report says so (issue 13.8). */
  readonly exercise: boolean;
  readonly compartment: string;
  readonly mandates: ReadonlyArray<Pick<Mandate, 'id' | 'body' | 'instrument' | 'date'>>;
  readonly linkedOperationIds: readonly string[];
  readonly totals: ApiTotals;
  readonly plannedPeople: number;
  readonly expected: ApiExpected | null;
}

function apiTotals(t: SitrepTotals): ApiTotals {
  return {
    people: t.people,
    vehicles: t.vehicles,
    byKind: t.byKind,
    buses: t.buses,
    ambulances: t.ambulances,
    privateVehicles: t.privateVehicles,
    trucks: t.trucks,
    medicalEvacuations: t.medicalEvacuations,
  };
}

/** apiExpected counts the plan: its people and each kind of its vehicles. */
function apiExpected(op: StoredOperation, planned: readonly Vehicle[]): ApiExpected {
  const byKind = kindCounts(planned);
  return { people: op.plannedPeople, vehicles: planned.length, byKind, ...kindFields(byKind) };
}

/**
 * linkedIds lists the operations linked to `op` in either direction, of `op`'s own compartment
 * only: whoever may read `op` may read them. Plans refuse links across compartments; one stored
 * from before is left out rather than shown to readers of the other compartment (issue 12.2).
 */
function linkedIds(op: StoredOperation, registry: Registry): string[] {
  const ids = new Set<string>();
  for (const other of registry.operations) {
    if (other.id === op.id || other.compartment !== op.compartment) continue;
    if (op.links.some((l) => l.other === other.id) || other.links.some((l) => l.other === op.id))
      ids.add(other.id);
  }
  return [...ids].sort();
}

/** currentStatus is the operation's status at the engine's clock. */
function currentStatus(history: readonly StatusChange[], now: number): string {
  return statusAt(history, now);
}

/** operationSummary is one row of the operations list. */
export function operationSummary(
  state: ReconcileState,
  registry: Registry,
  op: StoredOperation,
): OperationSummaryView {
  const sitrep = buildSitrep(state, { operationId: op.id });
  const planned = registry.vehicles.filter((v) => v.operationId === op.id);
  return {
    id: op.id,
    name: op.name,
    nameAr: op.nameAr ?? null,
    status: currentStatus(op.statusHistory, state.now),
    exercise: op.exercise === true,
    compartment: op.compartment,
    mandates: registry.mandates
      .filter((m) => op.mandateIds.includes(m.id))
      .map((m) => ({ id: m.id, body: m.body, instrument: m.instrument, date: m.date })),
    linkedOperationIds: linkedIds(op, registry),
    totals: apiTotals(sitrep.totals),
    plannedPeople: op.plannedPeople,
    expected: op.plannedPeople > 0 || planned.length > 0 ? apiExpected(op, planned) : null,
  };
}

function placeView(place: PlaceRef) {
  return {
    name: place.name,
    nameAr: place.nameAr ?? null,
    pcode: 'pcode' in place ? place.pcode : null,
    lat: place.lat ?? null,
    lon: place.lon ?? null,
  };
}

/** apiAlert is an alert as the API returns it, with a one-line summary. */
export function apiAlert(a: StoredAlert, names?: Names) {
  return {
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    state: a.state,
    operationId: a.operationId,
    subject: a.subject,
    summary: alertSummary(a, names),
    subjectLabel: subjectLabel(a.subject, names),
    evidence: a.evidence,
    raisedAt: a.raisedAt,
    updatedAt: a.updatedAt,
    stateChangedAt: a.stateChangedAt,
    stateChangedBy: a.stateChangedBy,
    history: a.history,
    note: a.note,
  };
}

/** Names resolves ids to what people call them: point names, vehicle markings, convoy labels. */
export interface Names {
  point(id: string): string;
  vehicle(id: string): string;
  convoy?(id: string): string;
  operation?(id: string): string;
}

/** namesFrom builds the lookup from the registry (unknown ids are shown as they are). */
export function namesFrom(registry: Registry): Names {
  const points = new Map<string, string>();
  for (const op of registry.operations) for (const p of op.route) points.set(p.id, p.place.name);
  const vehicles = new Map(registry.vehicles.map((v) => [v.id, v.marking] as const));
  const convoys = new Map(registry.convoys.map((c) => [c.id, c.label] as const));
  const operations = new Map(registry.operations.map((o) => [o.id, o.name] as const));
  return {
    point: (id) => points.get(id) ?? id,
    vehicle: (id) => vehicles.get(id) ?? id,
    convoy: (id) => convoys.get(id) ?? id,
    operation: (id) => operations.get(id) ?? id,
  };
}

const RAW_NAMES: Names = { point: (id) => id, vehicle: (id) => id };

/** subjectLabel names an alert's subject as people know it (a marking, a place, a convoy label). */
export function subjectLabel(subject: StoredAlert['subject'], names: Names = RAW_NAMES): string {
  switch (subject.type) {
    case 'vehicle':
      return names.vehicle(subject.id);
    case 'route-point':
      return names.point(subject.id);
    case 'convoy':
      return names.convoy?.(subject.id) ?? subject.id;
    case 'operation':
      return names.operation?.(subject.id) ?? subject.id;
  }
  return subject.id;
}

/** when shows an ISO time as `2016-12-21 10:46 UTC`. */
function when(value: unknown): string {
  return typeof value === 'string' && value.length >= 16
    ? `${value.slice(0, 10)} ${value.slice(11, 16)} UTC`
    : '?';
}

/**
 * alertSummary is one English sentence saying what happened, to whom and where, from the
 * alert's figures (the dashboard shows it under the translated kind; the figures stay in
 * `evidence` for anyone who needs them).
 */
export function alertSummary(
  a: Pick<StoredAlert, 'kind' | 'subject' | 'evidence'>,
  names: Names = RAW_NAMES,
): string {
  const f = a.evidence.figures;
  const subject = subjectLabel(a.subject, names);
  const point = (key: string) => (typeof f[key] === 'string' ? names.point(f[key] as string) : '?');
  const text = (key: string) => (typeof f[key] === 'string' ? (f[key] as string) : '?');
  const n = (key: string) => (typeof f[key] === 'number' ? (f[key] as number).toLocaleString('en-GB') : '?');
  switch (a.kind) {
    case 'people-unaccounted':
      return `${subject}: ${n('missing')} fewer people at ${point('toPointId')} than at ${point('fromPointId')} (${n('before')} → ${n('after')})${f.recoveredAtArrival === true ? '; the arrival count makes up the difference' : ''}.`;
    case 'vehicle-overdue':
      return `${subject} left ${point('fromPointId')} at ${when(f.lastSeenAt)}, due at ${point('toPointId')} by ${when(f.expectedBy)}; ${f.seenAt ? `seen there at ${when(f.seenAt)}` : 'not seen there yet'}.`;
    case 'excessive-dwell':
      return `${subject} held at ${point('pointId')} from ${when(f.firstSeenAt)}${f.stillThere === true ? ', still there' : ` to ${when(f.lastSeenAt)}`} (limit ${n('maxDwellMinutes')} min).`;
    case 'vehicle-missing-at-arrival':
      return `${subject} last seen at ${point('lastPointId')} at ${when(f.lastSeenAt)} with ${n('lastCount')} people; not arrived by ${when(f.dueBy)}.`;
    case 'convoy-turned-back':
      return `${n('vehicles')} vehicles of ${subject} turned back (${n('sightings')} sightings at ${String(
        f.pointIds ?? '?',
      )
        .split(',')
        .map((id) => names.point(id))
        .join(', ')}).`;
    case 'operation-stalled':
      return `No movement from ${when(f.lastMovementAt)} ${f.nextMovementAt ? `to ${when(f.nextMovementAt)} (${n('stalledMinutes')} min moving time)` : 'until now'}; threshold ${n('thresholdMinutes')} min.`;
    case 'operation-no-news':
      return `No observation received from any monitor since ${when(f.silentSince)}${f.lastReceivedAt ? '' : ' (none yet)'}; warning after ${n('thresholdMinutes')} min of moving time, critical after ${n('criticalAfterMinutes')}.`;
    case 'linked-operation-out-of-step':
      return `On ${text('worstDay')}, ${n('progressPercent')}% done against ${n('otherProgressPercent')}% for ${text('otherOperationId')}; the agreement allows a lead of ${n('maxLeadPercent')} points.`;
    case 'conflicting-observations':
      return `Monitors counted ${n('min')}–${n('max')} people in ${subject} at ${point('pointId')}; ${n('accepted')} accepted.`;
    case 'route-point-unmonitored':
      return `${n('vehiclesUnseen')} vehicles passed ${point('pointId')} on ${text('day')} with no monitor seeing them.`;
    case 'source-totals-diverge':
      return `On ${text('day')}, ${n('sources')} sources reported totals from ${n('min')} to ${n('max')}.`;
    case 'point-not-reporting': {
      // A route point that stopped reporting: who is awaited there and whose silence holds it back.
      const behind = text('monitorsBehind');
      return `${point('pointId')} has stopped reporting: ${n('vehiclesAwaited')} vehicles are due there (${text('vehicles')}) and ${f.lastReportAt ? `nothing was reported after ${when(f.lastReportAt)}` : 'nothing was ever reported from it'}${behind && behind !== '?' ? `; waiting for monitor ${behind.split(',').join(', ')}` : ''}.`;
    }
    case 'conflicting-reports':
      return `Monitor ${text('monitorId')}'s device sent ${n('bodies')} different reports under one id (${text('clientId')}); none counts until a coordinator chooses one.`;
  }
  return `${a.kind}: ${a.subject.type} ${subject}`;
}

/**
 * operationView is the dashboard's view of one operation. `vehicleList` holds the vehicles on the
 * road or in trouble (in transit, overdue, missing, turned back) — what the dashboard shows and maps — unless
 * `allVehicles`: at the end of an operation the full list is thousands of rows nobody needs on
 * every live refresh.
 */
export function operationView(
  state: ReconcileState,
  registry: Registry,
  op: StoredOperation,
  alerts: readonly StoredAlert[],
  { allVehicles = false }: { allVehicles?: boolean } = {},
) {
  const summary = operationSummary(state, registry, op);
  const names = namesFrom(registry);
  const ctx = state.operations.get(op.id)!;
  const tallies = state.pointTallies.get(op.id);
  const overdue = new Set<string>();
  for (const a of state.alerts.values()) {
    if (a.operationId === op.id && a.kind === 'vehicle-overdue' && a.subject.type === 'vehicle')
      overdue.add(a.subject.id);
  }
  const counts = { inTransit: 0, overdue: 0, missing: 0, arrived: 0, total: 0 };
  // After the operation's end a vehicle still on the road is missing, not in transit (issue 13.7).
  const ended = ctx.endMs !== null && state.now >= ctx.endMs;
  const vehicleList = registry.vehicles
    .filter((v) => v.operationId === op.id)
    .map((v) => {
      const d = state.derived.get(v.id);
      const last = state.tracks.get(v.id)?.at(-1)?.obs;
      let vehicleState = 'planned';
      if (d?.arrival) vehicleState = 'arrived';
      else if (d?.open)
        vehicleState = ended || d.missing ? 'missing' : overdue.has(v.id) ? 'overdue' : 'in-transit';
      else if (d && d.turnedBack.length > 0) vehicleState = 'turned-back';
      counts.total += 1;
      if (vehicleState === 'arrived') counts.arrived += 1;
      if (vehicleState === 'in-transit' || vehicleState === 'overdue') counts.inTransit += 1;
      if (vehicleState === 'overdue') counts.overdue += 1;
      if (vehicleState === 'missing') counts.missing += 1;
      return {
        id: v.id,
        kind: v.kind,
        marking: v.marking,
        convoyId: v.convoyId ?? null,
        lastPointId: last?.routePointId ?? null,
        lastSeenAt: last?.deviceTime ?? null,
        // The accepted count at its latest point (null: seen only in group observations).
        people: d?.finalCounts.at(-1)?.count ?? null,
        state: vehicleState,
      };
    })
    .filter((v) => allVehicles || (v.state !== 'arrived' && v.state !== 'planned'));
  const linked = summary.linkedOperationIds.flatMap((id) => {
    const other = registry.operations.find((o) => o.id === id);
    if (!other) return [];
    const s = operationSummary(state, registry, other);
    return [{ id, name: s.name, nameAr: s.nameAr, status: s.status, exercise: s.exercise, totals: s.totals }];
  });
  // When each point last saw anything: the dashboard says how long a point has been quiet.
  const lastObserved = new Map<string, number>();
  for (const v of registry.vehicles) {
    if (v.operationId !== op.id) continue;
    for (const t of state.tracks.get(v.id) ?? []) {
      const p = t.obs.routePointId;
      if (t.deviceMs > (lastObserved.get(p) ?? -Infinity)) lastObserved.set(p, t.deviceMs);
    }
  }
  return {
    operation: {
      ...summary,
      origin: placeView(op.origin),
      destination: placeView(op.destination),
      statusHistory: op.statusHistory,
      links: op.links,
      deadline: op.deadline ?? null,
    },
    routePoints: ctx.points.map((p) => {
      const t = tallies?.get(p.id);
      return {
        id: p.id,
        order: p.order,
        kind: p.kind,
        ...placeView(p.place),
        monitored: p.monitored !== false,
        monitors: [...(p.monitors ?? [])],
        counts: { people: t?.people ?? 0, vehicles: t?.vehicles ?? 0 },
        lastObservedAt: lastObserved.has(p.id) ? new Date(lastObserved.get(p.id)!).toISOString() : null,
      };
    }),
    vehicles: counts,
    vehicleList,
    alerts: alerts.map((a) => apiAlert(a, names)),
    linked,
  };
}

/** monitorAssignment is what a monitor's device caches to work offline at the route points. */
export function monitorAssignment(state: ReconcileState, registry: Registry, op: StoredOperation) {
  const ctx = state.operations.get(op.id)!;
  return {
    operation: {
      id: op.id,
      name: op.name,
      nameAr: op.nameAr ?? null,
      status: currentStatus(op.statusHistory, state.now),
      exercise: op.exercise === true,
    },
    routePoints: ctx.points.map((p) => ({
      id: p.id,
      order: p.order,
      kind: p.kind,
      ...placeView(p.place),
      monitored: p.monitored !== false,
      monitors: [...(p.monitors ?? [])],
      counts: { people: 0, vehicles: 0 },
    })),
    vehicles: registry.vehicles
      .filter((v) => v.operationId === op.id)
      .map((v) => ({ id: v.id, kind: v.kind, marking: v.marking, convoyId: v.convoyId ?? null })),
    // Convoys let the monitor app group a long list and record a whole convoy at once.
    convoys: registry.convoys
      .filter((c) => c.operationId === op.id)
      .map((c) => ({ id: c.id, label: c.label })),
  };
}
