/**
 * resumable.ts — resumable uploads over the tus 1.0 core protocol with the creation and
 * termination extensions (https://tus.io/protocols/resumable-upload), for field links that
 * drop. The bytes received so far sit in `<data>/uploads/<id>`; the file's size *is* the
 * offset, so an interrupted PATCH keeps what arrived and the client resumes from there. When
 * the last byte arrives the file becomes an item through the ordinary vault path (hash, blob,
 * ERN, ingest entry) and the partial file is removed. Uploads expire after 24 hours.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type Ctx, nowIso } from '../ctx.js';
import { decodeBase64 } from '../lib/note.js';
import { VaultError } from './errors.js';
import { normaliseProvenance } from './provenance.js';
import {
  type AddOutcome,
  DEFAULT_COMPARTMENT,
  type DuplicateScope,
  recordItems,
  stageContent,
} from './service.js';

const EXPIRY_MS = 24 * 3600 * 1000;
const MAX_METADATA_PAIRS = 16;
const MAX_METADATA_VALUE = 4096;
const METADATA_KEY = /^[A-Za-z0-9_-]{1,32}$/;

export interface Upload {
  readonly id: string;
  readonly userId: string;
  readonly length: number;
  readonly offset: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly expiresAt: string;
  readonly itemErn: string | null;
}

/**
 * parseUploadMetadata reads the Upload-Metadata header: comma-separated `key base64value`
 * pairs (tus 1.0 §Upload-Metadata). Attacker-controlled: bounded in count and size, keys
 * restricted, values strict base64 of UTF-8.
 */
export function parseUploadMetadata(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (header === undefined || header.trim() === '') return out;
  const pairs = header.split(',');
  if (pairs.length > MAX_METADATA_PAIRS)
    throw new VaultError('INVALID_INPUT', 'too many Upload-Metadata pairs');
  for (const pair of pairs) {
    const [key, value = '', extra] = pair.trim().split(' ');
    if (!key || !METADATA_KEY.test(key) || extra !== undefined || key in out) {
      throw new VaultError('INVALID_INPUT', 'malformed Upload-Metadata');
    }
    const bytes = decodeBase64(value);
    if (!bytes || bytes.length > MAX_METADATA_VALUE)
      throw new VaultError('INVALID_INPUT', `Upload-Metadata ${key} is not base64`);
    try {
      out[key] = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new VaultError('INVALID_INPUT', `Upload-Metadata ${key} is not UTF-8`);
    }
  }
  return out;
}

function uploadDir(ctx: Ctx): string {
  return join(ctx.config.dataDir, 'uploads');
}

function uploadPath(ctx: Ctx, id: string): string {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new VaultError('NOT_FOUND', 'no such upload');
  return join(uploadDir(ctx), id);
}

/** createUpload validates the metadata (provenance first, so nothing useless is stored) and opens an upload. */
export async function createUpload(
  ctx: Ctx,
  input: { userId: string; length: number; metadata: Record<string, string> },
): Promise<Upload> {
  if (!Number.isSafeInteger(input.length) || input.length < 0)
    throw new VaultError('INVALID_INPUT', 'Upload-Length must be a whole number');
  if (input.length > ctx.config.maxItemBytes)
    throw new VaultError('TOO_LARGE', `over the item limit of ${ctx.config.maxItemBytes} bytes`);
  normaliseProvenance({
    source: input.metadata.source,
    collectedAt: input.metadata.collectedAt,
    collectedBy: input.metadata.collectedBy,
  });
  await sweepExpired(ctx);
  const id = randomBytes(16).toString('hex');
  await mkdir(uploadDir(ctx), { recursive: true, mode: 0o700 });
  await (await open(uploadPath(ctx, id), 'wx', 0o600)).close();
  const now = ctx.clock();
  const row = {
    id,
    user_id: input.userId,
    length: input.length,
    metadata: JSON.stringify(input.metadata),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + EXPIRY_MS).toISOString(),
    item_ern: null,
  };
  await ctx.db.insertInto('upload').values(row).execute();
  return {
    id,
    userId: input.userId,
    length: input.length,
    offset: 0,
    metadata: input.metadata,
    expiresAt: row.expires_at,
    itemErn: null,
  };
}

/** getUpload returns the caller's upload (another user's is "not found"). */
export async function getUpload(ctx: Ctx, id: string, userId: string): Promise<Upload> {
  const path = uploadPath(ctx, id);
  const row = await ctx.db.selectFrom('upload').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.user_id !== userId || row.expires_at < nowIso(ctx))
    throw new VaultError('NOT_FOUND', 'no such upload');
  const offset = row.item_ern ? Number(row.length) : ((await stat(path).catch(() => undefined))?.size ?? 0);
  return {
    id,
    userId,
    length: Number(row.length),
    offset,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    expiresAt: row.expires_at,
    itemErn: row.item_ern,
  };
}

/** LOCK_LEASE_MS is how long a PATCH's lock holds without news from it (renewed as bytes arrive). */
const LOCK_LEASE_MS = 60_000;

/**
 * lockUpload takes the caller's upload for one PATCH: an atomic conditional update, so of two
 * PATCHes racing on any number of processes exactly one gets it (issue 12.6). The other is
 * refused with UPLOAD_LOCKED (409); tus clients retry on 409. A lock whose lease ran out (its
 * process died) may be taken over. Returns the lock's token.
 */
