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
    photoErns: Type.Optional(
      Type.Array(Type.String({ pattern: '^ATT-[0-9]{6,15}$' }), { maxItems: LIMITS.photos }),
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
