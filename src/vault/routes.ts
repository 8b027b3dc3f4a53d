/**
 * routes.ts — evidence over HTTP: list (cursor pagination, compartments filtered in the query),
 * detail, bytes (HTTP Range, hash checked on full downloads), custody timeline with inclusion
 * proofs, and streaming multipart upload. Every read of detail or bytes is logged as `view`.
 */
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Access, compartmentFilter } from '../access/access.js';
import type { Permission } from '../access/permissions.js';
import { HttpProblem } from '../api/problems.js';
import type { DomainPlugin } from '../api/routes.js';
import type { Ctx } from '../ctx.js';
import { appendEntry, itemEntries, proveInclusion, signCheckpoint } from '../custody/service.js';
import { parseErn } from '../lib/ern.js';
import type { Item } from './item.js';
import { parseByteRange } from './range.js';
import {
  AddResultSchema,
  CustodyTimelineSchema,
  ErnParam,
  ItemListQuery,
  ItemListSchema,
  ItemSchema,
} from './schemas.js';
import { getItem, listItems } from './service.js';
import { receiveUpload } from './upload.js';

declare module 'fastify' {
  interface FastifyRequest {
    access: Access;
  }
}

/** visibleItem returns the item if the caller holds `permission` in its compartment; else not found. */
async function visibleItem(ctx: Ctx, access: Access, ern: string, permission: Permission): Promise<Item> {
  const item = await getItem(ctx, ern);
  // Not "forbidden": a protected compartment must not reveal even that the ERN exists.
  if (!access.can(permission, item.compartment)) throw new HttpProblem('not-found', `no item ${ern}`);
  return item;
}

function actorOf(req: FastifyRequest): string {
  return req.access.userId ?? 'anonymous';
}

export const vaultRoutes: DomainPlugin = async (app, { ctx }) => {
  // Registered here, so only the upload route's context parses multipart bodies.
  await app.register(multipart, {
    limits: {
      fileSize: ctx.config.maxItemBytes,
      files: 1,
      fields: 12,
      fieldSize: 4096,
      parts: 16,
      headerPairs: 100,
    },
  });
  app.get<{ Querystring: { after?: string; limit?: number; kind?: string } }>(
    '/api/items',
    {
      config: { policy: { permission: 'items:read' } },
      schema: {
        tags: ['evidence'],
        summary: 'List items in ERN order',
        querystring: ItemListQuery,
        response: { 200: ItemListSchema },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 100;
      const afterSeq = req.query.after ? parseErn(req.query.after) : undefined;
      if (req.query.after && afterSeq === undefined) throw new HttpProblem('invalid-ern');
      const compartments = compartmentFilter(req.access, 'items:read');
      const items = await listItems(ctx, {
        limit,
        ...(afterSeq !== undefined ? { afterSeq } : {}),
        ...(req.query.kind ? { kind: req.query.kind } : {}),
        ...(compartments ? { compartments } : {}),
      });
      return { items, next: items.length === limit ? items[items.length - 1]!.ern : null };
    },
  );

  app.get<{ Params: { ern: string } }>(
    '/api/items/:ern',
    {
      config: { policy: { permission: 'items:read' } },
      schema: {
        tags: ['evidence'],
        summary: 'One item (logged as a view)',
        params: ErnParam,
        response: { 200: ItemSchema },
      },
    },
    async (req) => {
      const item = await visibleItem(ctx, req.access, req.params.ern, 'items:read');
      await appendEntry(ctx, {
        kind: 'view',
        actor: actorOf(req),
        itemId: item.id,
        data: { ern: item.ern, part: 'detail' },
      });
      return item;
    },
  );

  app.get<{ Params: { ern: string } }>(
    '/api/items/:ern/content',
    {
      config: { policy: { permission: 'items:content' } },
      schema: {
        tags: ['evidence'],
        summary: "The item's bytes (HTTP Range supported; logged as a view)",
        params: ErnParam,
      },
    },
    async (req, reply) => {
      const item = await visibleItem(ctx, req.access, req.params.ern, 'items:content');
      const range = parseByteRange(req.headers.range, item.size);
      if (range === 'unsatisfiable') {
        reply.header('content-range', `bytes */${item.size}`);
        throw new HttpProblem('range-not-satisfiable');
      }
      await appendEntry(ctx, {
        kind: 'view',
        actor: actorOf(req),
        itemId: item.id,
        data: { ern: item.ern, part: range ? 'content-range' : 'content' },
      });
      return sendContent(ctx, item, range ?? undefined, reply);
    },
  );

  app.get<{ Params: { ern: string } }>(
    '/api/items/:ern/custody',
    {
      config: { policy: { permission: 'log:read' } },
      schema: {
        tags: ['evidence', 'custody'],
        summary: "The item's custody timeline, each entry with its inclusion proof to the latest checkpoint",
        params: ErnParam,
        response: { 200: CustodyTimelineSchema },
      },
    },
    async (req) => {
      const item = await visibleItem(ctx, req.access, req.params.ern, 'log:read');
      const cp = (await signCheckpoint(ctx)) ?? null;
      const entries = await itemEntries(ctx, item.id);
      return {
        ern: item.ern,
        checkpoint: cp,
        key: ctx.logKey.verifierKey,
        entries: await Promise.all(
          entries.map(async (e) => ({
            seq: e.seq,
            at: e.at,
            kind: e.kind,
            actor: e.actor,
            leafHash: e.leafHash,
            proof: cp && e.seq < cp.size ? (await proveInclusion(ctx, e.seq, cp.size)).proof : null,
          })),
        ),
      };
    },
  );

  app.post(
    '/api/items',
    {
      config: { policy: { permission: 'items:write' } },
      bodyLimit: ctx.config.maxItemBytes,
      schema: {
        tags: ['evidence'],
        summary: 'Upload one file (multipart/form-data: provenance fields first, then the file part)',
        response: { 201: AddResultSchema, 200: AddResultSchema },
      },
    },
    async (req, reply) => {
      const outcome = await receiveUpload(ctx, req);
      return reply.status(outcome.status === 'added' ? 201 : 200).send(outcome);
    },
  );
};

/** sendContent streams bytes; a full download is re-hashed and cut off if it does not match. */
function sendContent(
  ctx: Ctx,
  item: Item,
  range: { start: number; end: number } | undefined,
  reply: FastifyReply,
) {
  reply
    .header('accept-ranges', 'bytes')
    .header('etag', `"sha256:${item.sha256}"`)
    .header('content-disposition', `attachment; filename="${item.ern}"`)
    .type(item.mediaType.startsWith('text/') ? item.mediaType : 'application/octet-stream');
  if (range) {
    reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${item.size}`);
    reply.header('content-length', range.end - range.start + 1);
    return reply.send(ctx.blobs.get(item.sha256, range));
  }
  // RFC 9530 Repr-Digest lets the client check what it received.
  reply.header('repr-digest', `sha-256=:${Buffer.from(item.sha256, 'hex').toString('base64')}:`);
  reply.header('content-length', item.size);
  const hash = createHash('sha256');
  const out = new PassThrough({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      // Bytes that no longer match their recorded hash must not arrive as a complete download.
      done(hash.digest('hex') === item.sha256 ? null : new Error(`integrity failure on ${item.ern}`));
    },
  });
  const source = ctx.blobs.get(item.sha256);
  source.on('error', (err) => out.destroy(err));
  return reply.send(source.pipe(out));
}
