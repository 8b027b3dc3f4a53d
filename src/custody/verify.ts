/**
 * verify.ts — the custody half of `attest verify`. It trusts nothing stored but the entries'
 * payloads: it recomputes every leaf hash and every level of the RFC 6962 tree, compares them
 * with the stored subtree hashes, recomputes the root at every checkpoint and checks each
 * checkpoint's signature and consistency with the one before it, checks published checkpoints
 * held outside (rollback detection), and checks that items and entries agree.
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
import { parsePayload } from './entry.js';
import { logSize } from './repo.js';
import { leafHashOf } from './service.js';

/**
 * Problem is one finding of `attest verify`, in the vault's checks and the log's alike. It names
 * what it is about (an ERN, a blob hash, a log index) and never carries payload contents.
 */
export interface Problem {
  /** Stable machine-readable kind, e.g. blob-corrupt. */
  readonly code: string;
  /** What it is about: an ERN, a blob hash, a log index. */
  readonly subject: string;
  readonly message: string;
}

const PAGE = 20_000;

/** A tree held level by level: levels[L] is the concatenation of 32-byte subtree hashes. */
interface Levels {
  readonly levels: Buffer[];
}

/** verifyCustody runs every log check; `published` are checkpoint notes held outside the database. */
export async function verifyCustody(ctx: Ctx, published: readonly string[] = []): Promise<Problem[]> {
  const problems: Problem[] = [];
  const { tree, size, ingests, itemRefs } = await recomputeFromEntries(ctx, problems);
  await compareStoredNodes(ctx, tree, problems);
  await checkCheckpoints(ctx, tree, size, problems);
  for (const note of published) checkPublished(ctx, note, tree, size, problems);
  await checkItemsAgainstLog(ctx, ingests, itemRefs, problems);
  return problems;
}

async function recomputeFromEntries(ctx: Ctx, problems: Problem[]) {
  const counted = await logSize(ctx.db);
  const leaves: Buffer[] = [];
  const ingests = new Map<string, { ern: unknown; sha256: unknown; seq: number }>();
  const itemRefs = new Map<string, number>();
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
      checkColumns(row, seq, problems, ingests, itemRefs);
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
  return { tree: buildLevels(leaves), size: leaves.length, ingests, itemRefs };
}

function checkColumns(
  row: { seq: number; payload: string; kind: string; item_id: string | null; actor_id: string; at: string },
  seq: number,
  problems: Problem[],
  ingests: Map<string, { ern: unknown; sha256: unknown; seq: number }>,
  itemRefs: Map<string, number>,
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
  if (entry.itemId) {
    if (!itemRefs.has(entry.itemId)) itemRefs.set(entry.itemId, seq);
    if (entry.kind === 'ingest' && !ingests.has(entry.itemId)) {
      ingests.set(entry.itemId, { ern: entry.data?.ern, sha256: entry.data?.sha256, seq });
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

async function checkCheckpoints(ctx: Ctx, tree: Levels, size: number, problems: Problem[]): Promise<void> {
  const rows = await ctx.db.selectFrom('checkpoint').selectAll().orderBy('size').execute();
  let previous: { size: number; root: Buffer } | undefined;
  for (const row of rows) {
    const subject = `checkpoint ${row.size}`;
    const opened = ctx.logKey.openCheckpoint(row.signed_note);
    if (!opened.ok) {
      problems.push({
        code: 'checkpoint-signature',
        subject,
        message: `checkpoint ${row.size}: ${opened.error}`,
      });
      continue;
    }
    if (opened.size !== Number(row.size) || opened.root.toString('hex') !== row.root) {
      problems.push({
        code: 'checkpoint-altered',
        subject,
        message: `checkpoint ${row.size}'s columns disagree with its signed note`,
      });
    }
    if (opened.size > size) {
      problems.push({
        code: 'log-rolled-back',
        subject,
        message: `checkpoint ${opened.size} was signed but the log now holds only ${size} entries`,
      });
      continue;
    }
    if (!rootAt(tree, opened.size).equals(opened.root)) {
      problems.push({
        code: 'checkpoint-root-mismatch',
        subject,
        message: `the entries' tree of size ${opened.size} does not have the root this checkpoint signed`,
      });
      continue;
    }
    if (previous && !consistentInTree(tree, previous.size, opened.size, previous.root, opened.root)) {
      problems.push({
        code: 'checkpoint-inconsistent',
        subject,
        message: `not consistent with checkpoint ${previous.size}`,
      });
    }
    previous = { size: opened.size, root: opened.root };
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

function checkPublished(ctx: Ctx, note: string, tree: Levels, size: number, problems: Problem[]): void {
  const opened = ctx.logKey.openCheckpoint(note);
  if (!opened.ok) {
    problems.push({
      code: 'published-checkpoint-invalid',
      subject: 'published checkpoint',
      message: opened.error,
    });
    return;
  }
  const subject = `published checkpoint ${opened.size}`;
  if (opened.size > size) {
    problems.push({
      code: 'log-rolled-back',
      subject,
      message: `a checkpoint of ${opened.size} entries was published but the log now holds ${size}: it was rolled back`,
    });
  } else if (!rootAt(tree, opened.size).equals(opened.root)) {
    problems.push({
      code: 'log-rewritten',
      subject,
      message: `the log's first ${opened.size} entries no longer have the published root`,
    });
  }
}

async function checkItemsAgainstLog(
  ctx: Ctx,
  ingests: Map<string, { ern: unknown; sha256: unknown; seq: number }>,
  itemRefs: Map<string, number>,
  problems: Problem[],
): Promise<void> {
  const items = await ctx.db
    .selectFrom('item')
    .select(['id', 'ern', 'blob_sha256'])
    .orderBy('ern_seq')
    .execute();
  const ids = new Set<string>();
  for (const item of items) {
    ids.add(item.id);
    const ingest = ingests.get(item.id);
    if (!ingest) {
      problems.push({
        code: 'item-not-logged',
        subject: item.ern,
        message: `${item.ern} has no ingest entry in the custody log`,
      });
    } else if (ingest.ern !== item.ern || ingest.sha256 !== item.blob_sha256) {
      problems.push({
        code: 'item-log-mismatch',
        subject: item.ern,
        message: `${item.ern} disagrees with its ingest entry ${ingest.seq} (logged ${ingest.ern}, ${ingest.sha256})`,
      });
    }
  }
  for (const [itemId, seq] of itemRefs) {
    if (!ids.has(itemId)) {
      problems.push({
        code: 'log-refers-to-missing',
        subject: `entry ${seq}`,
        message: `entry ${seq} refers to item ${itemId}, which does not exist`,
      });
    }
  }
}
