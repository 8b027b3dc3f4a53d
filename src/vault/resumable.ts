/**
 * resumable.ts — resumable uploads over tus 1.0 (https://tus.io/protocols/resumable-upload):
 * core protocol plus the creation, creation-with-upload, expiration, termination and
 * concatenation extensions, for field links that drop. The bytes received so far are *parts* in
 * the shared blob store (`uploads/<id>/<part>`, one per PATCH, listed in `upload_part`), so an
 * upload begun on one server resumes on any other that shares the database and the store
 * (issue 21.2); the offset is the sum of the parts' sizes. An interrupted PATCH keeps what arrived
 * (stored as its part) and the client resumes from there. One request writes to an upload at a
 * time (upload-lock.ts, issue 12.6). When the last byte of an ordinary upload arrives, its parts,
 * read in order, become an item through the ordinary vault path (hash, blob, ERN, ingest entry)
 * and are removed.
 * Uploads expire 24 hours after creation (tus §expiration); an expired upload is "not found".
 * A user holds a bounded number of open uploads and declared bytes (upload-quota.ts).
 *
 * Concatenation (tus §concatenation): a *partial* upload is only bytes — it is never an item and
 * never enters the custody log. A *final* upload names complete partials of the same user, in
 * order; creating it checks provenance first, locks the partials, streams them one after the
 * other into the vault as one item (one ingest entry), and removes them. If anything fails,
 * nothing is recorded and the partials stay for a retry.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Selectable } from 'kysely';
import { type Ctx, nowIso } from '../ctx.js';
import { LINE_UNSAFE } from '../lib/unsafe-text.js';
import { VaultError } from './errors.js';
import { normaliseProvenance, titleField } from './provenance.js';
import {
  type AddOutcome,
  DEFAULT_COMPARTMENT,
  type DuplicateScope,
  recordItems,
  stageContent,
} from './service.js';
import type { UploadTable } from './tables.js';
import { LOCK_LEASE_MS, renewLock, tryLockUpload, unlockUpload } from './upload-lock.js';
import { insertWithinQuota } from './upload-quota.js';

/** EXPIRY_MS is how long an upload may take from creation to its last byte. */
export const EXPIRY_MS = 24 * 3600 * 1000;

export type UploadKind = 'partial' | 'final' | null;

export interface Upload {
  readonly id: string;
  readonly userId: string;
  readonly length: number;
  readonly offset: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly expiresAt: string;
  readonly itemErn: string | null;
  /** tus concatenation: null for an ordinary upload. */
  readonly concat: UploadKind;
  /** For a final upload: the partial uploads it joined, in order. */
  readonly parts: readonly string[];
}

/**
 * MAX_PARTS bounds the PATCHes (parts) of one upload: each is an object in the store, and a
 * client sending a byte at a time would otherwise make millions (S3 multipart stops at 10,000 too).
 */
export const MAX_PARTS = 10_000;

function checkId(id: string): void {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new VaultError('NOT_FOUND', 'no such upload');
}

/** partsOf lists an upload's stored parts in order. */
function partsOf(ctx: Ctx, id: string) {
  return ctx.db
    .selectFrom('upload_part')
    .select(['n', 'key', 'size'])
    .where('upload_id', '=', id)
    .orderBy('n')
    .execute();
}

/** removeParts forgets and deletes an upload's parts. */
async function removeParts(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.deleteFrom('upload_part').where('upload_id', '=', id).execute();
  await ctx.blobs.removeUploadParts(id);
}

function checkLength(ctx: Ctx, length: number): void {
  if (!Number.isSafeInteger(length) || length < 0)
    throw new VaultError('INVALID_INPUT', 'Upload-Length must be a whole number');
  if (length > ctx.config.maxItemBytes)
    throw new VaultError('TOO_LARGE', `over the item limit of ${ctx.config.maxItemBytes} bytes`);
}

/** A gazetteer P-code (src/search/schemas.ts PcodeParam): Syrian admin units and cities. */
const PCODE = /^(SY[0-9]{2,8}|C[0-9]{1,6})$/;
const MAX_PLACE = 200;

/**
 * checkProvenance refuses metadata whose provenance is missing or malformed, before any byte is
 * kept. The collection place is optional: `place` (a name as the collector wrote it) and
 * `placePcode` (the gazetteer unit it was resolved to, issue 17 upload form).
 */
