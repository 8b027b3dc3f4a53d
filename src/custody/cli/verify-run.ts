/**
 * verify-run.ts — `attest verify` reads one instant of the deployment. Its checks run one after
 * another for as long as re-hashing every blob takes, while a live server goes on appending
 * entries, signing checkpoints and recording items; read piecemeal, a verify would see a log
 * counter older than the entries, subtree hashes or checkpoints newer than the tree it built,
 * items whose entries it never read — and raise alarms about a deployment that is whole. So:
 *
 * - every check that reads records runs in one read snapshot of the database
 *   (store/dialect.ts `openReadSnapshot`: SQLite, one read transaction; PostgreSQL, one
 *   `REPEATABLE READ, READ ONLY` transaction), which sees everything committed before it and
 *   nothing after;
 * - the snapshot is taken, and the signer's state file read, while no process signs (the
 *   signer's locks, as `attest backup` takes them): the state then names the snapshot's last
 *   checkpoint, not one signed while verify runs;
 * - checks marked `live` (stored files against the records: orphan blobs) run after the
 *   snapshot ends, against the database as it is then, since a blob stored for an item
 *   committed after the snapshot began is no orphan.
 */
import type { Ctx } from '../../ctx.js';
import { openReadSnapshot, type ReadSnapshot } from '../../store/dialect.js';
import type { Database } from '../../store/schema.js';
import type { Problem } from '../problem.js';
import { withSignerHeld } from '../signer.js';
import { readSignerState, type SignerState } from '../signer-state.js';
import type { VerifyOptions } from '../verify.js';

/** VerifyCheck is one named part of `attest verify`. */
export interface VerifyCheck {
  readonly name: string;
  /**
   * Runs after the snapshot, on the store as it is then (checks of stored files against the
   * records). Default: in the snapshot.
   */
  readonly live?: boolean;
  run(ctx: Ctx, published: readonly string[], options: VerifyOptions): Promise<Problem[]>;
}

/** runVerifyChecks runs `checks` in order: the snapshot's first, then the live ones. */
export async function runVerifyChecks(
  ctx: Ctx,
  checks: readonly VerifyCheck[],
  published: readonly string[],
  options: VerifyOptions,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  const { snapshot, signerState } = await snapshotWithSignerState(ctx);
  try {
    const at: Ctx = { ...ctx, db: snapshot.db };
    const inSnapshot: VerifyOptions = { ...options, signerState };
    for (const check of checks)
      if (!check.live) problems.push(...(await check.run(at, published, inSnapshot)));
  } finally {
    await snapshot.end();
  }
  for (const check of checks) if (check.live) problems.push(...(await check.run(ctx, published, options)));
  return problems;
}

/** Errors that say the keys directory cannot be written: nobody signs there, so no lock is needed. */
const READ_ONLY = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * snapshotWithSignerState opens the snapshot and reads the signer's state while holding the
 * signer's locks. An auditor verifying a copy whose keys directory they cannot write (a
 * read-only mount) cannot take the lock file — and no process can sign there either — so the
 * snapshot is then taken without it.
 */
async function snapshotWithSignerState(
  ctx: Ctx,
): Promise<{ snapshot: ReadSnapshot<Database>; signerState: () => SignerState | undefined }> {
  let opened: ReadSnapshot<Database> | undefined;
  const take = async () => {
    opened = await openReadSnapshot(ctx.db);
    let state: SignerState | undefined;
    let failure: unknown;
    try {
      state = readSignerState(ctx.config.keysDir);
    } catch (err) {
      failure = err; // reported by the checkpoint checks as signer-state-invalid
    }
    return {
      snapshot: opened,
      signerState: () => {
        if (failure !== undefined) throw failure;
        return state;
      },
    };
  };
  try {
    return await withSignerHeld(ctx, take);
  } catch (err) {
    await opened?.end();
    opened = undefined;
    if (READ_ONLY.has(String((err as NodeJS.ErrnoException).code))) return take();
    throw err;
  }
}
