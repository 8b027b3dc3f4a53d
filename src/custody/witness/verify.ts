/**
 * verify.ts — checking witnesses' cosignatures as a verifier does: against witness keys the
 * auditor names (`--witness VKEY`, repeatable) and a quorum (`--quorum N`, default all of them),
 * never against the deployment's configuration. A cosignature counts when it verifies under one
 * of those keys over the checkpoint's body (tlog-cosignature v1); each witness counts once.
 */
import type { Ctx } from '../../ctx.js';
import {
  type Cosigned,
  type CosignerVerifier,
  checkCosignatures,
  parseCosignerKey,
} from '../../lib/cosignature.js';
import type { Problem } from '../problem.js';
import { checkpointByNumber, logSize } from '../repo.js';

/** WitnessPolicy is whom the verifier trusts to witness, and how many must. */
export interface WitnessPolicy {
  readonly witnesses: readonly CosignerVerifier[];
  readonly quorum: number;
}

/** QuorumCheck says who cosigned one checkpoint note and whether that is enough. */
export interface QuorumCheck {
  readonly cosigned: readonly Cosigned[];
  readonly invalid: readonly string[];
  readonly quorum: number;
  readonly met: boolean;
}

/**
 * witnessPolicy parses the verifier's witness keys and quorum; throws Error with the reason
 * (a malformed key, a key given twice, a quorum outside 1…number of witnesses).
 */
export function witnessPolicy(vkeys: readonly string[], quorum?: number): WitnessPolicy {
  const witnesses = vkeys.map((k) => parseCosignerKey(k.trim()));
  const names = new Set(witnesses.map((w) => w.name));
  if (names.size !== witnesses.length) throw new Error('a witness is named twice');
  const q = quorum ?? witnesses.length;
  if (!Number.isSafeInteger(q) || q < 1 || q > witnesses.length)
    throw new Error(`the quorum must be a whole number from 1 to ${witnesses.length} (the witnesses given)`);
  return { witnesses, quorum: q };
}

/** checkQuorum checks the cosignatures on `note` (already verified as the log's) against `policy`. */
export function checkQuorum(note: string, policy: WitnessPolicy): QuorumCheck {
  const { cosigned, invalid } = checkCosignatures(note, policy.witnesses);
  return { cosigned, invalid, quorum: policy.quorum, met: cosigned.length >= policy.quorum };
}

/** WitnessedReport is what `attest verify --witness` found at the deployment. */
export interface WitnessedReport {
  /** The newest checkpoint that a quorum cosigned, and by whom; null if none. */
  readonly checkpoint: {
    readonly number: number;
    readonly size: number;
    readonly cosigned: readonly Cosigned[];
  } | null;
  readonly quorum: number;
  /** Entries after that checkpoint, not yet witnessed. */
  readonly unwitnessed: number;
}

/**
 * verifyWitnessed finds the newest checkpoint in the database that a quorum of the given witnesses
 * cosigned (the stored cosignature lines, re-verified over the stored note), and names every
 * stored line under a given witness's key that does not verify (`witness-cosignature-invalid`).
 * No checkpoint with a quorum is `witness-quorum-not-met`. The rest of `attest verify` checks
 * that every later checkpoint extends the witnessed one, so the log up to its size is witnessed.
 */
export async function verifyWitnessed(
  ctx: Ctx,
  policy: WitnessPolicy,
): Promise<{ problems: Problem[]; report: WitnessedReport }> {
  const problems: Problem[] = [];
  const vkeys = policy.witnesses.map((w) => w.verifierKey);
  const numbers = await ctx.db
    .selectFrom('checkpoint_cosignature')
    .select('checkpoint_number')
    .where('witness_vkey', 'in', vkeys)
    .groupBy('checkpoint_number')
    .orderBy('checkpoint_number', 'desc')
    .execute();
  let found: WitnessedReport['checkpoint'] = null;
  for (const { checkpoint_number } of numbers) {
    const number = Number(checkpoint_number);
    const row = await checkpointByNumber(ctx.db, number);
    if (!row) continue; // a missing checkpoint row is named by the checkpoint checks
    const lines = await ctx.db
      .selectFrom('checkpoint_cosignature')
      .select('line')
      .where('checkpoint_number', '=', number)
      .orderBy('witness_vkey')
      .execute();
    const check = checkQuorum(row.signed_note + lines.map((l) => l.line).join(''), policy);
    for (const name of check.invalid)
      problems.push({
        code: 'witness-cosignature-invalid',
        subject: `checkpoint #${number}`,
        message: `the stored cosignature of witness ${name} does not verify over this checkpoint`,
      });
    if (check.met) {
      found = { number, size: Number(row.size), cosigned: check.cosigned };
      break;
    }
  }
  if (!found)
    problems.push({
      code: 'witness-quorum-not-met',
      subject: 'witnesses',
      message: `no checkpoint is cosigned by ${policy.quorum} of the ${policy.witnesses.length} witness(es) given`,
    });
  const size = await logSize(ctx.db);
  return {
    problems,
    report: { checkpoint: found, quorum: policy.quorum, unwitnessed: found ? size - found.size : size },
  };
}
