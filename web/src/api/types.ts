/**
 * types.ts — the shapes the web app reads from the API: the session (src/access/schemas.ts),
 * evidence items (src/vault/schemas.ts) and evacuation operations (src/ops routes). Only the
 * fields the screens use are listed; everything else the server sends is ignored.
 */

export interface Grant {
  readonly role: string;
  readonly compartment: string;
}

export interface Me {
  readonly id: string;
  readonly username: string;
  readonly via: 'session' | 'token';
  readonly grants: readonly Grant[];
  readonly permissions: readonly string[];
  readonly csrfToken?: string;
}

export interface Totals {
  readonly people: number;
  readonly buses: number;
  readonly ambulances: number;
  readonly privateVehicles: number;
  readonly medicalEvacuations?: number;
}

export interface Mandate {
  readonly id: string;
  readonly body: string;
  readonly instrument: string;
  readonly date: string;
}

export interface OperationSummary {
  readonly id: string;
  readonly name: string;
  readonly nameAr?: string | null;
  readonly status: string;
  readonly compartment?: string;
  readonly mandates: readonly Mandate[];
  readonly linkedOperationIds: readonly string[];
  readonly totals: Totals;
  readonly expected: Omit<Totals, 'medicalEvacuations'> | null;
}

export interface StatusChange {
  readonly status: string;
  readonly at: string;
  readonly reason: string;
}

export interface Place {
  readonly name?: string;
  readonly lat?: number;
  readonly lon?: number;
}

export interface OperationDetail extends OperationSummary {
  readonly origin?: Place | null;
  readonly destination?: Place | null;
  readonly statusHistory: readonly StatusChange[];
}

export type RoutePointKind = 'origin' | 'checkpoint' | 'waypoint' | 'destination';

export interface RoutePoint {
  readonly id: string;
  readonly order: number;
  readonly name: string;
  readonly nameAr?: string | null;
  readonly pcode?: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly kind: RoutePointKind;
  readonly counts: { readonly people: number; readonly vehicles: number };
  readonly monitored: boolean;
}

export interface VehicleCounts {
  readonly inTransit: number;
  readonly overdue: number;
  readonly arrived: number;
  readonly total: number;
}

export interface VehicleRow {
  readonly id: string;
  readonly kind: string;
  readonly marking: string;
  readonly convoyId?: string | null;
  readonly lastPointId?: string | null;
  readonly lastSeenAt?: string | null;
  readonly state: string;
}

export type Severity = 'info' | 'warning' | 'critical';
export type AlertState = 'open' | 'acknowledged' | 'resolved';

export interface Alert {
  readonly id: string;
  readonly kind: string;
  readonly severity: Severity;
  readonly state: AlertState;
  readonly operationId: string;
  readonly subject: unknown;
  readonly summary?: string | null;
  /** The subject as people know it: a vehicle's marking, a place, a convoy or operation name. */
  readonly subjectLabel?: string | null;
  readonly evidence?: unknown;
  readonly raisedAt: string;
  readonly updatedAt?: string | null;
  readonly note?: string | null;
}

export interface LinkedOperation {
  readonly id: string;
  readonly name: string;
  readonly nameAr?: string | null;
  readonly status: string;
  readonly totals: Totals;
}

export interface OperationView {
  readonly operation: OperationDetail;
  readonly routePoints: readonly RoutePoint[];
  readonly vehicles: VehicleCounts;
  readonly vehicleList: readonly VehicleRow[];
  readonly alerts: readonly Alert[];
  readonly linked: readonly LinkedOperation[];
}

export interface MonitorVehicle {
  readonly id: string;
  readonly kind: string;
  readonly marking: string;
}

export interface MonitorData {
  readonly operation: { readonly id: string; readonly name: string; readonly nameAr?: string | null };
  readonly routePoints: readonly RoutePoint[];
  readonly vehicles: readonly MonitorVehicle[];
}

export type ObservationKind = 'departure' | 'checkpoint' | 'arrival' | 'turned-back';

export interface ObservationCategories {
  readonly adults: number;
  readonly children: number;
  readonly medical: number;
  readonly unaccompaniedMinors: number;
}

/** ObservationBody is what the device signs (canonical JSON) and sends. */
export interface ObservationBody {
  readonly clientId: string;
  readonly operationId: string;
  readonly routePointId: string;
  readonly deviceTime: string;
  readonly kind: ObservationKind;
  readonly vehicleIds: readonly string[];
  readonly headcount: number;
  readonly categories: ObservationCategories;
  readonly note?: string;
  readonly photoSha256?: readonly string[];
}

export interface Item {
  readonly id: string;
  readonly ern: string;
  readonly title: string;
  readonly kind: string;
  readonly mediaType: string;
  readonly size: number;
  readonly source: string;
  readonly collectedAt: string;
  readonly collectedBy: string;
  readonly compartment: string;
}
