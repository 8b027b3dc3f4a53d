/**
 * service.ts — redactItem makes a redacted derivative of an item: text spans and protected
 * people's names (replaced by their pseudonyms) for text, black regions for images, rendered
 * pages with regions burnt in for PDFs. The original is never touched (DESIGN.md rule 1); the
 * redaction is a new item with `parent_item_id`, metadata `{ redaction: … }`, its ingest entry
 * and a `redact` entry naming the original, in one transaction.
 */
import { Readable } from 'node:stream';
import type { Ctx } from '../../ctx.js';
import { type Item, itemFromRow, recordItems, stageContent, titleFrom } from '../../vault/index.js';
import { CaseError } from '../errors.js';
import { findCase, visibleItemIds } from '../service.js';
import { allows, type Viewer } from '../viewer.js';
import { burnRegions, type Region } from './image.js';
import { redactPdf } from './pdf.js';
import { type NamePair, redactSpans, replaceNames, type TextSpan } from './text.js';

export interface RedactionRequest {
  readonly spans?: readonly TextSpan[];
  readonly regions?: readonly Region[];
  /** Replace the names of this case's protected entities by their pseudonyms (text). */
  readonly pseudonymsFrom?: string;
}

export interface RedactionResult {
  readonly ern: string;
  readonly sha256: string;
  readonly of: string;
  readonly method: string;
}

const MAX_TEXT_BYTES = 32 * 1024 * 1024;
const MAX_BINARY_BYTES = 512 * 1024 * 1024;
const MAX_PARTS = 10_000;