function checkProvenance(metadata: Readonly<Record<string, string>>): void {
  normaliseProvenance({
    source: metadata.source,
    collectedAt: metadata.collectedAt,
    collectedBy: metadata.collectedBy,
  });
  const place = metadata.place;
  if (place !== undefined && (place.length > MAX_PLACE || LINE_UNSAFE.test(place)))
    throw new VaultError(
      'INVALID_PROVENANCE',
      'place is too long or has control or bidi-override characters',
      {
        field: 'place',
      },
    );
  // The title too is refused before any byte is kept, as the multipart form's is.
  if (metadata.title) titleField(metadata.title);
  if (metadata.placePcode !== undefined && !PCODE.test(metadata.placePcode))
    throw new VaultError('INVALID_PROVENANCE', 'placePcode is not a gazetteer P-code', {
      field: 'placePcode',
    });
}

/** placeMetadata is the collection place of an upload as item metadata (absent when not given). */
function placeMetadata(m: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (m.place?.trim()) out.collectionPlace = m.place.normalize('NFC').trim();
  if (m.placePcode) out.collectionPcode = m.placePcode;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * createUpload opens an ordinary upload (provenance is checked first, so nothing useless is
 * stored) or, with `concat: 'partial'`, a partial one whose metadata is not needed: the final
 * upload carries the item's provenance.
 */
export async function createUpload(
  ctx: Ctx,
  input: { userId: string; length: number; metadata: Record<string, string>; concat?: 'partial' },
): Promise<Upload> {
  checkLength(ctx, input.length);
  if (input.concat !== 'partial') checkProvenance(input.metadata);
  await sweepExpired(ctx);
  const id = randomBytes(16).toString('hex');
  const row = newRow(ctx, id, input.userId, input.length, input.metadata, input.concat ?? null, []);
  // Within the user's quota of open uploads and declared bytes (upload-quota.ts).
  await insertWithinQuota(ctx, row);
  return uploadFromRow(row, 0);
}

function newRow(
  ctx: Ctx,
  id: string,
  userId: string,
  length: number,
  metadata: Record<string, string>,
  concat: UploadKind,
  parts: readonly string[],
): Selectable<UploadTable> {
  const now = ctx.clock();
  return {
    id,
    user_id: userId,
    length,
    metadata: JSON.stringify(metadata),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + EXPIRY_MS).toISOString(),
    item_ern: null,
    lock_token: null,
    locked_until: null,
    concat,
    parts: concat === 'final' ? JSON.stringify(parts) : null,
  };
}

function uploadFromRow(row: Selectable<UploadTable>, offset: number): Upload {
  return {
    id: row.id,
    userId: row.user_id,
    length: Number(row.length),
    offset,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    expiresAt: row.expires_at,
    itemErn: row.item_ern,
    concat: (row.concat as UploadKind) ?? null,
    parts: row.parts ? (JSON.parse(row.parts) as string[]) : [],
  };
}

/** getUpload returns the caller's upload (another user's, or an expired one, is "not found"). */
export async function getUpload(ctx: Ctx, id: string, userId: string): Promise<Upload> {
  checkId(id);
  const row = await ctx.db.selectFrom('upload').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.user_id !== userId || row.expires_at < nowIso(ctx))
    throw new VaultError('NOT_FOUND', 'no such upload');
  let offset = Number(row.length);
  if (!row.item_ern && row.concat !== 'final') {
    const { total } = await ctx.db
      .selectFrom('upload_part')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('total'))
      .where('upload_id', '=', id)
      .executeTakeFirstOrThrow();
    offset = Number(total);
  }
  return uploadFromRow(row, offset);
}

/** lockUpload takes the caller's upload for one request, or says why not (NOT_FOUND, UPLOAD_LOCKED). */
async function lockUpload(ctx: Ctx, id: string, userId: string): Promise<string> {
  const token = await tryLockUpload(ctx, id, userId);
  if (token) return token;
  await getUpload(ctx, id, userId); // NOT_FOUND when it is not the caller's (or gone)
  throw new VaultError('UPLOAD_LOCKED', 'another request is writing to this upload; retry when it ends');
}

/**
 * appendChunk writes `body` at `offset` (which must be the current offset) to the caller's
 * upload `id`, holding the upload's lock for the whole request: concurrent PATCHes are refused,
 * so the bytes that become an item are those of one sequence of PATCHes. If the stream breaks
 * off, what arrived is kept (fsynced) and the new offset returned with the error. An ordinary
 * upload becomes an item when its last byte arrives (duplicates looked for within
 * `duplicatesAmong`); a partial one just completes.
 */
