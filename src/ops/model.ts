/**
 * model.ts — the plain data of evacuation operations: mandates (with recorded votes), operations
 * and their routes, status history and links, convoys, vehicles, manifests, monitors' observations
 * and alerts. Everything here is JSON-shaped (ISO 8601 UTC strings for time, opaque string ids) so
 * that the store can insert it and the API can return it unchanged. `validateMandate` checks a vote.
 */
import { OpsError } from './errors.js';

// ── Mandates ────────────────────────────────────────────────────────────────────────────────────

export type MandateBody = 'security-council' | 'general-assembly' | 'parties-agreement';

/** RecordedVote is a vote as published: yes/no/abstain and the body's membership at the time. */
export interface RecordedVote {
  readonly yes: number;
  readonly no: number;
  readonly abstain: number;
  readonly membership: number;
}

/** Mandate is the legal basis of an operation: a resolution or the parties' agreement. */
export interface Mandate {
  readonly id: string;
  readonly body: MandateBody;
  /** Instrument symbol as published, e.g. `S/RES/2328 (2016)` or `A/RES/71/248`. */
  readonly instrument: string;
  /** Date of adoption, `YYYY-MM-DD`. */
  readonly date: string;
  /** Where the text is: an ERN, an official document link or a citation. */
  readonly textRef: string;
  readonly title?: string;
  readonly vote?: RecordedVote;
  /** Unanimous says the instrument was adopted by every member voting yes. */
  readonly unanimous?: boolean;
}

/** VoteTally is a recorded vote with the derived number of members that did not vote. */
export interface VoteTally extends RecordedVote {
  readonly nonVoting: number;
}

const SC_SYMBOL = /^S\/RES\/(\d{1,5}) \((\d{4})\)$/;
const GA_SYMBOL = /^A\/RES\/(\d{1,3})\/(\d{1,4})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * validateMandate checks a mandate's symbol, date and vote and returns its vote tally (non-voting =
 * membership − yes − no − abstain), or null when it has no recorded vote. It throws
 * OpsError('INVALID_MANDATE' | 'INVALID_VOTE') on the first inconsistency.
 */
export function validateMandate(mandate: Mandate): VoteTally | null {
  const bad = (message: string) =>
    new OpsError('INVALID_MANDATE', message, { instrument: mandate.instrument });
  if (!ISO_DATE.test(mandate.date) || Number.isNaN(Date.parse(`${mandate.date}T00:00:00Z`))) {
    throw bad(`mandate date must be YYYY-MM-DD, got ${JSON.stringify(mandate.date)}`);
  }
  if (mandate.body === 'security-council') {
    const m = SC_SYMBOL.exec(mandate.instrument);
    if (!m) throw bad('Security Council symbol must look like S/RES/2328 (2016)');
    if (m[2] !== mandate.date.slice(0, 4)) throw bad('Security Council symbol year differs from the date');
  } else if (mandate.body === 'general-assembly') {
    if (!GA_SYMBOL.test(mandate.instrument)) throw bad('General Assembly symbol must look like A/RES/71/248');
  } else if (mandate.body !== 'parties-agreement') {
    throw bad(`unknown mandate body ${JSON.stringify(mandate.body)}`);
  }
  if (mandate.textRef.trim() === '') throw bad('mandate needs a text reference');
  if (!mandate.vote) {
    if (mandate.unanimous) throw new OpsError('INVALID_VOTE', 'a unanimous mandate needs its recorded vote');
    return null;
  }
  return tallyVote(mandate.vote, mandate.unanimous === true, mandate.body);
}

function tallyVote(vote: RecordedVote, unanimous: boolean, body: MandateBody): VoteTally {
  const invalid = (message: string) => new OpsError('INVALID_VOTE', message, { ...vote });
  for (const [name, n] of Object.entries(vote)) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw invalid(`vote ${name} must be a non-negative integer, got ${String(n)}`);
    }
  }
  if (vote.membership === 0) throw invalid('vote membership must be positive');
  if (body === 'security-council' && vote.membership !== 15)
    throw invalid('the Security Council has 15 members');
  const nonVoting = vote.membership - vote.yes - vote.no - vote.abstain;
  if (nonVoting < 0) throw invalid(`yes + no + abstain exceeds the membership by ${-nonVoting}`);
  if (unanimous && (vote.no !== 0 || vote.abstain !== 0 || nonVoting !== 0)) {
    throw invalid('a unanimous vote has every member voting yes');
  }
  return { ...vote, nonVoting };
}

