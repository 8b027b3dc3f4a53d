/** grants/routes.ts — give and take roles per compartment (users:admin). */
import type { AttestPlugin } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { adminScope, SMALL_BODY, sourceOf } from '../http.js';
import * as S from '../schemas.js';
import { grantRole, revokeRole } from './service.js';

const tags = ['admin'];

export const grantRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  const config = { policy: { permission: 'users:admin' as const } };

  app.post(
    '/api/admin/users/:id/grants',
    {
      config,
      bodyLimit: SMALL_BODY,
      schema: {
        operationId: 'grantRole',
        summary: "Give a user a role in a compartment ('*' = every compartment)",
        tags,
        params: S.IdParams,
        body: S.GrantSchema,
        response: { 204: S.NoContent },
      },
    },
    async (request, reply) => {
      const { role, compartment } = request.body;
      await grantRole(ctx, request.params.id, role, compartment, sourceOf(request), adminScope(request));
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/admin/users/:id/grants/:role/:compartment',
    {
      config,
      schema: {
        operationId: 'revokeGrant',
        summary: 'Take a role in a compartment away from a user',
        tags,
        params: S.GrantParams,
        response: { 204: S.NoContent },
      },
    },
    async (request, reply) => {
      const { id, role, compartment } = request.params;
      await revokeRole(ctx, id, role, compartment, sourceOf(request), adminScope(request));
      return reply.code(204).send(null);
    },
  );
};
