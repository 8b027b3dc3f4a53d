/**
 * amend.ts — changing an item's provenance or compartment after ingest (issue 18.1). The bytes
 * never change (DESIGN.md rule 1); the descriptive record may, when a mistake is found or a record
 * is moved to a protected compartment. Each change is one transaction: the item row, an
 * `item_amendment` row (who, why, the changed fields before and after) and an `amend` custody
 * entry committing to the new provenance record and to the amendment — so `attest verify` can
 * tell an amended item from one edited behind the log's back.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import { type Ctx, nowIso } from '../ctx.js';
import { appendEntries, maybeCheckpoint } from '../custody/index.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { forUpdate } from '../store/db.js';
import { enqueueJobs, SEARCH_INDEX_JOB } from '../store/jobs.js';
import type { Database } from '../store/schema.js';
import { amendmentSha256 } from './amendment-record.js';
import { VaultError } from './errors.js';
import { type Item, itemFromRow } from './item.js';
import { normaliseProvenance, titleField } from './provenance.js';
import { provenanceSha256 } from './provenance-record.js';
import { COMPARTMENT_NAME, getItem } from './service.js';
import type { ItemTable } from './tables.js';

/** The fields an amendment may change. */
export interface ItemChanges {
  readonly title?: string;
  readonly source?: string;
  readonly collectedAt?: string;
  readonly collectedBy?: string;
  readonly compartment?: string;
  readonly metadata?: Record<string, unknown>;
}

const MAX_REASON = 2000;
const MAX_METADATA_BYTES = 64 * 1024;

type Column = 'title' | 'source' | 'collected_at' | 'collected_by' | 'compartment' | 'metadata';

/**
 * amendItem applies `changes` to the item `ern`, recording who (`actor`, an id) and why
 * (`reason`, required free text, kept out of the log). It returns the amended item.
 *
 * A compartment move takes the whole family (DESIGN.md rule 7: a wall that the item crosses and
 * its OCR text, pages or attachments do not is no wall): every item derived from it moves too, each
 * with its own amendment and `amend` entry, and so do the rows that repeat the compartment for
 * filtering — its jobs, its near-duplicate hashes and its search document — in the same
 * transaction. A derived item cannot move apart from its root. Any amendment queues a search
 * re-index of the item, so that a changed title or source is what search finds.
 */
export async function amendItem(
  ctx: Ctx,
  ern: string,
  changes: ItemChanges,
  by: { readonly actor: string; readonly reason: string },
): Promise<Item> {
  const reason = (by.reason ?? '').normalize('NFC').trim();
  if (reason.length === 0 || reason.length > MAX_REASON) {
    throw new VaultError(
      'INVALID_INPUT',
      `a reason (1 to ${MAX_REASON} characters) is required to amend an item`,
    );
  }
  const current = await getItem(ctx, ern);
  const wanted = validate(current, changes);
  if (wanted.compartment !== undefined && current.parentItemId !== null) {
    throw new VaultError(
      'INVALID_INPUT',
      `${current.ern} was derived from another item and lives in its compartment: move that item instead`,
    );
  }
  const at = nowIso(ctx);
  const amended = await ctx.db.transaction().execute(async (trx) => {
    // Locked, so that an intake job recording derivatives of this item waits for the move and
    // then sees the new compartment (intake/derive.ts checks it under the same lock).
    const row = await forUpdate(
      ctx.dialect,
      trx.selectFrom('item').selectAll().where('id', '=', current.id),
    ).executeTakeFirstOrThrow();
    const updated = await amendRow(trx, row, wanted, by.actor, reason, at);
    if (!updated) throw new VaultError('INVALID_INPUT', 'nothing to change');
    if (updated.compartment !== row.compartment) {
      await moveFamily(trx, row, updated.compartment, by.actor, reason, at);
    }
    await enqueueJobs(
      trx,
      [{ kind: SEARCH_INDEX_JOB, itemId: row.id, compartment: updated.compartment }],
      at,
    );
    return itemFromRow(updated);
  });
  await maybeCheckpoint(ctx);
  return amended;
}

type ItemRow = Selectable<ItemTable>;

/**
 * amendRow writes the changed columns of one item, its `item_amendment` row and its `amend`
 * entry; it returns the updated row, or null when nothing differs.
 */
