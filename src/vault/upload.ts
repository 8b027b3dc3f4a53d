/**
 * upload.ts — one evidence file over multipart/form-data, streamed straight into the blob store
 * (hashed on the fly, bounded by the item size limit). Provenance fields must come before the
 * file part, so the request is validated before a byte is stored; an aborted or refused upload
 * leaves no row (the item is recorded only after the whole body was read).
 */
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../ctx.js';
import { decodeName } from '../lib/display.js';
import { VaultError } from './errors.js';
import {
  type AddOutcome,
  DEFAULT_COMPARTMENT,
  duplicateScopeFor,
  type ItemInput,
  recordItems,
  type StagedItem,
  stageContent,
} from './service.js';
import { discardStaged } from './staging.js';

const FIELDS = new Set(['source', 'collectedAt', 'collectedBy', 'compartment', 'title', 'allowDuplicate']);

/**
 * The multipart parser's refusals (@fastify/multipart, busboy) that describe a malformed request
 * rather than a server fault: each becomes a 400 with the vault's own code (issue 12.11). Too
 * many files or parts is the request's shape, not its size, so it is 400 too; only a file over
 * the item limit stays 413.
 */
const MULTIPART_REFUSALS: Readonly<Record<string, string>> = {
  FST_PROTO_VIOLATION: 'a field name may not be a property of Object.prototype (such as __proto__)',
  FST_FILES_LIMIT: 'one file per request',
  FST_PARTS_LIMIT: 'too many parts',
  FST_FIELDS_LIMIT: 'too many fields',
  FST_INVALID_JSON_FIELD_ERROR: 'a field declared as JSON is not valid JSON',
};

/**
 * receiveUpload reads the multipart request and records the item. The file is staged (hashed
 * into the blob store) as it streams, but recorded only once the whole body has been read and
 * found well-formed: a second file or a late field refuses the request with nothing recorded.
 */
export async function receiveUpload(ctx: Ctx, req: FastifyRequest): Promise<AddOutcome> {
  if (!req.isMultipart()) throw new VaultError('UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data');
  // Attacker-controlled names: a null-prototype record, and only the known names are kept.
  const fields: Record<string, string> = Object.create(null);
  let staged: StagedItem | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        if (staged) throw new VaultError('INVALID_INPUT', 'fields must come before the file part');
        if (!FIELDS.has(part.fieldname))
          throw new VaultError('INVALID_INPUT', `unknown field ${part.fieldname}`);
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (staged) throw new VaultError('INVALID_INPUT', 'one file per request');
      staged = await stageFile(ctx, req, part, fields);
    }
  } catch (err) {
    // A request refused after its file was staged leaves no bytes behind (issue 12.7).
    if (staged) await discardStaged(ctx, [staged]);
    throw multipartRefusal(err);
  }
  if (!staged) throw new VaultError('INVALID_INPUT', 'no file part');
  const [outcome] = await recordItems(ctx, [staged]);
  return outcome!;
}

/** multipartRefusal turns the parser's errors about a malformed body into VaultErrors. */
function multipartRefusal(err: unknown): unknown {
  if (err instanceof VaultError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && Object.hasOwn(MULTIPART_REFUSALS, code))
    return new VaultError('INVALID_INPUT', MULTIPART_REFUSALS[code]!);
  // busboy throws plain Errors for a malformed Content-Type ("Multipart: Boundary not found",
  // "Unsupported content type") and for a malformed body ("Malformed part header", …).
  if (
    err instanceof Error &&
    /^(Multipart: |Malformed |Unexpected end of |Unsupported content type)/.test(err.message)
  )
    return new VaultError('INVALID_INPUT', `malformed multipart body: ${err.message}`);
  return err;
}

async function stageFile(
  ctx: Ctx,
  req: FastifyRequest,
  part: MultipartFile,
  fields: Readonly<Record<string, string>>,
): Promise<StagedItem> {
  const compartment = fields.compartment ?? DEFAULT_COMPARTMENT;
  if (!req.access.can('items:write', compartment)) {
    throw new VaultError('FORBIDDEN', `no permission to add items to compartment ${compartment}`);
  }
  const name = decodeName(Buffer.from(part.filename || 'upload', 'utf8')).name;
  const actor = req.access.userId ?? 'anonymous';
  const input: ItemInput = {
    originalName: name,
    provenance: { source: fields.source, collectedAt: fields.collectedAt, collectedBy: fields.collectedBy },
    compartment,
    actor,
    allowDuplicate: fields.allowDuplicate === 'true',
    duplicatesAmong: duplicateScopeFor(req.access.compartmentsFor('items:read'), actor, compartment),
    ...(fields.title ? { title: fields.title } : {}),
  };
  return stageContent(ctx, part.file, input, {
    // A refused upload leaves no bytes behind (issue 12.7).
    accept: () => {
      if (part.file.truncated)
        throw new VaultError('TOO_LARGE', `over the item limit of ${ctx.config.maxItemBytes} bytes`);
    },
  });
}
