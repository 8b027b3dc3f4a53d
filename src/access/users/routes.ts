/** users/routes.ts — account administration (users:admin): list, create, disable. */
import type { AttestPlugin } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { adminScope, SMALL_BODY, sourceOf } from '../http.js';
import { passwordPath } from '../links/paths.js';
import * as S from '../schemas.js';
import { createUser, disableUser, listUsers } from './service.js';

const tags = ['admin'];

export const userRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  const config = { policy: { permission: 'users:admin' as const } };

  app.get(
    '/api/admin/users',
    {
      config,
      schema: {
        operationId: 'listUsers',
        summary: 'The accounts the caller manages, with their grants',
        tags,
        response: { 200: S.UsersResponse },
      },
    },
    async (request) => ({ users: await listUsers(ctx, adminScope(request)) }),
  );

  app.post(
    '/api/admin/users',
    {
      config,
      bodyLimit: SMALL_BODY,
      schema: {
        operationId: 'createUser',
        summary: 'Add an account with one grant; returns its one-time password link',
        tags,
        body: S.CreateUserBody,
        response: { 201: S.CreatedUserResponse },
      },
    },
    async (request, reply) => {
      const created = await createUser(ctx, request.body, sourceOf(request), adminScope(request));
      const { passwordToken, passwordTokenExpiresAt: expiresAt } = created;
      return reply.code(201).send({
        user: created.user,
        link: { passwordToken, passwordPath: passwordPath(passwordToken), expiresAt },
      });
    },
  );

  app.post(
    '/api/admin/users/:id/disable',
    {
      config,
      schema: {
        operationId: 'disableUser',
        summary: 'Disable an account: its sessions end and its API tokens are revoked at once',
        tags,
        params: S.IdParams,
        response: { 204: S.NoContent },
      },
    },
    async (request, reply) => {
      await disableUser(ctx, request.params.id, sourceOf(request), adminScope(request));
      return reply.code(204).send(null);
    },
  );
};
