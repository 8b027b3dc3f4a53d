/**
 * routes.ts — server health for administrators (`users:admin`): the queue, failures with a
 * retry, storage, and the custody log's checkpoint and signer. Scoped to where the caller holds
 * `users:admin`: the whole deployment for an administrator of every compartment.
 */
import type { FastifyRequest } from 'fastify';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { HealthSchema, JobParam, RetriedSchema } from './schemas.js';
import { retryFailedJob, serverHealth } from './service.js';

const tags = ['health'];
const admin = { policy: { permission: 'users:admin' as const } };

function scopeOf(req: FastifyRequest): readonly string[] | undefined {
  const c = req.access.compartmentsFor('users:admin');
  return c === 'all' ? undefined : c;
}

export const healthRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.get(
    '/api/admin/health',
    {
      config: admin,
      schema: {
        operationId: 'getServerHealth',
        summary: 'Jobs and queue depth, failed jobs, storage used, last checkpoint and its age, signer state',
        tags,
        response: { 200: HealthSchema },
      },
    },
    async (req) => serverHealth(ctx, scopeOf(req), req.access.compartmentsFor('items:read')),
  );

  app.post(
    '/api/admin/jobs/:id/retry',
    {
      config: admin,
      schema: {
        operationId: 'retryJobAsAdmin',
        summary: 'Run a failed or finished job again now (attempts start over)',
        tags,
        params: JobParam,
        response: { 200: RetriedSchema },
      },
    },
    async (req) => retryFailedJob(ctx, req.params.id, scopeOf(req)),
  );
};
