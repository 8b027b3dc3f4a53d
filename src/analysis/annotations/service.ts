/**
 * service.ts — an analyst's tags and notes on one item. Both are work product about evidence,
 * read and written under the same rules as analysis records (README.md): reading needs
 * analysis:read and items:read in the item's compartment, writing analysis:write there too; an
 * item outside the caller's compartments is "not found" (DESIGN rule 7). Tags and notes have no
 * compartment of their own: they are read through their item's, so they follow it when it moves
 * (vault/amend.ts). Every change appends a custody `annotate` entry in the same transaction,
 * carrying ids and a salted SHA-256 only (DESIGN rules 2 and 4). Notes are append-only: a note records what someone thought on a day,
 * so a correction is a new note, as a correction to an item is a new item (rule 1).
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { type Ctx, nowIso } from '../../ctx.js';
import { type CanonicalValue, canonicalJson } from '../../lib/canonical-json.js';
import { parseErn } from '../../lib/ern.js';
import { sha256Hex } from '../../lib/hash.js';
import { forUpdate } from '../../store/db.js';
import type { Database } from '../../store/schema.js';
import { AnalysisError } from '../errors.js';
import {
  type Actor,
  COMMITMENT,
  inScope,
  inTransaction,
  invalid,
  newSalt,
  recordChange,
  type Scope,
  text,
} from '../records.js';

/** At most this many tags on one item, and this many changed in one request. */
export const MAX_TAGS = 50;
export const MAX_TAG_CHANGES = 20;
export const MAX_TAG_CHARS = 64;
export const MAX_NOTE_CHARS = 10_000;
/** At most this many notes on one item (a discussion past that belongs in a case file). */
export const MAX_NOTES = 500;

export interface TagView {
  readonly tag: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface NoteView {
  readonly id: string;
  readonly text: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface Annotations {
  readonly ern: string;
  readonly tags: TagView[];
  readonly notes: NoteView[];
  /** Whether the caller may add tags and notes here (analysis:write in the item's compartment). */
  readonly canWrite: boolean;
}

// A tag is a short label: letters (any script, with their marks), digits, spaces and - _ : . /
const TAG = /^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N} _:./-]*$/u;

/** normalTag gives a tag its one spelling (NFC, lower case, single spaces) or throws. */
export function normalTag(value: unknown): string {
  if (typeof value !== 'string') throw invalid('a tag must be text', 'tag');
  const tag = value.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
  if (tag.length === 0) throw invalid('a tag is required', 'tag');
  if (tag.length > MAX_TAG_CHARS) throw invalid(`a tag is at most ${MAX_TAG_CHARS} characters`, 'tag');
  if (!TAG.test(tag)) throw invalid('a tag holds letters, digits, spaces and - _ : . / only', 'tag');
  return tag;
}

/** visible reads an ERN into the item's id and compartment, if `scope` may see it. */
async function visible(
  ctx: Ctx,
  scope: Scope,
  ern: unknown,
): Promise<{ id: string; ern: string; compartment: string }> {
  const seq = typeof ern === 'string' ? parseErn(ern) : undefined;
  if (seq === undefined) throw invalid('not an evidence reference number (ATT-000123)', 'ern');
  const row = await ctx.db
    .selectFrom('item')
    .select(['id', 'ern', 'compartment'])
    .where('ern_seq', '=', seq)
    .executeTakeFirst();
  if (!row || !inScope(scope, row.compartment))
    throw new AnalysisError('NOT_FOUND', `no item ${String(ern)}`);
  return row;
}

function mayWrite(actor: Actor, item: { compartment: string }): void {
  if (!inScope(actor.write, item.compartment))
    throw new AnalysisError(
      'FORBIDDEN_COMPARTMENT',
      `you may not annotate items in compartment ${item.compartment}`,
    );
}

async function writable(ctx: Ctx, actor: Actor, ern: unknown) {
  const item = await visible(ctx, actor.read, ern);
  mayWrite(actor, item);
  return item;
}

/**
 * lockItem re-reads the item's compartment inside the change's transaction, locking its row, and
 * checks the caller again: a compartment move (vault/amend.ts) takes the same lock, so a tag or
 * note is never written into a compartment the caller lost the item to between the two reads.
 * The item moved out of reach reads as "not found", as it would have a moment later.
 */
async function lockItem(
  ctx: Ctx,
  trx: Transaction<Database>,
  actor: Actor,
  item: { id: string; ern: string },
) {
  const row = await forUpdate(
    ctx.dialect,
    trx.selectFrom('item').select(['id', 'ern', 'compartment']).where('id', '=', item.id),
  ).executeTakeFirst();
  if (!row || !inScope(actor.read, row.compartment))
    throw new AnalysisError('NOT_FOUND', `no item ${item.ern}`);
  mayWrite(actor, row);
  return row;
}

/** A tag as its set's commitment names it. */
export interface TagCommitted {
  readonly tag: string;
  readonly salt: string;
  readonly created_at: string;
  readonly created_by: string;
}

/**
 * tagSetBody is what an `item-tags` entry's SHA-256 commits to: the item's whole tag set, each
 * tag with its salt, and (commitment 2, records.ts COMMITMENT) when and by whom it was added;
 * commitment '1' is the rule of entries written before, tag and salt only.
 */
export function tagSetBody(
  itemId: string,
  tags: readonly TagCommitted[],
  commitment: string = COMMITMENT,
): CanonicalValue {
  const sorted = [...tags].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return {
    item: itemId,
    tags: sorted.map(
      (t): CanonicalValue =>
        commitment === '1'
          ? { tag: t.tag, salt: t.salt }
          : { tag: t.tag, salt: t.salt, at: t.created_at, by: t.created_by },
    ),
  };
}

