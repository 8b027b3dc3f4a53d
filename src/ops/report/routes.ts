/**
 * routes.ts — evacuation operations over HTTP: the operations list and dashboard view, alerts and
 * their lifecycle, the live event stream (Server-Sent Events, resumable by Last-Event-ID), the
 * situation report (Markdown, JSON, PDF), HXL, a monitor's assignment, device keys and signed
 * observations. An operation outside the caller's compartments answers 404, as if absent.
 */
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { Access } from '../access/access.js';
import type { Permission } from '../access/permissions.js';
import { HttpProblem } from '../api/problems.js';
import type { DomainPlugin } from '../api/routes.js';
import { strictValidator } from '../api/strict-validator.js';
import type { Ctx } from '../ctx.js';
import { opsEngine } from './engine.js';
import type { ObservationWire } from './observation-signing.js';
import { attachPhoto, MAX_PHOTO_BYTES } from './photos.js';
import type { StoredOperation } from './repo.js';
import {
  AlertNoteBody,
  AlertParam,
  AlertsQuery,
  DeviceBody,
  DeviceListSchema,
  DeviceParam,
  DeviceResult,
  EventsQuery,
  LearnBody,
  OperationParam,
  PhotoParams,
  PhotoResult,
  PlanBody,
  ResolveBody,
  SitrepQuery,
  StatusBody,
  SubmissionBody,
  SubmitResultSchema,
  VehiclesQuery,
} from './schemas.js';
import {
  changeAlert,
  changeStatus,
  getAlert,
  learnTransitTimes,
  listAlerts,
  listDeviceKeys,
  type OperationPlan,
  operationHxl,
  operationSitrep,
  planOperations,
  registerDeviceKey,
  revokeDeviceKey,
  submitObservation,
} from './service.js';
import { renderSitrepMarkdown } from './sitrep-markdown.js';
import { renderSitrepPdf } from './sitrep-pdf.js';
import { streamOperationEvents } from './sse.js';
import { apiAlert, monitorAssignment, namesFrom, operationSummary, operationView } from './views.js';

declare module 'fastify' {
  interface FastifyRequest {
    access: Access;
  }
}

/** visibleOperation returns the operation if `access` holds `permission` in its compartment. */
async function visibleOperation(
  ctx: Ctx,
  access: Access,
  id: string,
  permission: Permission,
): Promise<StoredOperation> {
  const op = await opsEngine(ctx).read((_, registry) => registry.operations.find((o) => o.id === id));
  if (!op || !access.can(permission, op.compartment))
    throw new HttpProblem('not-found', `no operation ${id}`);
  return op;
}

function actorOf(req: FastifyRequest): string {
  return req.access.userId ?? 'anonymous';
}

/** fileSafe makes an operation id safe in a Content-Disposition file name. */
const fileSafe = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_');

