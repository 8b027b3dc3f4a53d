/**
 * contents.ts — what goes into a package: the case's items the requester may export (their
 * compartments, filtered in the query: an item outside them is not mentioned at all, DESIGN.md
 * rule 7), each replaced by its latest redacted derivative when a redacted package is asked
 * for, then — for an RFA — judged against the consent conditions (consent.ts). Blocked items
 * are reported to the requester with their reasons and never written.
 */
import type { Ctx } from '../../ctx.js';
import { type Item, itemFromRow } from '../../vault/index.js';
import { decide } from '../consent.js';
import { getRfa, type Rfa } from '../rfa.js';
import { type CaseSummary, findCase, RFA_OR_CASE } from '../service.js';
import type { Viewer } from '../viewer.js';

export interface Selected {
  readonly item: Item;
  /** The ERN of the original when `item` is its redacted derivative. */
  readonly redactionOf: string | null;
  /** An override that released the item despite a consent condition. */
  readonly overrideId: string | null;
}

export interface Selection {
  readonly caseSummary: CaseSummary;
  readonly rfa: Rfa | null;
  readonly items: readonly Selected[];
  /** Items the consent rules keep out, with why. */
  readonly excluded: readonly { ern: string; reasons: readonly string[] }[];
  /** Items of a redacted package for which no redaction exists (exported as they are). */
  readonly unredacted: readonly string[];
}

/** selectContents resolves CASE-… or RFA-… into the items its package holds. */
export async function selectContents(
  ctx: Ctx,
  viewer: Viewer,
  target: string,
  options: { redacted: boolean },
): Promise<Selection> {
  const rfa = RFA_OR_CASE.rfa.test(target) ? await getRfa(ctx, viewer, target) : null;
  const caseSummary = await findCase(ctx, viewer, rfa ? rfa.caseRef : target, 'write');
  if (viewer.write !== 'all' && viewer.write.length === 0)
    return { caseSummary, rfa, items: [], excluded: [], unredacted: [] };
  let q = ctx.db
    .selectFrom('case_item')
    .innerJoin('item', 'item.id', 'case_item.item_id')
    .selectAll('item')
    .where('case_item.case_id', '=', caseSummary.id)
    .orderBy('item.ern_seq');
  if (viewer.write !== 'all') q = q.where('item.compartment', 'in', [...viewer.write]);
  const originals = (await q.execute()).map(itemFromRow);
  const chosen: { item: Item; redactionOf: string | null }[] = [];
  const unredacted: string[] = [];
  if (options.redacted && originals.length > 0) {
    let children = ctx.db
      .selectFrom('item')
      .selectAll()
      .where(
        'parent_item_id',
        'in',
        originals.map((o) => o.id),
      )
      .orderBy('ern_seq');
    if (viewer.write !== 'all') children = children.where('compartment', 'in', [...viewer.write]);
    const redactions = (await children.execute())
      .map(itemFromRow)
      .filter((c) => c.metadata.redaction !== undefined);
    for (const o of originals) {
      // Already a redaction (added to the case itself): export as it is.
      if (o.metadata.redaction !== undefined) {
        chosen.push({ item: o, redactionOf: null });
        continue;
      }
      const latest = redactions.filter((r) => r.parentItemId === o.id).pop();
      if (latest) chosen.push({ item: latest, redactionOf: o.ern });
      else {
        chosen.push({ item: o, redactionOf: null });
        unredacted.push(o.ern);
      }
    }
  } else {
    for (const o of originals) chosen.push({ item: o, redactionOf: null });
  }
  // One entry per item even when a redaction and its original are both in the case.
  const unique = [...new Map(chosen.map((c) => [c.item.id, c])).values()];
  if (!rfa) {
    return {
      caseSummary,
      rfa,
      items: unique.map((c) => ({ ...c, overrideId: null })),
      excluded: [],
      unredacted,
    };
  }
  const decisions = await decide(
    ctx,
    rfa,
    unique.map((c) => ({
      id: c.item.id,
      ern: c.item.ern,
      source: c.item.source,
      parentId: c.item.parentItemId,
    })),
  );
  const items: Selected[] = [];
  const excluded: { ern: string; reasons: readonly string[] }[] = [];
  unique.forEach((c, i) => {
    const d = decisions[i]!;
    if (d.allowed) items.push({ ...c, overrideId: d.overrideId });
    else excluded.push({ ern: c.item.ern, reasons: d.reasons });
  });
  return { caseSummary, rfa, items, excluded, unredacted };
}
