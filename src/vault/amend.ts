/**
 * amend.ts — changing an item's provenance or compartment after ingest (issue 18.1). The bytes
 * never change (DESIGN.md rule 1); the descriptive record may, when a mistake is found or a record
 * is moved to a protected compartment. Each change is one transaction: the item row, an
 * `item_amendment` row (who, why, the changed fields before and after) and an `amend` custody
 * entry committing to the new provenance record and to the amendment — so `attest verify` can
 * tell an amended item from one edited behind the log's back.
 */
import { randomUUID } from 'node:crypto';
import { type Ctx, nowIso } from '../ctx.js';
import { appendEntries, maybeCheckpoint } from '../custody/index.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { amendmentSha256 } from './amendment-record.js';
import { VaultError } from './errors.js';
import { type Item, itemFromRow } from './item.js';
import { normaliseProvenance } from './provenance.js';
import { provenanceSha256 } from './provenance-record.js';
import { COMPARTMENT_NAME, getItem } from './service.js';

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
const MAX_TITLE = 500;
const MAX_METADATA_BYTES = 64 * 1024;

type Column = 'title' | 'source' | 'collected_at' | 'collected_by' | 'compartment' | 'metadata';

/**
 * amendItem applies `changes` to the item `ern`, recording who (`actor`, an id) and why
 * (`reason`, required free text, kept out of the log). It returns the amended item.
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
  const at = nowIso(ctx);
  const amended = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('item')
      .selectAll()
      .where('id', '=', current.id)
      .executeTakeFirstOrThrow();
    const before: Record<string, string> = {};
    const after: Record<string, string> = {};
    for (const [column, value] of Object.entries(wanted) as [Column, string][]) {
      if (row[column] !== value) {
        before[column] = row[column];
        after[column] = value;
      }
    }
    if (Object.keys(after).length === 0) throw new VaultError('INVALID_INPUT', 'nothing to change');
    const updated = { ...row, ...after };
    const salt = row.provenance_salt ?? randomUUID().replace(/-/g, '');
    await trx
      .updateTable('item')
      .set({ ...after, provenance_salt: salt })
      .where('id', '=', row.id)
      .execute();
    const amendment = {
      id: randomUUID(),
      actor_id: by.actor,
      reason,
      before: canonicalJson(before),
      after: canonicalJson(after),
    };
    const [entry] = await appendEntries(
      trx,
      [
        {
          kind: 'amend',
          actor: by.actor,
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
    return itemFromRow({ ...updated, provenance_salt: salt });
  });
  await maybeCheckpoint(ctx);
  return amended;
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
  if (changes.title !== undefined) {
    const title = changes.title.normalize('NFC').trim();
    if (title.length === 0 || title.length > MAX_TITLE || /[\u0000-\u001f\u007f]/.test(title)) {
      throw new VaultError(
        'INVALID_INPUT',
        `title must be 1 to ${MAX_TITLE} characters without control characters`,
      );
    }
    out.title = title;
  }
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
