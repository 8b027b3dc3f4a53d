/**
 * service.ts — the evidence vault's rules: store bytes content-addressed, record items with
 * provenance and an ERN, read them back verified, and check the whole vault.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Insertable, Selectable, Transaction } from 'kysely';
import { type Ctx, nowIso } from '../ctx.js';
import {
  appendEntries,
  maybeCheckpoint,
  type NewEntry,
  recordView as recordCustodyView,
  type ViewPart,
} from '../custody/index.js';
import { formatErn, parseErn } from '../lib/ern.js';
import type { PutOptions, PutResult } from '../store/blobs.js';
import { nextValues } from '../store/counters.js';
import { lockKeysInTransaction } from '../store/dialect.js';
import { enqueueJobs, INTAKE_JOB } from '../store/jobs.js';
import type { Database } from '../store/schema.js';
import { VaultError } from './errors.js';
import { type Item, itemFromRow } from './item.js';
import { kindOf, sniffMediaType } from './media-type.js';
import { MAX_TITLE, normaliseProvenance, type Provenance, titleField } from './provenance.js';
import { provenanceSha256 } from './provenance-record.js';
import { discardStaged, holdGuard, newHoldId, releaseHolds } from './staging.js';
import type { ItemTable } from './tables.js';

export const DEFAULT_COMPARTMENT = 'general';
/** COMPARTMENT_NAME is what a compartment may be called: lowercase letters, digits, dashes. */
export const COMPARTMENT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_METADATA_BYTES = 64 * 1024;

export interface ItemInput {
  readonly originalName: string;
  /** Raw name bytes in hex, when the name was not valid UTF-8. */
  readonly originalNameHex?: string | null;
  readonly title?: string;
  readonly provenance: Partial<Record<keyof Provenance, unknown>>;
  readonly compartment?: string;
  readonly metadata?: Record<string, unknown>;
  readonly parentItemId?: string | null;
  /** The acting user or process id (never a person's name). */
  readonly actor: string;
  /** Record a second item for bytes already held (a new provenance record). */
  readonly allowDuplicate?: boolean;
  /**
   * Where an earlier item with the same bytes counts as a duplicate. Requests from outside pass
   * the caller's scope (duplicateScopeFor); without one (the operator's own CLI) every item counts.
   */
  readonly duplicatesAmong?: DuplicateScope;
}

/**
 * DuplicateScope is where a caller may find an earlier item with the same bytes: items in the
 * compartments they may read, and their own items in the compartment they are adding to. Bytes
 * held only outside it are recorded as a new item (same blob, its own provenance), so the reply
 * is the same whether or not hidden bytes exist (DESIGN.md rule 7; issue 12.1).
 */
export interface DuplicateScope {
  /** Compartments whose items the caller may read: a list (maybe empty) or 'all'. */
  readonly readable: readonly string[] | 'all';
  /** The caller's own earlier items count in this compartment (a re-sent photo or file). */
  readonly own?: { readonly createdBy: string; readonly compartment: string };
}

/** duplicateScopeFor is the scope of a caller adding to `compartment` who may read `readable`. */
export function duplicateScopeFor(
  readable: readonly string[] | 'all',
  createdBy: string,
  compartment: string,
): DuplicateScope {
  return { readable, own: { createdBy, compartment } };
}

/** A blob already in the store, held (staging.ts) while it waits for its item row. */
export interface StagedItem {
  readonly blob: PutResult;
  readonly mediaType: string;
  readonly input: ItemInput;
  /** The hold that keeps gc off the bytes until recordItems releases it. */
  readonly holdId: string;
}

export interface StageOptions extends Omit<PutOptions, 'guard'> {
  /**
   * A check of the stored bytes (their hash, their media type, a truncation): when it throws, the
   * staging is undone (nothing is left in the store) and the error is thrown on.
   */
  readonly accept?: (staged: StagedItem) => void | Promise<void>;
}

export type AddOutcome =
  | { readonly status: 'added'; readonly item: Item }
  | { readonly status: 'duplicate'; readonly item: Item };

/**
 * stageContent streams bytes into the blob store, holds them for their item (staging.ts) and
 * sniffs their media type. Either it returns a held StagedItem, for recordItems (or
 * discardStaged), or it throws and leaves nothing behind.
 */
export async function stageContent(
  ctx: Ctx,
  source: AsyncIterable<Uint8Array> | Readable | Uint8Array,
  input: ItemInput,
  options: StageOptions = {},
): Promise<StagedItem> {
  validateInput(input);
  const { accept, ...put } = options;
  const holdId = newHoldId();
  const blob = await ctx.blobs.put(source, {
    maxBytes: ctx.config.maxItemBytes,
    ...put,
    guard: holdGuard(ctx, holdId),
  });
  const staged: StagedItem = { blob, mediaType: await sniffMediaType(blob.head), input, holdId };
  if (accept) {
    try {
      await accept(staged);
    } catch (err) {
      await discardStaged(ctx, [staged]);
      throw err;
    }
  }
  return staged;
}

