/**
 * package-routes.ts — redacted derivatives, and export packages as background jobs: start one
 * (202 with its Location), follow its progress, list them, download the finished archive.
 */
import { createReadStream } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { exportArchive, getExport, listExports, queueExport } from '../package/jobs.js';
import { listRedactions, redactItem } from '../redaction/service.js';
import * as S from '../schemas.js';
import { type CaseRoute, caseRoute } from './case-route.js';
import { READ, WRITE } from './case-routes.js';

export const PACKAGE_ROUTES: readonly CaseRoute[] = [
  caseRoute({
    method: 'POST',
    url: '/api/items/:ern/redactions',
    policy: WRITE,
    operationId: 'redactItem',
    summary: 'Make a redacted derivative (the original is untouched)',
    params: S.ErnParam,
    body: S.RedactionBody,
    status: 201,
    response: S.RedactionResultSchema,
    handle: ({ ctx, viewer, params, body }) => redactItem(ctx, viewer, params.ern, body),
  }),
  caseRoute({
    method: 'GET',
    url: '/api/items/:ern/redactions',
    policy: READ,
    operationId: 'listRedactions',
    summary: 'The redacted derivatives of an item you may read',
    params: S.ErnParam,
    response: S.RedactionListSchema,
    handle: async ({ ctx, viewer, params }) => ({
      redactions: await listRedactions(ctx, viewer, params.ern),
    }),
  }),
  caseRoute({
    method: 'POST',
    url: '/api/exports',
    policy: WRITE,
    operationId: 'startExport',
    summary: 'Build a BagIt package of a case or RFA (a durable background job)',
    body: S.ExportBody,
    status: 202,
    response: S.ExportSchema,
    handle: async ({ ctx, viewer, body, reply }) => {
      const id = await queueExport(ctx, viewer, body.target, body.redacted === true);
      reply.header('location', `/api/exports/${id}`);
      return getExport(ctx, viewer, id);
    },
  }),
  caseRoute({
    method: 'GET',
    url: '/api/exports',
    policy: WRITE,
    operationId: 'listExports',
    summary: 'Export packages of your cases',
    response: S.ExportListSchema,
    handle: async ({ ctx, viewer }) => ({ exports: await listExports(ctx, viewer) }),
  }),
  caseRoute({
    method: 'GET',
    url: '/api/exports/:id',
    policy: WRITE,
    operationId: 'getExport',
    summary: 'An export: progress, exclusions, archive hash',
    params: S.ExportParam,
    response: S.ExportSchema,
    handle: ({ ctx, viewer, params }) => getExport(ctx, viewer, params.id),
  }),
  caseRoute({
    method: 'GET',
    url: '/api/exports/:id/download',
    policy: WRITE,
    operationId: 'downloadExport',
    summary: 'The finished package as a ZIP',
    params: S.ExportParam,
    streams: Type.Unsafe<unknown>({
      description: 'The BagIt package, zipped',
      content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
    }),
    handle: async ({ ctx, viewer, params, reply }) => {
      const a = await exportArchive(ctx, viewer, params.id);
      return reply
        .type('application/zip')
        .header('content-length', a.size)
        .header('content-disposition', `attachment; filename="${a.name}"`)
        .header('repr-digest', `sha-256=:${Buffer.from(a.sha256, 'hex').toString('base64')}:`)
        .send(createReadStream(a.path));
    },
  }),
];
