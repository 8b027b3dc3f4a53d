/**
 * verify.ts — the custody half of `attest verify`. It trusts nothing stored but the entries'
 * payloads: it recomputes every leaf hash and every level of the RFC 6962 tree, compares them
 * with the stored subtree hashes, then hands the recomputed tree to the checkpoint checks
 * (verify-checkpoints.ts: signatures under a pinned or local key chain, numbering, the signer's
 * state file, published checkpoints, append-only guards) and, when the caller passes one, the
 * item checks (the vault's verify-log.ts: ingest entries, provenance commitments, amendments).
 */
import { sql } from 'kysely';
import type { Ctx } from '../ctx.js';
import { sha256 } from '../lib/hash.js';
import {
  assembleProof,
  type ProofPlan,
  planConsistencyProof,
  planTreeHead,
  verifyConsistency,
} from '../lib/merkle.js';
import { parseVerifierKey, type Verifier } from '../lib/note.js';
import { type Entry, entryOfRaw, type RawEntry, readPayload } from './entry.js';
import type { Problem } from './problem.js';
import { logSize } from './repo.js';
import type { SignerState } from './signer-state.js';
import { TreeHasher } from './tree-hasher.js';
import {
  checkCheckpoints,
  checkPublished,
  KeyChain,
  type RecomputedTree,
  type Rotation,
} from './verify-checkpoints.js';

export interface VerifyOptions {
  /**
   * The verifier key the auditor trusts (C2SP signed-note `name+hash+base64`), instead of the one
   * in the data directory being audited; key-rotation entries are followed from it.
   */
  readonly pinnedKey?: string;
  /** The items ↔ log check, run with the references collected while reading the entries. */
  readonly itemCheck?: ItemLogCheck;
  /**
   * The signer's state as it was when the database snapshot being verified was taken (read
   * under the signer's lock with it, cli/verify-snapshot.ts): a checkpoint signed while verify
   * runs is in the state file but not in the snapshot. Absent: the state file is read now.
   */
  readonly signerState?: () => SignerState | undefined;
}

/** What verify collects from the entries about items while it reads the log. */
export interface ItemLogRefs {
  /** Per item: the entry that recorded it (ingest or derive) and its latest recording-or-amend entry. */
  readonly latest: Map<string, { entry: Entry; ingest: Entry }>;
  /** Per item: the first entry that names it. */
  readonly firstRef: Map<string, number>;
  /** Per amendment id: its amend entry. */
  readonly amendments: Map<string, Entry>;
}

/**
 * ItemLogCheck checks the items' records against what the log says of them (the vault supplies
 * it: the log does not read the tables of the domains that write to it).
 */
export type ItemLogCheck = (ctx: Ctx, refs: ItemLogRefs) => Promise<Problem[]>;

const PAGE = 20_000;

/** A tree held level by level: levels[L] is the concatenation of 32-byte subtree hashes. */
interface Levels {
  readonly levels: Buffer[];
}

/**
 * verifyCustody runs every log check; `published` are checkpoint notes held outside the database
 * (as saved: CRLF and extra newlines are normalised).
 */
export async function verifyCustody(
  ctx: Ctx,
  published: readonly string[] = [],
  options: VerifyOptions = {},
): Promise<Problem[]> {
  const problems: Problem[] = [];
  const { tree, size, refs, rotations } = await recomputeFromEntries(ctx, problems);
  await compareStoredNodes(ctx, tree, problems);
  const current = parseVerifierKey(ctx.logKey.verifierKey);
  let anchor: Verifier = current;
  if (options.pinnedKey !== undefined) anchor = parseVerifierKey(options.pinnedKey.trim());
  const chain = new KeyChain(ctx.logKey.origin, anchor, current, rotations, problems);
  const recomputed: RecomputedTree = {
    size,
    rootAt: (n) => rootAt(tree, n),
    consistent: (o, n, oldRoot, newRoot) => consistentInTree(tree, o, n, oldRoot, newRoot),
  };
  await checkCheckpoints(ctx, chain, recomputed, problems, options.signerState);
  for (const note of published) checkPublished(ctx, chain, note, recomputed, problems);
  if (options.itemCheck) problems.push(...(await options.itemCheck(ctx, refs)));
  return problems;
}

/**
 * recomputeFromEntries reads every entry once, in pages. The main thread checks each payload's
 * header and columns and collects what the item checks need; a worker thread (tree-hasher.ts)
 * recomputes the leaf hashes, compares them with the stored ones and builds the tree's levels
 * meanwhile, so hashing and reading use both cores.
 */