/** addContent stores bytes and records them as an item (or reports the existing item). */
export async function addContent(
  ctx: Ctx,
  source: AsyncIterable<Uint8Array> | Readable,
  input: ItemInput,
  options: StageOptions = {},
): Promise<AddOutcome> {
  const staged = await stageContent(ctx, source, input, options);
  const [outcome] = await recordItems(ctx, [staged]);
  return outcome!;
}

export interface RecordOptions {
  /**
   * More custody entries about the newly inserted items (e.g. a derivative's `redact` entry),
   * appended after their ingest entries in the same transaction.
   */
  readonly extraEntries?: (inserted: readonly Item[]) => NewEntry[];
}

/**
 * recordItems writes the rows of staged blobs in one transaction: the blob row, the next ERN,
 * the item row, the ingest entry, and the release of the staging holds. Bytes already held by an
 * item within the input's duplicate scope are reported as that item unless allowDuplicate; bytes
 * held only outside it become a new item on the same blob. When it fails, the staging is undone.
 */
export async function recordItems(
  ctx: Ctx,
  staged: readonly StagedItem[],
  options: RecordOptions = {},
): Promise<AddOutcome[]> {
  if (staged.length === 0) return [];
  try {
    return await recordStaged(ctx, staged, options);
  } catch (err) {
    await discardStaged(ctx, staged);
    throw err;
  }
}

async function recordStaged(
  ctx: Ctx,
  staged: readonly StagedItem[],
  options: RecordOptions,
): Promise<AddOutcome[]> {
  const at = nowIso(ctx);
  const outcomes = await ctx.db.transaction().execute(async (trx) => {
    // Recordings of the same bytes take turns (issue 21.2): without this, concurrent uploads on
    // PostgreSQL each find no earlier item and all become items, where SQLite's one writer
    // makes all but the first duplicates. The lock is per blob hash, so it holds whatever the
    // callers' compartments; who counts as a duplicate is still decided inside each caller's
    // scope (firstVisibleItems), so waiting reveals nothing more than SQLite's single writer does.
    await lockKeysInTransaction(
      trx,
      'blob-record',
      staged.map((s) => s.blob.sha256),
    );
    // The bytes become the items' (or stay the earlier item's) in this transaction.
    await releaseHolds(
      trx,
      staged.map((s) => s.holdId),
    );
    const known = await firstVisibleItems(trx, staged);
    // Decide first, then write in bulk: one ERN block, one multi-row insert per table.
    const toInsert: StagedItem[] = [];
    const plan: (Item | number)[] = [];
    // An earlier file of the same batch counts only for inputs with the same duplicate scope.
    const batchKey = (s: StagedItem) =>
      `${JSON.stringify(s.input.duplicatesAmong ?? null)}\n${s.blob.sha256}`;
    const firstInBatch = new Map<string, number>();
    for (const s of staged) {
      const prior = known.get(s)?.get(s.blob.sha256);
      const earlier = firstInBatch.get(batchKey(s));
      if (!s.input.allowDuplicate && (prior || earlier !== undefined)) {
        plan.push(prior ?? earlier!);
        continue;
      }
      if (!prior && earlier === undefined) firstInBatch.set(batchKey(s), toInsert.length);
      plan.push(toInsert.length);
      toInsert.push(s);
    }
    const { items: inserted, rows } = await insertItemRows(trx, toInsert, at);
    // Every new item gets its intake job (src/intake) in the same transaction: an item is never
    // stored without the job that extracts it, even if the process dies right after the commit.
    await enqueueJobs(
      trx,
      inserted.map((item) => ({ kind: INTAKE_JOB, itemId: item.id, compartment: item.compartment })),
      at,
    );
    // The ingest entries commit with the rows they record (DESIGN.md rule 2), and to each
    // item's provenance record by its salted hash (provenance-record.ts, issue 18.1).
    await appendEntries(
      trx,
      rows.map((row) => ({
        kind: 'ingest',
        actor: row.created_by,
        itemId: row.id,
        data: {
          ern: row.ern,
          sha256: row.blob_sha256,
          size: Number(row.size),
          provenanceSha256: provenanceSha256(row, row.provenance_salt!),
        },
      })),
      at,
    );
    if (options.extraEntries && inserted.length > 0)
      await appendEntries(trx, options.extraEntries(inserted), at);
    return plan.map((p, i): AddOutcome => {
      if (typeof p !== 'number') return { status: 'duplicate', item: p };
      const item = inserted[p]!;
      const wasFirst = firstInBatch.get(batchKey(staged[i]!)) === p || staged[i]!.input.allowDuplicate;
      return wasFirst ? { status: 'added', item } : { status: 'duplicate', item };
    });
  });
  await maybeCheckpoint(ctx);
  return outcomes;
}

