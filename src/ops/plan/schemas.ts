// Request and response schemas of the evacuation-operation routes. Request schemas are strict
// (no extra properties, bounded sizes): an observation's signed form must be exactly what arrives.
import { Type } from '@sinclair/typebox';
import { LIMITS } from './observation-validation.js';

const Id = Type.String({
  minLength: 1,
  maxLength: LIMITS.idLength,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
});

export const OperationParam = Type.Object({ id: Id });
export const AlertParam = Type.Object({ id: Type.String({ pattern: '^alert-[0-9a-f]{20}$' }) });

export const AlertsQuery = Type.Object({
  state: Type.Optional(
    Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('resolved')]),
  ),
});

const IsoTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?Z)?$',
  maxLength: 30,
});

export const SitrepQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('md'), Type.Literal('json'), Type.Literal('pdf')])),
  from: Type.Optional(IsoTime),
  to: Type.Optional(IsoTime),
});

export const DeviceBody = Type.Object(
  {
    publicKey: Type.String({
      minLength: 40,
      maxLength: 64,
      description: 'raw 32-byte Ed25519 public key, base64',
    }),
    label: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const DeviceResult = Type.Object({ deviceKeyId: Type.String() });

export const DeviceParam = Type.Object({ id: Type.String({ pattern: '^dk-[0-9a-f-]{36}$' }) });

export const DeviceListSchema = Type.Object({
  devices: Type.Array(
    Type.Object({
      id: Type.String(),
      label: Type.String(),
      createdAt: Type.String(),
      revokedAt: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const ObservationWireSchema = Type.Object(
  {
    clientId: Id,
    operationId: Id,
    routePointId: Id,
    deviceTime: Type.String({ maxLength: 30 }),
    kind: Type.Union([
      Type.Literal('departure'),
      Type.Literal('checkpoint'),
      Type.Literal('arrival'),
      Type.Literal('turned-back'),
      Type.Literal('reported-total'),
    ]),
    vehicleIds: Type.Array(Id, { maxItems: LIMITS.vehicles }),
    // Negative counts pass the schema on purpose: the domain names them (negative-count).
    headcount: Type.Union([
      Type.Integer({ minimum: -LIMITS.reportedTotal, maximum: LIMITS.reportedTotal }),
      Type.Null(),
    ]),
    categories: Type.Object(
      {
        adults: Type.Optional(Type.Integer({ minimum: -LIMITS.headcount, maximum: LIMITS.reportedTotal })),
        children: Type.Optional(Type.Integer({ minimum: -LIMITS.headcount, maximum: LIMITS.reportedTotal })),
        medical: Type.Optional(Type.Integer({ minimum: -LIMITS.headcount, maximum: LIMITS.reportedTotal })),
        unaccompaniedMinors: Type.Optional(
          Type.Integer({ minimum: -LIMITS.headcount, maximum: LIMITS.reportedTotal }),
        ),
      },
      { additionalProperties: false },
    ),
    note: Type.Optional(Type.String({ maxLength: LIMITS.noteLength })),
    // Photos are signed by their SHA-256 (known offline); the bytes follow once it is accepted.
    photoSha256: Type.Optional(
      Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }), { minItems: 1, maxItems: LIMITS.photos }),
    ),
    source: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const SubmissionBody = Type.Object(
  {
    deviceKeyId: Type.String({ minLength: 1, maxLength: 100 }),
    signature: Type.String({ minLength: 1, maxLength: 200 }),
    observation: ObservationWireSchema,
  },
  { additionalProperties: false },
);

export const SubmitResultSchema = Type.Object({
  status: Type.Union([Type.Literal('accepted'), Type.Literal('duplicate')]),
  id: Type.String(),
  seq: Type.Integer(),
  receivedTime: Type.String(),
});

export const AlertNoteBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

export const ResolveBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000 }) },
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

export const EventsQuery = Type.Object({
  lastEventId: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,15}$', description: 'resume after this event (as Last-Event-ID)' }),
  ),
  follow: Type.Optional(
    Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')]),
  ),
});

// ── Operation plans (POST /api/ops/operations) ──────────────────────────────────────────────────

const Name = Type.String({ minLength: 1, maxLength: 300 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lon = Type.Number({ minimum: -180, maximum: 180 });
const Pcode = Type.String({ pattern: '^[A-Z]{1,3}[0-9]{1,10}$' });

const PlaceSchema = Type.Union([
  Type.Object(
    {
      pcode: Pcode,
      name: Name,
      nameAr: Type.Optional(Name),
      lat: Type.Optional(Lat),
      lon: Type.Optional(Lon),
      adm1Pcode: Type.Optional(Pcode),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      lat: Lat,
      lon: Lon,
      name: Name,
      nameAr: Type.Optional(Name),
      approximate: Type.Optional(Type.Boolean()),
      contextPcode: Type.Optional(Pcode),
    },
    { additionalProperties: false },
  ),
]);

const Status = Type.Union([
  Type.Literal('planned'),
  Type.Literal('active'),
  Type.Literal('suspended'),
  Type.Literal('resumed'),
  Type.Literal('completed'),
]);

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
        },
        { additionalProperties: false },
      ),
      { minItems: 2, maxItems: 200 },
    ),
    plannedPeople: Type.Integer({ minimum: 0, maximum: LIMITS.reportedTotal }),
    statusHistory: Type.Array(
      Type.Object(
        { status: Status, at: Type.String({ maxLength: 30 }), reason: Type.String({ maxLength: 2000 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
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
    thresholds: Type.Optional(
      Type.Object(
        {
          stallAfterMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          maxDwellMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          arrivalGraceMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
          unmonitoredMinVehicles: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          sourceTolerancePercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
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
          kind: Type.Union([
            Type.Literal('bus'),
            Type.Literal('ambulance'),
            Type.Literal('private'),
            Type.Literal('truck'),
          ]),
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

export const PhotoParams = Type.Object({
  clientId: Id,
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});

export const PhotoResult = Type.Object({
  ern: Type.String(),
  status: Type.Union([Type.Literal('added'), Type.Literal('duplicate')]),
});

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

export const VehiclesQuery = Type.Object({
  vehicles: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('all')])),
});
