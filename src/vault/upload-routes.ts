/**
 * upload-routes.ts — the tus 1.0 endpoints under /api/uploads (creation + termination
 * extensions). Each request must carry `Tus-Resumable: 1.0.0`; an upload belongs to the user
 * who created it; creating one needs `items:write` in the target compartment.
 */
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { VaultError } from './errors.js';
import { appendChunk, createUpload, deleteUpload, getUpload, parseUploadMetadata } from './resumable.js';
import { DEFAULT_COMPARTMENT, duplicateScopeFor } from './service.js';

const TUS_VERSION = '1.0.0';
const IdParam = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f]{32}$' }) },
  { additionalProperties: false },
);
const write = { policy: { permission: 'items:write' as const } };

function tusHeaders(reply: FastifyReply): FastifyReply {
  return reply.header('tus-resumable', TUS_VERSION).header('cache-control', 'no-store');
}

function requireTus(req: FastifyRequest): void {
  if (req.headers['tus-resumable'] !== TUS_VERSION)
    throw new VaultError('TUS_VERSION', 'send Tus-Resumable: 1.0.0');
}

function wholeNumber(raw: string | string[] | undefined, name: string): number {
  if (typeof raw !== 'string' || !/^[0-9]{1,15}$/.test(raw))
    throw new VaultError('INVALID_INPUT', `${name} must be a whole number`);
  return Number(raw);
}

export const uploadRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  // PATCH bodies are raw bytes, streamed to disk; the upload's own length bounds them.
  app.addContentTypeParser('application/offset+octet-stream', (_req, payload, done) => done(null, payload));

  app.options(
    '/api/uploads',
    {
      config: write,
      schema: { operationId: 'getUploadCapabilities', tags: ['evidence'], summary: 'tus 1.0 capabilities' },
    },
    async (_req, reply) =>
      tusHeaders(reply)
        .header('tus-version', TUS_VERSION)
        .header('tus-extension', 'creation,termination')
        .header('tus-max-size', String(ctx.config.maxItemBytes))
        .status(204)
        .send(),
  );

  app.post(
    '/api/uploads',
    {
      config: write,
      schema: {
        operationId: 'createUpload',
        tags: ['evidence'],
        summary:
          'Create a resumable upload (Upload-Length; Upload-Metadata: filename, source, collectedAt, collectedBy, compartment, title)',
      },
    },
    async (req, reply) => {
      requireTus(req);
      const length = wholeNumber(req.headers['upload-length'], 'Upload-Length');
      const metadata = parseUploadMetadata(req.headers['upload-metadata'] as string | undefined);
      const compartment = metadata.compartment || DEFAULT_COMPARTMENT;
      if (!req.access.can('items:write', compartment))
        throw new VaultError('FORBIDDEN', `no permission to add items to ${compartment}`);
      const upload = await createUpload(ctx, { userId: req.access.userId!, length, metadata });
      return tusHeaders(reply)
        .header('location', `/api/uploads/${upload.id}`)
        .header('upload-expires', upload.expiresAt)
        .status(201)
        .send();
    },
  );

  app.head(
    '/api/uploads/:id',
    {
      config: write,
      schema: {
        operationId: 'getUploadOffset',
        tags: ['evidence'],
        summary: 'Current offset of an upload',
        params: IdParam,
      },
    },
    async (req, reply) => {
      requireTus(req);
      const upload = await getUpload(ctx, req.params.id, req.access.userId!);
      tusHeaders(reply)
        .header('upload-offset', String(upload.offset))
        .header('upload-length', String(upload.length));
      if (upload.itemErn) reply.header('attest-item-ern', upload.itemErn);
      return reply.status(200).send();
    },
  );

  app.patch(
    '/api/uploads/:id',
    {
      config: write,
      schema: {
        operationId: 'appendToUpload',
        tags: ['evidence'],
        summary: 'Append bytes at Upload-Offset',
        params: IdParam,
      },
    },
    async (req, reply) => {
      requireTus(req);
      if (req.headers['content-type'] !== 'application/offset+octet-stream')
        throw new VaultError('UNSUPPORTED_MEDIA_TYPE', 'send application/offset+octet-stream');
      const offset = wholeNumber(req.headers['upload-offset'], 'Upload-Offset');
      const userId = req.access.userId!;
      const upload = await getUpload(ctx, req.params.id, userId);
      const compartment = upload.metadata.compartment || DEFAULT_COMPARTMENT;
      const scope = duplicateScopeFor(req.access.compartmentsFor('items:read'), userId, compartment);
      const result = await appendChunk(ctx, upload.id, userId, offset, req.body as Readable, scope);
      tusHeaders(reply).header('upload-offset', String(result.offset));
      if (result.outcome) reply.header('attest-item-ern', result.outcome.item.ern);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/uploads/:id',
    {
      config: write,
      schema: {
        operationId: 'terminateUpload',
        tags: ['evidence'],
        summary: 'Terminate an upload',
        params: IdParam,
      },
    },
    async (req, reply) => {
      requireTus(req);
      await deleteUpload(ctx, req.params.id, req.access.userId!);
      return tusHeaders(reply).status(204).send();
    },
  );
};
