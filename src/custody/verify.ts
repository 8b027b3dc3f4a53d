/**
 * verify.ts — the custody half of `attest verify`. It trusts nothing stored but the entries'
 * payloads: it recomputes every leaf hash and every level of the RFC 6962 tree, compares them
 * with the stored subtree hashes, then hands the recomputed tree to the checkpoint checks
 * (verify-checkpoints.ts: signatures under a pinned or local key chain, numbering, the signer's
 * state file, published checkpoints, append-only guards) and, when the caller passes one, the
 * item checks (the vault's verify-log.ts: ingest entries, provenance commitments, amendments).
 */
import type { Ctx } from '../ctx.js';
import { sha256 } from '../lib/hash.js';
import {
  assembleProof,
  nodeHash,
  type ProofPlan,
  planConsistencyProof,
  planTreeHead,
  verifyConsistency,
} from '../lib/merkle.js';
import { parseVerifierKey, type Verifier } from '../lib/note.js';
import { type Entry, parsePayload } from './entry.js';
import type { Problem } from './problem.js';
import { logSize } from './repo.js';
import { leafHashOf } from './service.js';
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
  await checkCheckpoints(ctx, chain, recomputed, problems);
  for (const note of published) checkPublished(ctx, chain, note, recomputed, problems);
  if (options.itemCheck) problems.push(...(await options.itemCheck(ctx, refs)));
  return problems;
}

async function recomputeFromEntries(ctx: Ctx, problems: Problem[]) {
  const counted = await logSize(ctx.db);
  const leaves: Buffer[] = [];
  const refs: ItemLogRefs = { latest: new Map(), firstRef: new Map(), amendments: new Map() };
  const rotations: Rotation[] = [];
  let expected = 0;
  for (let after = -1; ; ) {
    const rows = await ctx.db
      .selectFrom('custody_entry')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
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
      }
      const leaf = leafHashOf(row.payload);
      if (leaf.toString('hex') !== row.leaf_hash) {
        problems.push({
          code: 'log-entry-altered',
          subject: `entry ${seq}`,
          message: `entry ${seq}'s payload does not hash to its leaf hash`,
        });
      }
      checkColumns(row, seq, problems, refs, rotations);
      leaves.push(leaf);
      expected++;
    }
  }
  if (expected !== counted) {
    problems.push({
      code: 'log-size',
      subject: 'log',
      message: `the log counter says ${counted} entries but ${expected} are stored`,
    });
  }
  return { tree: buildLevels(leaves), size: leaves.length, refs, rotations };
}

function checkColumns(
  row: { seq: number; payload: string; kind: string; item_id: string | null; actor_id: string; at: string },
  seq: number,
  problems: Problem[],
  refs: ItemLogRefs,
  rotations: Rotation[],
): void {
  let entry: ReturnType<typeof parsePayload>;
  try {
    entry = parsePayload(row.payload);
  } catch {
    problems.push({
      code: 'log-entry-malformed',
      subject: `entry ${seq}`,
      message: `entry ${seq} is not a valid entry`,
    });
    return;
  }
  if (
    entry.seq !== seq ||
    entry.kind !== row.kind ||
    (entry.itemId ?? null) !== row.item_id ||
    entry.actor !== row.actor_id ||
    entry.at !== row.at
  ) {
    problems.push({
      code: 'log-entry-altered',
      subject: `entry ${seq}`,
      message: `entry ${seq}'s columns disagree with its signed payload (seq ${entry.seq})`,
    });
  }
  if (entry.kind === 'key-rotation') {
    const { oldKey, newKey } = entry.data ?? {};
    if (typeof oldKey === 'string' && typeof newKey === 'string') rotations.push({ seq, oldKey, newKey });
  }
  if (entry.itemId) {
    if (!refs.firstRef.has(entry.itemId)) refs.firstRef.set(entry.itemId, seq);
    // An item is recorded by its `ingest` entry, or by a `derive` entry when intake made it.
    if ((entry.kind === 'ingest' || entry.kind === 'derive') && !refs.latest.has(entry.itemId)) {
      refs.latest.set(entry.itemId, { entry, ingest: entry });
    } else if (entry.kind === 'amend') {
      const prior = refs.latest.get(entry.itemId);
      if (prior) refs.latest.set(entry.itemId, { entry, ingest: prior.ingest });
      const amendment = entry.data?.amendment;
      if (typeof amendment === 'string') refs.amendments.set(amendment, entry);
    }
  }
}

function buildLevels(leaves: Buffer[]): Levels {
  const levels: Buffer[] = [Buffer.concat(leaves)];
  for (let L = 0; levels[L]!.length >= 64; L++) {
    const below = levels[L]!;
    const pairs = Math.floor(below.length / 64);
    const up = Buffer.allocUnsafe(pairs * 32);
    for (let i = 0; i < pairs; i++) {
      nodeHash(below.subarray(i * 64, i * 64 + 32), below.subarray(i * 64 + 32, i * 64 + 64)).copy(
        up,
        i * 32,
      );
    }
    levels.push(up);
  }
  return { levels };
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

async function compareStoredNodes(ctx: Ctx, tree: Levels, problems: Problem[]): Promise<void> {
  let stored = 0;
  for (let level = 0; level < tree.levels.length; level++) {
    for (let after = -1; ; ) {
      const rows = await ctx.db
        .selectFrom('custody_node')
        .select(['idx', 'hash'])
        .where('level', '=', level)
        .where('idx', '>', after)
        .orderBy('idx')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) break;
      for (const r of rows) {
        const idx = Number(r.idx);
        after = idx;
        stored++;
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
  const expected = tree.levels.reduce((n, b) => n + b.length / 32, 0);
  if (stored < expected) {
    problems.push({
      code: 'log-node-missing',
      subject: 'log',
      message: `${expected - stored} stored subtree hashes are missing`,
    });
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
