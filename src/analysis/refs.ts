/**
 * refs.ts — a reference to any record (item by ERN, entity, incident) and how a caller sees it.
 * A link or an incident shows its ends through `seeRef`: an item or incident outside the
 * caller's compartments, or an unprotected entity there, is invisible (and so is whatever points
 * to it); a protected person outside them shows by pseudonym.
 */
import type { Ctx } from '../ctx.js';
import { parseErn } from '../lib/ern.js';
import { type EntityView, type PseudonymView, readRow, viewOf } from './entities.js';
import { AnalysisError } from './errors.js';
import { inScope, invalid, isRecordId, oneOf, type Scope } from './records.js';
import { RECORD_TYPES, type RecordType } from './vocabulary.js';

export interface RefInput {
  readonly type: unknown;
  readonly id: unknown;
}

/** A record as stored in a link: its type and internal id (an item's id, not its ERN). */
export interface StoredRef {
  readonly type: RecordType;
  readonly id: string;
}

export type SeenRef =
  | { readonly type: 'item'; readonly ern: string; readonly title: string }
  | { readonly type: 'entity'; readonly entity: EntityView | PseudonymView }
  | { readonly type: 'incident'; readonly id: string; readonly title: string; readonly incidentType: string };

/** resolveRef reads a reference given by a caller (ERN, entity or incident id) into a StoredRef. */
export async function resolveRef(
  ctx: Ctx,
  scope: Scope,
  input: RefInput,
  field: string,
): Promise<StoredRef & { compartment: string }> {
  if (!input || typeof input !== 'object') throw invalid(`${field} is {type, id}`, field);
  const type = oneOf(input.type, `${field}.type`, RECORD_TYPES);
  if (typeof input.id !== 'string' || input.id.length > 64) throw invalid(`${field}.id is not an id`, field);
  const stored = await storedRef(ctx, type, input.id, field);
  if (!stored) throw new AnalysisError('NOT_FOUND', `no ${type} ${input.id}`);
  const seen = await seeRef(ctx, scope, stored);
  if (!seen) throw new AnalysisError('NOT_FOUND', `no ${type} ${input.id}`);
  return stored;
}

async function storedRef(
  ctx: Ctx,
  type: RecordType,
  id: string,
  field: string,
): Promise<(StoredRef & { compartment: string }) | undefined> {
  if (type === 'item') {
    const seq = parseErn(id);
    if (seq === undefined)
      throw invalid(`${field}.id is not an evidence reference number (ATT-000123)`, field);
    const row = await ctx.db
      .selectFrom('item')
      .select(['id', 'compartment'])
      .where('ern_seq', '=', seq)
      .executeTakeFirst();
    return row ? { type, id: row.id, compartment: row.compartment } : undefined;
  }
  if (type === 'entity') {
    const row = await readRow(ctx, id);
    return row ? { type, id: row.id, compartment: row.compartment } : undefined;
  }
  if (!isRecordId('inc', id)) return undefined;
  const row = await ctx.db
    .selectFrom('incident')
    .select(['id', 'compartment'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? { type, id: row.id, compartment: row.compartment } : undefined;
}

/** seeRef returns the record as `scope` may see it, or undefined when it may not. */
export async function seeRef(ctx: Ctx, scope: Scope, ref: StoredRef): Promise<SeenRef | undefined> {
  if (ref.type === 'item') {
    const row = await ctx.db
      .selectFrom('item')
      .select(['ern', 'title', 'compartment'])
      .where('id', '=', ref.id)
      .executeTakeFirst();
    return row && inScope(scope, row.compartment)
      ? { type: 'item', ern: row.ern, title: row.title }
      : undefined;
  }
  if (ref.type === 'entity') {
    const row = await readRow(ctx, ref.id);
    const view = row ? viewOf(row, scope) : undefined;
    return view ? { type: 'entity', entity: view } : undefined;
  }
  const row = await ctx.db
    .selectFrom('incident')
    .select(['id', 'title', 'type', 'compartment'])
    .where('id', '=', ref.id)
    .executeTakeFirst();
  return row && inScope(scope, row.compartment)
    ? { type: 'incident', id: row.id, title: row.title, incidentType: row.type }
    : undefined;
}

/** visibleItem reads an ERN into the item's id and source, if the caller may see the item. */
export async function visibleItem(
  ctx: Ctx,
  scope: Scope,
  ern: unknown,
): Promise<{ id: string; ern: string; source: string }> {
  const seq = typeof ern === 'string' ? parseErn(ern) : undefined;
  if (seq === undefined) throw invalid('not an evidence reference number (ATT-000123)', 'ern');
  const row = await ctx.db
    .selectFrom('item')
    .select(['id', 'ern', 'compartment'])
    .where('ern_seq', '=', seq)
    .executeTakeFirst();
  if (!row || !inScope(scope, row.compartment))
    throw new AnalysisError('NOT_FOUND', `no item ${String(ern)}`);
  return { id: row.id, ern: row.ern, source: await rootSource(ctx, scope, row.id) };
}

/**
 * rootSource is an item's source for independence: the provenance source of the item it was
 * derived from (OCR of a photo is the photo's source), walking up while the caller may see the
 * parent — a hidden parent's source is never shown, the visible item's own is used instead.
 */
export async function rootSource(ctx: Ctx, scope: Scope, itemId: string): Promise<string> {
  const read = (id: string) =>
    ctx.db
      .selectFrom('item')
      .select(['source', 'parent_item_id', 'compartment'])
      .where('id', '=', id)
      .executeTakeFirst();
  let row = await read(itemId);
  for (let depth = 0; row?.parent_item_id && depth < 16; depth++) {
    const parent = await read(row.parent_item_id);
    if (!parent || !inScope(scope, parent.compartment)) break;
    row = parent;
  }
  return row?.source ?? 'unknown';
}
