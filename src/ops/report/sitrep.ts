/**
 * sitrep.ts — the situation report of one operation for a period, built from a reconciliation
 * state: totals of people and vehicles that arrived (by kind), medical evacuations, counts per route
 * point, the linked operations' progress, sources' reported totals with their range, the alerts
 * with their status, and caveats saying which figures are not verified. Rendering is elsewhere
 * (sitrep-markdown.ts); this is the JSON the API and `attest ops sitrep --format json` return.
 */
import type {
  Alert,
  AlertKind,
  AlertSeverity,
  AlertState,
  Mandate,
  OperationLink,
  OperationStatus,
  PlaceRef,
  Vehicle,
} from '../model.js';
import { statusAt } from '../operation-status.js';
import type { ReconcileState } from '../reconcile/reconcile-state.js';
import { type Caveat, sitrepText } from './sitrep-text.js';
import { type KindCounts, kindCounts, kindFields } from './vehicle-kinds.js';

/**
 * SitrepTotals counts the people and vehicles that arrived. `vehicles` counts every kind, and
 * `byKind` every kind of the plan (zero when none arrived yet); the named fields are the same counts
 * for the kinds reports have always shown (report/vehicle-kinds.ts).
 */
export interface SitrepTotals {
  readonly people: number;
  readonly vehicles: number;
  readonly byKind: KindCounts;
  readonly buses: number;
  readonly ambulances: number;
  readonly privateVehicles: number;
  readonly trucks: number;
  readonly medicalEvacuations: number;
}

export interface SitrepPoint {
  readonly pointId: string;
  readonly order: number;
  readonly kind: string;
  readonly name: string;
  /** The place's Arabic name, when the plan or gazetteer has one. */
  readonly nameAr: string | null;
  readonly pcode: string | null;
  readonly vehicles: number;
  readonly people: number;
  /** Vehicles seen only in group observations, so without their own count. */
  readonly uncounted: number;
}

export interface SitrepLinked {
  readonly operationId: string;
  readonly name: string;
  readonly nameAr: string | null;
  /** The rule in English; `ruleFacts` says the same for a report in another language. */
  readonly rule: string;
  readonly ruleFacts: LinkRule;
  readonly people: number;
  readonly plannedPeople: number;
  readonly progressPercent: number;
}

export interface SitrepAlert {
  readonly key: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly state: AlertState;
  readonly raisedAt: string;
  readonly subject: string;
  readonly note: string | null;
}

/** LinkRule is how a linked operation is tied to this one, and which side declared the link. */
export interface LinkRule {
  readonly kind: OperationLink['kind'];
  /** For `gates`: how many percentage points this operation's progress may lead by. */
  readonly maxLeadPercent: number | null;
  /** The operation that declared the link when it is the other one, else null. */
  readonly declaredBy: string | null;
}

export interface Sitrep {
  readonly operationId: string;
  readonly name: string;
  /** The operation's Arabic name, when the plan has one. */
  readonly nameAr: string | null;
  /** A training operation (issue 13.8): every rendering says EXERCISE before anything else. */
  readonly exercise: boolean;
  readonly period: { readonly from: string | null; readonly to: string };
  readonly status: OperationStatus;
  readonly mandates: ReadonlyArray<{ readonly instrument: string; readonly date: string }>;
  readonly totals: SitrepTotals;
  readonly plannedPeople: number;
  /** Vehicles on the road: left, not arrived or turned back, and the operation has not ended. */
  readonly inTransit: { readonly vehicles: number; readonly people: number };
  /**
   * Vehicles that left and never arrived by the end of the operation (completion or deadline):
   * missing, not in transit (issue 13.7). `confirmed` of them are past the arrival grace too, and
   * carry a `vehicle-missing-at-arrival` alert; the others may still arrive until `dueBy`.
   */
  readonly missing: {
    readonly vehicles: number;
    readonly people: number;
    readonly confirmed: number;
    readonly markings: readonly string[];
    readonly dueBy: string | null;
  };
  readonly turnedBackVehicles: number;
  readonly points: readonly SitrepPoint[];
  readonly linked: readonly SitrepLinked[];
  readonly reportedTotals: {
    readonly figures: ReadonlyArray<{ readonly source: string; readonly total: number; readonly at: string }>;
    readonly min: number | null;
    readonly max: number | null;
  };
  readonly alerts: readonly SitrepAlert[];
  /** The caveats as English sentences (as `caveatFacts` read in English). */
  readonly caveats: readonly string[];
  /** The caveats as facts, for a report in another language (sitrep-text.ts). */
  readonly caveatFacts: readonly Caveat[];
}