/**
 * firstVisibleItems finds, for each staged blob, the first item holding its bytes within that
 * input's duplicate scope. The scope is applied in the query, so an item outside it is never read.
 */
async function firstVisibleItems(
  trx: Transaction<Database>,
  staged: readonly StagedItem[],
): Promise<Map<StagedItem, Map<string, Item>>> {
  const byScope = new Map<string, { scope: DuplicateScope | undefined; members: StagedItem[] }>();
  for (const s of staged) {
    const scope = s.input.duplicatesAmong;
    const key = JSON.stringify(scope ?? null);
    const group = byScope.get(key) ?? { scope, members: [] };
    group.members.push(s);
    byScope.set(key, group);
  }
  const result = new Map<StagedItem, Map<string, Item>>();
  for (const { scope, members } of byScope.values()) {
    const found = await firstItemsByBlob(
      trx,
      members.map((s) => s.blob.sha256),
      scope,
    );
    for (const s of members) result.set(s, found);
  }
  return result;
}

async function firstItemsByBlob(
  trx: Transaction<Database>,
  hashes: string[],
  scope: DuplicateScope | undefined,
): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  const unique = [...new Set(hashes)];
  const readable = scope?.readable;
  const own = scope?.own;
  if (readable !== undefined && readable !== 'all' && readable.length === 0 && !own) return found;
  for (let i = 0; i < unique.length; i += 500) {
    let q = trx
      .selectFrom('item')
      .selectAll()
      .where('blob_sha256', 'in', unique.slice(i, i + 500))
      .orderBy('ern_seq');
    if (readable !== undefined && readable !== 'all') {
      q = q.where((eb) => {
        const visible = [];
        if (readable.length > 0) visible.push(eb('compartment', 'in', [...readable]));
        if (own)
          visible.push(
            eb.and([eb('created_by', '=', own.createdBy), eb('compartment', '=', own.compartment)]),
          );
        return eb.or(visible);
      });
    }
    const rows = await q.execute();
    for (const row of rows) if (!found.has(row.blob_sha256)) found.set(row.blob_sha256, itemFromRow(row));
  }
  return found;
}

const ROWS_PER_INSERT = 200;

/** An item just inserted, with the commitment to its provenance record (provenance-record.ts). */
export interface InsertedItem {
  readonly item: Item;
  /** What the entry recording the item carries as `provenanceSha256` (issue 18.1). */
  readonly provenanceSha256: string;
}

/**
 * insertItems writes blob and item rows for `staged` in `trx` (no custody entry: the caller adds
 * it, with each item's `provenanceSha256`, and releases the staging holds with releaseStaged).
 */
export async function insertItems(
  trx: Transaction<Database>,
  staged: readonly StagedItem[],
  at: string,
): Promise<InsertedItem[]> {
  const { items, rows } = await insertItemRows(trx, staged, at);
  return items.map((item, i) => ({
    item,
    provenanceSha256: provenanceSha256(rows[i]!, rows[i]!.provenance_salt!),
  }));
}

async function insertItemRows(
  trx: Transaction<Database>,
  staged: readonly StagedItem[],
  at: string,
): Promise<{ items: Item[]; rows: Selectable<ItemTable>[] }> {
  if (staged.length === 0) return { items: [], rows: [] };
  const firstSeq = await nextValues(trx, 'ern', staged.length);
  // One call to the CSPRNG for the batch's provenance salts.
  const salts = randomBytes(16 * staged.length).toString('hex');
  const rows = staged.map((s, i) => itemRow(s, firstSeq + i, at, salts.slice(i * 32, (i + 1) * 32)));
  const blobs = new Map(
    staged.map((s) => [
      s.blob.sha256,
      { sha256: s.blob.sha256, size: s.blob.size, media_type: s.mediaType, stored_at: at },
    ]),
  );
  const blobRows = [...blobs.values()];
  for (let i = 0; i < blobRows.length; i += ROWS_PER_INSERT) {
    await trx
      .insertInto('blob')
      .values(blobRows.slice(i, i + ROWS_PER_INSERT))
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
  }
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await trx
      .insertInto('item')
      .values(rows.slice(i, i + ROWS_PER_INSERT))
      .execute();
  }
  return { items: rows.map(itemFromRow), rows };
}

