/**
 * download.ts — an item's bytes over HTTP: validators and conditional requests (RFC 9110 §13),
 * ranges (RFC 9110 §14, with If-Range), the file name (RFC 6266), and integrity. The ETag is
 * strong and derived from the SHA-256 (the bytes never change, DESIGN rule 1), Last-Modified is
 * when they were stored. A full download is re-hashed on the way out and cut off if it does not
 * match, so corrupted bytes never arrive as a complete file; RFC 9530 Repr-Digest lets the client
 * check what it received.
 */
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { evaluatePreconditions, rangeApplies, type Validators } from '../api/conditional.js';
import { attachment } from '../api/content-disposition.js';
import type { Ctx } from '../ctx.js';
import { VaultError } from './errors.js';
import type { Item } from './item.js';
import { extensionFor } from './media-type.js';
import { parseByteRange } from './range.js';

type ByteRange = { readonly start: number; readonly end: number };

/** validatorsOf returns the item's strong entity tag and modification date. */
export function validatorsOf(item: Item): Validators {
  return { etag: `"sha256:${item.sha256}"`, lastModified: new Date(item.createdAt) };
}

/**
 * downloadName is `ATT-000123-<original name>.<ext>`: the ERN first, so a copy leads back to its
 * item, and the extension of the media type sniffed from the bytes (never the uploader's).
 */
export function downloadName(item: Item): string {
  const ext = extensionFor(item.mediaType);
  const stem = item.originalName.replace(/\.[^./\\]{1,16}$/, '').trim();
  return stem && stem !== 'upload' ? `${item.ern}-${stem}.${ext}` : `${item.ern}.${ext}`;
}

/** What the route should do: answer 304, or send (part of) the bytes. */
export type DownloadPlan =
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'full' }
  | { readonly kind: 'range'; readonly range: ByteRange };

/**
 * planDownload evaluates the request's preconditions and Range against the item: 304 for a
 * current copy, 412 (PRECONDITION_FAILED) for a failed If-Match or If-Unmodified-Since, 416 for
 * an unsatisfiable range; a Range with a stale If-Range gets the whole item.
 */
export function planDownload(req: FastifyRequest, reply: FastifyReply, item: Item): DownloadPlan {
  const validators = validatorsOf(item);
  reply
    .header('etag', validators.etag)
    .header('last-modified', validators.lastModified!.toUTCString())
    .header('accept-ranges', 'bytes')
    // Evidence is never kept in shared or browser caches (issue 12.15); validators still work.
    .header('cache-control', 'no-store');
  const pre = evaluatePreconditions(req.method, req.headers, validators);
  if (pre === 'precondition-failed')
    throw new VaultError('PRECONDITION_FAILED', 'the item does not match the precondition');
  if (pre === 'not-modified') return { kind: 'not-modified' };
  if (!rangeApplies(req.headers, validators)) return { kind: 'full' };
  const range = parseByteRange(req.headers.range, item.size);
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${item.size}`);
    throw new VaultError('RANGE_NOT_SATISFIABLE', `the item has ${item.size} bytes`);
  }
  return range ? { kind: 'range', range } : { kind: 'full' };
}

/** sendDownload answers according to `plan`: 304, 206 with the range, or 200 with verified bytes. */
export function sendDownload(ctx: Ctx, item: Item, plan: DownloadPlan, reply: FastifyReply) {
  if (plan.kind === 'not-modified') return reply.status(304).send();
  reply
    .header('content-disposition', attachment(downloadName(item)))
    // Served as bytes to save, never rendered: only plain text keeps its own type.
    .type(item.mediaType.startsWith('text/') ? item.mediaType : 'application/octet-stream');
  if (plan.kind === 'range') {
    const { start, end } = plan.range;
    reply.status(206).header('content-range', `bytes ${start}-${end}/${item.size}`);
    reply.header('content-length', end - start + 1);
    return reply.send(ctx.blobs.get(item.sha256, plan.range));
  }
  reply.header('repr-digest', `sha-256=:${Buffer.from(item.sha256, 'hex').toString('base64')}:`);
  reply.header('content-length', item.size);
  const hash = createHash('sha256');
  const out = new PassThrough({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      // Bytes that no longer match their recorded hash must not arrive as a complete download.
      done(hash.digest('hex') === item.sha256 ? null : new Error(`integrity failure on ${item.ern}`));
    },
  });
  const source = ctx.blobs.get(item.sha256);
  source.on('error', (err) => out.destroy(err));
  return reply.send(source.pipe(out));
}
