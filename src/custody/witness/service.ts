/**
 * service.ts — the log's side of C2SP tlog-witness: after the signer signs a checkpoint, each
 * configured witness is sent the latest one with a consistency proof from the size it last
 * cosigned, and its cosignature (C2SP tlog-cosignature v1) is verified, stored and served with
 * the checkpoint. Nothing here is in a request's path: `witnessLatest` runs from a timer in
 * `attest serve` (startWitnessTimer) and from `attest log witness`.
 *
 * Durable without a job row: what to do next is read from the database each time (the latest
 * checkpoint, what each witness cosigned, when to try again), so a crash loses nothing and a
 * restart resumes. One process at a time talks to a witness: a lease on its row. A failure is
 * recorded (code, message, time), and the next try waits 15 s · 2^(failures-1), at most 15 min.
 */
import { randomUUID } from 'node:crypto';
import { type Ctx, nowIso } from '../../ctx.js';
import { type CosignerVerifier, parseCosignerKey } from '../../lib/cosignature.js';
import type { WitnessConfig } from '../../lib/witness-config.js';
import { latestCheckpointRow } from '../repo.js';
import { type Checkpoint, checkpointFromRow, proveConsistencyIn } from '../tree.js';
import { type ExchangeLimits, postAddCheckpoint } from './http.js';
import {
  addCheckpointBody,
  cosignatureFromReply,
  MAX_REPLY_BYTES,
  parseSizeReply,
  SIZE_CONTENT_TYPE,
  WitnessFailure,
} from './protocol.js';
import {
  claimWitness,
  cosignatureRows,
  ensureWitnessRow,
  storeCosignature,
  updateLeased,
  type WitnessRow,
  witnessRows,
} from './repo.js';

/** DEFAULT_TIMEOUT_MS bounds one exchange with a witness (connect, send, read). */
export const DEFAULT_TIMEOUT_MS = 10_000;
const LEASE_MS = 2 * 60_000;
const BACKOFF_BASE_MS = 15_000;
const BACKOFF_MAX_MS = 15 * 60_000;
const MAX_ERROR_CHARS = 500;
// A 409 names the witness's size and we re-send from it; a witness that keeps moving is an error.
const MAX_CONFLICT_ROUNDS = 3;

export interface WitnessRunOptions extends Partial<ExchangeLimits> {
  /** Try now even when the back-off says wait (the `attest log witness` command). */
  readonly force?: boolean;
}

/** WitnessOutcome is what one run did with one witness. */
export interface WitnessOutcome {
  readonly name: string;
  readonly outcome: 'cosigned' | 'current' | 'waiting' | 'busy' | 'failed' | 'no-checkpoint';
  readonly size?: number;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * witnessLatest asks every configured witness that has not cosigned the latest checkpoint to
 * cosign it, all at once (one slow witness does not hold up the others). It never throws for a
 * witness's failure: that is recorded on the witness's row and returned.
 */
export async function witnessLatest(ctx: Ctx, options: WitnessRunOptions = {}): Promise<WitnessOutcome[]> {
  const { witnesses } = ctx.config.witnesses;
  if (witnesses.length === 0) return [];
  const row = await latestCheckpointRow(ctx.db);
  if (!row) return witnesses.map((w) => ({ name: w.name, outcome: 'no-checkpoint' as const }));
  const cp = checkpointFromRow(row);
  return Promise.all(witnesses.map((w) => witnessOne(ctx, w, cp, options)));
}

async function witnessOne(
  ctx: Ctx,
  w: WitnessConfig,
  cp: Checkpoint,
  options: WitnessRunOptions,
): Promise<WitnessOutcome> {
  await ensureWitnessRow(ctx.db, w.vkey, w.name);
  const [before] = await witnessRows(ctx.db, [w.vkey]);
  const due = (r: WitnessRow | undefined) => {
    if (!r) throw new Error('witness row vanished');
    if (r.cosigned_number !== null && Number(r.cosigned_number) >= cp.number)
      return { name: w.name, outcome: 'current' as const, size: Number(r.cosigned_size) };
    if (!options.force && r.next_attempt_at !== null && r.next_attempt_at > now)
      return { name: w.name, outcome: 'waiting' as const };
    return undefined;
  };
  const now = nowIso(ctx);
  const skip = due(before);
  if (skip) return skip;
  const owner = randomUUID();
  const until = new Date(ctx.clock().getTime() + LEASE_MS).toISOString();
  if (!(await claimWitness(ctx.db, w.vkey, owner, now, until))) return { name: w.name, outcome: 'busy' };
  // Read again under the lease: another process may have finished this witness meanwhile.
  const [state] = await witnessRows(ctx.db, [w.vkey]);
  const skipNow = due(state);
  if (skipNow || !state) {
    await updateLeased(ctx.db, w.vkey, owner, { lease_owner: null, lease_until: null });
    return skipNow ?? { name: w.name, outcome: 'busy' };
  }
  try {
    const cosigned = await exchange(ctx, w, cp, state, owner, options);
    await ctx.db.transaction().execute(async (trx) => {
      await storeCosignature(trx, { number: cp.number, vkey: w.vkey, name: w.name, ...cosigned, at: now });
      await updateLeased(trx, w.vkey, owner, {
        cosigned_number: cp.number,
        cosigned_size: cp.size,
        cosigned_root: cp.root,
        cosigned_at: new Date(cosigned.timestamp * 1000).toISOString(),
        known_size: null,
        last_success_at: now,
        last_error_code: null,
        last_error: null,
        last_error_at: null,
        failures: 0,
        next_attempt_at: null,
        lease_owner: null,
        lease_until: null,
      });
    });
    return { name: w.name, outcome: 'cosigned', size: cp.size };
  } catch (err) {
    const failure =
      err instanceof WitnessFailure
        ? err
        : new WitnessFailure('HTTP_ERROR', `witness ${w.name}: ${(err as Error).message}`);
    const failures = Number(state.failures) + 1;
    const wait = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 20));
    await updateLeased(ctx.db, w.vkey, owner, {
      last_error_code: failure.code,
      last_error: failure.message.slice(0, MAX_ERROR_CHARS),
      last_error_at: now,
      failures,
      next_attempt_at: new Date(ctx.clock().getTime() + wait).toISOString(),
      lease_owner: null,
      lease_until: null,
    });
    return { name: w.name, outcome: 'failed', error: { code: failure.code, message: failure.message } };
  }
}

