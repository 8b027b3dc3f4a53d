/**
 * routes.ts — what an operation looks like over HTTP: the list with totals, one operation's
 * dashboard view, a monitor's assignment, the situation report (Markdown, JSON, PDF) and HXL. An
 * operation outside the caller's compartments answers 404, as if absent.
 */
import { Type } from '@sinclair/typebox';
import type { AttestPlugin } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { listAlerts } from '../alerts/service.js';
import { OpsError } from '../errors.js';
import { readableOperation } from '../plan/service.js';
import { opsEngine } from '../reconcile/engine.js';
import { OperationParam } from '../schema-parts.js';
import {
  HxlQuery,
  MonitorAssignmentSchema,
  OperationListSchema,
  OperationViewSchema,
  SitrepQuery,
  SitrepSchema,
  VehiclesQuery,
} from './schemas.js';
import { operationHxl, operationSitrep } from './service.js';
import { renderSitrepMarkdown } from './sitrep-markdown.js';
import { renderSitrepPdf } from './sitrep-pdf.js';
import { sitrepLanguage } from './sitrep-text.js';
import { monitorAssignment, operationSummary, operationView } from './views.js';

const tags = ['operations'];

/** fileSafe makes an operation id safe in a Content-Disposition file name. */
const fileSafe = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_');

export const reportRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  const engine = opsEngine(ctx);

  app.get(
    '/api/ops/operations',
    {
      config: { policy: { permission: 'ops:read' } },
      schema: {
        operationId: 'listOperations',
        tags,
        summary: 'Operations the caller may read, with totals',
        response: { 200: OperationListSchema },
      },
    },
    async (req) => {
      const operations = await engine.read((state, registry) =>
        registry.operations
          .filter((op) => req.access.can('ops:read', op.compartment))
          .map((op) => operationSummary(state, registry, op)),
      );
      return { operations };
    },
  );

  app.get(
    '/api/ops/operations/:id',
    {
      config: { policy: { permission: 'ops:read' } },
      schema: {
        operationId: 'getOperation',
        tags,
        summary:
          'One operation: route points, vehicles (on the road, or ?vehicles=all), alerts, linked operations',
        params: OperationParam,
        querystring: VehiclesQuery,
        response: { 200: OperationViewSchema },
      },
    },
    async (req) => {
      const op = await readableOperation(ctx, req.params.id, (c) => req.access.can('ops:read', c));
      // readableOperation synced the engine: the stored alerts are current.
      const alerts = await listAlerts(ctx, op.id);
      const allVehicles = req.query.vehicles === 'all';
      return engine.read((state, registry) => operationView(state, registry, op, alerts, { allVehicles }));
    },
  );

  app.get(
    '/api/ops/operations/:id/sitrep',
    {
      config: { policy: { permission: 'ops:read' } },
      schema: {
        operationId: 'getOperationSitrep',
        tags,
        summary: 'Situation report for a period (md, json or pdf)',
        params: OperationParam,
        querystring: SitrepQuery,
        response: {
          200: {
            description: 'The report: Markdown (default), JSON (?format=json) or PDF (?format=pdf)',
            content: {
              'application/json': { schema: SitrepSchema },
              'text/markdown': { schema: Type.String() },
              'application/pdf': { schema: Type.String({ format: 'binary' }) },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const op = await readableOperation(ctx, req.params.id, (c) => req.access.can('ops:read', c));
      const { format = 'md', from, to } = req.query;
      const language = sitrepLanguage(req.query.lang, req.headers['accept-language']);
      for (const t of [from, to]) {
        if (t !== undefined && Number.isNaN(Date.parse(t)))
          throw new OpsError('INVALID_PERIOD', 'from/to must be ISO 8601 times');
      }
      if (from && to && Date.parse(from) >= Date.parse(to))
        throw new OpsError('INVALID_PERIOD', 'from must be before to');
      const sitrep = await operationSitrep(ctx, op.id, {
        ...(from ? { from: new Date(from).toISOString() } : {}),
        ...(to ? { to: new Date(to).toISOString() } : {}),
      });
      // An exercise's files say so in their names too (issue 13.8).
      const name = `${op.exercise ? 'EXERCISE-' : ''}sitrep-${fileSafe(op.id)}`;
      if (format === 'json') return reply.type('application/json; charset=utf-8').send(sitrep);
      if (format === 'pdf') {
        const pdf = await renderSitrepPdf(sitrep, { language });
        return (
          reply
            .type('application/pdf')
            .header('content-language', language)
            .header('content-disposition', `inline; filename="${name}.pdf"`)
            // Bytes, sent as they are: the schema documents them as a binary string.
            .send(pdf as unknown as string)
        );
      }
      return reply
        .type('text/markdown; charset=utf-8')
        .header('content-disposition', `inline; filename="${name}.md"`)
        .header('content-language', language)
        .send(renderSitrepMarkdown(sitrep, language));
    },
  );

  app.get(
    '/api/ops/operations/:id/hxl',
    {
      config: { policy: { permission: 'ops:read' } },
      schema: {
        operationId: 'getOperationHxl',
        tags,
        summary: 'HXL CSV of movements per day and route point (or ?table=totals)',
        params: OperationParam,
        querystring: HxlQuery,
        response: {
          200: {
            description: 'HXL 1.1 over RFC 4180 CSV',
            content: { 'text/csv': { schema: Type.String() } },
          },
        },
      },
    },
    async (req, reply) => {
      const op = await readableOperation(ctx, req.params.id, (c) => req.access.can('ops:read', c));
      const table = req.query.table ?? 'movements';
      const csv = await operationHxl(ctx, op.id, table);
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${op.exercise ? 'EXERCISE-' : ''}${fileSafe(op.id)}-${table}.hxl.csv"`,
        )
        .send(csv);
    },
  );

  app.get(
    '/api/ops/operations/:id/monitor',
    {
      config: { policy: { permission: 'observations:submit' } },
      schema: {
        operationId: 'getMonitorAssignment',
        tags,
        summary: "A monitor's assignment: route points and vehicles, to cache offline",
        params: OperationParam,
        response: { 200: MonitorAssignmentSchema },
      },
    },
    async (req) => {
      const op = await readableOperation(ctx, req.params.id, (c) => req.access.can('observations:submit', c));
      return engine.read((state, registry) => monitorAssignment(state, registry, op));
    },
  );
};
