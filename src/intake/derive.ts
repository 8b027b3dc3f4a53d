/**
 * derive.ts — derived items: what intake makes from an item (text, page text, OCR text,
 * metadata, thumbnails, keyframes, archive members, e-mail attachments) is itself an item, with
 * its own bytes, hash and ERN, `parent_item_id` pointing at its source and a `derivation` row
 * naming the kind, the tool and its version. The parent is never touched (DESIGN.md rule 1).
 *
 * - A derivative lives in its parent's compartment, always: derivatives never cross a wall.
 * - It inherits its parent's provenance (source, collected at/by): it was collected with it.
 * - Each is recorded with a `derive` custody entry in the same transaction as its rows.
 * - One derivative per (parent, kind, key): running intake again records nothing twice.
 */
import { createReadStream } from 'node:fs';
import type { Kysely, Transaction } from 'kysely';
import type { Ctx } from '../ctx.js';
import { appendEntries } from '../custody/index.js';
import { forUpdate } from '../store/db.js';
import { enqueueJobs, INTAKE_JOB } from '../store/jobs.js';
import type { Database } from '../store/schema.js';
import {
  discardStaged,
  type Item,
  insertItems,
  itemFromRow,
  releaseStaged,
  type StagedItem,
  stageContent,
  titleFrom,
} from '../vault/index.js';

export const DERIVATION_KINDS = [
  'text',
  'page-text',
  'ocr-text',
  'metadata',
  'thumbnail',
  'keyframe',
  'member',
  'attachment',
  'body',
] as const;
export type DerivationKind = (typeof DERIVATION_KINDS)[number];

/** A derivative an extractor produced, not yet stored. */
export interface Derivative {
  readonly kind: DerivationKind;
  /** Which part of the parent it is (e.g. `page:3`, `member:17`, `t:12`); unique per kind. */
  readonly key: string;
  /** The bytes, or a temp file holding them. */
  readonly content: Uint8Array | { readonly path: string };
  /** Media type when the extractor knows it (else sniffed from the bytes). */
  readonly mediaType?: string;
  readonly originalName: string;
  readonly title?: string;
  /** The program that made it, e.g. `pdfjs-dist` with its version. */
  readonly tool: string;
  readonly toolVersion: string;
  readonly metadata?: Record<string, unknown>;
  /** Run intake on the derivative too (archive members, attachments), at this depth. */
  readonly intakeDepth?: number;
  /** A PDQ hash computed while deriving (keyframes). */
  readonly pdq?: { readonly hash: string; readonly quality: number };
}

/** A stored derivative: the item and how it was made. */
export interface DerivedItem {
  readonly item: Item;
  readonly kind: DerivationKind;
  readonly key: string;
  readonly pdq?: { readonly hash: string; readonly quality: number } | undefined;
}

const MAX_NAME = 255;

/**
 * recordDerivatives stores `derivatives` of `parent` as items, each with its derivation row and a
 * `derive` custody entry, in one transaction; derivatives already recorded (same parent, kind and
 * key) are returned as they are. `actor` is the worker's id.
 */
export async function recordDerivatives(
  ctx: Ctx,
  parent: Item,
  derivatives: readonly Derivative[],
  actor: string,
): Promise<DerivedItem[]> {
  if (derivatives.length === 0) return [];
  const done = await existingDerivatives(ctx.db, parent.id);
  const todo = derivatives.filter((d) => !done.has(`${d.kind}\u0000${d.key}`));
  const staged: StagedItem[] = [];
  try {
    for (const d of todo) {
      const source = d.content instanceof Uint8Array ? d.content : createReadStream(d.content.path);
      // Staged, so held: gc leaves the bytes alone until the items are recorded (vault/staging.ts).
      const s = await stageContent(ctx, source, {
        originalName: safeName(d.originalName),
        // What the extractor read from the file (a member's name, a PDF's Title) is not a person's
        // typing: shown escaped and cut to fit, never refused (vault titleFrom).
        title: titleFrom(d.title ?? '', '', `${d.kind} of ${parent.ern}`),
        provenance: {
          source: parent.source,
          collectedAt: parent.collectedAt,
          collectedBy: parent.collectedBy,
        },
        compartment: parent.compartment,
        metadata: { ...(d.metadata ?? {}), derivation: d.kind },
        parentItemId: parent.id,
        actor,
      });
      staged.push(d.mediaType ? { ...s, mediaType: d.mediaType } : s);
    }
  } catch (err) {
    await discardStaged(ctx, staged);
    throw err;
  }
  const at = ctx.clock().toISOString();
  const inserted = await ctx.db
    .transaction()
    .execute(async (trx) => {
      // The parent may have moved compartment since this job read it (vault/amend.ts): then the
      // derivatives staged for the old compartment must not be recorded; the job's retry reads
      // the parent again. Locked, so a move waits for this transaction or this one for the move.
      const still = await forUpdate(
        ctx.dialect,
        trx.selectFrom('item').select('compartment').where('id', '=', parent.id),
      ).executeTakeFirst();
      if (still?.compartment !== parent.compartment) {
        throw new Error(`${parent.ern} moved compartment while its intake ran; the retry derives again`);
      }
      // The staged bytes become the derivatives' (the holds go with the insert; vault/staging.ts).
      await releaseStaged(trx, staged);
      // Another attempt may have recorded some meanwhile (a lease taken over): check again inside.
      const again = await existingDerivatives(trx, parent.id);
      const fresh = staged.filter((_, i) => !again.has(`${todo[i]!.kind}\u0000${todo[i]!.key}`));
      const freshDerivs = todo.filter((d) => !again.has(`${d.kind}\u0000${d.key}`));
      const recorded = await insertItems(trx, fresh, at);
      const items = recorded.map((r) => r.item);
      await insertDerivationRows(trx, items, freshDerivs, parent, at);
      await appendEntries(
        trx,
        items.map((item, i) => ({
          kind: 'derive' as const,
          actor,
          itemId: item.id,
          data: {
            ern: item.ern,
            sha256: item.sha256,
            size: item.size,
            parent: parent.id,
            parentSha256: parent.sha256,
            derivation: freshDerivs[i]!.kind,
            tool: toolId(freshDerivs[i]!),
            // Its provenance record, committed to as an ingest entry's is (issue 18.1).
            provenanceSha256: recorded[i]!.provenanceSha256,
          },
        })),
        at,
      );
      const jobs = items.flatMap((item, i) => {
        const depth = freshDerivs[i]!.intakeDepth;
        return depth === undefined
          ? []
          : [{ kind: INTAKE_JOB, itemId: item.id, compartment: item.compartment, payload: { depth } }];
      });
      await enqueueJobs(trx, jobs, at);
      return items.map((item, i) => ({ item, d: freshDerivs[i]! }));
    })
    .catch(async (err: unknown) => {
      // Nothing recorded: what was staged goes (bytes an earlier attempt's items hold stay).
      await discardStaged(ctx, staged);
      throw err;
    });
  const byKey = new Map(inserted.map(({ item, d }) => [`${d.kind}\u0000${d.key}`, item]));
  const all = await itemsByDerivation(ctx, parent.id);
  return derivatives.map((d) => {
    const k = `${d.kind}\u0000${d.key}`;
    const item = byKey.get(k) ?? all.get(k);
    if (!item) throw new Error(`derivative ${d.kind} ${d.key} of ${parent.ern} was not recorded`);
    return { item, kind: d.kind, key: d.key, pdq: d.pdq };
  });
}

