/** tokens/routes.ts — the caller's own API tokens: list, create (signed in only), revoke. */
import type { AttestPlugin } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { SMALL_BODY, sourceOf } from '../http.js';
import * as S from '../schemas.js';
import { issueOwnToken, listApiTokens, revokeOwnToken } from './service.js';

const tags = ['tokens'];

export const tokenRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  const config = { policy: { authenticated: true as const } };

  app.get(
    '/api/tokens',
    {
      config,
      schema: {
        operationId: 'listTokens',
        summary: "The caller's API tokens (never their secrets)",
        tags,
        response: { 200: S.TokensResponse },
      },
    },
    async (request) => ({ tokens: await listApiTokens(ctx, request.access.userId!) }),
  );

  app.post(
    '/api/tokens',
    {
      config,
      bodyLimit: SMALL_BODY,
      schema: {
        operationId: 'createToken',
        summary: 'Create an API token within the caller’s grants; the secret is shown once',
        tags,
        body: S.CreateTokenBody,
        response: { 201: S.CreatedTokenResponse },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await issueOwnToken(ctx, request.access, request.body, sourceOf(request))),
  );

  app.delete(
    '/api/tokens/:id',
    {
      config,
      schema: {
        operationId: 'revokeToken',
        summary: 'Revoke one of the caller’s API tokens',
        tags,
        params: S.IdParams,
        response: { 204: S.NoContent },
      },
    },
    async (request, reply) => {
      await revokeOwnToken(ctx, request.access, request.params.id, sourceOf(request));
      return reply.code(204).send(null);
    },
  );
};
