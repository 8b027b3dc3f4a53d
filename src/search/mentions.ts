/**
 * mentions.ts — the place mentions of an item (the tagger's derived annotation), for the
 * caller who may see the item: offsets count in the item's own text, a derived text item's text
 * (named by its ERN) or the title (ERN#title).
 */
import type { Ctx } from '../ctx.js';
import { parseErn } from '../lib/ern.js';
import { SearchError } from './errors.js';
import { indexItem, rootOf } from './indexer.js';

export interface Mention {
  readonly textItem: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly pcode: string;
  readonly candidates: string[];
}

/** itemMentions returns the places an item's texts mention; NOT_FOUND outside `compartments`. */
export async function itemMentions(
  ctx: Ctx,
  ern: string,
  compartments: readonly string[] | 'all',
): Promise<{ ern: string; mentions: Mention[] }> {
  const seq = parseErn(ern);
  const item =
    seq === undefined
      ? undefined
      : await ctx.db
          .selectFrom('item')
          .select(['id', 'ern', 'compartment', 'parent_item_id'])
          .where('ern_seq', '=', seq)
          .executeTakeFirst();
  if (!item || (compartments !== 'all' && !compartments.includes(item.compartment)))
    throw new SearchError('NOT_FOUND', `no item ${ern}`);
  const root = await rootOf(ctx.db, item.id);
  if (!root) throw new SearchError('NOT_FOUND', `no item ${ern}`);
  await indexItem(ctx, root.id);
  const rows = await ctx.db
    .selectFrom('place_mention as m')
    .leftJoin('item as t', 't.id', 'm.text_item_id')
    .select([
      'm.text_item_id',
      't.ern as text_ern',
      'm.start_offset',
      'm.end_offset',
      'm.surface',
      'm.pcode',
      'm.candidates',
    ])
    .where('m.item_id', '=', root.id)
    .orderBy('m.n')
    .execute();
  return {
    ern: item.ern,
    mentions: rows
      // Asked about a derived item: the mentions in its own text only.
      .filter((r) => item.parent_item_id === null || r.text_item_id === item.id)
      .map((r) => ({
        textItem: r.text_ern ?? `${root.ern}#title`,
        start: r.start_offset,
        end: r.end_offset,
        text: r.surface,
        pcode: r.pcode,
        candidates: JSON.parse(r.candidates) as string[],
      })),
  };
}
