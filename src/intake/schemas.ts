// Request and response schemas of the intake routes (the response schemas are the allow-list).
import { Type } from '@sinclair/typebox';

export const JobSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  itemId: Type.Union([Type.String(), Type.Null()]),
  state: Type.Union([
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('done'),
    Type.Literal('failed'),
  ]),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  runAfter: Type.String(),
  progress: Type.Integer({ description: '0–100' }),
  progressNote: Type.Union([Type.String(), Type.Null()]),
  errorCode: Type.Union([Type.String(), Type.Null()], { description: 'why the last attempt failed' }),
  error: Type.Union([Type.String(), Type.Null()]),
  result: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});

export const JobParam = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'job id' }) },
  { additionalProperties: false },
);

export const JobListQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Union([
        Type.Literal('queued'),
        Type.Literal('running'),
        Type.Literal('done'),
        Type.Literal('failed'),
      ]),
    ),
    kind: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9.-]{0,62}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

export const JobListSchema = Type.Object({ jobs: Type.Array(JobSchema) });

export const QueueDepthSchema = Type.Object({
  queued: Type.Integer(),
  running: Type.Integer(),
  done: Type.Integer(),
  failed: Type.Integer(),
});

export const ErnParam = Type.Object(
  { ern: Type.String({ pattern: '^ATT-[0-9]{6,15}$', description: 'evidence reference number' }) },
  { additionalProperties: false },
);

const LinkSchema = Type.Object({
  ern: Type.String(),
  relation: Type.String({ description: 'near-duplicate-of or exact-duplicate-of' }),
  distance: Type.Integer({ description: 'PDQ Hamming distance (0 for identical bytes)' }),
});

export const IntakeStateSchema = Type.Object({
  ern: Type.String(),
  state: Type.Union([
    Type.Literal('none'),
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('done'),
    Type.Literal('failed'),
  ]),
  job: Type.Union([JobSchema, Type.Null()]),
  derived: Type.Array(
    Type.Object({
      ern: Type.String(),
      kind: Type.String(),
      key: Type.String(),
      tool: Type.String(),
      toolVersion: Type.String(),
      mediaType: Type.String(),
      size: Type.Integer(),
      sha256: Type.String(),
    }),
  ),
  links: Type.Array(LinkSchema),
});

export const NearDuplicateQuery = Type.Object(
  { maxDistance: Type.Optional(Type.Integer({ minimum: 0, maximum: 31, default: 31 })) },
  { additionalProperties: false },
);

export const NearDuplicateListSchema = Type.Object({
  ern: Type.String(),
  pdq: Type.Union([Type.String(), Type.Null()]),
  quality: Type.Union([Type.Integer(), Type.Null()]),
  matches: Type.Array(Type.Object({ ern: Type.String(), distance: Type.Integer() })),
});

export const CaptureBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 4096, description: 'http or https URL of the page' }),
    source: Type.Optional(
      Type.String({ minLength: 1, maxLength: 500, description: 'where the link came from' }),
    ),
    compartment: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const CaptureSchema = Type.Object({
  ern: Type.String(),
  sha256: Type.String(),
  size: Type.Integer({ description: 'bytes of the WARC file' }),
  mediaType: Type.String(),
  url: Type.String(),
  finalUrl: Type.String({ description: 'the page after redirects' }),
  status: Type.Integer({ description: 'HTTP status of the final response' }),
  redirects: Type.Integer(),
});
