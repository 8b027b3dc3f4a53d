/**
 * types.ts — the shapes the web app reads from and sends to the API. Where the server declares
 * a TypeBox schema for a shape, the type here is that schema's `Static<>`, imported type-only
 * (nothing of the server reaches the bundle), so a changed server schema fails `tsc -p web`
 * instead of drifting: the session (src/access/schemas.ts), evidence items
 * (src/vault/schemas.ts) and the signed observation (src/ops/schemas.ts). The operation views
 * below are still written out by hand until their routes declare response schemas.
 */
import type { Static } from '@sinclair/typebox';
import type { GrantSchema, MeResponse } from '../../../src/access/schemas.js';
import type { ObservationWireSchema } from '../../../src/ops/observations/schemas.js';
import type { ItemSchema } from '../../../src/vault/schemas.js';

export type Grant = Static<typeof GrantSchema>;

/** Me is `GET /api/me` and the reply of `POST /api/login`. */
export type Me = Static<typeof MeResponse>;

/** A permission name (src/access/permissions.ts). */
export type Permission = Me['permissions'][number];

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

/** ObservationBody is what the device signs (canonical JSON) and sends. */
export type ObservationBody = Static<typeof ObservationWireSchema>;

/** The kinds a monitor records at a point (a reported total comes from other sources). */
export type ObservationKind = Exclude<ObservationBody['kind'], 'reported-total'>;

export type ObservationCategories = ObservationBody['categories'];

/** Item is an evidence item as `GET /api/items` lists it. */
export type Item = Static<typeof ItemSchema>;