async function recomputeFromEntries(ctx: Ctx, problems: Problem[]) {
  const counted = await logSize(ctx.db);
  const refs: ItemLogRefs = { latest: new Map(), firstRef: new Map(), amendments: new Map() };
  const rotations: Rotation[] = [];
  // A leaf's position in the tree is its reading order; after a gap, its seq is position + shift.
  const shifts: { from: number; shift: number }[] = [];
  const hasher = new TreeHasher();
  let expected = 0;
  let stored = 0; // entries read (= leaves recomputed)
  try {
    for (let after = -1; ; ) {
      const rows = await ctx.db
        .selectFrom('custody_entry')
        .select(['seq', 'leaf_hash', 'kind', 'item_id', 'actor_id', 'at', 'payload'])
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) break;
      hasher.addPage(
        rows.map((r) => r.payload),
        rows.map((r) => r.leaf_hash).join(''),
      );
      for (const row of rows) {
        const seq = Number(row.seq);
        after = seq;
        if (seq !== expected) {
          problems.push({
            code: 'log-gap',
            subject: `entry ${expected}`,
            message: `log entries ${expected}…${seq - 1} are missing (next stored is ${seq})`,
          });
          expected = seq;
          shifts.push({ from: stored, shift: seq - stored });
        }
        const raw = readEntry(row.payload, seq, problems);
        if (raw) {
          checkColumns(raw, row, seq, problems);
          collectRefs(raw, seq, refs, rotations);
        }
        stored++;
        expected++;
      }
    }
  } catch (err) {
    hasher.abandon();
    throw err;
  }
  const { levels, altered } = await hasher.finish();
  for (const position of altered) {
    const seq = position + (shifts.findLast((s) => s.from <= position)?.shift ?? 0);
    problems.push({
      code: 'log-entry-altered',
      subject: `entry ${seq}`,
      message: `entry ${seq}'s payload does not hash to its leaf hash`,
    });
  }
  if (expected !== counted) {
    problems.push({
      code: 'log-size',
      subject: 'log',
      message: `the log counter says ${counted} entries but ${expected} are stored`,
    });
  }
  return { tree: { levels: levels.length > 0 ? levels : [Buffer.alloc(0)] }, size: stored, refs, rotations };
}

/** checkColumns compares the columns that repeat an entry's payload with the payload. */
function checkColumns(
  raw: RawEntry,
  row: { kind: string; item_id: string | null; actor_id: string; at: string },
  seq: number,
  problems: Problem[],
): void {
  const itemId = typeof raw.item === 'string' ? raw.item : null;
  if (
    raw.seq !== seq ||
    raw.kind !== row.kind ||
    itemId !== row.item_id ||
    raw.actor !== row.actor_id ||
    raw.at !== row.at
  ) {
    problems.push({
      code: 'log-entry-altered',
      subject: `entry ${seq}`,
      message: `entry ${seq}'s columns disagree with its signed payload (seq ${raw.seq})`,
    });
  }
}

function readEntry(payload: string, seq: number, problems: Problem[]): RawEntry | undefined {
  try {
    return readPayload(payload);
  } catch {
    problems.push({
      code: 'log-entry-malformed',
      subject: `entry ${seq}`,
      message: `entry ${seq} is not a valid entry`,
    });
    return undefined;
  }
}

/** collectRefs keeps what the item checks and the key chain need from one entry. */
function collectRefs(raw: RawEntry, seq: number, refs: ItemLogRefs, rotations: Rotation[]): void {
  if (raw.kind === 'key-rotation') {
    const { oldKey, newKey } = raw;
    if (typeof oldKey === 'string' && typeof newKey === 'string') rotations.push({ seq, oldKey, newKey });
  }
  const itemId = typeof raw.item === 'string' ? raw.item : undefined;
  if (!itemId) return;
  if (!refs.firstRef.has(itemId)) refs.firstRef.set(itemId, seq);
  // An item is recorded by its `ingest` entry, or by a `derive` entry when intake made it.
  if ((raw.kind === 'ingest' || raw.kind === 'derive') && !refs.latest.has(itemId)) {
    const entry = entryOfRaw(raw);
    refs.latest.set(itemId, { entry, ingest: entry });
  } else if (raw.kind === 'amend') {
    const entry = entryOfRaw(raw);
    const prior = refs.latest.get(itemId);
    if (prior) refs.latest.set(itemId, { entry, ingest: prior.ingest });
    if (typeof raw.amendment === 'string') refs.amendments.set(raw.amendment, entry);
  }
}