// ── Operations ──────────────────────────────────────────────────────────────────────────────────

/** PlaceRef is a gazetteer place (OCHA P-code) or an ad-hoc point with coordinates. */
export type PlaceRef =
  | {
      readonly pcode: string;
      readonly name: string;
      /** The Arabic name (the gazetteer's `name_ar`), for right-to-left screens. */
      readonly nameAr?: string;
      /** Coordinates and governorate copied from the gazetteer row, for maps and HXL. */
      readonly lat?: number;
      readonly lon?: number;
      readonly adm1Pcode?: string;
    }
  | {
      readonly lat: number;
      readonly lon: number;
      readonly name: string;
      readonly nameAr?: string;
      /** Approximate says the coordinates locate the place only roughly. */
      readonly approximate?: boolean;
      /** The enclosing gazetteer unit, for context (e.g. C1007 Aleppo city). */
      readonly contextPcode?: string;
    };

export type RoutePointKind = 'origin' | 'checkpoint' | 'waypoint' | 'destination';

/** RoutePoint is one stop on an operation's planned route; `order` is its position (0 = origin). */
export interface RoutePoint {
  readonly id: string;
  readonly order: number;
  readonly kind: RoutePointKind;
  readonly place: PlaceRef;
  /** Monitored says a monitor is expected here (default true); unmonitored passages raise alerts. */
  readonly monitored?: boolean;
  /** Expected transit time to the next route point, in minutes (overdue alerts). */
  readonly expectedMinutesToNext?: number;
  /**
   * Monitors assigned to watch this point (user ids, as observations name their monitor): the point
   * counts as reported past t only once each of them has sent past t (or is off watch), even before
   * one is first heard from here (issue 13.2). Absent or empty: judged on the monitors heard from.
   */
  readonly monitors?: readonly string[];
}

export type OperationStatus = 'planned' | 'active' | 'suspended' | 'resumed' | 'completed';

/** StatusChange is one entry of an operation's status history. */
export interface StatusChange {
  readonly status: OperationStatus;
  readonly at: string;
  readonly reason: string;
}

/**
 * OperationLink is a linkage rule between reciprocal operations, as data. `gates`: this operation's
 * progress (people arrived / planned) may lead `other`'s by at most `maxLeadPercent` points at the
 * end of each UTC day; `reciprocal` only records the pairing.
 */
export type OperationLink =
  | { readonly kind: 'gates'; readonly other: string; readonly maxLeadPercent: number }
  | { readonly kind: 'reciprocal'; readonly other: string };