async function amendRow(
  trx: Transaction<Database>,
  row: ItemRow,
  wanted: Partial<Record<Column, string>>,
  actor: string,
  reason: string,
  at: string,
): Promise<ItemRow | null> {
  const before: Record<string, string> = {};
  const after: Record<string, string> = {};
  for (const [column, value] of Object.entries(wanted) as [Column, string][]) {
    if (row[column] !== value) {
      before[column] = row[column];
      after[column] = value;
    }
  }
  if (Object.keys(after).length === 0) return null;
  const salt = row.provenance_salt ?? randomUUID().replace(/-/g, '');
  const updated = { ...row, ...after, provenance_salt: salt };
  await trx
    .updateTable('item')
    .set({ ...after, provenance_salt: salt })
    .where('id', '=', row.id)
    .execute();
  const amendment = {
    id: randomUUID(),
    actor_id: actor,
    reason,
    before: canonicalJson(before),
    after: canonicalJson(after),
  };
  const [entry] = await appendEntries(
    trx,
    [
      {
        kind: 'amend',
        actor,
        itemId: row.id,
        data: {
          ern: row.ern,
          amendment: amendment.id,
          provenanceSha256: provenanceSha256(updated, salt),
          amendmentSha256: amendmentSha256(amendment, salt),
        },
      },
    ],
    at,
  );
  await trx
    .insertInto('item_amendment')
    .values({ ...amendment, item_id: row.id, seq: entry!.seq, at })
    .execute();
  return updated;
}

/** Derivation depth followed when moving a family (intake stops far earlier). */
const MAX_FAMILY_DEPTH = 32;

/**
 * moveFamily moves every item derived from `root` (at any depth) to `compartment`, each with its
 * own amendment, then the rows that carry the family's compartment for filtering.
 */
async function moveFamily(
  trx: Transaction<Database>,
  root: ItemRow,
  compartment: string,
  actor: string,
  reason: string,
  at: string,
): Promise<void> {
  const ids = [root.id];
  let frontier = [root.id];
  for (let depth = 0; frontier.length > 0 && depth < MAX_FAMILY_DEPTH; depth++) {
    const children = await trx
      .selectFrom('item')
      .selectAll()
      .where('parent_item_id', 'in', frontier)
      .orderBy('ern_seq')
      .execute();
    for (const child of children) {
      await amendRow(trx, child, { compartment }, actor, `moved with ${root.ern}: ${reason}`, at);
      ids.push(child.id);
    }
    frontier = children.map((c) => c.id);
  }
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    await trx.updateTable('job').set({ compartment }).where('item_id', 'in', part).execute();
    await trx.updateTable('pdq_hash').set({ compartment }).where('item_id', 'in', part).execute();
    // The search document of the root (derived text folds into it); the queued re-index
    // rewrites the rest of it.
    await trx.updateTable('search_doc').set({ compartment }).where('item_id', 'in', part).execute();
  }
}

/** validate checks each requested change as ingest would, and maps it to its column. */
function validate(item: Item, changes: ItemChanges): Partial<Record<Column, string>> {
  const out: Partial<Record<Column, string>> = {};
  if (
    changes.source !== undefined ||
    changes.collectedAt !== undefined ||
    changes.collectedBy !== undefined
  ) {
    const p = normaliseProvenance({
      source: changes.source ?? item.source,
      collectedAt: changes.collectedAt ?? item.collectedAt,
      collectedBy: changes.collectedBy ?? item.collectedBy,
    });
    if (changes.source !== undefined) out.source = p.source;
    if (changes.collectedAt !== undefined) out.collected_at = p.collectedAt;
    if (changes.collectedBy !== undefined) out.collected_by = p.collectedBy;
  }
  if (changes.title !== undefined) out.title = titleField(changes.title);
  if (changes.compartment !== undefined) {
    if (!COMPARTMENT_NAME.test(changes.compartment)) {
      throw new VaultError('INVALID_INPUT', 'compartment must be lowercase letters, digits and dashes');
    }
    out.compartment = changes.compartment;
  }
  if (changes.metadata !== undefined) {
    const json = JSON.stringify(changes.metadata);
    if (
      typeof changes.metadata !== 'object' ||
      changes.metadata === null ||
      Array.isArray(changes.metadata) ||
      json.length > MAX_METADATA_BYTES
    ) {
      throw new VaultError(
        'INVALID_INPUT',
        `metadata must be a JSON object under ${MAX_METADATA_BYTES} bytes`,
      );
    }
    out.metadata = json;
  }
  if (Object.keys(out).length === 0) throw new VaultError('INVALID_INPUT', 'nothing to change');
  return out;
}