function hashAt(tree: Levels, level: number, idx: number): Buffer | undefined {
  const buf = tree.levels[level];
  if (!buf || (idx + 1) * 32 > buf.length) return undefined;
  return buf.subarray(idx * 32, idx * 32 + 32);
}

/** fromTree assembles a proof plan from the recomputed tree. */
function fromTree(tree: Levels, plan: ProofPlan): Buffer[] {
  return assembleProof(
    plan,
    plan.coords.map((c) => hashAt(tree, c.level, c.index) ?? Buffer.alloc(0)),
  );
}

function rootAt(tree: Levels, size: number): Buffer {
  return size === 0 ? sha256() : fromTree(tree, planTreeHead(size))[0]!;
}

/**
 * compareStoredNodes checks every stored subtree hash against the recomputed tree. The database
 * concatenates the stored hashes of NODE_CHUNK nodes of a level into one string (one row instead
 * of one per node: moving rows into JavaScript was most of verify's time), compared with the
 * recomputed range at once; a range that differs is read row by row to name each node.
 */
async function compareStoredNodes(ctx: Ctx, tree: Levels, problems: Problem[]): Promise<void> {
  let missing = 0;
  for (let level = 0; level < tree.levels.length; level++) {
    const count = tree.levels[level]!.length / 32;
    for (let from = 0; from < count; from += NODE_CHUNK) {
      const to = Math.min(from + NODE_CHUNK, count);
      const stored = await concatenatedNodes(ctx, level, from, to);
      const want = tree.levels[level]!.toString('hex', from * 32, to * 32);
      if (stored.n === to - from && stored.hashes === want) continue;
      missing += to - from - stored.n;
      await compareNodesOneByOne(ctx, tree, level, from, to, problems);
    }
    // A node stored past the end of its level belongs to no tree of this size.
    await compareNodesOneByOne(ctx, tree, level, count, Number.MAX_SAFE_INTEGER, problems);
  }
  if (missing > 0) {
    problems.push({
      code: 'log-node-missing',
      subject: 'log',
      message: `${missing} stored subtree hashes are missing`,
    });
  }
}

const NODE_CHUNK = 50_000;

async function concatenatedNodes(ctx: Ctx, level: number, from: number, to: number) {
  // PostgreSQL orders inside the aggregate. SQLite's group_concat(… ORDER BY) sorts in a temporary
  // b-tree (twice the time), so it concatenates a subquery read in index order instead: an order
  // SQLite does not promise, but a different one only makes the comparison fail and the range be
  // compared row by row — slower, never wrong.
  const { rows } =
    ctx.dialect === 'postgres'
      ? await sql<{ n: string | number; hashes: string | null }>`
          SELECT count(*) AS n, string_agg(hash, '' ORDER BY idx) AS hashes FROM custody_node
          WHERE level = ${level} AND idx >= ${from} AND idx < ${to}`.execute(ctx.db)
      : await sql<{ n: string | number; hashes: string | null }>`
          SELECT count(*) AS n, group_concat(hash, '') AS hashes FROM (
            SELECT hash FROM custody_node WHERE level = ${level} AND idx >= ${from} AND idx < ${to} ORDER BY idx)`.execute(
          ctx.db,
        );
  return { n: Number(rows[0]?.n ?? 0), hashes: rows[0]?.hashes ?? '' };
}

async function compareNodesOneByOne(
  ctx: Ctx,
  tree: Levels,
  level: number,
  from: number,
  to: number,
  problems: Problem[],
): Promise<void> {
  for (let after = from - 1; ; ) {
    const rows = await ctx.db
      .selectFrom('custody_node')
      .select(['idx', 'hash'])
      .where('level', '=', level)
      .where('idx', '>', after)
      .where('idx', '<', to)
      .orderBy('idx')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) return;
    for (const r of rows) {
      const idx = Number(r.idx);
      after = idx;
      const want = hashAt(tree, level, idx);
      if (!want || want.toString('hex') !== r.hash) {
        problems.push({
          code: 'log-node-altered',
          subject: `node ${level}:${idx}`,
          message: `stored subtree hash ${level}:${idx} does not match the entries (proofs from it would fail)`,
        });
      }
    }
  }
}

/** consistentInTree proves old ⊑ new from the recomputed tree and verifies the proof (RFC 9162 §2.1.4.2). */
function consistentInTree(
  tree: Levels,
  oldSize: number,
  newSize: number,
  oldRoot: Buffer,
  newRoot: Buffer,
): boolean {
  const proof = fromTree(tree, planConsistencyProof(oldSize, newSize));
  return verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof);
}