/** SitrepOptions picks the operation and period; `alerts` are stored alerts carrying their lifecycle. */
export interface SitrepOptions {
  readonly operationId: string;
  /** Inclusive start (ISO); null for the start of the operation. */
  readonly from?: string | null;
  /** Exclusive end (ISO); default the state's clock. */
  readonly to?: string;
  readonly mandates?: readonly Mandate[];
  readonly alerts?: readonly Alert[];
}

const ENGLISH = sitrepText('en');

const SEVERITY_RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };
/** Vehicles named in a caveat (the count says how many there are in all). */
const MAX_NAMED = 20;

function placeName(place: PlaceRef): { name: string; nameAr: string | null; pcode: string | null } {
  return { name: place.name, nameAr: place.nameAr ?? null, pcode: 'pcode' in place ? place.pcode : null };
}

/** buildSitrep returns the situation report of `options.operationId` for the period asked. */
export function buildSitrep(state: ReconcileState, options: SitrepOptions): Sitrep {
  const op = state.operations.get(options.operationId);
  if (!op) throw new RangeError(`no operation ${options.operationId}`);
  const from = options.from ? Date.parse(options.from) : Number.NEGATIVE_INFINITY;
  const to = options.to ? Date.parse(options.to) : state.now + 1;
  const inPeriod = (ms: number) => ms >= from && ms < to;
  const counted = { people: 0, medicalEvacuations: 0 };
  const arrived: Vehicle[] = [];
  const byPoint = new Map<string, { vehicles: number; people: number; uncounted: number }>(
    op.points.map((p) => [p.id, { vehicles: 0, people: 0, uncounted: 0 }]),
  );
  const transit = { vehicles: 0, people: 0 };
  // After the operation's end, a vehicle still on the road is missing, not in transit (issue 13.7).
  const judgedAt = Math.min(to - 1, state.now);
  const ended = op.endMs !== null && judgedAt >= op.endMs;
  const missing = { vehicles: 0, people: 0, confirmed: 0, markings: [] as string[] };
  let turnedBackVehicles = 0;
  let singleSource = 0;
  let uncountedArrivals = 0;
  let arrivals = 0;
  for (const vehicle of state.vehicles.values()) {
    if (vehicle.operationId !== op.operation.id) continue;
    const d = state.derived.get(vehicle.id);
    if (!d) continue;
    for (const c of d.finalCounts) {
      if (!inPeriod(c.atMs)) continue;
      const t = byPoint.get(c.pointId)!;
      t.vehicles += 1;
      if (c.count === null) t.uncounted += 1;
      else t.people += c.count;
    }
    if (d.turnedBack.some((t) => inPeriod(t.atMs))) turnedBackVehicles += 1;
    if (d.open && d.finalCounts.length > 0) {
      const aboard = d.finalCounts.findLast((c) => c.count !== null)?.count ?? 0;
      const into = ended ? missing : transit;
      into.vehicles += 1;
      into.people += aboard;
      if (into === missing) {
        if (d.missing) missing.confirmed += 1;
        missing.markings.push(vehicle.marking);
      }
    }
    if (!d.arrival || !inPeriod(d.arrival.atMs)) continue;
    arrivals += 1;
    arrived.push(vehicle);
    counted.people += d.arrival.count ?? 0;
    counted.medicalEvacuations += d.arrival.medical;
    if (d.arrival.count === null) uncountedArrivals += 1;
    if (d.arrival.monitors === 1) singleSource += 1;
  }
  const byKind = kindCounts(arrived);
  const totals: SitrepTotals = {
    people: counted.people,
    vehicles: arrived.length,
    byKind,
    ...kindFields(byKind),
    medicalEvacuations: counted.medicalEvacuations,
  };
  const alerts = sitrepAlerts(state, op.operation.id, options.alerts);
  const reported = reportedTotals(state, op.operation.id, inPeriod);
  // Caveats are facts here; their sentences come from the reader's language (sitrep-text.ts).
  const caveatFacts: Caveat[] = [];
  if (op.operation.exercise === true) caveatFacts.push({ code: 'exercise' });
  if (singleSource > 0) caveatFacts.push({ code: 'single-source', counts: singleSource, arrivals });
  const disputes = [...state.alerts.values()].filter(
    (a) => a.operationId === op.operation.id && a.kind === 'conflicting-observations',
  );
  const ties = disputes.filter((a) => a.evidence.figures.basis === 'tie').length;
  if (disputes.length > ties) caveatFacts.push({ code: 'disputed', counts: disputes.length - ties });
  if (ties > 0) caveatFacts.push({ code: 'tie', counts: ties });
  const held = alerts.filter((a) => a.kind === 'conflicting-reports').length;
  if (held > 0) caveatFacts.push({ code: 'held', observations: held });
  // A route point that stopped reporting: what passed it since is unknown, and the report says so.
  const silent = alerts.filter((a) => a.kind === 'point-not-reporting' && a.state !== 'resolved');
  if (silent.length > 0) {
    const awaited = silent.reduce((n, a) => {
      const f = state.alerts.get(a.key)?.evidence.figures.vehiclesAwaited;
      return n + (typeof f === 'number' ? f : 0);
    }, 0);
    caveatFacts.push({ code: 'not-reporting', points: silent.length, vehicles: awaited });
  }
  if (uncountedArrivals > 0) caveatFacts.push({ code: 'uncounted-arrivals', vehicles: uncountedArrivals });
  const unaccounted = alerts.filter(
    (a) => a.kind === 'people-unaccounted' && a.severity === 'critical',
  ).length;
  if (unaccounted > 0) caveatFacts.push({ code: 'people-unaccounted', vehicles: unaccounted });
  if (transit.vehicles > 0) caveatFacts.push({ code: 'in-transit', ...transit });
  const dueBy =
    op.endMs !== null ? new Date(op.endMs + op.thresholds.arrivalGraceMinutes * 60_000).toISOString() : null;
  if (missing.vehicles > 0) {
    missing.markings.sort();
    caveatFacts.push({
      code: 'missing',
      vehicles: missing.vehicles,
      people: missing.people,
      markings: missing.markings.slice(0, MAX_NAMED),
    });
  }
  if (reported.min !== null && reported.max !== null && reported.min !== reported.max) {
    caveatFacts.push({ code: 'sources-diverge', min: reported.min, max: reported.max });
  }
  return {
    operationId: op.operation.id,
    name: op.operation.name,
    nameAr: op.operation.nameAr ?? null,
    exercise: op.operation.exercise === true,
    period: { from: options.from ?? null, to: new Date(to === state.now + 1 ? state.now : to).toISOString() },
    status: statusAt(op.operation.statusHistory, Math.min(to, state.now)),
    mandates: (options.mandates ?? [])
      .filter((m) => op.operation.mandateIds.includes(m.id))
      .map((m) => ({ instrument: m.instrument, date: m.date })),
    totals,
    plannedPeople: op.operation.plannedPeople,
    inTransit: transit,
    missing: {
      ...missing,
      markings: missing.markings.slice(0, MAX_NAMED),
      dueBy: missing.vehicles > 0 ? dueBy : null,
    },
    turnedBackVehicles,
    points: op.points.map((p, order) => ({
      pointId: p.id,
      order,
      kind: p.kind,
      ...placeName(p.place),
      ...byPoint.get(p.id)!,
    })),
    linked: linkedOperations(state, op.operation.id),
    reportedTotals: reported,
    alerts,
    caveats: caveatFacts.map((c) => ENGLISH.caveat(c)),
    caveatFacts,
  };
}

