/**
 * verify-checkpoints.ts — the checkpoint half of the custody verification: every stored
 * checkpoint's signature under the key that was current at its size (following `key-rotation`
 * entries from a trust anchor — the auditor's pinned key, or the data directory's key), its
 * number (1, 2, 3… with no gap), its root against the recomputed tree and its consistency with
 * the one before (RFC 9162 §2.1.4.2); the signer's state file (the last checkpoint it signed must
 * be the database's latest); checkpoints published outside (rollback and rewrite detection); and
 * the append-only guards on the log's tables.
 */
import type { Ctx } from '../ctx.js';
import { parseCheckpoint } from '../lib/checkpoint.js';
import {
  normaliseSavedNote,
  openNote,
  parseVerifierKey,
  type Verifier,
  verifierKeyString,
} from '../lib/note.js';
import { triggerNames } from '../store/dialect.js';
import { APPEND_ONLY_TABLES, guardNames } from '../store/migrations/0007-custody-hardening.js';
import type { Problem } from './problem.js';
import { readSignerState, type SignerState } from './signer-state.js';

/** A `key-rotation` entry as verify reads it. */
export interface Rotation {
  readonly seq: number;
  readonly oldKey: string;
  readonly newKey: string;
}

/** What the tree recomputed from the entries offers the checkpoint checks. */
export interface RecomputedTree {
  readonly size: number;
  rootAt(size: number): Buffer;
  consistent(oldSize: number, newSize: number, oldRoot: Buffer, newRoot: Buffer): boolean;
}

/**
 * KeyChain is the sequence of log keys K0, K1, … announced by key-rotation entries, with the
 * anchor the verifier trusts. A checkpoint of size s must be signed by the newest key announced
 * in its first s entries; the first checkpoint signed by a new key must also carry the old key's
 * signature (the rotation was announced under the old key).
 */
export class KeyChain {
  readonly keys: Verifier[];
  readonly #rotations: readonly Rotation[];

  constructor(
    origin: string,
    anchor: Verifier,
    current: Verifier,
    rotations: readonly Rotation[],
    problems: Problem[],
  ) {
    const hexKeys = rotations.length
      ? [rotations[0]!.oldKey, ...rotations.map((r) => r.newKey)]
      : [current.publicKey.toString('hex')];
    for (let i = 1; i < rotations.length; i++) {
      if (rotations[i]!.oldKey !== rotations[i - 1]!.newKey) {
        problems.push({
          code: 'key-chain-broken',
          subject: `entry ${rotations[i]!.seq}`,
          message: `key rotation ${rotations[i]!.seq} retires a key that rotation ${rotations[i - 1]!.seq} did not announce`,
        });
      }
    }
    const anchorHex = anchor.publicKey.toString('hex');
    if (!hexKeys.includes(anchorHex) || anchor.name !== origin) {
      problems.push({
        code: 'key-not-in-chain',
        subject: 'key',
        message: `the trusted key ${anchor.verifierKey} is not a key of this log (origin ${origin})`,
      });
      this.keys = [anchor];
      this.#rotations = [];
      return;
    }
    this.keys = hexKeys.map((h) => parseVerifierKey(verifierKeyString(origin, Buffer.from(h, 'hex'))));
    this.#rotations = rotations;
  }

