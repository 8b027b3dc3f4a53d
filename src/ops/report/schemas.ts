/**
 * schemas.ts — request and response schemas of the report routes: the operations list, one
 * operation's dashboard view, a monitor's assignment, the situation report and HXL. A response
 * schema is an allow-list: only the properties named here leave the server.
 */
import { type TInteger, Type } from '@sinclair/typebox';
import { ApiAlertSchema } from '../alerts/schemas.js';
import { VEHICLE_KINDS, type VehicleKind } from '../model.js';
import { IsoTime, StatusChangeSchema, StatusSchema } from '../schema-parts.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const VehiclesQuery = Type.Object(
  { vehicles: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('all')])) },
  { additionalProperties: false },
);

export const SitrepQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('md'), Type.Literal('json'), Type.Literal('pdf')])),
    lang: Type.Optional(
      Type.Union([Type.Literal('en'), Type.Literal('ar')], {
        description:
          "The report's language (Markdown and PDF); without it, the first of Accept-Language that Attest has, else English",
      }),
    ),
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
  },
  { additionalProperties: false },
);

export const HxlQuery = Type.Object(
  { table: Type.Optional(Type.Union([Type.Literal('movements'), Type.Literal('totals')])) },
  { additionalProperties: false },
);

/** ByKind counts vehicles per kind: every kind of the plan's schema, zero when none (issue 13.6). */
const ByKind = Type.Object(
  Object.fromEntries(VEHICLE_KINDS.map((k) => [k, Type.Integer()])) as Record<VehicleKind, TInteger>,
);

const Totals = Type.Object({
  people: Type.Integer(),
  vehicles: Type.Integer(),
  byKind: ByKind,
  buses: Type.Integer(),
  ambulances: Type.Integer(),
  privateVehicles: Type.Integer(),
  trucks: Type.Integer(),
  medicalEvacuations: Type.Integer(),
});

export const OperationSummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameAr: Nullable(Type.String()),
  status: Type.String(),
  /** A training operation (issue 13.8): shown as an exercise everywhere. */
  exercise: Type.Boolean(),
  compartment: Type.String(),
  mandates: Type.Array(
    Type.Object({ id: Type.String(), body: Type.String(), instrument: Type.String(), date: Type.String() }),
  ),
  linkedOperationIds: Type.Array(Type.String()),
  totals: Totals,
  plannedPeople: Type.Integer(),
  expected: Nullable(
    Type.Object({
      people: Type.Integer(),
      vehicles: Type.Integer(),
      byKind: ByKind,
      buses: Type.Integer(),
      ambulances: Type.Integer(),
      privateVehicles: Type.Integer(),
      trucks: Type.Integer(),
    }),
  ),
});

export const OperationListSchema = Type.Object({ operations: Type.Array(OperationSummarySchema) });

const PlaceView = {
  name: Type.String(),
  nameAr: Nullable(Type.String()),
  pcode: Nullable(Type.String()),
  lat: Nullable(Type.Number()),
  lon: Nullable(Type.Number()),
};

const RoutePointView = Type.Object({
  id: Type.String(),
  order: Type.Integer(),
  kind: Type.Union([
    Type.Literal('origin'),
    Type.Literal('checkpoint'),
    Type.Literal('waypoint'),
    Type.Literal('destination'),
  ]),
  ...PlaceView,
  monitored: Type.Boolean(),
  /** The monitors (user ids) the plan assigns to the point; empty when it assigns none. */
  monitors: Type.Array(Type.String()),
  counts: Type.Object({ people: Type.Integer(), vehicles: Type.Integer() }),
});

const LinkSchema = Type.Union([
  Type.Object({ kind: Type.Literal('gates'), other: Type.String(), maxLeadPercent: Type.Integer() }),
  Type.Object({ kind: Type.Literal('reciprocal'), other: Type.String() }),
]);