async function lockUpload(ctx: Ctx, id: string, userId: string): Promise<string> {
  const token = randomBytes(16).toString('hex');
  const now = ctx.clock();
  const result = await ctx.db
    .updateTable('upload')
    .set({ lock_token: token, locked_until: new Date(now.getTime() + LOCK_LEASE_MS).toISOString() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('expires_at', '>=', now.toISOString())
    .where((eb) => eb.or([eb('lock_token', 'is', null), eb('locked_until', '<', now.toISOString())]))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return token;
  await getUpload(ctx, id, userId); // NOT_FOUND when it is not the caller's (or gone)
  throw new VaultError('UPLOAD_LOCKED', 'another request is writing to this upload; retry when it ends');
}

/** renewLock extends the lease; false when the lock was lost (its lease ran out and was taken over). */
async function renewLock(ctx: Ctx, id: string, token: string): Promise<boolean> {
  const until = new Date(ctx.clock().getTime() + LOCK_LEASE_MS).toISOString();
  const result = await ctx.db
    .updateTable('upload')
    .set({ locked_until: until })
    .where('id', '=', id)
    .where('lock_token', '=', token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function unlockUpload(ctx: Ctx, id: string, token: string): Promise<void> {
  await ctx.db
    .updateTable('upload')
    .set({ lock_token: null, locked_until: null })
    .where('id', '=', id)
    .where('lock_token', '=', token)
    .execute();
}

/**
 * appendChunk writes `body` at `offset` (which must be the current offset) to the caller's
 * upload `id`, holding the upload's lock for the whole request: concurrent PATCHes are refused,
 * so the bytes that become an item are those of one sequence of PATCHes. If the stream breaks
 * off, what arrived is kept (fsynced) and the new offset returned with the error. The upload
 * becomes an item when its last byte arrives; duplicates are looked for within `duplicatesAmong`.
 */
export async function appendChunk(
  ctx: Ctx,
  id: string,
  userId: string,
  offset: number,
  body: Readable,
  duplicatesAmong: DuplicateScope,
): Promise<{ offset: number; outcome?: AddOutcome }> {
  const token = await lockUpload(ctx, id, userId);
  try {
    // Read the offset under the lock: no other request can move it now.
    const upload = await getUpload(ctx, id, userId);
    if (upload.itemErn || offset !== upload.offset) {
      throw new VaultError(
        'OFFSET_MISMATCH',
        `Upload-Offset ${offset} is not the current offset ${upload.offset}`,
      );
    }
    const written = await writeAt(ctx, upload, offset, body, token);
    if (written < upload.length) return { offset: written };
    return { offset: written, outcome: await finish(ctx, upload, duplicatesAmong) };
  } finally {
    await unlockUpload(ctx, id, token);
  }
}

/** writeAt appends the body's chunks from `offset`, renewing the lock as they arrive. */
async function writeAt(ctx: Ctx, upload: Upload, offset: number, body: Readable, token: string) {
  const fh = await open(uploadPath(ctx, upload.id), 'r+');
  let written = offset;
  let renewedAt = ctx.clock().getTime();
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (written + chunk.length > upload.length)
        throw new VaultError('TOO_LARGE', 'more bytes than Upload-Length');
      if (ctx.clock().getTime() - renewedAt > LOCK_LEASE_MS / 3) {
        // A request stalled past its lease may have lost the upload to another: write nothing more.
        if (!(await renewLock(ctx, upload.id, token)))
          throw new VaultError('UPLOAD_LOCKED', 'this request stalled and another took over the upload');
        renewedAt = ctx.clock().getTime();
      }
      await fh.write(chunk, 0, chunk.length, written);
      written += chunk.length;
    }
  } finally {
    await fh.sync();
    await fh.close();
  }
  return written;
}

async function finish(ctx: Ctx, upload: Upload, duplicatesAmong: DuplicateScope): Promise<AddOutcome> {
  const m = upload.metadata;
  const path = uploadPath(ctx, upload.id);
  const staged = await stageContent(ctx, createReadStream(path, { highWaterMark: 1 << 20 }), {
    originalName: m.filename || 'upload',
    ...(m.title ? { title: m.title } : {}),
    provenance: { source: m.source, collectedAt: m.collectedAt, collectedBy: m.collectedBy },
    compartment: m.compartment || DEFAULT_COMPARTMENT,
    actor: upload.userId,
    duplicatesAmong,
  });
  // The file is exactly the declared length, written under one lock (issue 12.6).
  if (staged.blob.size !== upload.length)
    throw new VaultError('OFFSET_MISMATCH', 'the upload does not hold Upload-Length bytes');
  const [outcome] = await recordItems(ctx, [staged]);
  await ctx.db
    .updateTable('upload')
    .set({ item_ern: outcome!.item.ern })
    .where('id', '=', upload.id)
    .execute();
  await rm(path, { force: true });
  return outcome!;
}

/** deleteUpload ends the caller's upload and removes its bytes (tus termination); not while a PATCH writes. */
export async function deleteUpload(ctx: Ctx, id: string, userId: string): Promise<void> {
  const token = await lockUpload(ctx, id, userId);
  await ctx.db.deleteFrom('upload').where('id', '=', id).where('lock_token', '=', token).execute();
  await rm(uploadPath(ctx, id), { force: true });
}

async function sweepExpired(ctx: Ctx): Promise<void> {
  const expired = await ctx.db
    .selectFrom('upload')
    .select('id')
    .where('expires_at', '<', nowIso(ctx))
    .execute();
  for (const { id } of expired) {
    await ctx.db.deleteFrom('upload').where('id', '=', id).execute();
    await rm(uploadPath(ctx, id), { force: true });
  }
}