export async function appendChunk(
  ctx: Ctx,
  id: string,
  userId: string,
  offset: number,
  body: Readable,
  duplicatesAmong: DuplicateScope,
): Promise<{ upload: Upload; outcome?: AddOutcome }> {
  const token = await lockUpload(ctx, id, userId);
  try {
    // Read the offset under the lock: no other request can move it now.
    const upload = await getUpload(ctx, id, userId);
    // tus §concatenation: "The Server MUST respond with the 403 Forbidden status to PATCH
    // requests against a final upload URL".
    if (upload.concat === 'final') throw new VaultError('FINAL_UPLOAD', 'a final upload takes no bytes');
    if (upload.itemErn || offset !== upload.offset) {
      throw new VaultError(
        'OFFSET_MISMATCH',
        `Upload-Offset ${offset} is not the current offset ${upload.offset}`,
      );
    }
    const written = await writeAt(ctx, upload, offset, body, token);
    const now = { ...upload, offset: written };
    if (written < upload.length || upload.concat === 'partial') return { upload: now };
    const outcome = await recordUpload(ctx, upload, Readable.from(partBytes(ctx, [upload])), duplicatesAmong);
    await removeParts(ctx, upload.id);
    return { upload: { ...upload, itemErn: outcome.item.ern }, outcome };
  } finally {
    await unlockUpload(ctx, id, token);
  }
}

/**
 * writeAt stores the body as the upload's next part, renewing the lock as bytes arrive. When the
 * body breaks off (the link dropped) or brings more than Upload-Length, what arrived before is
 * still stored — the client resumes from the new offset — and then the error is thrown.
 */
async function writeAt(ctx: Ctx, upload: Upload, offset: number, body: Readable, token: string) {
  const { parts } = await ctx.db
    .selectFrom('upload_part')
    .select((eb) => eb.fn.countAll<number>().as('parts'))
    .where('upload_id', '=', upload.id)
    .executeTakeFirstOrThrow();
  if (Number(parts) >= MAX_PARTS)
    throw new VaultError(
      'UPLOAD_PARTS',
      `an upload takes at most ${MAX_PARTS} PATCH requests: send larger chunks`,
    );
  let renewedAt = ctx.clock().getTime();
  let stopped: unknown;
  let size = 0;
  async function* arriving(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (offset + size + chunk.length > upload.length)
          throw new VaultError('TOO_LARGE', 'more bytes than Upload-Length');
        if (ctx.clock().getTime() - renewedAt > LOCK_LEASE_MS / 3) {
          // A request stalled past its lease may have lost the upload to another: take no more.
          if (!(await renewLock(ctx, upload.id, token)))
            throw new VaultError('UPLOAD_LOCKED', 'this request stalled and another took over the upload');
          renewedAt = ctx.clock().getTime();
        }
        size += chunk.length;
        yield chunk;
      }
    } catch (err) {
      stopped = err;
    }
  }
  const key = randomBytes(8).toString('hex');
  const stored = await ctx.blobs.putUploadPart(upload.id, key, arriving());
  const lost = stopped instanceof VaultError && stopped.code === 'UPLOAD_LOCKED';
  // Recorded only while this request still holds the upload ((upload, n) is unique besides).
  const kept = stored > 0 && !lost && (await renewLock(ctx, upload.id, token));
  if (kept)
    await ctx.db
      .insertInto('upload_part')
      .values({ upload_id: upload.id, n: Number(parts), key, size: stored, created_at: nowIso(ctx) })
      .execute();
  else await ctx.blobs.removeUploadParts(upload.id, key);
  if (stopped !== undefined) throw stopped;
  if (stored > 0 && !kept)
    throw new VaultError('UPLOAD_LOCKED', 'this request stalled and another took over the upload');
  return offset + stored;
}