async function insertDerivationRows(
  trx: Transaction<Database>,
  items: readonly Item[],
  derivs: readonly Derivative[],
  parent: Item,
  at: string,
): Promise<void> {
  const rows = items.map((item, i) => ({
    item_id: item.id,
    parent_item_id: parent.id,
    kind: derivs[i]!.kind,
    key: derivs[i]!.key,
    tool: derivs[i]!.tool,
    tool_version: derivs[i]!.toolVersion,
    created_at: at,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    await trx
      .insertInto('derivation')
      .values(rows.slice(i, i + 200))
      .execute();
  }
}

async function existingDerivatives(db: Kysely<Database> | Transaction<Database>, parentId: string) {
  const rows = await db
    .selectFrom('derivation')
    .select(['kind', 'key'])
    .where('parent_item_id', '=', parentId)
    .execute();
  return new Set(rows.map((r) => `${r.kind}\u0000${r.key}`));
}

async function itemsByDerivation(ctx: Ctx, parentId: string): Promise<Map<string, Item>> {
  const rows = await ctx.db
    .selectFrom('derivation')
    .innerJoin('item', 'item.id', 'derivation.item_id')
    .selectAll('item')
    .select(['derivation.kind as d_kind', 'derivation.key as d_key'])
    .where('derivation.parent_item_id', '=', parentId)
    .execute();
  return new Map(rows.map((r) => [`${r.d_kind}\u0000${r.d_key}`, itemFromRow(r)]));
}

export interface DerivationInfo {
  readonly item: Item;
  readonly kind: string;
  readonly key: string;
  readonly tool: string;
  readonly toolVersion: string;
}

/** derivativesOf lists what was derived from item `parentId`, in ERN order. */
export async function derivativesOf(ctx: Ctx, parentId: string): Promise<DerivationInfo[]> {
  const rows = await ctx.db
    .selectFrom('derivation')
    .innerJoin('item', 'item.id', 'derivation.item_id')
    .selectAll('item')
    .select([
      'derivation.kind as d_kind',
      'derivation.key as d_key',
      'derivation.tool as d_tool',
      'derivation.tool_version as d_tool_version',
    ])
    .where('derivation.parent_item_id', '=', parentId)
    .orderBy('item.ern_seq')
    .execute();
  return rows.map((r) => ({
    item: itemFromRow(r),
    kind: r.d_kind,
    key: r.d_key,
    tool: r.d_tool,
    toolVersion: r.d_tool_version,
  }));
}

/** derivationOf returns how item `itemId` was derived, or undefined for an original. */
export async function derivationOf(ctx: Pick<Ctx, 'db'>, itemId: string) {
  return ctx.db.selectFrom('derivation').selectAll().where('item_id', '=', itemId).executeTakeFirst();
}

/** toolId is the custody entry's `tool` value: name@version reduced to id characters. */
function toolId(d: Derivative): string {
  return `${d.tool}@${d.toolVersion}`.replace(/[^A-Za-z0-9:._@/-]/g, '-').slice(0, 128);
}

/** safeName keeps a display name printable and bounded (names inside archives are hostile). */
export function safeName(name: string): string {
  const cleaned = name.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, '_');
  return cleaned.slice(0, MAX_NAME) || 'unnamed';
}
