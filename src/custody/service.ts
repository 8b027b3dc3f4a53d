/**
 * service.ts — the custody log: entries appended in the same transaction as the change they
 * record (DESIGN.md rule 2), RFC 6962 subtree hashes persisted on append so that any proof
 * costs O(log n) reads, signed C2SP checkpoints every N entries or T seconds, and proofs.
 */
import { hash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { type Ctx, nowIso } from '../ctx.js';
import {
  assembleProof,
  CompactRange,
  LEAF_PREFIX,
  planInclusionProof,
  type SubtreeCoord,
} from '../lib/merkle.js';
import { nextValues } from '../store/counters.js';
import type { Database } from '../store/schema.js';
import { type Entry, entryPayload, type NewEntry, parsePayload } from './entry.js';
import { CustodyError } from './errors.js';
import {
  checkpointRow,
  entriesForItem,
  entriesForItems,
  entryRow,
  hashReader,
  insertRows,
  latestCheckpointRow,
  logSize,
  readHashSet,
} from './repo.js';
import { signContinuing } from './signer.js';
import {
  type Checkpoint,
  type ConsistencyProof,
  checkedPlan,
  checkpointFromRow,
  hex,
  type InclusionProof,
  proveConsistencyIn,
  proveInclusionIn,
  treeRootIn,
} from './tree.js';

export type { Checkpoint, ConsistencyProof, InclusionProof } from './tree.js';

/** leafHashOf returns SHA-256(0x00 || payload) for an entry's canonical JSON — RFC 6962 §2.1. */
export function leafHashOf(payload: string): Buffer {
  // One buffer and a one-shot hash: verify computes this a million times for a 1M-entry log.
  const bytes = Buffer.allocUnsafe(1 + Buffer.byteLength(payload, 'utf8'));
  bytes[0] = LEAF_PREFIX;
  bytes.write(payload, 1, 'utf8');
  return hash('sha256', bytes, 'buffer');
}

const SALT_BYTES = 16;

/**
 * appendEntries appends `entries` inside the caller's transaction and returns them with their
 * sequence numbers. Each is dated `at` unless it carries its own time (a batch of observations,
 * each dated its receipt), and gets a fresh random salt (version 2 entries, see entry.ts and the
 * README's "What a leaf hash reveals"). The counter row update serialises concurrent appenders
 * on PostgreSQL.
 */
export async function appendEntries(
  trx: Transaction<Database>,
  entries: ReadonlyArray<NewEntry & { readonly at?: string }>,
  at: string,
): Promise<Entry[]> {
  if (entries.length === 0) return [];
  // The counter holds the log size; its values are 1-based, leaf indices 0-based.
  const first = (await nextValues(trx, 'custody', entries.length)) - 1;
  // The right edge of the tree (one stored hash per set bit of the size) is all an append needs.
  const range = await CompactRange.load(first, hashReader(trx));
  // One call to the CSPRNG per batch, not per entry.
  const salts = randomBytes(SALT_BYTES * entries.length).toString('hex');
  const full: Entry[] = entries.map((e, i) => ({
    ...e,
    seq: first + i,
    at: e.at ?? at,
    salt: salts.slice(i * 2 * SALT_BYTES, (i + 1) * 2 * SALT_BYTES),
  }));
  const payloads = full.map(entryPayload);
  const leafHashes = payloads.map(leafHashOf);
  const created = leafHashes.flatMap((leaf) => range.append(leaf));
  await insertRows(
    trx,
    full.map((e, i) => ({
      seq: e.seq,
      leaf_hash: leafHashes[i]!.toString('hex'),
      kind: e.kind,
      item_id: e.itemId ?? null,
      actor_id: e.actor,
      at: e.at,
      payload: payloads[i]!,
    })),
    created.map((n) => ({ level: n.level, idx: n.index, hash: n.hash.toString('hex') })),
  );
  return full;
}

/** appendEntry appends one entry in its own transaction (for changes with no other rows). */
export async function appendEntry(ctx: Ctx, entry: NewEntry): Promise<Entry> {
  const [e] = await ctx.db.transaction().execute((trx) => appendEntries(trx, [entry], nowIso(ctx)));
  await maybeCheckpoint(ctx);
  return e!;
}

/** treeRoot returns MTH of the first `size` entries from stored subtrees. */
export async function treeRoot(db: Kysely<Database>, size: number): Promise<Buffer> {
  return treeRootIn(db, size);
}

/**
 * signCheckpoint signs a checkpoint of the log as it is now (or returns the latest when nothing
 * was appended since), after proving that the log extends the last checkpoint this signer signed
 * (signer.ts). It throws CONTINUITY when it does not.
 */
export async function signCheckpoint(ctx: Ctx): Promise<Checkpoint | undefined> {
  return signContinuing(ctx);
}

/**
 * maybeCheckpoint signs when N entries or T seconds have passed since the latest checkpoint. It
 * runs after the caller's transaction committed, so a refusal to sign must not fail the caller:
 * it is recorded (signer-health.ts: health status and log line) and the entries stay unsigned.
 */
export async function maybeCheckpoint(ctx: Ctx): Promise<Checkpoint | undefined> {
  const [size, latest] = await Promise.all([logSize(ctx.db), latestCheckpointRow(ctx.db)]);
  const since = latest ? size - Number(latest.size) : size;
  if (since <= 0) return undefined;
  const age = latest ? (ctx.clock().getTime() - Date.parse(latest.at)) / 1000 : Number.POSITIVE_INFINITY;
  if (since >= ctx.config.checkpointEvery || age >= ctx.config.checkpointSeconds) {
    try {
      return await signCheckpoint(ctx);
    } catch (err) {
      if (err instanceof CustodyError && ['CONTINUITY', 'STATE_INVALID', 'SIGNER_BUSY'].includes(err.code))
        return undefined;
      throw err;
    }
  }
  return undefined;
}

export async function latestCheckpoint(ctx: Ctx): Promise<Checkpoint | undefined> {
  const row = await latestCheckpointRow(ctx.db);
  return row ? checkpointFromRow(row) : undefined;
}

export async function checkpointAt(ctx: Ctx, size: number): Promise<Checkpoint> {
  const row = await checkpointRow(ctx.db, size);
  if (!row) throw new CustodyError('NOT_FOUND', `no checkpoint of size ${size}`);
  return checkpointFromRow(row);
}

/** proveInclusion returns the audit path for entry `index` in the tree of `size` entries. */
export async function proveInclusion(ctx: Ctx, index: number, size: number): Promise<InclusionProof> {
  return proveInclusionIn(ctx.db, index, size);
}

/**
 * proveInclusions returns the audit paths of many entries in the tree of `size` entries, reading
 * each stored hash once: an export proves every entry about thousands of items, and their paths
 * share most of their upper nodes.
 */
export async function proveInclusions(
  ctx: Ctx,
  indexes: readonly number[],
  size: number,
): Promise<InclusionProof[]> {
  const plans = indexes.map((index) => checkedPlan(() => planInclusionProof(index, size)));
  const coords = plans.flatMap((p, i) => [...p.coords, { level: 0, index: indexes[i]! }]);
  const found = await readHashSet(ctx.db, coords);
  const at = (c: SubtreeCoord) => {
    const h = found.get(`${c.level}:${c.index}`);
    if (!h) throw new CustodyError('INVALID_RANGE', 'the log is smaller than the tree asked for');
    return h;
  };
  return plans.map((plan, i) => {
    const index = indexes[i]!;
    return {
      index,
      size,
      leafHash: at({ level: 0, index }).toString('hex'),
      proof: hex(assembleProof(plan, plan.coords.map(at))),
    };
  });
}

/** proveConsistency returns the RFC 6962 §2.1.2 proof that tree `old` is a prefix of tree `new`. */
export async function proveConsistency(
  ctx: Ctx,
  oldSize: number,
  newSize: number,
): Promise<ConsistencyProof> {
  return proveConsistencyIn(ctx.db, oldSize, newSize);
}

export interface StoredEntry extends Entry {
  readonly leafHash: string;
}

export async function getEntry(ctx: Ctx, seq: number): Promise<StoredEntry> {
  const row = Number.isSafeInteger(seq) && seq >= 0 ? await entryRow(ctx.db, seq) : undefined;
  if (!row) throw new CustodyError('NOT_FOUND', `no log entry ${seq}`);
  return { ...parsePayload(row.payload), leafHash: row.leaf_hash };
}

/** itemEntries returns the entries about one item, oldest first. */
export async function itemEntries(ctx: Ctx, itemId: string): Promise<StoredEntry[]> {
  return (await entriesForItem(ctx.db, itemId)).map((row) => ({
    ...parsePayload(row.payload),
    leafHash: row.leaf_hash,
  }));
}

/** RawEntry is a stored entry as the log holds it: its canonical JSON and leaf hash. */
export interface RawEntry {
  readonly seq: number;
  readonly itemId: string;
  /** The entry's canonical JSON: the RFC 6962 leaf data. */
  readonly payload: string;
  readonly leafHash: string;
}

/** itemsEntries returns the entries about any of `itemIds` in the tree of `size`, oldest first. */
export async function itemsEntries(ctx: Ctx, itemIds: readonly string[], size: number): Promise<RawEntry[]> {
  return (await entriesForItems(ctx.db, itemIds, size)).map((r) => ({
    seq: Number(r.seq),
    itemId: r.item_id!,
    payload: r.payload,
    leafHash: r.leaf_hash,
  }));
}

/**
 * startCheckpointTimer signs a checkpoint every `checkpointSeconds` when entries arrived since
 * the last one, so a quiet log is still checkpointed within T seconds (appends check N and T
 * themselves). It returns the function that stops it.
 */
export function startCheckpointTimer(ctx: Ctx, onError: (err: unknown) => void): () => void {
  const timer = setInterval(() => {
    maybeCheckpoint(ctx).catch(onError);
  }, ctx.config.checkpointSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