function sitrepAlerts(state: ReconcileState, operationId: string, stored?: readonly Alert[]): SitrepAlert[] {
  const lifecycle = new Map((stored ?? []).map((a) => [a.key, a] as const));
  return [...state.alerts.values()]
    .filter((a) => a.operationId === operationId)
    .map((a) => lifecycle.get(a.key) ?? a)
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        (a.raisedAt < b.raisedAt ? -1 : a.raisedAt > b.raisedAt ? 1 : a.key < b.key ? -1 : 1),
    )
    .map((a) => ({
      key: a.key,
      kind: a.kind,
      severity: a.severity,
      state: a.state,
      raisedAt: a.raisedAt,
      subject: `${a.subject.type} ${a.subject.id}`,
      note: a.note,
    }));
}

function reportedTotals(state: ReconcileState, operationId: string, inPeriod: (ms: number) => boolean) {
  const latest = new Map<string, { total: number; atMs: number }>();
  for (const [slot, bySource] of state.reports) {
    if (!slot.startsWith(`${operationId}|`)) continue;
    for (const [source, r] of bySource) {
      const current = latest.get(source);
      if (inPeriod(r.atMs) && (!current || r.atMs > current.atMs))
        latest.set(source, { total: r.total, atMs: r.atMs });
    }
  }
  const figures = [...latest.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([source, r]) => ({ source, total: r.total, at: new Date(r.atMs).toISOString() }));
  const totals = figures.map((f) => f.total);
  return {
    figures,
    min: totals.length > 0 ? Math.min(...totals) : null,
    max: totals.length > 0 ? Math.max(...totals) : null,
  };
}