export const OperationViewSchema = Type.Object({
  operation: Type.Object({
    ...OperationSummarySchema.properties,
    origin: Type.Object(PlaceView),
    destination: Type.Object(PlaceView),
    statusHistory: Type.Array(StatusChangeSchema),
    links: Type.Array(LinkSchema),
    deadline: Nullable(Type.String()),
  }),
  // lastObservedAt: the device time of the latest observation at the point (the attention strip's
  // "silent for" figure); null before the first.
  routePoints: Type.Array(
    Type.Object({ ...RoutePointView.properties, lastObservedAt: Nullable(Type.String()) }),
  ),
  vehicles: Type.Object({
    inTransit: Type.Integer(),
    overdue: Type.Integer(),
    missing: Type.Integer(),
    arrived: Type.Integer(),
    total: Type.Integer(),
  }),
  vehicleList: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      marking: Type.String(),
      convoyId: Nullable(Type.String()),
      lastPointId: Nullable(Type.String()),
      lastSeenAt: Nullable(Type.String()),
      /** People on board by the accepted count at the latest point (null: seen only in group counts). */
      people: Nullable(Type.Integer()),
      state: Type.String(),
    }),
  ),
  alerts: Type.Array(ApiAlertSchema),
  linked: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      nameAr: Nullable(Type.String()),
      status: Type.String(),
      exercise: Type.Boolean(),
      totals: Totals,
    }),
  ),
});

export const MonitorAssignmentSchema = Type.Object({
  operation: Type.Object({
    id: Type.String(),
    name: Type.String(),
    nameAr: Nullable(Type.String()),
    status: Type.String(),
    exercise: Type.Boolean(),
  }),
  routePoints: Type.Array(RoutePointView),
  vehicles: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      marking: Type.String(),
      convoyId: Nullable(Type.String()),
    }),
  ),
  convoys: Type.Array(Type.Object({ id: Type.String(), label: Type.String() })),
});

/** SitrepSchema is report/sitrep.ts `Sitrep` (the JSON form of the situation report). */
export const SitrepSchema = Type.Object({
  operationId: Type.String(),
  name: Type.String(),
  nameAr: Nullable(Type.String()),
  exercise: Type.Boolean(),
  period: Type.Object({ from: Nullable(Type.String()), to: Type.String() }),
  status: StatusSchema,
  mandates: Type.Array(Type.Object({ instrument: Type.String(), date: Type.String() })),
  totals: Totals,
  plannedPeople: Type.Integer(),
  inTransit: Type.Object({ vehicles: Type.Integer(), people: Type.Integer() }),
  missing: Type.Object({
    vehicles: Type.Integer(),
    people: Type.Integer(),
    confirmed: Type.Integer(),
    markings: Type.Array(Type.String()),
    dueBy: Nullable(Type.String()),
  }),
  turnedBackVehicles: Type.Integer(),
  points: Type.Array(
    Type.Object({
      pointId: Type.String(),
      order: Type.Integer(),
      kind: Type.String(),
      name: Type.String(),
      nameAr: Nullable(Type.String()),
      pcode: Nullable(Type.String()),
      vehicles: Type.Integer(),
      people: Type.Integer(),
      uncounted: Type.Integer(),
    }),
  ),
  linked: Type.Array(
    Type.Object({
      operationId: Type.String(),
      name: Type.String(),
      nameAr: Nullable(Type.String()),
      rule: Type.String(),
      ruleFacts: Type.Object({
        kind: Type.Union([Type.Literal('gates'), Type.Literal('reciprocal')]),
        maxLeadPercent: Nullable(Type.Number()),
        declaredBy: Nullable(Type.String()),
      }),
      people: Type.Integer(),
      plannedPeople: Type.Integer(),
      progressPercent: Type.Number(),
    }),
  ),
  reportedTotals: Type.Object({
    figures: Type.Array(Type.Object({ source: Type.String(), total: Type.Integer(), at: Type.String() })),
    min: Nullable(Type.Integer()),
    max: Nullable(Type.Integer()),
  }),
  alerts: Type.Array(
    Type.Object({
      key: Type.String(),
      kind: Type.String(),
      severity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
      state: Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('resolved')]),
      raisedAt: Type.String(),
      subject: Type.String(),
      note: Nullable(Type.String()),
    }),
  ),
  caveats: Type.Array(Type.String()),
  /** The caveats as facts (report/sitrep-text.ts `Caveat`): a code and its figures. */
  caveatFacts: Type.Array(
    Type.Object(
      { code: Type.String() },
      { additionalProperties: Type.Union([Type.Integer(), Type.Array(Type.String())]) },
    ),
  ),
});