  /** indexFor returns which key must sign a checkpoint of `size` entries. */
  indexFor(size: number): number {
    let j = 0;
    for (const r of this.#rotations) if (r.seq < size) j++;
    return j;
  }
}

interface CheckpointRow {
  number: number;
  size: number;
  root: string;
  signed_note: string;
}

/** opened returns the checkpoint of `note` if `verifiers` signed it, else the error. */
function openWith(
  note: string,
  verifiers: readonly Verifier[],
  origin: string,
): { ok: true; size: number; root: Buffer } | { ok: false; error: string } {
  try {
    const cp = parseCheckpoint(openNote(note, verifiers).text);
    if (cp.origin !== origin) return { ok: false, error: `origin ${cp.origin} is not this log's` };
    return { ok: true, size: cp.size, root: cp.root };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** checkCheckpoints runs the checks on the stored checkpoints, the state file and the guards. */
export async function checkCheckpoints(
  ctx: Ctx,
  chain: KeyChain,
  tree: RecomputedTree,
  problems: Problem[],
  readState: () => SignerState | undefined = () => readSignerState(ctx.config.keysDir),
): Promise<void> {
  const origin = ctx.logKey.origin;
  const rows = (await ctx.db
    .selectFrom('checkpoint')
    .selectAll()
    .orderBy('number')
    .execute()) as CheckpointRow[];
  let previous: { size: number; root: Buffer; key: number } | undefined;
  let expectedNumber = 1;
  for (const row of rows) {
    const number = Number(row.number);
    const subject = `checkpoint ${row.size}`;
    if (number !== expectedNumber) {
      problems.push({
        code: 'checkpoint-gap',
        subject: `checkpoint #${expectedNumber}`,
        message: `checkpoints #${expectedNumber}…#${number - 1} are missing (deleted?); the next stored is #${number}`,
      });
    }
    expectedNumber = number + 1;
    const j = chain.indexFor(Number(row.size));
    const opened = openWith(row.signed_note, [chain.keys[j]!], origin);
    if (!opened.ok) {
      problems.push({
        code: 'checkpoint-signature',
        subject,
        message: `checkpoint ${row.size}: ${opened.error}`,
      });
      continue;
    }
    if (j > 0 && (previous === undefined || previous.key < j)) {
      // The first checkpoint under a new key: the old key must vouch for the tree that announces it.
      if (!openWith(row.signed_note, [chain.keys[j - 1]!], origin).ok) {
        problems.push({
          code: 'key-rotation-unsigned',
          subject,
          message: `checkpoint ${row.size} is the first under a new key but the old key did not sign it`,
        });
      }
    }
    if (opened.size !== Number(row.size) || opened.root.toString('hex') !== row.root) {
      problems.push({
        code: 'checkpoint-altered',
        subject,
        message: `checkpoint ${row.size}'s columns disagree with its signed note`,
      });
    }
    if (opened.size > tree.size) {
      problems.push({
        code: 'log-rolled-back',
        subject,
        message: `checkpoint ${opened.size} was signed but the log now holds only ${tree.size} entries`,
      });
      continue;
    }
    if (!tree.rootAt(opened.size).equals(opened.root)) {
      problems.push({
        code: 'checkpoint-root-mismatch',
        subject,
        message: `the entries' tree of size ${opened.size} does not have the root this checkpoint signed`,
      });
      continue;
    }
    if (previous && !tree.consistent(previous.size, opened.size, previous.root, opened.root)) {
      problems.push({
        code: 'checkpoint-inconsistent',
        subject,
        message: `not consistent with checkpoint ${previous.size}`,
      });
    }
    previous = { size: opened.size, root: opened.root, key: j };
  }
  checkState(ctx, chain, rows, problems, readState);
  await checkGuards(ctx, problems);
}

/** checkState compares the database's checkpoints with the signer's memory of its last one. */
function checkState(
  ctx: Ctx,
  chain: KeyChain,
  rows: readonly CheckpointRow[],
  problems: Problem[],
  readState: () => SignerState | undefined,
): void {
  let state: SignerState | undefined;
  try {
    state = readState();
  } catch (err) {
    problems.push({ code: 'signer-state-invalid', subject: 'signer state', message: (err as Error).message });
    return;
  }
  const latest = rows[rows.length - 1];
  if (!state) {
    if (latest) {
      problems.push({
        code: 'signer-state-missing',
        subject: 'signer state',
        message: `${rows.length} checkpoint(s) are stored but the signer's state file (keys/custody-log.state) is missing`,
      });
    }
    return;
  }
  const opened = openWith(state.signedNote, [chain.keys[chain.indexFor(state.size)]!], ctx.logKey.origin);
  if (!opened.ok || opened.size !== state.size || opened.root.toString('hex') !== state.root) {
    problems.push({
      code: 'signer-state-invalid',
      subject: 'signer state',
      message: 'the signer state does not hold a checkpoint signed by the log key',
    });
    return;
  }
  const mine = rows.find((r) => Number(r.number) === state.number);
  if (!mine) {
    problems.push({
      code: 'checkpoint-missing-latest',
      subject: `checkpoint #${state.number}`,
      message: `checkpoint #${state.number} (size ${state.size}), the last the signer signed, is not in the database`,
    });
  } else if (Number(mine.size) !== state.size || mine.root !== state.root) {
    problems.push({
      code: 'checkpoint-altered',
      subject: `checkpoint #${state.number}`,
      message: `checkpoint #${state.number} in the database is not the one the signer signed`,
    });
  }
  if (latest && Number(latest.number) > state.number) {
    problems.push({
      code: 'checkpoint-not-signed-here',
      subject: `checkpoint #${latest.number}`,
      message: `the database holds checkpoint #${latest.number} but the signer's last is #${state.number}`,
    });
  }
}

async function checkGuards(ctx: Ctx, problems: Problem[]): Promise<void> {
  const present = await triggerNames(ctx.db);
  for (const t of APPEND_ONLY_TABLES) {
    const missing = guardNames(ctx.db, t).filter((n) => !present.has(n));
    if (missing.length) {
      problems.push({
        code: 'log-guard-missing',
        subject: t,
        message: `table ${t} is no longer append-only: trigger(s) ${missing.join(', ')} were dropped`,
      });
    }
  }
}

/**
 * checkPublished compares a checkpoint kept outside (as saved by a browser or editor: CRLF and
 * trailing newlines are normalised) with the log: it must be signed by a key of the chain, and
 * the log must still hold its tree.
 */
export function checkPublished(
  ctx: Ctx,
  chain: KeyChain,
  saved: string,
  tree: RecomputedTree,
  problems: Problem[],
): void {
  const opened = openWith(normaliseSavedNote(saved), chain.keys, ctx.logKey.origin);
  if (!opened.ok) {
    problems.push({
      code: 'published-checkpoint-invalid',
      subject: 'published checkpoint',
      message: opened.error,
    });
    return;
  }
  const subject = `published checkpoint ${opened.size}`;
  if (opened.size > tree.size) {
    problems.push({
      code: 'log-rolled-back',
      subject,
      message: `a checkpoint of ${opened.size} entries was published but the log now holds ${tree.size}: it was rolled back`,
    });
  } else if (!tree.rootAt(opened.size).equals(opened.root)) {
    problems.push({
      code: 'log-rewritten',
      subject,
      message: `the log's first ${opened.size} entries no longer have the published root`,
    });
  }
}
