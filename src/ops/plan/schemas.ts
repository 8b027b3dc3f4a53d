/**
 * schemas.ts — request and response schemas of the plan routes (POST /api/ops/operations, status,
 * learned transit times). Request schemas are strict: no extra properties, bounded sizes.
 */
import { Type } from '@sinclair/typebox';
import { VEHICLE_KINDS } from '../model.js';
import { LIMITS } from '../observations/validation.js';
import { Id, Name, PlaceSchema, StatusChangeSchema } from '../schema-parts.js';

/** At most this many monitors assigned to one route point. */
export const MAX_MONITORS_PER_POINT = 20;

const MandateSchema = Type.Object(
  {
    id: Id,
    body: Type.Union([
      Type.Literal('security-council'),
      Type.Literal('general-assembly'),
      Type.Literal('parties-agreement'),
    ]),
    instrument: Type.String({ minLength: 1, maxLength: 100 }),
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    textRef: Type.String({ minLength: 1, maxLength: 500 }),
    title: Type.Optional(Type.String({ maxLength: 500 })),
    vote: Type.Optional(
      Type.Object(
        {
          yes: Type.Integer({ minimum: 0, maximum: 1000 }),
          no: Type.Integer({ minimum: 0, maximum: 1000 }),
          abstain: Type.Integer({ minimum: 0, maximum: 1000 }),
          membership: Type.Integer({ minimum: 1, maximum: 1000 }),
        },
        { additionalProperties: false },
      ),
    ),
    unanimous: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const OperationSchema = Type.Object(
  {
    id: Id,
    name: Name,
    nameAr: Type.Optional(Name),
    compartment: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
    mandateIds: Type.Array(Id, { maxItems: 20 }),
    origin: PlaceSchema,
    destination: PlaceSchema,
    route: Type.Array(
      Type.Object(
        {
          id: Id,
          order: Type.Integer({ minimum: 0, maximum: 1000 }),
          kind: Type.Union([
            Type.Literal('origin'),
            Type.Literal('checkpoint'),
            Type.Literal('waypoint'),
            Type.Literal('destination'),
          ]),
          place: PlaceSchema,
          monitored: Type.Optional(Type.Boolean()),
          expectedMinutesToNext: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080 })),
          /** The monitors (user ids) assigned to watch this point: the engine waits for each. */
          monitors: Type.Optional(Type.Array(Id, { maxItems: MAX_MONITORS_PER_POINT })),
        },
        { additionalProperties: false },
      ),
      { minItems: 2, maxItems: 200 },
    ),
    plannedPeople: Type.Integer({ minimum: 0, maximum: LIMITS.reportedTotal }),
    statusHistory: Type.Array(StatusChangeSchema, { minItems: 1, maxItems: 100 }),
    links: Type.Array(
      Type.Union([
        Type.Object(
          {
            kind: Type.Literal('gates'),
            other: Id,
            maxLeadPercent: Type.Integer({ minimum: 0, maximum: 100 }),
          },
          { additionalProperties: false },
        ),
        Type.Object({ kind: Type.Literal('reciprocal'), other: Id }, { additionalProperties: false }),
      ]),
      { maxItems: 20 },
    ),
    deadline: Type.Optional(Type.String({ maxLength: 30 })),
    /** A training operation (replayed scenario): marked as such everywhere, kept out of real reports. */
    exercise: Type.Optional(Type.Boolean()),
    thresholds: Type.Optional(
      Type.Object(
        {
          stallAfterMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          maxDwellMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          arrivalGraceMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
          unmonitoredMinVehicles: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          sourceTolerancePercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
          offWatchAfterMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const PlanBody = Type.Object(
  {
    mandates: Type.Array(MandateSchema, { maxItems: 100 }),
    operations: Type.Array(OperationSchema, { minItems: 1, maxItems: 20 }),
    convoys: Type.Array(
      Type.Object({ id: Id, operationId: Id, label: Name }, { additionalProperties: false }),
      { maxItems: 10_000 },
    ),
    vehicles: Type.Array(
      Type.Object(
        {
          id: Id,
          operationId: Id,
          convoyId: Type.Optional(Id),
          kind: Type.Union(VEHICLE_KINDS.map((k) => Type.Literal(k))),
          marking: Type.String({ minLength: 1, maxLength: 100 }),
          capacity: Type.Integer({ minimum: 1, maximum: 1000 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50_000 },
    ),
    manifests: Type.Array(
      Type.Object(
        {
          id: Id,
          operationId: Id,
          vehicleId: Id,
          headcount: Type.Integer({ minimum: 0, maximum: LIMITS.headcount }),
          categories: Type.Object(
            {
              adults: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.headcount })),
              children: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.headcount })),
              medical: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.headcount })),
              unaccompaniedMinors: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.headcount })),
            },
            { additionalProperties: false },
          ),
          protectedEntries: Type.Optional(
            Type.Array(
              Type.Object(
                {
                  pseudonym: Type.String({ minLength: 1, maxLength: 100 }),
                  category: Type.Union([
                    Type.Literal('adults'),
                    Type.Literal('children'),
                    Type.Literal('medical'),
                    Type.Literal('unaccompaniedMinors'),
                  ]),
                  protectionLevel: Type.Union([Type.Literal('standard'), Type.Literal('high')]),
                },
                { additionalProperties: false },
              ),
              { maxItems: 1000 },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50_000 },
    ),
  },
  { additionalProperties: false },
);

export const LearnBody = Type.Object(
  {
    factor: Type.Optional(
      Type.Number({ minimum: 1, maximum: 10, description: 'expected = median × factor (default 1.5)' }),
    ),
    minSamples: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100_000, description: 'transits needed (default 10)' }),
    ),
    overwrite: Type.Optional(Type.Boolean({ description: 'replace planned expectations too' })),
  },
  { additionalProperties: false },
);

export const StatusBody = Type.Object(
  {
    status: Type.Union([
      Type.Literal('active'),
      Type.Literal('suspended'),
      Type.Literal('resumed'),
      Type.Literal('completed'),
    ]),
    reason: Type.String({ maxLength: 2000 }),
  },
  { additionalProperties: false },
);

export const PlanResult = Type.Object({ operationIds: Type.Array(Type.String()) });

export const StatusResult = Type.Object({ statusHistory: Type.Array(StatusChangeSchema) });

export const LearnResultSchema = Type.Object({
  learned: Type.Array(
    Type.Object({
      fromPointId: Type.String(),
      samples: Type.Integer(),
      medianMinutes: Type.Number(),
      expectedMinutes: Type.Integer(),
    }),
  ),
  applied: Type.Array(Type.String()),
});
