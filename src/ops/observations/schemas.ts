/**
 * schemas.ts — request and response schemas of the monitor's routes: device keys, signed
 * observations and their photos. An observation's schema is strict (no coercion, no stripping):
 * the server must check the very object the device signed.
 */
import { Type } from '@sinclair/typebox';
import { Id } from '../schema-parts.js';
import { LIMITS } from './validation.js';

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

export const DeviceParam = Type.Object(
  { id: Type.String({ pattern: '^dk-[0-9a-f-]{36}$' }) },
  { additionalProperties: false },
);

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
  status: Type.Union([Type.Literal('accepted'), Type.Literal('duplicate'), Type.Literal('held')]),
  id: Type.String(),
  seq: Type.Integer(),
  receivedTime: Type.String(),
});

export const PhotoParams = Type.Object(
  {
    clientId: Id,
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);

export const PhotoResult = Type.Object({
  ern: Type.String(),
  status: Type.Union([Type.Literal('added'), Type.Literal('duplicate')]),
});

export const ConflictChoiceBody = Type.Object(
  {
    deviceKeyId: Type.String({ minLength: 1, maxLength: 100 }),
    clientId: Id,
    chosenSha256: Type.Union([Type.String({ pattern: '^[0-9a-f]{64}$' }), Type.Null()], {
      description: 'the SHA-256 of the signed text that stands, or null to set every body aside',
    }),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    replace: Type.Optional(
      Type.Boolean({
        description:
          'true to change a decision already taken; without it a decided conflict is refused (409), so two coordinators cannot overwrite each other unseen',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ConflictChoiceResult = Type.Object({
  chosenSha256: Type.Union([Type.String(), Type.Null()]),
  bodies: Type.Integer(),
});

export const ConflictsQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('all')], { default: 'open' }),
    ),
  },
  { additionalProperties: false },
);

const ConflictBodySchema = Type.Object({
  sha256: Type.String(),
  seq: Type.Integer(),
  status: Type.String({ description: 'held (open), chosen or set-aside' }),
  kind: Type.String(),
  routePointId: Type.String(),
  deviceTime: Type.String(),
  receivedTime: Type.String(),
  vehicles: Type.Array(Type.Object({ id: Type.String(), marking: Type.Union([Type.String(), Type.Null()]) })),
  headcount: Type.Union([Type.Integer(), Type.Null()]),
  categories: Type.Record(Type.String(), Type.Integer()),
  note: Type.String(),
  photos: Type.Integer(),
  signatureValid: Type.Boolean({
    description: "the stored signature verifies over the stored signed text with the device's key",
  }),
});

export const ConflictListSchema = Type.Object({
  conflicts: Type.Array(
    Type.Object({
      deviceKeyId: Type.String(),
      clientId: Type.String(),
      state: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
      device: Type.Union([
        Type.Object({ label: Type.String(), revokedAt: Type.Union([Type.String(), Type.Null()]) }),
        Type.Null(),
      ]),
      monitorId: Type.String(),
      monitorName: Type.Union([Type.String(), Type.Null()]),
      firstDeviceTime: Type.String(),
      bodies: Type.Array(ConflictBodySchema),
      resolution: Type.Union([
        Type.Object({
          chosenSha256: Type.Union([Type.String(), Type.Null()]),
          reason: Type.String(),
          resolvedBy: Type.String(),
          resolvedByName: Type.Union([Type.String(), Type.Null()]),
          resolvedAt: Type.String(),
        }),
        Type.Null(),
      ]),
    }),
  ),
  truncated: Type.Boolean({ description: 'more bodies in conflict than one answer carries (2,000)' }),
});