/** Thresholds tune the time-based and aggregate alerts of one operation. */
export interface Thresholds {
  /** Active time without any movement before `operation-stalled`. */
  readonly stallAfterMinutes: number;
  /** Time between the first and last sighting at a checkpoint before `excessive-dwell`. */
  readonly maxDwellMinutes: number;
  /** Time after completion (or the deadline) before a vehicle is `missing-at-arrival`. */
  readonly arrivalGraceMinutes: number;
  /**
   * Vehicles per UTC day passing a monitored point unseen before `route-point-unmonitored`; one
   * ambulance or vehicle carrying medical cases is always enough.
   */
  readonly unmonitoredMinVehicles: number;
  /** Allowed spread of sources' totals, in percent of the largest, before `source-totals-diverge`. */
  readonly sourceTolerancePercent: number;
  /**
   * How long a route point's other monitors may go on reporting without one of its monitors before
   * that monitor counts as off watch there (a shift ended, a phone lost): until then the point is
   * judged only up to that monitor's last report (its phone may still hold sightings), after it on
   * the others'. A silence shared by all (a night, a suspension) does not count.
   */
  readonly offWatchAfterMinutes: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({
  stallAfterMinutes: 180,
  maxDwellMinutes: 120,
  arrivalGraceMinutes: 360,
  unmonitoredMinVehicles: 3,
  sourceTolerancePercent: 5,
  offWatchAfterMinutes: 360,
});

/** Operation is one evacuation: its mandates, areas, planned route, status history and links. */
export interface Operation {
  readonly id: string;
  readonly name: string;
  /** The name in Arabic, for right-to-left screens. */
  readonly nameAr?: string;
  readonly mandateIds: readonly string[];
  readonly origin: PlaceRef;
  readonly destination: PlaceRef;
  readonly route: readonly RoutePoint[];
  readonly plannedPeople: number;
  readonly statusHistory: readonly StatusChange[];
  readonly links: readonly OperationLink[];
  /**
   * The compartment the operation lives in (always set once stored: StoredOperation). Links are
   * honoured only between operations of one compartment (issue 12.2).
   */
  readonly compartment?: string;
  /** Deadline after which vehicles not arrived are missing even if not completed (ISO time). */
  readonly deadline?: string;
  readonly thresholds?: Partial<Thresholds>;
  /** Exercise marks a training operation (replayed scenario): shown as such, kept out of real reports. */
  readonly exercise?: boolean;
}

// ── Convoys, vehicles, manifests ────────────────────────────────────────────────────────────────

/**
 * VEHICLE_KINDS lists the kinds a plan may give a vehicle. Reports never keep their own list: totals
 * are counted per kind found in the plan (`byKind`), and the per-kind columns of the sitrep and HXL
 * come from `report/vehicle-kinds.ts`, a Record over this union that the compiler makes complete.
 */
export const VEHICLE_KINDS = ['bus', 'ambulance', 'private', 'truck'] as const;
export type VehicleKind = (typeof VEHICLE_KINDS)[number];

export interface Convoy {
  readonly id: string;
  readonly operationId: string;
  readonly label: string;
}

/** Vehicle is one vehicle as painted or marked; one vehicle may make several legs (turned back). */
export interface Vehicle {
  readonly id: string;
  readonly operationId: string;
  readonly convoyId?: string;
  readonly kind: VehicleKind;
  readonly marking: string;
  readonly capacity: number;
}

/** CategoryCounts splits a headcount; medical cases and unaccompanied minors overlap the others. */
export interface CategoryCounts {
  readonly adults?: number;
  readonly children?: number;
  readonly medical?: number;
  readonly unaccompaniedMinors?: number;
}

/** ProtectedEntry is a person on a manifest known only by pseudonym outside their compartment. */
export interface ProtectedEntry {
  readonly pseudonym: string;
  readonly category: keyof CategoryCounts;
  readonly protectionLevel: 'standard' | 'high';
}

export interface Manifest {
  readonly id: string;
  readonly operationId: string;
  readonly vehicleId: string;
  readonly headcount: number;
  readonly categories: CategoryCounts;
  readonly protectedEntries?: readonly ProtectedEntry[];
}

// ── Observations ────────────────────────────────────────────────────────────────────────────────

/** `reported-total` is a source's cumulative figure for the operation (no vehicle). */
export type ObservationKind = 'departure' | 'checkpoint' | 'arrival' | 'turned-back' | 'reported-total';

/**
 * Observation is what a monitor recorded, signed on the device. `clientId` is made on the device so
 * re-sends are idempotent; `receivedTime` is set by the server and is not signed. With several
 * vehicles, `headcount` is the group's total and counts only as a passage per vehicle.
 */
export interface Observation {
  readonly clientId: string;
  readonly operationId: string;
  readonly routePointId: string;
  readonly kind: ObservationKind;
  readonly deviceTime: string;
  readonly receivedTime: string;
  readonly monitorId: string;
  readonly deviceKeyId: string;
  /** Source names who reports the figure (e.g. `un-monitors`), for multi-source totals. */
  readonly source: string;
  readonly vehicleIds: readonly string[];
  readonly headcount: number | null;
  readonly categories: CategoryCounts;
  readonly note: string;
  readonly photoSha256: readonly string[];
}

/**
 * observationKey is an observation's identity: the device key that signed it and the client id the
 * device gave it. Two phones may pick the same client id; neither can silence the other (issue 13.1).
 */
export function observationKey(o: Pick<Observation, 'deviceKeyId' | 'clientId'>): string {
  return `${o.deviceKeyId}\n${o.clientId}`;
}

/**
 * ObservationConflict is two or more different signed bodies one device sent under one client id.
 * Every body is kept as evidence; none counts until a coordinator chooses (or sets all aside).
 */
export interface ObservationConflict {
  readonly operationId: string;
  readonly deviceKeyId: string;
  readonly clientId: string;
  readonly monitorId: string;
  /** SHA-256 of each body's signed text, sorted. */
  readonly bodySha256: readonly string[];
  /** The earliest device time among the bodies (when the conflict began, whatever the arrival order). */
  readonly deviceTime: string;
}

// ── Alerts ──────────────────────────────────────────────────────────────────────────────────────

export const ALERT_KINDS = [
  'people-unaccounted',
  'vehicle-overdue',
  'excessive-dwell',
  'vehicle-missing-at-arrival',
  'convoy-turned-back',
  'operation-stalled',
  'linked-operation-out-of-step',
  'conflicting-observations',
  'route-point-unmonitored',
  'source-totals-diverge',
  'conflicting-reports',
  'point-not-reporting',
  'operation-no-news',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertState = 'open' | 'acknowledged' | 'resolved';

export interface AlertSubject {
  readonly type: 'vehicle' | 'convoy' | 'route-point' | 'operation';
  readonly id: string;
}

/** AlertEvidence holds the observations behind an alert and its figures (integers or strings). */
export interface AlertEvidence {
  readonly observationIds: readonly string[];
  readonly figures: Readonly<Record<string, number | string | boolean | null>>;
}

/** AlertStep is one condition an alert went through: its kind and severity, and since when. */
export interface AlertStep {
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly since: string;
}

/** Alert is a condition found by reconciliation; `key` is stable so a re-raise updates it. */
export interface Alert {
  readonly key: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly operationId: string;
  readonly subject: AlertSubject;
  readonly evidence: AlertEvidence;
  readonly state: AlertState;
  readonly note: string | null;
  /** RaisedAt is when the condition began, derived from the evidence (not the clock of arrival). */
  readonly raisedAt: string;
  /** StateChangedAt is when a person last acknowledged or resolved it (null while open). */
  readonly stateChangedAt: string | null;
  /**
   * History lists the conditions of the same subject that this one alert stands for, oldest first
   * (a vehicle overdue, then held, then missing is one alert whose kind escalates). Empty for alerts
   * that stand for one condition.
   */
  readonly history: readonly AlertStep[];
}

// ── Reconciliation (shared by the derivation and its checks) ───────────────────────────────────

/** MovingTimeline is the sorted list of [start, end) intervals in which an operation was moving. */
export type MovingTimeline = ReadonlyArray<readonly [number, number]>;

/** OperationContext is an operation with the indexes reconciliation needs, built once. */
export interface OperationContext {
  readonly operation: Operation;
  readonly points: readonly RoutePoint[];
  readonly pointIndex: ReadonlyMap<string, number>;
  readonly thresholds: Thresholds;
  /** When vehicles must have arrived: completion or deadline, whichever is first (epoch ms). */
  readonly endMs: number | null;
  readonly timeline: MovingTimeline;
  /** The monitors assigned to each route point that lists any: point id → user ids (plan order). */
  readonly assigned: ReadonlyMap<string, readonly string[]>;
}

/** TrackedObservation is an observation with its device time parsed once. */
export interface TrackedObservation {
  readonly obs: Observation;
  readonly deviceMs: number;
}

/** Visit is a vehicle at one route point on one leg: its sightings and the accepted count. */
export interface Visit {
  readonly pointId: string;
  readonly index: number;
  first: number;
  last: number;
  readonly observations: TrackedObservation[];
  count: number | null;
  /**
   * Low and high bound the monitors' figures (equal to `count` when they agree): a disputed count
   * carries its range, and rules that compare counts use the figure most favourable to "no loss".
   */
  low: number | null;
  high: number | null;
  /** Support is how many monitors gave the accepted count. */
  support: number;
  categories: CategoryCounts | null;
  conflict: {
    values: Record<string, number>;
    raisedAtMs: number;
    observationIds: string[];
    /** Basis says why `count` is used: most monitors gave it, or a tie (the lower figure). */
    basis: 'majority' | 'tie';
  } | null;
}

/**
 * PointReports is what a route point's monitors have reported so far (no news vs bad news). A point
 * has reported up to the earliest of its on-watch monitors' latest device times: each phone sends its
 * queue in order, so past that instant no sighting from this point can still be on its way.
 */
export interface PointReports {
  /** The frontier: the earliest latest device time among the point's on-watch monitors (epoch ms). */
  upToMs: number;
  /** The latest device time received from this point from any monitor (epoch ms). */
  latestMs: number;
  /** Every distinct device time received from this point, ascending (who reported without whom). */
  readonly times: number[];
  /** Each monitor who reported here, with their latest device time. */
  readonly monitors: Map<string, number>;
}

/**
 * FrontierDependency is what one vehicle's derivation assumed about one point's frontier: it holds
 * while the frontier stays above `passed` (−∞: nothing assumed) and at or below `awaited` (+∞:
 * nothing assumed). When the frontier leaves that range the vehicle is derived again.
 */
export interface FrontierDependency {
  readonly pointId: string;
  readonly passed: number;
  readonly awaited: number;
}

/** VehicleDerivation is everything reconciliation keeps about one vehicle. */
export interface VehicleDerivation {
  readonly legCount: number;
  /** Accepted headcount per point on the final leg (null: seen only in group observations). */
  readonly finalCounts: ReadonlyArray<{
    readonly pointId: string;
    readonly count: number | null;
    readonly atMs: number;
  }>;
  readonly arrival: {
    readonly count: number | null;
    readonly medical: number;
    readonly atMs: number;
    /** Monitors is how many monitors gave the accepted arrival count (1 = single-source). */
    readonly monitors: number;
  } | null;
  /** Open says the vehicle left and has not arrived or turned back on its final leg. */
  readonly open: boolean;
  /**
   * Missing says the vehicle is open after the operation ended (completion or deadline) and the
   * arrival grace: it is not in transit any more (issue 13.7).
   */
  readonly missing: boolean;
  readonly turnedBack: ReadonlyArray<{
    readonly pointId: string;
    readonly atMs: number;
    readonly observationId: string;
  }>;
  readonly unmonitored: ReadonlyArray<{
    readonly pointId: string;
    readonly day: string;
    readonly medical: boolean;
  }>;
  /**
   * Awaiting is set while the vehicle is due at `pointId` since `sinceMs` but that point has not
   * reported past that time: no news, not bad news (it feeds `point-not-reporting`).
   */
  readonly awaiting: { readonly pointId: string; readonly sinceMs: number } | null;
  /**
   * The points' frontiers this derivation was judged on (issue 13.2): an unseen passage or an overdue
   * vehicle waits for a point to report past a time, and frontiers move either way.
   */
  readonly frontierDeps: readonly FrontierDependency[];
  readonly alerts: readonly Alert[];
  readonly nextWakeAt: number | null;
}

// ── As stored (the plan with its compartment, alerts with their id, the event stream) ──────────

/** StoredOperation is an operation with what only the store knows: its compartment. */
export interface StoredOperation extends Operation {
  readonly compartment: string;
}

/** Registry is everything reconciliation needs besides observations. */
export interface Registry {
  readonly mandates: readonly Mandate[];
  readonly operations: readonly StoredOperation[];
  readonly convoys: readonly Convoy[];
  readonly vehicles: readonly Vehicle[];
}

/** StoredAlert is an alert as the store keeps it: with its public id, last update and who changed it. */
export interface StoredAlert extends Alert {
  readonly id: string;
  readonly updatedAt: string;
  /** The user who last acknowledged or resolved it (null: never, or the engine withdrew it). */
  readonly stateChangedBy: string | null;
}

/** OpsEventType is the kind of one entry of an operation's event stream. */
export type OpsEventType = 'observation' | 'status' | 'alert' | 'totals';

/** OpsEvent is one entry of an operation's event stream (Server-Sent Events). */
export interface OpsEvent {
  readonly seq: number;
  readonly operationId: string;
  readonly type: OpsEventType;
  readonly data: unknown;
  readonly at: string;
}
