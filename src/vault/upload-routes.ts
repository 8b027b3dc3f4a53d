/**
 * upload-routes.ts — the tus 1.0 endpoints under /api/uploads: core protocol plus creation,
 * creation-with-upload, expiration, termination and concatenation
 * (https://tus.io/protocols/resumable-upload). Every request but OPTIONS must carry
 * `Tus-Resumable: 1.0.0` (else 412 with `Tus-Version`, tus §Tus-Resumable); every response
 * carries Tus-Resumable, refusals included. An upload belongs to the user who created it;
 * creating one needs `items:write` in the target compartment.
 */
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { VaultError } from './errors.js';
import {
  appendChunk,
  concatenateUploads,
  createUpload,
  deleteUpload,
  getUpload,
  type Upload,
} from './resumable.js';
import { DEFAULT_COMPARTMENT, type DuplicateScope, duplicateScopeFor } from './service.js';
import {
  formatUploadMetadata,
  parseUploadConcat,
  parseUploadMetadata,
  UPLOAD_ID,
} from './upload-metadata.js';

const TUS_VERSION = '1.0.0';
/** The tus extensions this server implements (tus §Tus-Extension). */
export const TUS_EXTENSIONS = 'creation,creation-with-upload,expiration,termination,concatenation';
const IdParam = Type.Object(
  { id: Type.String({ pattern: `^${UPLOAD_ID}$` }) },
  { additionalProperties: false },
);
const OFFSET_STREAM = 'application/offset+octet-stream';
const write = { policy: { permission: 'items:write' as const } };
const tags = ['evidence', 'uploads'];

const HEADER_DOCS: Readonly<Record<string, string>> = {
  Location: 'URL of the upload (a path under /api/uploads)',
  'Upload-Offset': 'bytes received so far',
  'Upload-Length': 'total size of the upload in bytes',
  'Upload-Metadata': 'the metadata given at creation (tus `key base64value` pairs)',
  'Upload-Expires': 'when the upload expires (HTTP date, RFC 9110 §5.6.7)',
  'Upload-Concat': '`partial`, or `final;` and the partial uploads joined',
  'Attest-Item-Ern': 'the ERN of the item the completed upload became',
  'Tus-Version': 'tus versions the server speaks',
  'Tus-Extension': 'tus extensions the server implements',
  'Tus-Max-Size': 'largest upload accepted, in bytes',
};

/** noBody documents an empty response with the tus headers it carries. */
function noBody(description: string, headers: readonly string[]) {
  return Type.Null({
    description,
    headers: Object.fromEntries(
      headers.map((h) => [h, { type: 'string', description: HEADER_DOCS[h] ?? h }]),
    ),
  });
}

/** end sends the empty response the schemas above document (through the untyped reply). */
function end(reply: FastifyReply): FastifyReply {
  return reply.send();
}

function requireTus(req: FastifyRequest, reply: FastifyReply): void {
  if (req.headers['tus-resumable'] !== TUS_VERSION) {
    // tus §Tus-Resumable: a 412 names the versions the server supports.
    reply.header('tus-version', TUS_VERSION);
    throw new VaultError('TUS_VERSION', 'send Tus-Resumable: 1.0.0');
  }
}

function wholeNumber(raw: string | string[] | undefined, name: string): number {
  if (typeof raw !== 'string' || !/^(0|[1-9][0-9]{0,14})$/.test(raw))
    throw new VaultError('INVALID_INPUT', `${name} must be a whole number`);
  return Number(raw);
}

/** httpDate formats an ISO time as an RFC 9110 §5.6.7 IMF-fixdate (tus §Upload-Expires). */
function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}

/** describeUpload sets the headers that describe an upload's state (HEAD, and POST/PATCH answers). */
function describeUpload(reply: FastifyReply, upload: Upload): FastifyReply {
  reply.header('upload-offset', String(upload.offset)).header('upload-expires', httpDate(upload.expiresAt));
  if (upload.itemErn) reply.header('attest-item-ern', upload.itemErn);
  return reply;
}

