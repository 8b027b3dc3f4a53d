/**
 * links/routes.ts — first-run setup and one-time password links: the public pages' API (the
 * token travels in a JSON body, never a URL) and the admin route that issues a password link.
 */
import type { AttestPlugin } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { adminScope, SMALL_BODY, sourceOf } from '../http.js';
import * as S from '../schemas.js';
import { passwordPath } from './paths.js';
import { completeSetup, issuePasswordLink, resetPassword, setupNeeded } from './service.js';

const tags = ['setup'];

export const linkRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.get(
    '/api/setup',
    {
      config: { policy: { public: true } },
      schema: {
        operationId: 'getSetupStatus',
        summary: 'Whether first-run setup is still needed (no active admin yet)',
        tags,
        response: { 200: S.SetupStatus },
      },
    },
    async () => ({ needed: await setupNeeded(ctx) }),
  );

  app.post(
    '/api/setup',
    {
      config: { policy: { public: true } },
      bodyLimit: SMALL_BODY,
      schema: {
        operationId: 'completeSetup',
        summary: 'Create the first admin with the one-time setup token printed by attest serve',
        tags,
        body: S.SetupBody,
        response: { 201: S.SetupResponse },
      },
    },
    async (request, reply) => {
      const user = await completeSetup(ctx, request.body, sourceOf(request));
      return reply.code(201).send({ user });
    },
  );

  app.post(
    '/api/password-reset',
    {
      config: { policy: { public: true } },
      bodyLimit: SMALL_BODY,
      schema: {
        operationId: 'resetPassword',
        summary: "Set a password through a one-time link (ends the user's sessions and API tokens)",
        tags,
        body: S.PasswordResetBody,
        response: { 204: S.NoContent },
      },
    },
    async (request, reply) => {
      await resetPassword(ctx, request.body, sourceOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/admin/users/:id/password-link',
    {
      config: { policy: { permission: 'users:admin' } },
      schema: {
        operationId: 'issuePasswordLink',
        summary: 'Issue a new one-time link where the user sets a password (valid 24 h)',
        tags: ['admin'],
        params: S.IdParams,
        response: { 201: S.PasswordLink },
      },
    },
    async (request, reply) => {
      const link = await issuePasswordLink(ctx, request.params.id, sourceOf(request), adminScope(request));
      return reply.code(201).send({
        passwordToken: link.token,
        passwordPath: passwordPath(link.token),
        expiresAt: link.expiresAt,
      });
    },
  );
};