/**
 * noteBody is what a `note-create` entry's SHA-256 commits to: the note's row with its salt —
 * its time included under commitment 2 (records.ts COMMITMENT), left out under commitment '1'.
 */
export function noteBody(
  n: {
    id: string;
    item_id: string;
    text: string;
    created_at: string;
    created_by: string;
    salt: string;
  },
  commitment: string = COMMITMENT,
): CanonicalValue {
  const body = { id: n.id, item_id: n.item_id, text: n.text, created_by: n.created_by, salt: n.salt };
  return commitment === '1' ? body : { ...body, created_at: n.created_at };
}

/** bodySha256 is the SHA-256 of a body's canonical JSON, as recordChange logs it. */
export function bodySha256(body: CanonicalValue): string {
  return sha256Hex(canonicalJson(body));
}

/** itemAnnotations lists an item's tags (by name) and notes (oldest first). */
export async function itemAnnotations(ctx: Ctx, actor: Actor, ern: unknown): Promise<Annotations> {
  const item = await visible(ctx, actor.read, ern);
  const tags = await ctx.db
    .selectFrom('item_tag')
    .select(['tag', 'created_at', 'created_by'])
    .where('item_id', '=', item.id)
    .orderBy('tag')
    .execute();
  const notes = await ctx.db
    .selectFrom('item_note')
    .select(['id', 'text', 'created_at', 'created_by'])
    .where('item_id', '=', item.id)
    .orderBy('created_at')
    .orderBy('id')
    .limit(MAX_NOTES)
    .execute();
  return {
    ern: item.ern,
    tags: tags.map((t) => ({ tag: t.tag, createdAt: t.created_at, createdBy: t.created_by })),
    notes: notes.map((n) => ({ id: n.id, text: n.text, createdAt: n.created_at, createdBy: n.created_by })),
    canWrite: inScope(actor.write, item.compartment),
  };
}

/**
 * changeTags adds and removes tags on an item in one transaction with one custody entry (the
 * new set's salted hash and the counts). Adding a tag it has, or removing one it lacks, changes
 * nothing; a request that changes nothing appends nothing.
 */
export async function changeTags(
  ctx: Ctx,
  actor: Actor,
  ern: unknown,
  change: { add?: readonly unknown[]; remove?: readonly unknown[] },
): Promise<Annotations> {
  const add = [...new Set((change.add ?? []).map(normalTag))];
  const remove = [...new Set((change.remove ?? []).map(normalTag))];
  if (add.length + remove.length > MAX_TAG_CHANGES)
    throw invalid(`at most ${MAX_TAG_CHANGES} tags change in one request`, 'tags');
  if (add.some((t) => remove.includes(t))) throw invalid('a tag cannot be added and removed at once', 'tags');
  const item = await writable(ctx, actor, ern);
  await inTransaction(ctx, async (trx) => {
    await lockItem(ctx, trx, actor, item);
    const had = await trx
      .selectFrom('item_tag')
      .select(['tag', 'salt', 'created_at', 'created_by'])
      .where('item_id', '=', item.id)
      .execute();
    const has = new Set(had.map((t) => t.tag));
    const adding = add.filter((t) => !has.has(t));
    const removing = remove.filter((t) => has.has(t));
    if (adding.length === 0 && removing.length === 0) return;
    if (had.length - removing.length + adding.length > MAX_TAGS)
      throw invalid(`an item has at most ${MAX_TAGS} tags`, 'tags');
    const at = nowIso(ctx);
    const added = adding.map((tag) => ({
      item_id: item.id,
      tag,
      created_at: at,
      created_by: actor.id,
      salt: newSalt(),
    }));
    if (added.length > 0) await trx.insertInto('item_tag').values(added).execute();
    if (removing.length > 0)
      await trx.deleteFrom('item_tag').where('item_id', '=', item.id).where('tag', 'in', removing).execute();
    const now = [...had.filter((t) => !removing.includes(t.tag)), ...added];
    await recordChange(ctx, trx, actor, {
      action: 'item-tags',
      record: item.id,
      itemId: item.id,
      body: tagSetBody(item.id, now),
      extra: { added: String(adding.length), removed: String(removing.length) },
    });
  });
  return itemAnnotations(ctx, actor, ern);
}

/** addNote appends a note to an item (text, 1…10,000 characters; line breaks kept). */
export async function addNote(
  ctx: Ctx,
  actor: Actor,
  ern: unknown,
  input: { text: unknown },
): Promise<NoteView> {
  const raw = typeof input.text === 'string' ? input.text.replace(/\r\n?/g, '\n') : input.text;
  const body = text(raw, 'text', MAX_NOTE_CHARS) as string;
  const item = await writable(ctx, actor, ern);
  const row = {
    id: `not-${randomUUID()}`,
    item_id: item.id,
    text: body,
    created_at: nowIso(ctx),
    created_by: actor.id,
    salt: newSalt(),
  };
  await inTransaction(ctx, async (trx) => {
    await lockItem(ctx, trx, actor, item);
    const { n } = await trx
      .selectFrom('item_note')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('item_id', '=', item.id)
      .executeTakeFirstOrThrow();
    if (Number(n) >= MAX_NOTES) throw invalid(`an item has at most ${MAX_NOTES} notes`, 'text');
    await trx.insertInto('item_note').values(row).execute();
    await recordChange(ctx, trx, actor, {
      action: 'note-create',
      record: row.id,
      itemId: item.id,
      body: noteBody(row),
    });
  });
  return { id: row.id, text: row.text, createdAt: row.created_at, createdBy: row.created_by };
}
