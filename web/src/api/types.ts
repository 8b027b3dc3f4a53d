/**
 * types.ts — the shapes the web app reads from and sends to the API, each the `Static<>` of the
 * server's TypeBox schema for it, imported type-only (nothing of the server reaches the bundle):
 * a changed response or request schema fails `tsc -p web` instead of drifting (issue 11.8). The
 * response schemas are the allow-lists the server serialises with, so these are exactly the
 * fields that arrive: the session (src/access/schemas.ts), evidence items (src/vault/schemas.ts),
 * the operation list, dashboard and monitor views (src/ops/report/schemas.ts), alerts
 * (src/ops/alerts/schemas.ts) and the signed observation (src/ops/observations/schemas.ts).
 */
import type { Static } from '@sinclair/typebox';
import type { GrantSchema, MeResponse } from '../../../src/access/schemas.js';
import type {
  IntakeStateSchema,
  JobSchema,
  NearDuplicateListSchema,
  QueueDepthSchema,
} from '../../../src/intake/schemas.js';
import type { ApiAlertSchema } from '../../../src/ops/alerts/schemas.js';
import type { ConflictListSchema, ObservationWireSchema } from '../../../src/ops/observations/schemas.js';
import type {
  MonitorAssignmentSchema,
  OperationSummarySchema,
  OperationViewSchema,
} from '../../../src/ops/report/schemas.js';
import type { MentionsSchema, SearchResultSchema } from '../../../src/search/schemas.js';
import type { CustodyTimelineSchema, ItemSchema } from '../../../src/vault/schemas.js';

export type Grant = Static<typeof GrantSchema>;

/** Me is `GET /api/me` and the reply of `POST /api/login`. */
export type Me = Static<typeof MeResponse>;

/** A permission name (src/access/permissions.ts). */
export type Permission = Me['permissions'][number];

/** OperationSummary is one row of `GET /api/ops/operations`. */
export type OperationSummary = Static<typeof OperationSummarySchema>;
export type Totals = OperationSummary['totals'];
export type Mandate = OperationSummary['mandates'][number];

/** OperationView is `GET /api/ops/operations/{id}` (the dashboard). */
export type OperationView = Static<typeof OperationViewSchema>;
export type OperationDetail = OperationView['operation'];
export type StatusChange = OperationDetail['statusHistory'][number];
export type RoutePoint = OperationView['routePoints'][number];
export type RoutePointKind = RoutePoint['kind'];
export type VehicleCounts = OperationView['vehicles'];
export type VehicleRow = OperationView['vehicleList'][number];
/** LinkedOperation is a linked operation the caller may read (others are left out). */
export type LinkedOperation = OperationView['linked'][number];

export type Alert = Static<typeof ApiAlertSchema>;
export type Severity = Alert['severity'];
export type AlertState = Alert['state'];

/** MonitorData is `GET /api/ops/operations/{id}/monitor` (a monitor's assignment). */
export type MonitorData = Static<typeof MonitorAssignmentSchema>;
export type MonitorVehicle = MonitorData['vehicles'][number];

/** ObservationBody is what the device signs (canonical JSON) and sends. */
export type ObservationBody = Static<typeof ObservationWireSchema>;

/** The kinds a monitor records at a point (a reported total comes from other sources). */
export type ObservationKind = Exclude<ObservationBody['kind'], 'reported-total'>;

export type ObservationCategories = ObservationBody['categories'];

/** Item is an evidence item as `GET /api/items` lists it. */
export type Item = Static<typeof ItemSchema>;

/** CustodyTimeline is `GET /api/items/{ern}/custody`: the item's log entries with their proofs. */
export type CustodyTimeline = Static<typeof CustodyTimelineSchema>;
export type TimelineEntry = CustodyTimeline['entries'][number];

/** IntakeState is `GET /api/items/{ern}/intake`: the job, what was derived, duplicate links. */
export type IntakeState = Static<typeof IntakeStateSchema>;
export type DerivedRow = IntakeState['derived'][number];
export type Job = Static<typeof JobSchema>;
export type QueueDepth = Static<typeof QueueDepthSchema>;
export type NearDuplicates = Static<typeof NearDuplicateListSchema>;

/** PlaceMentions is `GET /api/items/{ern}/places`. */
export type PlaceMentions = Static<typeof MentionsSchema>;

/** SearchResult is `GET /api/search`. */
export type SearchResult = Static<typeof SearchResultSchema>;
export type SearchHit = SearchResult['results'][number];
export type FacetName = keyof SearchResult['facets'];
export type FacetValue = SearchResult['facets']['kind'][number];

/** ConflictList is `GET /api/ops/operations/{id}/observation-conflicts`. */
export type ConflictList = Static<typeof ConflictListSchema>;
export type ObservationConflict = ConflictList['conflicts'][number];
export type ConflictBody = ObservationConflict['bodies'][number];
