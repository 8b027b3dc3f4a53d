/**
 * reveal-log.ts — finding an item by a protected person's real name is a reveal (attack finding
 * F5): the search confirms that the item is linked to someone of that name, as GET
 * /api/entities/{id}?reveal=true shows the name. Every reveal is logged whichever door it came
 * through, so search appends the same custody `view` of the person's identity (src/analysis
 * entities.ts getEntity) for each item shown on the page and each protected person whose real
 * name the query's words met — with ids only: never the name, the query, or a hash of either
 * (a hash of a short name is guessed by trying names).
 *
 * Who may read the entry follows its subjects (src/custody/entry-access.ts): the person's
 * compartment (`data.compartment`) and, when the entry names the item, the item's. The entry
 * names the item only when every compartment the link rests on is one of those two: else a log
 * reader of both could learn of a link kept in a third compartment they cannot read (DESIGN
 * rule 7), and the entry is the person's alone, as getEntity writes it.
 *
 * Like a read of an item (src/custody/views.ts, the same code), a reveal is logged once per
 * actor, subject and UTC hour: the first results page that shows it appends the entry (before
 * the page is returned, in the transaction that claims the hour's window, so it is never lost);
 * the same search paged, repeated or refined within the hour counts in that window's row. The
 * subject is the item and the person when the entry names the item, else the person.
 */

import type { Ctx } from '../ctx.js';
import { recordViews, type WindowedView } from '../custody/index.js';
import { entityTermsOfItem } from './indexer.js';

/** The protected persons (entity ids) whose real-name terms `terms` (a prefix ends in `*`) meet. */
function met(nameTerms: readonly string[], terms: ReadonlySet<string>): boolean {
  const prefixes = [...terms].filter((t) => t.endsWith('*')).map((t) => t.slice(0, -1));
  return nameTerms.some((t) => terms.has(t) || prefixes.some((p) => t.startsWith(p)));
}

/**
 * logReveals records one `view` of each (item, protected person) that the query found the item
 * by, in one transaction, once per hour (recordViews); it returns how many entries it appended.
 */
export async function logReveals(
  ctx: Ctx,
  actor: string,
  items: ReadonlyArray<{ itemId: string; ern: string }>,
  terms: ReadonlySet<string>,
): Promise<number> {
  const views: WindowedView[] = [];
  for (const item of items) {
    const row = await ctx.db
      .selectFrom('item')
      .select('compartment')
      .where('id', '=', item.itemId)
      .executeTakeFirst();
    if (!row) continue;
    const names = await entityTermsOfItem(ctx.db, item.itemId);
    const seen = new Set<string>();
    for (const p of names.protectedNames) {
      if (seen.has(p.entity) || !met(p.terms, terms)) continue;
      seen.add(p.entity);
      const rests = (names.scopes.get(p.key) ?? [])
        .filter((c) => c.startsWith('c:'))
        .every((c) => c.slice(2) === row.compartment || c.slice(2) === p.compartment);
      views.push({
        actor,
        subject: rests ? item.itemId : p.entity,
        part: `identity:${p.entity}`,
        ...(rests ? { itemId: item.itemId } : {}),
        data: {
          record: p.entity,
          part: 'identity',
          via: 'search',
          ...(rests ? { ern: item.ern } : {}),
          compartment: p.compartment,
        },
      });
    }
  }
  return (await recordViews(ctx, views)).filter((r) => r.appended).length;
}