/** compartmentOf is where a (final or ordinary) upload's item goes, checked against the caller's grants. */
function writableCompartment(req: FastifyRequest, metadata: Readonly<Record<string, string>>): string {
  const compartment = metadata.compartment || DEFAULT_COMPARTMENT;
  if (!req.access.can('items:write', compartment))
    throw new VaultError('FORBIDDEN', `no permission to add items to ${compartment}`);
  return compartment;
}

/**
 * writableUpload is the caller's upload when the caller may still add items to the compartment
 * it will become an item in: a token scoped elsewhere, or a grant revoked since the upload began,
 * finds nothing — the same answer as another user's upload (DESIGN rule 7). Partials are not items.
 */
async function writableUpload(ctx: Ctx, req: FastifyRequest, id: string) {
  const upload = await getUpload(ctx, id, req.access.userId!);
  const compartment = upload.metadata.compartment || DEFAULT_COMPARTMENT;
  if (upload.concat !== 'partial' && !req.access.can('items:write', compartment))
    throw new VaultError('NOT_FOUND', 'no such upload');
  return upload;
}

function scopeOf(req: FastifyRequest, compartment: string): DuplicateScope {
  return duplicateScopeFor(req.access.compartmentsFor('items:read'), req.access.userId!, compartment);
}

export const uploadRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  // PATCH (and creation-with-upload POST) bodies are raw bytes, streamed to disk; the upload's
  // own length bounds them.
  app.addContentTypeParser(OFFSET_STREAM, (_req, payload, done) => done(null, payload));
  // tus: "The Tus-Resumable header MUST be included in every request and response except for
  // OPTIONS requests" — responses to refused requests included.
  app.addHook('onRequest', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (req.method !== 'OPTIONS') reply.header('tus-resumable', TUS_VERSION);
  });

  app.options(
    '/api/uploads',
    {
      config: write,
      schema: {
        operationId: 'getUploadCapabilities',
        tags,
        summary: 'tus 1.0 capabilities: version, extensions, largest upload',
        response: { 204: noBody('Capabilities', ['Tus-Version', 'Tus-Extension', 'Tus-Max-Size']) },
      },
    },
    async (_req, reply) =>
      end(
        reply
          .header('tus-resumable', TUS_VERSION)
          .header('tus-version', TUS_VERSION)
          .header('tus-extension', TUS_EXTENSIONS)
          .header('tus-max-size', String(ctx.config.maxItemBytes))
          .status(204),
      ),
  );

  app.post(
    '/api/uploads',
    {
      config: write,
      bodyLimit: ctx.config.maxItemBytes,
      schema: {
        operationId: 'createUpload',
        tags,
        summary:
          'Create a resumable upload, optionally with its first bytes, or as a partial or final upload',
        description:
          'tus creation: Upload-Length, and Upload-Metadata with filename, source, collectedAt, collectedBy, ' +
          'compartment, title, and optionally place (the collection place as written) and placePcode (its gazetteer P-code). creation-with-upload: a body of type application/offset+octet-stream holds the ' +
          'first bytes. concatenation: `Upload-Concat: partial` makes an upload that is never an item by itself; ' +
          '`Upload-Concat: final;<urls>` joins complete partials, in order, into one item.',
        response: {
          201: noBody('Created', ['Location', 'Upload-Offset', 'Upload-Expires', 'Attest-Item-Ern']),
        },
      },
    },
    async (req, reply) => {
      requireTus(req, reply);
      if (req.headers['upload-defer-length'] !== undefined)
        throw new VaultError('INVALID_INPUT', 'Upload-Defer-Length is not supported: send Upload-Length');
      const metadata = parseUploadMetadata(req.headers['upload-metadata']);
      const concat = parseUploadConcat(req.headers['upload-concat']);
      const userId = req.access.userId!;
      const withBody = req.headers['content-type'] === OFFSET_STREAM;
      let upload: Upload;
      if (typeof concat === 'object') {
        const compartment = writableCompartment(req, metadata);
        if (withBody || req.headers['upload-length'] !== undefined)
          throw new VaultError('INVALID_INPUT', 'a final upload takes no body and no Upload-Length');
        const partIds = concat.final;
        upload = (
          await concatenateUploads(ctx, {
            userId,
            partIds,
            metadata,
            duplicatesAmong: scopeOf(req, compartment),
          })
        ).upload;
      } else {
        const length = wholeNumber(req.headers['upload-length'], 'Upload-Length');
        const compartment = concat === 'partial' ? DEFAULT_COMPARTMENT : writableCompartment(req, metadata);
        upload = await createUpload(ctx, { userId, length, metadata, ...(concat ? { concat } : {}) });
        // creation-with-upload: the request's body is the upload's first bytes.
        if (withBody)
          upload = (
            await appendChunk(ctx, upload.id, userId, 0, req.body as Readable, scopeOf(req, compartment))
          ).upload;
      }
      return end(describeUpload(reply, upload).header('location', `/api/uploads/${upload.id}`).status(201));
    },
  );

  app.head(
    '/api/uploads/:id',
    {
      // Documented (as getUploadOffset-head), unlike the HEAD routes Fastify derives from GETs.
      config: { ...write, swagger: { exposeHeadRoute: true } },
      schema: {
        operationId: 'getUploadOffset',
        tags,
        summary: 'Current offset, length, metadata and expiry of an upload',
        params: IdParam,
        response: {
          200: noBody('The upload', [
            'Upload-Offset',
            'Upload-Length',
            'Upload-Metadata',
            'Upload-Expires',
            'Upload-Concat',
            'Attest-Item-Ern',
          ]),
        },
      },
    },
    async (req, reply) => {
      requireTus(req, reply);
      const upload = await writableUpload(ctx, req, req.params.id);
      describeUpload(reply, upload).header('upload-length', String(upload.length));
      const metadata = formatUploadMetadata(upload.metadata);
      if (metadata) reply.header('upload-metadata', metadata);
      if (upload.concat === 'partial') reply.header('upload-concat', 'partial');
      if (upload.concat === 'final')
        reply.header('upload-concat', `final;${upload.parts.map((p) => `/api/uploads/${p}`).join(' ')}`);
      return end(reply.status(200));
    },
  );

  app.patch(
    '/api/uploads/:id',
    {
      config: write,
      schema: {
        operationId: 'appendToUpload',
        tags,
        summary: 'Append bytes (application/offset+octet-stream) at Upload-Offset',
        params: IdParam,
        response: { 204: noBody('Appended', ['Upload-Offset', 'Upload-Expires', 'Attest-Item-Ern']) },
      },
    },
    async (req, reply) => {
      requireTus(req, reply);
      if (req.headers['content-type'] !== OFFSET_STREAM)
        throw new VaultError('UNSUPPORTED_MEDIA_TYPE', `send ${OFFSET_STREAM}`);
      const offset = wholeNumber(req.headers['upload-offset'], 'Upload-Offset');
      const userId = req.access.userId!;
      const known = await writableUpload(ctx, req, req.params.id);
      const scope = scopeOf(req, known.metadata.compartment || DEFAULT_COMPARTMENT);
      const { upload } = await appendChunk(ctx, known.id, userId, offset, req.body as Readable, scope);
      return end(describeUpload(reply, upload).status(204));
    },
  );

  app.delete(
    '/api/uploads/:id',
    {
      config: write,
      schema: {
        operationId: 'terminateUpload',
        tags,
        summary: 'Terminate an upload and remove its bytes',
        params: IdParam,
        response: { 204: noBody('Terminated', []) },
      },
    },
    async (req, reply) => {
      requireTus(req, reply);
      // The same wall as HEAD and PATCH: a token scoped away from the upload's compartment
      // neither learns it exists nor destroys it.
      await writableUpload(ctx, req, req.params.id);
      await deleteUpload(ctx, req.params.id, req.access.userId!);
      return end(reply.status(204));
    },
  );
};