function itemRow(
  s: StagedItem,
  seq: number,
  at: string,
  salt: string,
): Insertable<ItemTable> & Selectable<ItemTable> {
  const { blob, input } = s;
  const provenance = normaliseProvenance(input.provenance);
  return {
    id: randomUUID(),
    ern: formatErn(seq),
    ern_seq: seq,
    blob_sha256: blob.sha256,
    // A title typed by a person is checked (validateInput); one taken from a file name keeps the
    // name as it was (shown escaped: src/lib/display.ts), like original_name.
    title: input.title !== undefined ? titleField(input.title) : input.originalName.slice(0, MAX_TITLE),
    kind: kindOf(s.mediaType),
    media_type: s.mediaType,
    original_name: input.originalName,
    original_name_hex: input.originalNameHex ?? null,
    size: blob.size,
    source: provenance.source,
    collected_at: provenance.collectedAt,
    collected_by: provenance.collectedBy,
    compartment: input.compartment ?? DEFAULT_COMPARTMENT,
    parent_item_id: input.parentItemId ?? null,
    metadata: JSON.stringify(input.metadata ?? {}),
    created_at: at,
    created_by: input.actor,
    provenance_salt: salt,
  };
}

function validateInput(input: ItemInput): void {
  normaliseProvenance(input.provenance);
  if (input.title !== undefined) titleField(input.title);
  if (input.compartment !== undefined && !COMPARTMENT_NAME.test(input.compartment)) {
    throw new VaultError('INVALID_INPUT', 'compartment must be lowercase letters, digits and dashes');
  }
  if (input.metadata !== undefined) {
    const json = JSON.stringify(input.metadata);
    if (
      typeof input.metadata !== 'object' ||
      Array.isArray(input.metadata) ||
      json.length > MAX_METADATA_BYTES
    ) {
      throw new VaultError(
        'INVALID_INPUT',
        `metadata must be a JSON object under ${MAX_METADATA_BYTES} bytes`,
      );
    }
  }
  if (input.originalName.length === 0 || input.originalName.length > 4096) {
    throw new VaultError('INVALID_INPUT', 'original name must be 1 to 4096 characters');
  }
}

/**
 * getItem returns the item with `ern` or throws NOT_FOUND / INVALID_ERN. With `compartments`
 * (the caller's, from request.access.compartmentsFor) an item outside them is NOT_FOUND too:
 * filtered in the query, so a protected compartment does not reveal that the ERN exists.
 */
export async function getItem(
  ctx: Ctx,
  ern: string,
  options: { readonly compartments?: readonly string[] | undefined } = {},
): Promise<Item> {
  const seq = parseErn(ern);
  if (seq === undefined) throw new VaultError('INVALID_ERN', 'not an evidence reference number (ATT-000123)');
  const notFound = () => new VaultError('NOT_FOUND', `no item ${ern}`, { ern });
  if (options.compartments?.length === 0) throw notFound();
  let q = ctx.db.selectFrom('item').selectAll().where('ern_seq', '=', seq);
  if (options.compartments !== undefined) q = q.where('compartment', 'in', [...options.compartments]);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound();
  return itemFromRow(row);
}

/**
 * recordView audits a read of the item (ids only): one `view` entry per actor, item, part and
 * hour, later reads in that hour counted beside it (custody's coalesced views, issue 12.14).
 */
export async function recordView(ctx: Ctx, item: Item, actor: string, part: ViewPart): Promise<void> {
  await recordCustodyView(ctx, { actor, itemId: item.id, ern: item.ern, part });
}

export interface ListOptions {
  /** Only items in these compartments (filtered in the query). Undefined means all. */
  readonly compartments?: readonly string[];
  /** Cursor: the ERN sequence number after which to continue. */
  readonly afterSeq?: number;
  readonly limit?: number;
  readonly kind?: string;
}

/** listItems returns items in ERN order, a page at a time. */
export async function listItems(ctx: Ctx, options: ListOptions = {}): Promise<Item[]> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
  let q = ctx.db.selectFrom('item').selectAll().orderBy('ern_seq').limit(limit);
  if (options.afterSeq !== undefined) q = q.where('ern_seq', '>', options.afterSeq);
  if (options.kind !== undefined) q = q.where('kind', '=', options.kind);
  if (options.compartments !== undefined) {
    if (options.compartments.length === 0) return [];
    q = q.where('compartment', 'in', [...options.compartments]);
  }
  return (await q.execute()).map(itemFromRow);
}

/**
 * readVerified streams an item's bytes to `sink`, hashing on the way; it throws INTEGRITY
 * (after the sink has seen the bytes) when they do not match the recorded hash, so callers
 * must write to a temp place and commit only on success.
 */
export async function readVerified(ctx: Ctx, item: Item, sink: (chunk: Buffer) => Promise<void> | void) {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of ctx.blobs.get(item.sha256) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    await sink(chunk);
  }
  const actual = hash.digest('hex');
  if (actual !== item.sha256 || size !== item.size) {
    throw new VaultError('INTEGRITY', `${item.ern}: stored bytes do not match the recorded hash`, {
      ern: item.ern,
      expected: item.sha256,
      actual,
    });
  }
}
