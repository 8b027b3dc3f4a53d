/**
 * routes.ts — the custody log over HTTP, read-only: the public verifier key, checkpoints,
 * entries and proofs. Everything but the key needs `log:read`.
 */
import { Type } from '@sinclair/typebox';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { CustodyError } from './errors.js';
import { logSize } from './repo.js';
import {
  checkpointAt,
  getEntry,
  latestCheckpoint,
  proveConsistency,
  proveInclusion,
  signCheckpoint,
} from './service.js';

const Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Size = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const CheckpointSchema = Type.Object({
  size: Type.Integer(),
  root: Hex,
  signedNote: Type.String({ description: 'C2SP tlog-checkpoint wrapped in a C2SP signed note' }),
  at: Type.String(),
});
const InclusionSchema = Type.Object({
  index: Type.Integer(),
  size: Type.Integer(),
  leafHash: Hex,
  proof: Type.Array(Hex),
});
const ConsistencySchema = Type.Object({
  old: Type.Integer(),
  new: Type.Integer(),
  oldRoot: Hex,
  newRoot: Hex,
  proof: Type.Array(Hex),
});
const EntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  kind: Type.String(),
  actor: Type.String(),
  itemId: Type.Optional(Type.String()),
  data: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
  leafHash: Hex,
});

const readLog = { policy: { permission: 'log:read' as const } };

export const custodyRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.get(
    '/api/log/key',
    {
      config: { policy: { public: true } },
      schema: {
        operationId: 'getLogKey',
        tags: ['custody'],
        summary: "The log's public verifier key (C2SP signed-note)",
        response: { 200: Type.Object({ origin: Type.String(), key: Type.String(), size: Type.Integer() }) },
      },
    },
    async () => ({ origin: ctx.logKey.origin, key: ctx.logKey.verifierKey, size: await logSize(ctx.db) }),
  );

  app.get(
    '/api/log/checkpoint',
    {
      config: readLog,
      schema: {
        operationId: 'getLatestCheckpoint',
        tags: ['custody'],
        summary: 'The latest signed checkpoint (signing one if the log grew)',
        response: { 200: CheckpointSchema },
      },
    },
    async () => {
      const cp = (await signCheckpoint(ctx)) ?? (await latestCheckpoint(ctx));
      if (!cp) throw new CustodyError('NO_CHECKPOINT', 'the log is empty');
      return cp;
    },
  );

  app.get(
    '/api/log/checkpoints/:size',
    {
      config: readLog,
      schema: {
        operationId: 'getCheckpoint',
        tags: ['custody'],
        summary: 'A stored checkpoint by tree size',
        params: Type.Object({ size: Size }, { additionalProperties: false }),
        response: { 200: CheckpointSchema },
      },
    },
    async (req) => checkpointAt(ctx, req.params.size),
  );

  app.get(
    '/api/log/entries/:index',
    {
      config: readLog,
      schema: {
        operationId: 'getLogEntry',
        tags: ['custody'],
        summary: 'One log entry (canonical fields) and its leaf hash',
        params: Type.Object({ index: Size }, { additionalProperties: false }),
        response: { 200: EntrySchema },
      },
    },
    async (req) => getEntry(ctx, req.params.index),
  );

  app.get(
    '/api/log/proofs/inclusion',
    {
      config: readLog,
      schema: {
        operationId: 'proveInclusion',
        tags: ['custody'],
        summary: 'RFC 6962 §2.1.1 audit path of entry `index` in the tree of `size` entries',
        querystring: Type.Object({ index: Size, size: Size }, { additionalProperties: false }),
        response: { 200: InclusionSchema },
      },
    },
    async (req) => proveInclusion(ctx, req.query.index, req.query.size),
  );

  app.get(
    '/api/log/proofs/consistency',
    {
      config: readLog,
      schema: {
        operationId: 'proveConsistency',
        tags: ['custody'],
        summary: 'RFC 6962 §2.1.2 consistency proof between tree sizes `old` and `new`',
        querystring: Type.Object({ old: Size, new: Size }, { additionalProperties: false }),
        response: { 200: ConsistencySchema },
      },
    },
    async (req) => proveConsistency(ctx, req.query.old, req.query.new),
  );
};
