/** audit/routes.ts — the access audit, as JSON pages and as CSV (audit:read). */
import type { FastifyRequest } from 'fastify';
import type { AttestPlugin } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import * as S from '../schemas.js';
import { type AuditQuery, exportAccessEventsCsv, queryAccessEvents } from './service.js';

const tags = ['audit'];

function toQuery(q: S.AuditQuerySchema, request: FastifyRequest): AuditQuery {
  const where = request.access.compartmentsFor('audit:read');
  return {
    ...(where === 'all' ? {} : { compartments: where }),
    ...(q.after !== undefined ? { after: q.after } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.kind !== undefined ? { kind: q.kind } : {}),
    ...(q.outcome !== undefined ? { outcome: q.outcome } : {}),
    ...(q.actor !== undefined ? { actorId: q.actor } : {}),
    ...(q.since !== undefined ? { since: new Date(q.since).toISOString() } : {}),
    ...(q.until !== undefined ? { until: new Date(q.until).toISOString() } : {}),
  };
}

export const auditRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  const config = { policy: { permission: 'audit:read' as const } };

  app.get(
    '/api/audit',
    {
      config,
      schema: {
        operationId: 'listAccessEvents',
        summary: 'Access audit events in order, a page at a time (cursor: next → after)',
        tags,
        querystring: S.AuditQuerySchema,
        response: { 200: S.AuditResponse },
      },
    },
    async (request) => queryAccessEvents(ctx, toQuery(request.query, request)),
  );

  app.get(
    '/api/audit.csv',
    {
      config,
      schema: {
        operationId: 'exportAccessEventsCsv',
        summary: 'Access audit events as CSV (RFC 4180), up to 100 000 rows',
        tags,
        querystring: S.AuditQuerySchema,
        // Documented as text/csv (not JSON), so generated clients read it as text (issue 19.3).
        response: {
          200: {
            description: 'CSV (RFC 4180), one event a row',
            content: { 'text/csv': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="access-audit.csv"')
        .send(await exportAccessEventsCsv(ctx, toQuery(request.query, request))),
  );
};
