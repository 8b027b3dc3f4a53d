/**
 * upload.ts — one evidence file over multipart/form-data, streamed straight into the blob store
 * (hashed on the fly, bounded by the item size limit). Provenance fields must come before the
 * file part, so the request is validated before a byte is stored; an aborted or refused upload
 * leaves no blob and no row.
 */
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../ctx.js';
import { decodeName } from '../lib/display.js';
import { VaultError } from './errors.js';
import {
  type AddOutcome,
  DEFAULT_COMPARTMENT,
  type ItemInput,
  recordItems,
  stageContent,
} from './service.js';

const FIELDS = new Set(['source', 'collectedAt', 'collectedBy', 'compartment', 'title', 'allowDuplicate']);

/** receiveUpload reads the multipart request and records the item. */
export async function receiveUpload(ctx: Ctx, req: FastifyRequest): Promise<AddOutcome> {
  if (!req.isMultipart()) throw new VaultError('UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data');
  const fields: Record<string, string> = {};
  let outcome: AddOutcome | undefined;
  for await (const part of req.parts()) {
    if (part.type === 'field') {
      if (outcome) throw new VaultError('INVALID_INPUT', 'fields must come before the file part');
      if (!FIELDS.has(part.fieldname))
        throw new VaultError('INVALID_INPUT', `unknown field ${part.fieldname}`);
      fields[part.fieldname] = String(part.value);
      continue;
    }
    if (outcome) throw new VaultError('INVALID_INPUT', 'one file per request');
    outcome = await storeFile(ctx, req, part, fields);
  }
  if (!outcome) throw new VaultError('INVALID_INPUT', 'no file part');
  return outcome;
}

async function storeFile(ctx: Ctx, req: FastifyRequest, part: MultipartFile, fields: Record<string, string>) {
  const compartment = fields.compartment ?? DEFAULT_COMPARTMENT;
  if (!req.access.can('items:write', compartment)) {
    throw new VaultError('FORBIDDEN', `no permission to add items to compartment ${compartment}`);
  }
  const name = decodeName(Buffer.from(part.filename || 'upload', 'utf8')).name;
  const input: ItemInput = {
    originalName: name,
    provenance: { source: fields.source, collectedAt: fields.collectedAt, collectedBy: fields.collectedBy },
    compartment,
    actor: req.access.userId ?? 'anonymous',
    allowDuplicate: fields.allowDuplicate === 'true',
    ...(fields.title ? { title: fields.title } : {}),
  };
  const staged = await stageContent(ctx, part.file, input);
  if (part.file.truncated)
    throw new VaultError('TOO_LARGE', `over the item limit of ${ctx.config.maxItemBytes} bytes`);
  const [outcome] = await recordItems(ctx, [staged]);
  return outcome!;
}