async function readAll(ctx: Ctx, item: Item, limit: number): Promise<Buffer> {
  if (item.size > limit)
    throw new CaseError('INVALID_REDACTION', `${item.ern} is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  for await (const c of ctx.blobs.get(item.sha256) as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** redactItem records the redaction of `ern` and returns the new item's ERN. */
export async function redactItem(
  ctx: Ctx,
  viewer: Viewer,
  ern: string,
  request: RedactionRequest,
): Promise<RedactionResult> {
  const [ref] = await visibleItemIds(ctx, viewer, [ern]);
  if (!allows(viewer.write, ref!.compartment)) throw new CaseError('CASE_NOT_FOUND', `no item ${ern}`);
  const item = itemFromRow(
    await ctx.db.selectFrom('item').selectAll().where('id', '=', ref!.id).executeTakeFirstOrThrow(),
  );
  const spans = request.spans ?? [];
  const regions = request.regions ?? [];
  if (spans.length + regions.length > MAX_PARTS)
    throw new CaseError('INVALID_REDACTION', `at most ${MAX_PARTS} spans and regions`);
  if (spans.length === 0 && regions.length === 0 && !request.pseudonymsFrom)
    throw new CaseError(
      'INVALID_REDACTION',
      'nothing to redact: give spans, regions or a case for pseudonyms',
    );
  let bytes: Buffer;
  let method: string;
  let ext: string;
  let counts: Record<string, number> = {};
  const type = item.mediaType.split(';')[0]!.trim();
  if (type.startsWith('text/')) {
    if (regions.length > 0)
      throw new CaseError('INVALID_REDACTION', 'regions apply to images and PDFs; use spans for text');
    const raw = await readAll(ctx, item, MAX_TEXT_BYTES);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw new CaseError('INVALID_REDACTION', `${ern} is not UTF-8 text`);
    }
    text = redactSpans(text, spans.length > 0 ? spans : []);
    let replaced = 0;
    if (request.pseudonymsFrom) {
      const r = replaceNames(text, await protectedNames(ctx, viewer, request.pseudonymsFrom));
      text = r.text;
      replaced = r.count;
    }
    bytes = Buffer.from(text, 'utf8');
    method = 'text';
    ext = 'txt';
    counts = { spans: spans.length, pseudonyms: replaced };
  } else if (type === 'application/pdf') {
    if (spans.length > 0 || request.pseudonymsFrom)
      throw new CaseError('INVALID_REDACTION', 'a PDF is redacted by regions');
    bytes = await redactPdf(await readAll(ctx, item, MAX_BINARY_BYTES), regions);
    method = 'pdf-render';
    ext = 'pdf';
    counts = { regions: regions.length };
  } else if (type.startsWith('image/')) {
    if (spans.length > 0 || request.pseudonymsFrom)
      throw new CaseError('INVALID_REDACTION', 'an image is redacted by regions');
    const format = type === 'image/jpeg' ? 'jpeg' : type === 'image/webp' ? 'webp' : 'png';
    bytes = await burnRegions(await readAll(ctx, item, MAX_BINARY_BYTES), regions, format);
    method = 'image-regions';
    ext = format === 'jpeg' ? 'jpg' : format;
    counts = { regions: regions.length };
  } else {
    throw new CaseError(
      'INVALID_REDACTION',
      `cannot redact ${item.mediaType}; text, images and PDFs can be redacted`,
    );
  }
  const staged = await stageContent(ctx, Readable.from([bytes]), {
    originalName: `${item.ern}-redacted.${ext}`,
    title: titleFrom(item.title, ' (redacted)'),
    provenance: { source: item.source, collectedAt: item.collectedAt, collectedBy: item.collectedBy },
    compartment: item.compartment,
    parentItemId: item.id,
    metadata: { redaction: { of: item.ern, method, ...counts } },
    actor: viewer.actor,
    allowDuplicate: true,
  });
  const [outcome] = await recordItems(ctx, [staged], {
    extraEntries: (inserted) =>
      inserted.map((d) => ({
        kind: 'redact' as const,
        actor: viewer.actor,
        itemId: d.id,
        data: { of: item.id, ofSha256: item.sha256, sha256: d.sha256, ern: d.ern, method },
      })),
  });
  return { ern: outcome!.item.ern, sha256: outcome!.item.sha256, of: item.ern, method };
}

async function protectedNames(ctx: Ctx, viewer: Viewer, caseRef: string): Promise<NamePair[]> {
  const c = await findCase(ctx, viewer, caseRef);
  const rows = await ctx.db
    .selectFrom('case_entity')
    .select(['name', 'pseudonym'])
    .where('case_id', '=', c.id)
    .where('protected', '=', 1)
    .execute();
  return rows.map((r) => ({ name: r.name, pseudonym: r.pseudonym ?? 'protected' }));
}

export interface RedactionSummary {
  readonly ern: string;
  readonly sha256: string;
  readonly mediaType: string;
  readonly method: string;
  /** Regions burnt in (images, PDFs) or spans removed (text), as recorded at the time. */
  readonly parts: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

/**
 * listRedactions returns the redactions of `ern` the viewer may read, oldest first: the items
 * derived from it whose metadata records a redaction (what a `--redacted` package takes the
 * latest of). The original itself must be readable (else CASE_NOT_FOUND, as for no item).
 */
export async function listRedactions(ctx: Ctx, viewer: Viewer, ern: string): Promise<RedactionSummary[]> {
  const [ref] = await visibleItemIds(ctx, viewer, [ern]);
  let q = ctx.db
    .selectFrom('item')
    .select(['ern', 'blob_sha256', 'media_type', 'metadata', 'created_at', 'created_by', 'compartment'])
    .where('parent_item_id', '=', ref!.id)
    .orderBy('ern_seq');
  if (viewer.read !== 'all') q = q.where('compartment', 'in', [...viewer.read]);
  const out: RedactionSummary[] = [];
  for (const r of await q.execute()) {
    const meta = JSON.parse(r.metadata) as {
      redaction?: { method?: string; regions?: number; spans?: number };
    } | null;
    if (!meta?.redaction) continue;
    out.push({
      ern: r.ern,
      sha256: r.blob_sha256,
      mediaType: r.media_type,
      method: meta.redaction.method ?? '',
      parts: (meta.redaction.regions ?? 0) + (meta.redaction.spans ?? 0),
      createdAt: r.created_at,
      createdBy: r.created_by,
    });
  }
  return out;
}
