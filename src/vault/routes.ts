/**
 * routes.ts — evidence over HTTP: list (cursor pagination, compartments filtered in the query),
 * detail, bytes (HTTP Range, hash checked on full downloads), custody timeline with inclusion
 * proofs, and streaming multipart upload. Every read of detail or bytes is logged as `view`.
 */
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { compartmentFilter } from '../access/index.js';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { parseErn } from '../lib/ern.js';
import { VaultError } from './errors.js';
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
import { getItem, listItems, recordView } from './service.js';
import { custodyTimeline } from './timeline.js';
import { receiveUpload } from './upload.js';
import { uploadRoutes } from './upload-routes.js';

function actorOf(req: FastifyRequest): string {
  return req.access.userId ?? 'anonymous';
}

export const itemRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
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

  app.get(
    '/api/items',
    {
      config: { policy: { permission: 'items:read' } },
      schema: {
        operationId: 'listItems',
        tags: ['evidence'],
        summary: 'List items in ERN order',
        querystring: ItemListQuery,
        response: { 200: ItemListSchema },
      },
    },
    async (req) => {
      const { after, limit = 100, kind } = req.query;
      const afterSeq = after === undefined ? undefined : parseErn(after);
      if (after !== undefined && afterSeq === undefined)
        throw new VaultError('INVALID_ERN', 'after is not an ERN');
      const items = await listItems(ctx, {
        limit,
        ...(afterSeq !== undefined ? { afterSeq } : {}),
        ...(kind ? { kind } : {}),
        compartments: compartmentFilter(req.access, 'items:read'),
      });
      return { items, next: items.length === limit ? items[items.length - 1]!.ern : null };
    },
  );

  app.get(
    '/api/items/:ern',
    {
      config: { policy: { permission: 'items:read' } },
      schema: {
        operationId: 'getItem',
        tags: ['evidence'],
        summary: 'One item (logged as a view)',
        params: ErnParam,
        response: { 200: ItemSchema },
      },
    },
    async (req) => {
      const compartments = compartmentFilter(req.access, 'items:read');
      const item = await getItem(ctx, req.params.ern, { compartments });
      await recordView(ctx, item, actorOf(req), 'detail');
      return item;
    },
  );

  app.get(
    '/api/items/:ern/content',
    {
      config: { policy: { permission: 'items:content' } },
      schema: {
        operationId: 'getItemContent',
        tags: ['evidence'],
        summary: "The item's bytes (HTTP Range supported; logged as a view)",
        params: ErnParam,
      },
    },
    async (req, reply) => {
      const compartments = compartmentFilter(req.access, 'items:content');
      const item = await getItem(ctx, req.params.ern, { compartments });
      const range = parseByteRange(req.headers.range, item.size);
      if (range === 'unsatisfiable') {
        reply.header('content-range', `bytes */${item.size}`);
        throw new VaultError('RANGE_NOT_SATISFIABLE', `the item has ${item.size} bytes`);
      }
      await recordView(ctx, item, actorOf(req), range ? 'content-range' : 'content');
      return sendContent(ctx, item, range ?? undefined, reply);
    },
  );

  app.get(
    '/api/items/:ern/custody',
    {
      config: { policy: { permission: 'log:read' } },
      schema: {
        operationId: 'getItemCustody',
        tags: ['evidence', 'custody'],
        summary: "The item's custody timeline, each entry with its inclusion proof to the latest checkpoint",
        params: ErnParam,
        response: { 200: CustodyTimelineSchema },
      },
    },
    async (req) => {
      const compartments = compartmentFilter(req.access, 'log:read');
      return custodyTimeline(ctx, await getItem(ctx, req.params.ern, { compartments }));
    },
  );

  app.post(
    '/api/items',
    {
      config: { policy: { permission: 'items:write' } },
      bodyLimit: ctx.config.maxItemBytes,
      schema: {
        operationId: 'uploadItem',
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

/** The vault's route plugins: items (list, detail, bytes, timeline, multipart upload) and tus uploads. */
export const VAULT_ROUTES: readonly AttestPlugin<{ ctx: Ctx }>[] = [itemRoutes, uploadRoutes];

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
