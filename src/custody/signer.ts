/**
 * signer.ts — signing a checkpoint only when the log provably extends the last checkpoint this
 * signer signed (issue 18.2). The last signed checkpoint lives outside the database
 * (signer-state.ts); before each signature the signer checks that the database still holds it
 * unchanged, and verifies an RFC 6962 §2.1.2 consistency proof from it to the tree it is about
 * to sign (RFC 9162 §2.1.4.2). A log rewritten in the database — an entry changed and the
 * subtree hashes rebuilt, checkpoint rows deleted, the log rolled back — is refused with
 * CONTINUITY, not signed. Checkpoints are numbered 1, 2, 3… (the state records the number).
 */
import { readFileSync } from 'node:fs';
import { type Ctx, nowIso } from '../ctx.js';
import { formatCheckpoint } from '../lib/checkpoint.js';
import { verifyConsistency } from '../lib/merkle.js';
import { parseSignerKey } from '../lib/note.js';
import { serialisedAcrossProcesses } from '../store/dialect.js';
import { keyPath } from '../store/keys.js';
import { CustodyError } from './errors.js';
import { checkpointByNumber, latestCheckpointRow, logSize } from './repo.js';
import { clearRefusal, recordRefusal } from './signer-health.js';
import {
  readSignerState,
  type SignerState,
  statePath,
  withSignerLock,
  writeSignerState,
} from './signer-state.js';
import { type Checkpoint, checkpointFromRow, proveConsistencyIn, treeRootIn } from './tree.js';

/**
 * signContinuing signs a checkpoint of the log as it is now, or returns the latest one when
 * nothing was appended since. It throws CONTINUITY (and records the refusal) when the log does
 * not extend the last checkpoint this signer signed.
 */
export async function signContinuing(
  ctx: Ctx,
  cosign?: (text: string) => string,
): Promise<Checkpoint | undefined> {
  try {
    // One signer at a time: in this process and on this machine (the lock file), and among
    // every process on the database (a PostgreSQL advisory lock, issue 21.2).
    const cp = await withSignerLock(ctx.config.keysDir, () =>
      serialisedAcrossProcesses(ctx.db, 'custody-signer', (db) => signLocked({ ...ctx, db }, cosign)),
    );
    clearRefusal(ctx);
    return cp;
  } catch (err) {
    if (err instanceof CustodyError && (err.code === 'CONTINUITY' || err.code === 'STATE_INVALID')) {
      recordRefusal(ctx, err.code, err.message);
    }
    throw err;
  }
}

/**
 * withSignerHeld runs `fn` while no process signs a checkpoint (the same two locks a signature
 * takes): `attest backup` reads the database snapshot and the signer state inside it, so the
 * state it saves belongs to the snapshot's last checkpoint.
 */
export function withSignerHeld<T>(ctx: Ctx, fn: () => Promise<T>): Promise<T> {
  return withSignerLock(ctx.config.keysDir, () =>
    serialisedAcrossProcesses(ctx.db, 'custody-signer', () => fn()),
  );
}

const refuse = (message: string) => new CustodyError('CONTINUITY', `refusing to sign: ${message}`);

