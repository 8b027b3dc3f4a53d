/**
 * routes.ts — an item's tags and notes over HTTP. Reads need analysis:read (and items:read) in
 * the item's compartment, changes analysis:write there too; an item outside them is "not found".
 */
import type { AttestPlugin } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { actorOf } from '../routes.js';
import { AnnotationsSchema, ErnParam, NoteBody, NoteSchema, TagsBody } from './schemas.js';
import { addNote, changeTags, itemAnnotations } from './service.js';

const tags = ['analysis', 'evidence'];

export const annotationRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.get(
    '/api/items/:ern/annotations',
    {
      config: { policy: { permission: 'analysis:read' } },
      schema: {
        operationId: 'itemAnnotations',
        summary: "An item's tags and notes",
        tags,
        params: ErnParam,
        response: { 200: AnnotationsSchema },
      },
    },
    async (request) => itemAnnotations(ctx, actorOf(request), request.params.ern),
  );
  app.patch(
    '/api/items/:ern/tags',
    {
      config: { policy: { permission: 'analysis:write' } },
      schema: {
        operationId: 'changeItemTags',
        summary: 'Add and remove tags on an item (one custody entry)',
        tags,
        params: ErnParam,
        body: TagsBody,
        response: { 200: AnnotationsSchema },
      },
    },
    async (request) => changeTags(ctx, actorOf(request), request.params.ern, request.body),
  );
  app.post(
    '/api/items/:ern/notes',
    {
      config: { policy: { permission: 'analysis:write' } },
      schema: {
        operationId: 'addItemNote',
        summary: 'Add a note to an item (notes are append-only)',
        tags,
        params: ErnParam,
        body: NoteBody,
        response: { 201: NoteSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await addNote(ctx, actorOf(request), request.params.ern, request.body)),
  );
};
