/**
 * verify.ts — tags and notes in `attest verify` (DESIGN rule 2): each note must match the
 * SHA-256 of its `note-create` entry, and each item's tag set the latest `item-tags` entry of
 * that item (an item whose tags were all removed matches the empty set), each by the rule of the
 * entry's own commitment (records.ts COMMITMENT: '1' before times and authors were committed to).
 * Problems name ids only.
 */
import type { Ctx } from '../../ctx.js';
import type { Problem } from '../../custody/index.js';
import { bodySha256, noteBody, type TagCommitted, tagSetBody } from './service.js';

interface Logged {
  readonly seq: number;
  readonly sha256: string;
  readonly commitment: string;
}

/** verifyAnnotations checks every note and every item's tag set against the custody log. */
export async function verifyAnnotations(ctx: Ctx): Promise<Problem[]> {
  const rows = await ctx.db
    .selectFrom('custody_entry')
    .select(['seq', 'payload'])
    .where('kind', '=', 'annotate')
    .where((eb) =>
      eb.or(['note-create', 'item-tags'].map((a) => eb('payload', 'like', `%"annotation":"${a}"%`))),
    )
    .orderBy('seq')
    .execute();
  const notes = new Map<string, Logged>();
  const tagSets = new Map<string, Logged>();
  for (const row of rows) {
    const data = JSON.parse(row.payload) as Record<string, unknown>;
    if (typeof data.record !== 'string' || typeof data.sha256 !== 'string') continue;
    const commitment = typeof data.commitment === 'string' ? data.commitment : '1';
    const logged = { seq: Number(row.seq), sha256: data.sha256, commitment };
    if (data.annotation === 'note-create') notes.set(data.record, logged);
    else if (data.annotation === 'item-tags') tagSets.set(data.record, logged);
  }
  const problems: Problem[] = [];
  const compare = (
    id: string,
    logged: Logged | undefined,
    hash: (commitment: string) => string,
    what: string,
  ) => {
    if (!logged)
      problems.push({
        code: 'analysis-unlogged',
        subject: id,
        message: `no custody entry records this ${what}`,
      });
    else if (logged.sha256 !== hash(logged.commitment))
      problems.push({
        code: 'analysis-changed',
        subject: id,
        message: `the ${what} does not match the SHA-256 of its custody entry ${logged.seq}`,
      });
  };
  const seenNotes = new Set<string>();
  for (const n of await ctx.db.selectFrom('item_note').selectAll().execute()) {
    seenNotes.add(n.id);
    compare(n.id, notes.get(n.id), (c) => bodySha256(noteBody(n, c)), 'note');
  }
  for (const id of notes.keys())
    if (!seenNotes.has(id))
      problems.push({
        code: 'analysis-record-missing',
        subject: id,
        message: 'a custody entry records this note; the table has no such note',
      });
  const sets = new Map<string, TagCommitted[]>();
  for (const t of await ctx.db
    .selectFrom('item_tag')
    .select(['item_id', 'tag', 'salt', 'created_at', 'created_by'])
    .execute())
    sets.set(t.item_id, [...(sets.get(t.item_id) ?? []), t]);
  for (const itemId of new Set([...sets.keys(), ...tagSets.keys()]))
    compare(
      itemId,
      tagSets.get(itemId),
      (c) => bodySha256(tagSetBody(itemId, sets.get(itemId) ?? [], c)),
      'tag set of the item',
    );
  return problems;
}
