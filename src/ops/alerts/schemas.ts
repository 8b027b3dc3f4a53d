/** schemas.ts — request and response schemas of the alert routes. */
import { Type } from '@sinclair/typebox';

export const AlertParam = Type.Object(
  { id: Type.String({ pattern: '^alert-[0-9a-f]{20}$' }) },
  { additionalProperties: false },
);

export const AlertStateSchema = Type.Union([
  Type.Literal('open'),
  Type.Literal('acknowledged'),
  Type.Literal('resolved'),
]);

export const AlertsQuery = Type.Object(
  { state: Type.Optional(AlertStateSchema) },
  { additionalProperties: false },
);

export const AlertNoteBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

export const ResolveBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

const Figure = Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()]);

/** ApiAlertSchema is an alert as the API returns it (report/views.ts `apiAlert`). */
export const ApiAlertSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  severity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
  state: AlertStateSchema,
  operationId: Type.String(),
  subject: Type.Object({
    type: Type.Union([
      Type.Literal('vehicle'),
      Type.Literal('convoy'),
      Type.Literal('route-point'),
      Type.Literal('operation'),
    ]),
    id: Type.String(),
  }),
  summary: Type.String(),
  subjectLabel: Type.String(),
  evidence: Type.Object({
    observationIds: Type.Array(Type.String()),
    figures: Type.Record(Type.String(), Figure),
  }),
  raisedAt: Type.String(),
  updatedAt: Type.String(),
  stateChangedAt: Type.Union([Type.String(), Type.Null()]),
  stateChangedBy: Type.Union([Type.String(), Type.Null()]),
  /** The conditions this one alert stands for, oldest first (a vehicle overdue, then missing). */
  history: Type.Array(Type.Object({ kind: Type.String(), severity: Type.String(), since: Type.String() })),
  note: Type.Union([Type.String(), Type.Null()]),
});

export const AlertListSchema = Type.Object({ alerts: Type.Array(ApiAlertSchema) });
export const AlertResultSchema = Type.Object({ alert: ApiAlertSchema });
