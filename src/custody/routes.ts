/**
 * routes.ts — the custody log over HTTP, read-only: the public verifier key and signed
 * checkpoints (public), entries and proofs (`log:read`; an entry's content only for readers of
 * its subject, see entry-access.ts).
 */
import { Type } from '@sinclair/typebox';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { entryForReader } from './entry-access.js';
import { CustodyError } from './errors.js';
import { checkpointAt, latestCheckpoint, proveConsistency, proveInclusion } from './service.js';
import { cosignedNote } from './witness/service.js';

const Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Size = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
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
  at: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String()),
  actor: Type.Optional(Type.String()),
  salt: Type.Optional(Type.String({ description: 'version 2 entries: the salt inside the hashed payload' })),
  redacted: Type.Optional(
    Type.Boolean({
      description: 'true: the entry is about a record outside your compartments; only its leaf hash is shown',
    }),
  ),
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
        // The key alone (issue #14): the log's size is told by the signed checkpoint only, not
        // live to anyone who asks — a live count shows when evidence arrives.
        response: { 200: Type.Object({ origin: Type.String(), key: Type.String() }) },
      },
    },
    async () => ({ origin: ctx.logKey.origin, key: ctx.logKey.verifierKey }),
  );

  // Checkpoints leave the building (issue 18.6): the signed note — origin, size, root,
  // signatures; nothing else — is public, as a C2SP tlog's checkpoint endpoint, so that anyone can
  // keep copies to hold the log to. The route serves what was signed (the timer signs every T
  // seconds), and never signs on an anonymous caller's behalf.
  const NOTE = 'text/plain; charset=utf-8';
  app.get(
    '/api/log/checkpoint',
    {
      config: { policy: { public: true } },
      schema: {
        operationId: 'getLatestCheckpoint',
        tags: ['custody'],
        summary:
          'The latest signed checkpoint, as a C2SP signed note with any witness cosignatures (text/plain; public)',
        produces: ['text/plain'],
        response: { 200: Type.String({ description: 'C2SP tlog-checkpoint wrapped in a C2SP signed note' }) },
      },
    },
    async (_req, reply) => {
      const cp = await latestCheckpoint(ctx);
      if (!cp) throw new CustodyError('NO_CHECKPOINT', 'no checkpoint yet');
      // With the witnesses' verified cosignatures appended (C2SP tlog-cosignature): a note
      // verifier that knows only the log's key ignores those lines.
      return reply.type(NOTE).send(await cosignedNote(ctx, cp));
    },
  );

  app.get(
    '/api/log/checkpoints/:size',
    {
      config: { policy: { public: true } },
      schema: {
        operationId: 'getCheckpoint',
        tags: ['custody'],
        summary: 'A stored checkpoint by tree size, as a C2SP signed note (text/plain; public)',
        produces: ['text/plain'],
        params: Type.Object({ size: Size }, { additionalProperties: false }),
        response: { 200: Type.String({ description: 'C2SP tlog-checkpoint wrapped in a C2SP signed note' }) },
      },
    },
    async (req, reply) =>
      reply.type(NOTE).send(await cosignedNote(ctx, await checkpointAt(ctx, req.params.size))),
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
    async (req) => entryForReader(ctx, req.params.index, req.access.compartmentsFor('log:read')),
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