function linkedOperations(state: ReconcileState, operationId: string): SitrepLinked[] {
  const op = state.operations.get(operationId)!;
  const out: SitrepLinked[] = [];
  const seen = new Set<string>();
  const rules = [
    ...op.operation.links.map((l) => ({
      other: l.other,
      rule: l.kind === 'gates' ? `gates: may lead by ≤ ${l.maxLeadPercent}%` : 'reciprocal',
      ruleFacts: {
        kind: l.kind,
        maxLeadPercent: l.kind === 'gates' ? l.maxLeadPercent : null,
        declaredBy: null,
      } satisfies LinkRule,
    })),
    ...[...state.operations.values()].flatMap((o) =>
      o.operation.links
        .filter((l) => l.other === operationId)
        .map((l) => ({
          other: o.operation.id,
          rule: `${l.kind} (from ${o.operation.id})`,
          ruleFacts: {
            kind: l.kind,
            maxLeadPercent: l.kind === 'gates' ? l.maxLeadPercent : null,
            declaredBy: o.operation.id,
          } satisfies LinkRule,
        })),
    ),
  ];
  for (const { other, rule, ruleFacts } of rules) {
    const linked = state.operations.get(other);
    // Only operations of this one's compartment, which its readers may read (issue 12.2).
    if (!linked || seen.has(other) || linked.operation.compartment !== op.operation.compartment) continue;
    seen.add(other);
    let people = 0;
    for (const n of state.arrivalsByDay.get(other)?.values() ?? []) people += n;
    const planned = linked.operation.plannedPeople;
    out.push({
      operationId: other,
      name: linked.operation.name,
      nameAr: linked.operation.nameAr ?? null,
      rule,
      ruleFacts,
      people,
      plannedPeople: planned,
      progressPercent: planned > 0 ? Math.floor((people * 100) / planned) : 0,
    });
  }
  return out;
}