/** recordUpload turns a complete upload's bytes into an item (or finds the caller's duplicate). */
async function recordUpload(
  ctx: Ctx,
  upload: Upload,
  bytes: Readable,
  duplicatesAmong: DuplicateScope,
): Promise<AddOutcome> {
  const m = upload.metadata;
  const staged = await stageContent(ctx, bytes, {
    originalName: m.filename || 'upload',
    ...(m.title ? { title: m.title } : {}),
    provenance: { source: m.source, collectedAt: m.collectedAt, collectedBy: m.collectedBy },
    compartment: m.compartment || DEFAULT_COMPARTMENT,
    ...(placeMetadata(m) ? { metadata: placeMetadata(m) } : {}),
    actor: upload.userId,
    duplicatesAmong,
  });
  // Exactly the declared length, written under one lock (issue 12.6).
  if (staged.blob.size !== upload.length)
    throw new VaultError('OFFSET_MISMATCH', 'the upload does not hold Upload-Length bytes');
  const [outcome] = await recordItems(ctx, [staged]);
  await ctx.db
    .updateTable('upload')
    .set({ item_ern: outcome!.item.ern })
    .where('id', '=', upload.id)
    .execute();
  return outcome!;
}

/**
 * concatenateUploads creates a final upload from the caller's complete partial uploads `partIds`
 * (in order) and records it as one item (tus §concatenation). Refused before anything is stored:
 * provenance missing, a part that is not the caller's, not partial, not complete, or locked by
 * another request, or a total over the item limit.
 */
export async function concatenateUploads(
  ctx: Ctx,
  input: {
    userId: string;
    partIds: readonly string[];
    metadata: Record<string, string>;
    duplicatesAmong: DuplicateScope;
  },
): Promise<{ upload: Upload; outcome: AddOutcome }> {
  checkProvenance(input.metadata);
  const locks: { id: string; token: string }[] = [];
  try {
    const parts: Upload[] = [];
    for (const id of input.partIds) {
      locks.push({ id, token: await lockUpload(ctx, id, input.userId) });
      const part = await getUpload(ctx, id, input.userId);
      if (part.concat !== 'partial')
        throw new VaultError('INVALID_INPUT', `upload ${id} is not a partial upload`);
      if (part.offset !== part.length)
        throw new VaultError('INVALID_INPUT', `partial upload ${id} is not complete`);
      parts.push(part);
    }
    const length = parts.reduce((n, p) => n + p.length, 0);
    checkLength(ctx, length);
    const id = randomBytes(16).toString('hex');
    const row = newRow(ctx, id, input.userId, length, input.metadata, 'final', input.partIds);
    await ctx.db.insertInto('upload').values(row).execute();
    const upload = uploadFromRow(row, length);
    let outcome: AddOutcome;
    try {
      outcome = await recordUpload(ctx, upload, Readable.from(partBytes(ctx, parts)), input.duplicatesAmong);
    } catch (err) {
      await ctx.db.deleteFrom('upload').where('id', '=', id).execute();
      throw err;
    }
    // The partials are spent: the item holds their bytes (tus lets a server remove them).
    for (const { id: partId, token } of locks.splice(0)) await removeLocked(ctx, partId, token);
    return { upload: { ...upload, itemErn: outcome.item.ern }, outcome };
  } finally {
    for (const { id, token } of locks) await unlockUpload(ctx, id, token);
  }
}

/** partBytes yields the bytes of `uploads`, one after the other, each from its parts in order. */
async function* partBytes(ctx: Ctx, uploads: readonly Upload[]): AsyncGenerator<Buffer> {
  for (const upload of uploads)
    for (const part of await partsOf(ctx, upload.id))
      for await (const chunk of ctx.blobs.getUploadPart(upload.id, part.key)) yield chunk as Buffer;
}

async function removeLocked(ctx: Ctx, id: string, token: string): Promise<void> {
  const gone = await ctx.db
    .deleteFrom('upload')
    .where('id', '=', id)
    .where('lock_token', '=', token)
    .executeTakeFirst();
  if (Number(gone.numDeletedRows) === 1) await removeParts(ctx, id);
}

/** deleteUpload ends the caller's upload and removes its bytes (tus termination); not while a PATCH writes. */
export async function deleteUpload(ctx: Ctx, id: string, userId: string): Promise<void> {
  await removeLocked(ctx, id, await lockUpload(ctx, id, userId));
}

async function sweepExpired(ctx: Ctx): Promise<void> {
  const now = nowIso(ctx);
  const expired = await ctx.db
    .selectFrom('upload')
    .select('id')
    .where('expires_at', '<', now)
    // An upload whose request still holds a live lock is left to it.
    .where((eb) => eb.or([eb('lock_token', 'is', null), eb('locked_until', '<', now)]))
    .execute();
  for (const { id } of expired) {
    await ctx.db.deleteFrom('upload').where('id', '=', id).execute();
    await removeParts(ctx, id);
  }
}
