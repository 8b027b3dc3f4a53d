/**
 * links.ts — links between any two records (item, entity, incident) with a relation from the
 * vocabulary and the item that is their basis. A link is visible only when the caller may see
 * its compartment, both ends (a protected person by pseudonym) and its basis item: a link must
 * not reveal that a hidden record exists (DESIGN rule 7).
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { type Ctx, nowIso } from '../ctx.js';
import { queueSearchUpdates } from '../search/index.js';
import { AnalysisError } from './errors.js';
import {
  type Actor,
  inScope,
  inTransaction,
  invalid,
  newSalt,
  oneOf,
  recordChange,
  type Scope,
  writableCompartment,
} from './records.js';
import { type RefInput, resolveRef, type SeenRef, seeRef, visibleItem } from './refs.js';
import type { LinkTable } from './tables.js';
import { RELATIONS, type RecordType, type Relation } from './vocabulary.js';

export interface LinkInput {
  readonly from: RefInput;
  readonly to: RefInput;
  readonly relation: unknown;
  /** The ERN of the item the link rests on; optional only when an end is an item. */
  readonly basis?: unknown;
  readonly compartment: unknown;
}

export interface LinkView {
  readonly id: string;
  readonly from: SeenRef;
  readonly relation: Relation;
  readonly to: SeenRef;
  readonly basis: string | null;
  readonly compartment: string;
  readonly createdAt: string;
}

type Row = Selectable<LinkTable>;

/** createLink records a link in a compartment the actor may write, between records they see. */
export async function createLink(ctx: Ctx, actor: Actor, input: LinkInput): Promise<LinkView> {
  const relation = oneOf(input.relation, 'relation', RELATIONS);
  const compartment = writableCompartment(actor, input.compartment);
  const from = await resolveRef(ctx, actor.read, input.from, 'from');
  const to = await resolveRef(ctx, actor.read, input.to, 'to');
  if (from.type === to.type && from.id === to.id) throw invalid('a record cannot be linked to itself', 'to');
  let basis: { id: string; ern: string } | null = null;
  if (input.basis !== undefined && input.basis !== null)
    basis = await visibleItem(ctx, actor.read, input.basis);
  else if (from.type !== 'item' && to.type !== 'item')
    throw invalid('a link between records needs the item that is its basis', 'basis');
  const row: Row = {
    id: `lnk-${randomUUID()}`,
    from_type: from.type,
    from_id: from.id,
    relation,
    to_type: to.type,
    to_id: to.id,
    basis_item_id: basis?.id ?? (from.type === 'item' ? from.id : to.type === 'item' ? to.id : null),
    compartment,
    created_at: nowIso(ctx),
    created_by: actor.id,
    salt: newSalt(),
  };
  await inTransaction(ctx, async (trx) => {
    await trx.insertInto('link').values(row).execute();
    // Every column, created_at and created_by included (commitment 2, records.ts).
    const body = { ...row };
    await recordChange(ctx, trx, actor, {
      action: 'link-create',
      record: row.id,
      compartment: row.compartment,
      body,
      itemId: row.basis_item_id,
    });
    // An item at an end or the basis now carries the linked entity's names (search-index jobs).
    if (row.from_type === 'entity' || row.to_type === 'entity')
      await queueSearchUpdates(
        trx,
        {
          itemIds: [
            ...(row.from_type === 'item' ? [row.from_id] : []),
            ...(row.to_type === 'item' ? [row.to_id] : []),
            ...(row.basis_item_id ? [row.basis_item_id] : []),
          ],
        },
        row.created_at,
      );
  });
  const view = await seeLink(ctx, actor.read, row);
  if (!view) throw new AnalysisError('NOT_FOUND', 'the link is not visible to you');
  return view;
}

/** seeLink is the link as `scope` sees it, or undefined if any part of it is hidden. */
export async function seeLink(ctx: Ctx, scope: Scope, row: Row): Promise<LinkView | undefined> {
  if (!inScope(scope, row.compartment)) return undefined;
  const from = await seeRef(ctx, scope, { type: row.from_type as RecordType, id: row.from_id });
  const to = await seeRef(ctx, scope, { type: row.to_type as RecordType, id: row.to_id });
  if (!from || !to) return undefined;
  let basis: string | null = null;
  if (row.basis_item_id) {
    const b = await seeRef(ctx, scope, { type: 'item', id: row.basis_item_id });
    if (b?.type !== 'item') return undefined;
    basis = b.ern;
  }
  return {
    id: row.id,
    from,
    relation: row.relation as Relation,
    to,
    basis,
    compartment: row.compartment,
    createdAt: row.created_at,
  };
}

const MAX_LINKS = 500;

/** linksOf lists the visible links from or to a record (at most 500, oldest first). */
export async function linksOf(ctx: Ctx, scope: Scope, ref: RefInput): Promise<LinkView[]> {
  const r = await resolveRef(ctx, scope, ref, 'record');
  if (scope !== 'all' && scope.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('link')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('from_type', '=', r.type), eb('from_id', '=', r.id)]),
        eb.and([eb('to_type', '=', r.type), eb('to_id', '=', r.id)]),
      ]),
    )
    .$if(scope !== 'all', (q) => q.where('compartment', 'in', [...(scope as readonly string[])]))
    .orderBy('created_at')
    .orderBy('id')
    .limit(MAX_LINKS)
    .execute();
  const out: LinkView[] = [];
  for (const row of rows) {
    const v = await seeLink(ctx, scope, row);
    if (v) out.push(v);
  }
  return out;
}
