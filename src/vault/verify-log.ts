/**
 * verify-log.ts — the items ↔ log part of `attest verify`, run by the custody check with the
 * references it collected while re-reading the entries: every item has an ingest entry naming
 * its ERN and SHA-256; its provenance record (provenance-record.ts) still hashes to the commitment
 * in its latest `ingest` or `amend` entry (issue 18.1); every amendment row is committed to by its
 * `amend` entry; and no entry refers to an item that does not exist.
 */
import type { Ctx } from '../ctx.js';
import type { ItemLogCheck, ItemLogRefs, Problem } from '../custody/index.js';
import { amendmentSha256 } from './amendment-record.js';
import { provenanceSha256 } from './provenance-record.js';

const PAGE = 5_000;

/** checkItemsAgainstLog is the vault's ItemLogCheck (passed to verifyCustody). */
export const checkItemsAgainstLog: ItemLogCheck = async (ctx, refs) => {
  const problems: Problem[] = [];
  const ids = new Set<string>();
  for (let after = -1; ; ) {
    const items = await ctx.db
      .selectFrom('item')
      .selectAll()
      .where('ern_seq', '>', after)
      .orderBy('ern_seq')
      .limit(PAGE)
      .execute();
    if (items.length === 0) break;
    for (const item of items) {
      after = Number(item.ern_seq);
      ids.add(item.id);
      const logged = refs.latest.get(item.id);
      if (!logged) {
        problems.push({
          code: 'item-not-logged',
          subject: item.ern,
          message: `${item.ern} has no ingest entry in the custody log`,
        });
        continue;
      }
      const { ingest, entry } = logged;
      if (ingest.data?.ern !== item.ern || ingest.data?.sha256 !== item.blob_sha256) {
        problems.push({
          code: 'item-log-mismatch',
          subject: item.ern,
          message: `${item.ern} disagrees with its ingest entry ${ingest.seq} (logged ${ingest.data?.ern}, ${ingest.data?.sha256})`,
        });
      }
      const committed = entry.data?.provenanceSha256;
      if (committed === undefined && item.provenance_salt === null) continue; // recorded before 18.1
      if (item.provenance_salt === null || committed !== provenanceSha256(item, item.provenance_salt)) {
        problems.push({
          code: 'item-provenance-altered',
          subject: item.ern,
          message: `${item.ern}'s provenance (title, source, collector, time, compartment, metadata…) no longer matches what entry ${entry.seq} committed to`,
        });
      }
    }
  }
  await checkAmendments(ctx, refs, problems);
  for (const [itemId, seq] of refs.firstRef) {
    if (!ids.has(itemId)) {
      problems.push({
        code: 'log-refers-to-missing',
        subject: `entry ${seq}`,
        message: `entry ${seq} refers to item ${itemId}, which does not exist`,
      });
    }
  }
  return problems;
};

async function checkAmendments(ctx: Ctx, refs: ItemLogRefs, problems: Problem[]): Promise<void> {
  const rows = await ctx.db
    .selectFrom('item_amendment')
    .innerJoin('item', 'item.id', 'item_amendment.item_id')
    .select([
      'item_amendment.id',
      'item_amendment.item_id',
      'item_amendment.seq',
      'item_amendment.actor_id',
      'item_amendment.reason',
      'item_amendment.before',
      'item_amendment.after',
      'item.ern',
      'item.provenance_salt',
    ])
    .orderBy('item_amendment.seq')
    .execute();
  for (const row of rows) {
    const entry = refs.amendments.get(row.id);
    const subject = `${row.ern} amendment ${row.id}`;
    if (!entry || entry.itemId !== row.item_id || entry.seq !== Number(row.seq)) {
      problems.push({
        code: 'amendment-not-logged',
        subject,
        message: `amendment ${row.id} of ${row.ern} has no amend entry`,
      });
      continue;
    }
    if (
      entry.actor !== row.actor_id ||
      entry.data?.amendmentSha256 !== amendmentSha256(row, row.provenance_salt ?? '')
    ) {
      problems.push({
        code: 'amendment-altered',
        subject,
        message: `amendment ${row.id} of ${row.ern} (who, why, before, after) no longer matches entry ${entry.seq}`,
      });
    }
  }
}
