/**
 * saved-routes.ts — the caller's own saved searches over HTTP (saved.ts). They need items:read,
 * as searching does; each caller sees, replaces and forgets only their own, and a token scoped
 * to fewer compartments than a search was saved under does not see it (saved.ts).
 */
import { Type } from '@sinclair/typebox';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { forgetSaved, listSaved, saveSearch } from './saved.js';
import { SavedSearchBody, SavedSearchListSchema, SavedSearchParam, SavedSearchSchema } from './schemas.js';

const tags = ['search'];
const policy = { policy: { permission: 'items:read' as const } };

export const savedSearchRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.get(
    '/api/saved-searches',
    {
      config: policy,
      schema: {
        operationId: 'listSavedSearches',
        summary: "The caller's saved searches, most recently saved first",
        tags,
        response: { 200: SavedSearchListSchema },
      },
    },
    async (request) => ({
      savedSearches: await listSaved(
        ctx,
        request.access.userId ?? '',
        request.access.compartmentsFor('items:read'),
      ),
    }),
  );
  app.put(
    '/api/saved-searches',
    {
      config: policy,
      schema: {
        operationId: 'saveSearch',
        summary: 'Save a query under a name (replacing the query of a saved search of that name)',
        tags,
        body: SavedSearchBody,
        response: { 200: SavedSearchSchema },
      },
    },
    async (request) =>
      saveSearch(
        ctx,
        request.access.userId ?? '',
        request.access.compartmentsFor('items:read'),
        request.body,
      ),
  );
  app.delete(
    '/api/saved-searches/:id',
    {
      config: policy,
      schema: {
        operationId: 'forgetSavedSearch',
        summary: 'Forget one of the caller’s saved searches',
        tags,
        params: SavedSearchParam,
        response: { 204: Type.Null({ description: 'forgotten' }) },
      },
    },
    async (request, reply) => {
      await forgetSaved(
        ctx,
        request.access.userId ?? '',
        request.access.compartmentsFor('items:read'),
        request.params.id,
      );
      return reply.code(204).send(null);
    },
  );
};