export const opsRoutes: DomainPlugin = async (app, { ctx }) => {
  const engine = opsEngine(ctx);
  const tags = ['operations'];
  // Open event streams would keep the server from closing.
  app.addHook('preClose', async () => {
    engine.bus.emit('close');
  });

  app.get(
    '/api/ops/operations',
    {
      config: { policy: { permission: 'ops:read' } },
      schema: { tags, summary: 'Operations the caller may read, with totals' },
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

  app.post<{ Body: OperationPlan }>(
    '/api/ops/operations',
    {
      config: { policy: { permission: 'ops:write' } },
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Plan operations: mandates, operations with routes and links, convoys, vehicles, manifests',
        body: PlanBody,
      },
    },
    async (req, reply) => {
      for (const op of req.body.operations) {
        // Not "not found": the caller names the compartment it wants to write in.
        if (!req.access.can('ops:write', op.compartment)) {
          throw new HttpProblem('forbidden', `no ops:write grant in compartment ${op.compartment}`);
        }
      }
      await planOperations(ctx, req.body, actorOf(req));
      return reply.status(201).send({ operationIds: req.body.operations.map((o) => o.id) });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { vehicles?: 'active' | 'all' } }>(
    '/api/ops/operations/:id',
    {
      config: { policy: { permission: 'ops:read' } },
      schema: {
        tags,
        summary:
          'One operation: route points, vehicles (on the road, or ?vehicles=all), alerts, linked operations',
        params: OperationParam,
        querystring: VehiclesQuery,
      },
    },
    async (req) => {
      const op = await visibleOperation(ctx, req.access, req.params.id, 'ops:read');
      // visibleOperation synced the engine: the stored alerts are current.
      const alerts = await listAlerts(ctx, op.id);
      const allVehicles = req.query.vehicles === 'all';
      return engine.read((state, registry) => operationView(state, registry, op, alerts, { allVehicles }));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { state?: string } }>(
    '/api/ops/operations/:id/alerts',
    {
      config: { policy: { permission: 'ops:read' } },
      schema: { tags, summary: "An operation's alerts", params: OperationParam, querystring: AlertsQuery },
    },
    async (req) => {
      const op = await visibleOperation(ctx, req.access, req.params.id, 'ops:read');
      const alerts = await listAlerts(ctx, op.id, req.query.state);
      const names = await engine.read((_, registry) => namesFrom(registry));
      return { alerts: alerts.map((a) => apiAlert(a, names)) };
    },
  );

  for (const to of ['acknowledge', 'resolve'] as const) {
    app.post<{ Params: { id: string }; Body: { note?: string } }>(
      `/api/ops/alerts/:id/${to}`,
      {
        config: { policy: { permission: 'alerts:manage' } },
        schema: {
          tags,
          summary: to === 'acknowledge' ? 'Acknowledge an alert' : 'Resolve an alert with a note',
          params: AlertParam,
          body: to === 'resolve' ? ResolveBody : AlertNoteBody,
        },
      },
      async (req) => {
        const alert = await getAlert(ctx, req.params.id).catch(() => {
          throw new HttpProblem('not-found', 'no such alert');
        });
        await visibleOperation(ctx, req.access, alert.operationId, 'alerts:manage');
        const note = req.body?.note?.trim() || null;
        const changed = await changeAlert(
          ctx,
          alert.id,
          to === 'acknowledge' ? 'acknowledged' : 'resolved',
          note,
        );
        return { alert: apiAlert(changed, await engine.read((_, registry) => namesFrom(registry))) };
      },
    );
  }

  app.post<{
    Params: { id: string };
    Body: { status: 'active' | 'suspended' | 'resumed' | 'completed'; reason: string };
  }>(
    '/api/ops/operations/:id/status',
    {
      config: { policy: { permission: 'ops:write' } },
      schema: {
        tags,
        summary: 'Change the status of an operation, with a reason',
        params: OperationParam,
        body: StatusBody,
      },
    },
    async (req) => {
      const op = await visibleOperation(ctx, req.access, req.params.id, 'ops:write');
      const history = await changeStatus(ctx, op.id, req.body, actorOf(req));
      return { statusHistory: history };
    },
  );

  app.post<{ Params: { id: string }; Body: { factor?: number; minSamples?: number; overwrite?: boolean } }>(
    '/api/ops/operations/:id/learn-transit-times',
    {
      config: { policy: { permission: 'ops:write' } },
      schema: {
        tags,
        summary: 'Set expected transit times from observed traffic (median × factor)',
        params: OperationParam,
        body: LearnBody,
      },
    },
    async (req) => {
      const op = await visibleOperation(ctx, req.access, req.params.id, 'ops:write');
      return learnTransitTimes(ctx, op.id, req.body ?? {});
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/ops/operations/:id/events',
    {
      config: { policy: { permission: 'ops:read' } },
      schema: {
        tags,
        summary:
          'Live events (text/event-stream): observation, status, alert, totals; resumes by Last-Event-ID',
        params: OperationParam,
        querystring: EventsQuery,
      },
    },
    async (req, reply) => {
      const op = await visibleOperation(ctx, req.access, req.params.id, 'ops:read');
      await streamOperationEvents(ctx, engine, op.id, actorOf(req), req, reply);
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: { format?: 'md' | 'json' | 'pdf'; from?: string; to?: string };
  }>(
    '/api/ops/operations/:id/sitrep',
    {
      config: { policy: { permission: 'ops:read' } },
      schema: {
        tags,
        summary: 'Situation report for a period (md, json or pdf)',
        params: OperationParam,
        querystring: SitrepQuery,
      },
    },
    async (req, reply) => {
      const op = await visibleOperation(ctx, req.access, req.params.id, 'ops:read');
      const { format = 'md', from, to } = req.query;
      for (const t of [from, to]) {
        if (t !== undefined && Number.isNaN(Date.parse(t)))
          throw new HttpProblem('invalid-request', 'from/to must be ISO 8601 times');
      }
      if (from && to && Date.parse(from) >= Date.parse(to))
        throw new HttpProblem('invalid-request', 'from must be before to');
      const sitrep = await operationSitrep(ctx, op.id, {
        ...(from ? { from: new Date(from).toISOString() } : {}),
        ...(to ? { to: new Date(to).toISOString() } : {}),
      });
      const name = `sitrep-${fileSafe(op.id)}`;
      if (format === 'json') return sitrep;
      if (format === 'pdf') {
        const pdf = await renderSitrepPdf(sitrep);
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${name}.pdf"`)
          .send(pdf);
      }
      return reply
        .type('text/markdown; charset=utf-8')
        .header('content-disposition', `inline; filename="${name}.md"`)
        .send(renderSitrepMarkdown(sitrep));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { table?: 'movements' | 'totals' } }>(
    '/api/ops/operations/:id/hxl',
    {
      config: { policy: { permission: 'ops:read' } },
      schema: {
        tags,
        summary: 'HXL CSV of movements per day and route point (or ?table=totals)',
        params: OperationParam,
        querystring: {
          type: 'object',
          properties: { table: { type: 'string', enum: ['movements', 'totals'] } },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const op = await visibleOperation(ctx, req.access, req.params.id, 'ops:read');
      const table = req.query.table ?? 'movements';
      const csv = await operationHxl(ctx, op.id, table);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileSafe(op.id)}-${table}.hxl.csv"`)
        .send(csv);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/ops/operations/:id/monitor',
    {
      config: { policy: { permission: 'observations:submit' } },
      schema: {
        tags,
        summary: "A monitor's assignment: route points and vehicles, to cache offline",
        params: OperationParam,
      },
    },
    async (req) => {
      const op = await visibleOperation(ctx, req.access, req.params.id, 'observations:submit');
      return engine.read((state, registry) => monitorAssignment(state, registry, op));
    },
  );

  await app.register(async (photos) => {
    // Photo bodies are raw bytes, streamed into the vault; the route's bodyLimit bounds them.
    const raw = (_req: unknown, payload: unknown, done: (err: Error | null, body?: unknown) => void) =>
      done(null, payload);
    photos.addContentTypeParser('application/octet-stream', raw);
    photos.addContentTypeParser(/^image\/[a-z0-9.+-]+$/, raw);
    photos.put<{ Params: { clientId: string; sha256: string }; Body: Readable }>(
      '/api/ops/observations/:clientId/photos/:sha256',
      {
        config: { policy: { permission: 'observations:submit' } },
        bodyLimit: MAX_PHOTO_BYTES,
        schema: {
          tags,
          summary: "Send a photo's bytes for an accepted observation that signed its SHA-256",
          params: PhotoParams,
          response: { 200: PhotoResult, 201: PhotoResult },
        },
      },
      async (req, reply) => {
        const outcome = await attachPhoto(
          ctx,
          { userId: actorOf(req), mayObserve: (c) => req.access.can('observations:submit', c) },
          req.params.clientId,
          req.params.sha256,
          req.body,
        );
        return reply.status(outcome.status === 'added' ? 201 : 200).send(outcome);
      },
    );
  });

  app.post<{ Body: { publicKey: string; label: string } }>(
    '/api/ops/devices',
    {
      config: { policy: { permission: 'observations:submit' } },
      schema: {
        tags,
        summary: "Register this device's Ed25519 public key for signing observations",
        body: DeviceBody,
        response: { 201: DeviceResult },
      },
    },
    async (req, reply) => {
      const deviceKeyId = await registerDeviceKey(ctx, actorOf(req), req.body.publicKey, req.body.label);
      return reply.status(201).send({ deviceKeyId });
    },
  );

  app.get(
    '/api/ops/devices',
    {
      config: { policy: { permission: 'observations:submit' } },
      schema: { tags, summary: 'Your registered device keys', response: { 200: DeviceListSchema } },
    },
    async (req) => ({ devices: await listDeviceKeys(ctx, actorOf(req)) }),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/ops/devices/:id',
    {
      config: { policy: { permission: 'observations:submit' } },
      schema: { tags, summary: 'Revoke one of your device keys (a lost phone)', params: DeviceParam },
    },
    async (req, reply) => {
      if (!(await revokeDeviceKey(ctx, req.params.id, actorOf(req)))) {
        throw new HttpProblem('not-found', 'no active device key of yours with this id');
      }
      return reply.status(204).send();
    },
  );

  app.post<{ Body: { deviceKeyId: string; signature: string; observation: ObservationWire } }>(
    '/api/ops/observations',
    {
      config: { policy: { permission: 'observations:submit' } },
      bodyLimit: 64 * 1024,
      validatorCompiler: strictValidator,
      schema: {
        tags,
        summary: 'Submit a signed observation (201 accepted, 200 duplicate, 422 invalid-signature)',
        body: SubmissionBody,
        response: { 200: SubmitResultSchema, 201: SubmitResultSchema },
      },
    },
    async (req, reply) => {
      const result = await submitObservation(
        ctx,
        {
          userId: actorOf(req),
          mayObserve: (compartment) => req.access.can('observations:submit', compartment),
          ip: req.ip,
          requestId: req.id,
        },
        req.body,
      );
      if (result.status === 'duplicate') return reply.status(200).send(result);
      req.log.info({ clientId: result.id, seq: result.seq }, 'observation accepted');
      return reply.status(201).send(result);
    },
  );
};