/**
 * exchange runs add-checkpoint until the witness cosigns: from the size it last cosigned (or said
 * it holds), re-sending from the size a 409 names (tlog-witness §add-checkpoint). Returns the
 * verified cosignature; throws WitnessFailure.
 */
async function exchange(
  ctx: Ctx,
  w: WitnessConfig,
  cp: Checkpoint,
  state: WitnessRow,
  owner: string,
  options: WitnessRunOptions,
): Promise<{ timestamp: number; line: string }> {
  const verifier: CosignerVerifier = parseCosignerKey(w.vkey);
  const limits: ExchangeLimits = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: options.maxBytes ?? MAX_REPLY_BYTES,
  };
  let old = Number(state.known_size ?? state.cosigned_size ?? 0);
  for (let round = 0; round < MAX_CONFLICT_ROUNDS; round++) {
    if (old > cp.size)
      throw new WitnessFailure(
        'FORK_WITNESS_AHEAD',
        `witness ${w.name} has cosigned a tree of ${old} entries, more than the latest checkpoint (${cp.size}): the log was rolled back or rewritten`,
      );
    const proof =
      old === 0
        ? []
        : (await proveConsistencyIn(ctx.db, old, cp.size)).proof.map((h) => Buffer.from(h, 'hex'));
    const reply = await postAddCheckpoint(
      w.name,
      w.url,
      addCheckpointBody(old, proof, cp.signedNote),
      limits,
    );
    switch (reply.status) {
      case 200:
        return cosignatureFromReply(reply.body, cp.signedNote, verifier, ctx.clock());
      case 409: {
        const size =
          reply.contentType.split(';')[0]!.trim() === SIZE_CONTENT_TYPE
            ? parseSizeReply(reply.body)
            : undefined;
        if (size === undefined)
          throw new WitnessFailure(
            'BAD_REPLY',
            `witness ${w.name} answered 409 without its size (${SIZE_CONTENT_TYPE})`,
          );
        if (size === old)
          throw new WitnessFailure(
            'FORK_SAME_SIZE',
            `witness ${w.name} holds another tree of ${size} entries than this log: the log was rewritten`,
          );
        old = size;
        await updateLeased(ctx.db, w.vkey, owner, { known_size: size });
        continue;
      }
      case 422:
        throw new WitnessFailure(
          'FORK_PROOF_REFUSED',
          `witness ${w.name} refused the consistency proof from ${old} to ${cp.size} entries: the log does not extend the tree it cosigned (rewritten?)`,
        );
      case 404:
        throw new WitnessFailure(
          'UNKNOWN_LOG',
          `witness ${w.name} does not know this log's origin (404): ask its operator to add the log's key`,
        );
      case 403:
        throw new WitnessFailure(
          'LOG_KEY_NOT_TRUSTED',
          `witness ${w.name} does not trust this log's key (403)`,
        );
      case 400:
        throw new WitnessFailure('BAD_REQUEST', `witness ${w.name} rejected the request as malformed (400)`);
      default:
        throw new WitnessFailure('HTTP_ERROR', `witness ${w.name} answered HTTP ${reply.status}`);
    }
  }
  throw new WitnessFailure('BAD_REPLY', `witness ${w.name} kept answering 409 with a changing size`);
}

/** cosignedNote returns checkpoint `cp`'s signed note with its stored cosignature lines appended. */
export async function cosignedNote(ctx: Ctx, cp: Checkpoint): Promise<string> {
  const rows = await cosignatureRows(ctx.db, cp.number);
  return cp.signedNote + rows.map((r) => r.line).join('');
}

/**
 * startWitnessTimer runs witnessLatest every `everyMs` (not overlapping itself) when witnesses
 * are configured; it returns the function that stops it.
 */
export function startWitnessTimer(
  ctx: Ctx,
  onOutcome: (outcome: WitnessOutcome) => void,
  onError: (err: unknown) => void,
  everyMs = 5_000,
): () => void {
  if (ctx.config.witnesses.witnesses.length === 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    witnessLatest(ctx)
      .then((outcomes) => outcomes.forEach(onOutcome))
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