async function signLocked(ctx: Ctx, cosign?: (text: string) => string): Promise<Checkpoint | undefined> {
  const size = await logSize(ctx.db);
  if (size === 0) return undefined;
  refuseStaleKey(ctx);
  const state = readSignerState(ctx.config.keysDir);
  let latest = await latestCheckpointRow(ctx.db);
  if (!state) {
    if (latest) {
      throw refuse(
        `the database holds ${latest.number} checkpoint(s) but this signer has no record of the last one it signed ` +
          `(${statePath(ctx.config.keysDir)} is missing). Restore it from the backup taken with the key; ` +
          'or, after `attest verify --checkpoint <published checkpoints>` passes, run `attest log trust-state` to adopt the latest checkpoint',
      );
    }
  } else {
    latest = await reconcile(ctx, state, latest);
    if (size < state.size) {
      throw refuse(
        `the log holds ${size} entries but checkpoint ${state.number} signed ${state.size}: it was rolled back`,
      );
    }
  }
  if (state && latest && Number(latest.size) >= size) return checkpointFromRow(latest);

  const plan = state
    ? await proveConsistencyIn(ctx.db, state.size, size)
    : { newRoot: (await treeRootIn(ctx.db, size)).toString('hex') };
  const root = Buffer.from(plan.newRoot, 'hex');
  if (state && 'proof' in plan) {
    const ok =
      plan.oldRoot === state.root &&
      verifyConsistency(
        state.size,
        size,
        Buffer.from(state.root, 'hex'),
        root,
        plan.proof.map((h) => Buffer.from(h, 'hex')),
      );
    if (!ok) {
      throw refuse(
        `the log of ${size} entries is not an extension of checkpoint ${state.number} (size ${state.size}) that this signer signed: ` +
          'entries before it were changed. Run `attest verify` to find them',
      );
    }
  }
  const number = (state?.number ?? 0) + 1;
  const signedNote = cosign
    ? cosign(formatCheckpoint({ origin: ctx.logKey.origin, size, root }))
    : ctx.logKey.signCheckpoint(size, root);
  const row = { number, size, root: root.toString('hex'), signed_note: signedNote, at: nowIso(ctx) };
  // The signer's memory is written first: after a crash between the two writes, the next
  // signature re-inserts the row from the state (reconcile) rather than forgetting it signed.
  writeSignerState(ctx.config.keysDir, {
    origin: ctx.logKey.origin,
    number,
    size,
    root: row.root,
    signedNote,
    at: row.at,
  });
  await ctx.db.insertInto('checkpoint').values(row).execute();
  return checkpointFromRow(row);
}

/** refuseStaleKey refuses to sign with a key that `attest log rotate-key` has since replaced. */
function refuseStaleKey(ctx: Ctx): void {
  let onDisk: string | undefined;
  try {
    onDisk = parseSignerKey(readFileSync(keyPath(ctx.config.keysDir), 'utf8').trim()).verifierKey;
  } catch {
    onDisk = undefined;
  }
  if (onDisk !== ctx.logKey.verifierKey) {
    throw refuse(
      'the log key on disk is not the one this process loaded (rotated?): restart to sign with it',
    );
  }
}

/**
 * reconcile checks the database against the state: the checkpoint the signer signed last must be
 * there, unchanged, and be the latest. When only that row is missing and the one before it is the
 * database's latest (a crash between writing the state and the row), the row is put back.
 */
async function reconcile(
  ctx: Ctx,
  state: SignerState,
  latest: Awaited<ReturnType<typeof latestCheckpointRow>>,
) {
  if (state.origin !== ctx.logKey.origin) {
    throw refuse(`the signer state is for log ${state.origin}, not ${ctx.logKey.origin}`);
  }
  const opened = ctx.logKey.openCheckpoint(state.signedNote);
  if (!opened.ok || opened.size !== state.size || opened.root.toString('hex') !== state.root) {
    throw new CustodyError('STATE_INVALID', 'the signer state does not hold a checkpoint signed by this key');
  }
  const latestNumber = latest ? Number(latest.number) : 0;
  if (latestNumber > state.number) {
    throw refuse(
      `the database holds checkpoint ${latestNumber} but this signer signed only up to ${state.number}: it did not sign the newer one`,
    );
  }
  const mine = latestNumber === state.number ? latest : await checkpointByNumber(ctx.db, state.number);
  if (!mine) {
    if (latestNumber === state.number - 1) {
      const row = {
        number: state.number,
        size: state.size,
        root: state.root,
        signed_note: state.signedNote,
        at: state.at,
      };
      await ctx.db.insertInto('checkpoint').values(row).execute();
      return row;
    }
    throw refuse(
      `checkpoint ${state.number} (size ${state.size}), the last this signer signed, is missing from the database ` +
        `(its latest is ${latestNumber || 'none'}): checkpoint rows were deleted`,
    );
  }
  if (Number(mine.size) !== state.size || mine.root !== state.root || mine.signed_note !== state.signedNote) {
    throw refuse(`checkpoint ${state.number} in the database is not the one this signer signed`);
  }
  return mine;
}
