/**
 * routes.ts — evidence over HTTP: list (cursor pagination, compartments filtered in the query),
 * detail, bytes (HTTP Range, hash checked on full downloads), custody timeline with inclusion
 * proofs, and streaming multipart upload. Every read of detail or bytes is logged as `view`.
 */
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { compartmentFilter } from '../access/index.js';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { parseErn } from '../lib/ern.js';
import { planDownload, sendDownload } from './download.js';
import { VaultError } from './errors.js';
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

/** itemBytes documents a response of raw item bytes (any media type; saved, never rendered). */
function itemBytes(description: string) {
  return Type.Unsafe<unknown>({
    description,
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  });
}

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
      // Evidence leaves as stored: Content-Length, Range and Repr-Digest are about these bytes.
      compress: false,
      schema: {
        operationId: 'getItemContent',
        tags: ['evidence'],
        summary: "The item's bytes: Range, If-None-Match/If-Match/If-Range, verified (logged as a view)",
        params: ErnParam,
        response: {
          200: itemBytes('The whole item, re-hashed on the way out (Repr-Digest)'),
          206: itemBytes('The requested byte range (Content-Range)'),
          304: Type.Null({ description: 'The copy named by If-None-Match or If-Modified-Since is current' }),
        },
      },
    },
    async (req, reply) => {
      const compartments = compartmentFilter(req.access, 'items:content');
      const item = await getItem(ctx, req.params.ern, { compartments });
      const plan = planDownload(req, reply, item);
      // A 304 sends no bytes: only what is served is a view.
      if (plan.kind !== 'not-modified')
        // Whole or ranged, a read of the bytes is one `content` view per actor, item and hour.
        await recordView(ctx, item, actorOf(req), 'content');
      return sendDownload(ctx, item, plan, reply);
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
      const item = await getItem(ctx, req.params.ern, { compartments });
      return custodyTimeline(ctx, item, req.access.compartmentsFor('log:read'));
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
