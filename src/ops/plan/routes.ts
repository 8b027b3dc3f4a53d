/**
 * routes.ts — planning over HTTP: post a plan (mandates, operations, convoys, vehicles,
 * manifests), change an operation's status, learn expected transit times from traffic.
 */
import type { AttestPlugin } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { OpsError } from '../errors.js';
import { OperationParam } from '../schema-parts.js';
import { LearnBody, LearnResultSchema, PlanBody, PlanResult, StatusBody, StatusResult } from './schemas.js';
import { changeStatus, learnTransitTimes, planOperations, readableOperation } from './service.js';

const tags = ['operations'];

export const planRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.post(
    '/api/ops/operations',
    {
      config: { policy: { permission: 'ops:write' } },
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        operationId: 'planOperations',
        tags,
        summary: 'Plan operations: mandates, operations with routes and links, convoys, vehicles, manifests',
        body: PlanBody,
        response: { 201: PlanResult },
      },
    },
    async (req, reply) => {
      for (const op of req.body.operations) {
        // Not "not found": the caller names the compartment it wants to write in.
        if (!req.access.can('ops:write', op.compartment)) {
          throw new OpsError('COMPARTMENT_FORBIDDEN', `no ops:write grant in compartment ${op.compartment}`);
        }
      }
      await planOperations(ctx, req.body, req.access.userId ?? 'anonymous', {
        mayRead: (c) => req.access.can('ops:read', c),
      });
      return reply.status(201).send({ operationIds: req.body.operations.map((o) => o.id) });
    },
  );

  app.post(
    '/api/ops/operations/:id/status',
    {
      config: { policy: { permission: 'ops:write' } },
      schema: {
        operationId: 'changeOperationStatus',
        tags,
        summary: 'Change the status of an operation, with a reason',
        params: OperationParam,
        body: StatusBody,
        response: { 200: StatusResult },
      },
    },
    async (req) => {
      const op = await readableOperation(ctx, req.params.id, (c) => req.access.can('ops:write', c));
      return { statusHistory: await changeStatus(ctx, op.id, req.body, req.access.userId ?? 'anonymous') };
    },
  );

  app.post(
    '/api/ops/operations/:id/learn-transit-times',
    {
      config: { policy: { permission: 'ops:write' } },
      schema: {
        operationId: 'learnTransitTimes',
        tags,
        summary: 'Set expected transit times from observed traffic (median × factor)',
        params: OperationParam,
        body: LearnBody,
        response: { 200: LearnResultSchema },
      },
    },
    async (req) => {
      const op = await readableOperation(ctx, req.params.id, (c) => req.access.can('ops:write', c));
      return learnTransitTimes(ctx, op.id, req.body ?? {});
    },
  );
};
