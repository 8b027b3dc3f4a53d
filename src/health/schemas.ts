// Response schemas of the server-health routes (the allow-list of what leaves the server).
import { Type } from '@sinclair/typebox';

const Count = Type.Integer({ minimum: 0 });

export const FailedJobSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  itemErn: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()], {
    description:
      "the failure's text, for a caller who may read the job's item (items:read in its compartment); null for others, who get errorCode alone",
  }),
  updatedAt: Type.String(),
});

export const HealthSchema = Type.Object({
  at: Type.String({ description: 'server time of this report (UTC)' }),
  scope: Type.Union([Type.Literal('deployment'), Type.Literal('compartments')], {
    description: 'deployment: every compartment; compartments: only those the caller administers',
  }),
  jobs: Type.Object({
    queued: Count,
    running: Count,
    done: Count,
    failed: Count,
    oldestQueuedAt: Type.Union([Type.String(), Type.Null()], {
      description: 'how long the queue has waited',
    }),
    byKind: Type.Array(
      Type.Object({ kind: Type.String(), queued: Count, running: Count, done: Count, failed: Count }),
    ),
  }),
  failedJobs: Type.Array(FailedJobSchema, { description: 'the most recent failed jobs (at most 50)' }),
  storage: Type.Union([Type.Object({ blobs: Count, bytes: Count, items: Count }), Type.Null()], {
    description: 'for deployment administrators only (totals would count hidden items)',
  }),
  search: Type.Union(
    [
      Type.Object({
        items: Count,
        behind: Type.Integer({ minimum: 0, description: 'items added past the index (not yet findable)' }),
        version: Type.Union([Count, Type.Null()], {
          description: 'the version the index was last fully written at',
        }),
        currentVersion: Count,
        rebuildRemaining: Type.Integer({
          minimum: 0,
          description: 'indexed items still to read again after an upgrade changed the version',
        }),
        catchUp: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Null()], {
          description: 'the background re-index (search-catch-up job), when one is queued or running',
        }),
      }),
      Type.Null(),
    ],
    {
      description:
        'the search index against the vault, for deployment administrators only (counts would include hidden items); behind or an old version after an upgrade is caught up in the background',
    },
  ),
  log: Type.Object({
    size: Count,
    checkpoint: Type.Union([
      Type.Object({ size: Count, at: Type.String(), ageSeconds: Count, behind: Count }),
      Type.Null(),
    ]),
    checkpointSeconds: Count,
    signer: Type.Union([Type.Literal('ok'), Type.Literal('refused')]),
    signerRefusedAt: Type.Union([Type.String(), Type.Null()]),
  }),
  witnesses: Type.Object({
    configured: Type.Boolean({ description: 'witnesses are configured (ATTEST_WITNESSES)' }),
    quorum: Count,
    latest: Type.Union([Type.Object({ number: Count, size: Count, cosignedBy: Count }), Type.Null()], {
      description: 'the latest checkpoint and how many configured witnesses cosigned it',
    }),
    quorumMet: Type.Boolean({ description: 'at least `quorum` witnesses cosigned the latest checkpoint' }),
    witnesses: Type.Array(
      Type.Object({
        name: Type.String(),
        vkey: Type.String({ description: 'the witness verifier key (C2SP cosignature/v1, public)' }),
        cosignedLatest: Type.Boolean(),
        cosignedSize: Type.Union([Count, Type.Null()]),
        cosignedAt: Type.Union([Type.String(), Type.Null()], {
          description: "the witness's timestamp on it",
        }),
        ageSeconds: Type.Union([Count, Type.Null()]),
        lastSuccessAt: Type.Union([Type.String(), Type.Null()]),
        lastAttemptAt: Type.Union([Type.String(), Type.Null()]),
        failures: Count,
        nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
        lastError: Type.Union([
          Type.Object({ code: Type.String(), message: Type.String(), at: Type.String() }),
          Type.Null(),
        ]),
        fork: Type.Boolean({ description: "the last error: the witness refused this log's history" }),
      }),
    ),
  }),
});

export const JobParam = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'job id' }) },
  { additionalProperties: false },
);

export const RetriedSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  state: Type.String(),
  attempts: Type.Integer(),
});
