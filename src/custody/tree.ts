/**
 * tree.ts — the stored RFC 6962 tree read back: tree heads, inclusion proofs (§2.1.1) and
 * consistency proofs (§2.1.2), each planned by src/lib/merkle.ts and read in one query of
 * O(log n) stored subtree hashes; and checkpoints as rows.
 */
import type { Kysely, Selectable } from 'kysely';
import {
  assembleProof,
  type ProofPlan,
  planConsistencyProof,
  planInclusionProof,
  planTreeHead,
  treeHead,
} from '../lib/merkle.js';
import type { Database } from '../store/schema.js';
import { CustodyError } from './errors.js';
import { hashReader, readHashes } from './repo.js';
import type { CheckpointTable } from './tables.js';

export interface Checkpoint {
  /** 1, 2, 3… in signing order. */
  readonly number: number;
  readonly size: number;
  /** Hex root hash. */
  readonly root: string;
  /** The C2SP signed note (tlog-checkpoint body + signature lines). */
  readonly signedNote: string;
  readonly at: string;
}

export function checkpointFromRow(r: Selectable<CheckpointTable>): Checkpoint {
  return {
    number: Number(r.number),
    size: Number(r.size),
    root: r.root,
    signedNote: r.signed_note,
    at: r.at,
  };
}

export interface InclusionProof {
  readonly index: number;
  readonly size: number;
  readonly leafHash: string;
  readonly proof: string[];
}

export interface ConsistencyProof {
  readonly old: number;
  readonly new: number;
  readonly oldRoot: string;
  readonly newRoot: string;
  readonly proof: string[];
}

/** treeRootIn returns MTH of the first `size` entries from stored subtrees. */
export async function treeRootIn(db: Kysely<Database>, size: number): Promise<Buffer> {
  return treeHead(size, hashReader(db));
}

/** proveInclusionIn returns the audit path for entry `index` in the tree of `size` entries. */
export async function proveInclusionIn(
  db: Kysely<Database>,
  index: number,
  size: number,
): Promise<InclusionProof> {
  const plan = checkedPlan(() => planInclusionProof(index, size));
  // One read: the subtrees of the path and, last, the leaf itself.
  const hashes = await readHashes(db, [...plan.coords, { level: 0, index }]);
  const leaf = hashes.pop()!;
  return { index, size, leafHash: leaf.toString('hex'), proof: hex(assembleProof(plan, hashes)) };
}

/** proveConsistencyIn returns the RFC 6962 §2.1.2 proof that tree `old` is a prefix of tree `new`. */
export async function proveConsistencyIn(
  db: Kysely<Database>,
  oldSize: number,
  newSize: number,
): Promise<ConsistencyProof> {
  const plans = checkedPlan(() => [
    planTreeHead(oldSize),
    planTreeHead(newSize),
    planConsistencyProof(oldSize, newSize),
  ]);
  // One read for both roots and the proof.
  const hashes = await readHashes(
    db,
    plans.flatMap((p) => p.coords),
  );
  const [oldRoot, newRoot, proof] = splitByPlans(plans, hashes);
  return { old: oldSize, new: newSize, oldRoot: oldRoot![0]!, newRoot: newRoot![0]!, proof: proof! };
}

export function checkedPlan<T extends ProofPlan | ProofPlan[]>(make: () => T): T {
  try {
    return make();
  } catch (err) {
    throw new CustodyError('INVALID_RANGE', (err as Error).message);
  }
}

function splitByPlans(plans: readonly ProofPlan[], hashes: readonly Buffer[]): string[][] {
  let at = 0;
  return plans.map((p) => {
    const part = hashes.slice(at, at + p.coords.length);
    at += p.coords.length;
    return hex(assembleProof(p, part));
  });
}

export const hex = (hashes: readonly Buffer[]) => hashes.map((h) => h.toString('hex'));
