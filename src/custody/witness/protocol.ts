/**
 * protocol.ts — the wire formats of C2SP tlog-witness (https://c2sp.org/tlog-witness,
 * §add-checkpoint) as a log client speaks them, and the checks on what a witness answers.
 *
 *   request   "old " <size> "\n"            decimal, no leading zeroes ("0" for zero)
 *             <base64 hash> "\n"            × 0…63: RFC 6962 §2.1.2 proof from old size to checkpoint
 *             "\n"
 *             <checkpoint signed note>
 *   200       "— " <name> " " <base64> "\n" × 1…: cosignatures (tlog-cosignature) on the checkpoint
 *   409       <size> "\n", Content-Type text/x.tlog.size: the size the witness last cosigned
 *
 * Everything a witness sends back is untrusted: bounded before parsing, parsed strictly, and a
 * cosignature counts only when it verifies under the witness key the deployment configured.
 */

import { type Cosigned, type CosignerVerifier, checkCosignatures } from '../../lib/cosignature.js';
import { AttestError } from '../../lib/errors.js';
import { MAX_SIGNATURES, NoteError } from '../../lib/note.js';

/** MAX_PROOF_LINES is the most consistency proof lines a client may send (§add-checkpoint). */
export const MAX_PROOF_LINES = 63;
/** MAX_REPLY_BYTES bounds a witness's reply; a cosignature line is under 200 bytes. */
export const MAX_REPLY_BYTES = 64 * 1024;
/** SIZE_CONTENT_TYPE is the media type of a 409 reply's body (§add-checkpoint). */
export const SIZE_CONTENT_TYPE = 'text/x.tlog.size';

/**
 * WitnessFailureCode says why a witness did not cosign; stored as the witness's last error and
 * shown on the server-health screen. FORK_* mean the witness holds a view of the log that the
 * log's current tree does not extend: a rewrite or rollback happened (or the witness lies).
 */
export type WitnessFailureCode =
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'REPLY_TOO_LARGE'
  | 'BAD_REPLY'
  | 'INVALID_COSIGNATURE'
  | 'NO_COSIGNATURE'
  | 'FUTURE_COSIGNATURE'
  | 'FORK_PROOF_REFUSED'
  | 'FORK_SAME_SIZE'
  | 'FORK_WITNESS_AHEAD'
  | 'UNKNOWN_LOG'
  | 'LOG_KEY_NOT_TRUSTED'
  | 'BAD_REQUEST'
  | 'HTTP_ERROR';

/** FORK_CODES are the failures that mean the witness refused this log's history. */
export const FORK_CODES: readonly WitnessFailureCode[] = [
  'FORK_PROOF_REFUSED',
  'FORK_SAME_SIZE',
  'FORK_WITNESS_AHEAD',
];

/** WitnessFailure is one failed exchange with a witness; its message names no secret. */
export class WitnessFailure extends AttestError<WitnessFailureCode> {}

const SIZE_TEXT = /^(?:0|[1-9][0-9]{0,15})$/;

/** addCheckpointBody formats the request body of add-checkpoint (§add-checkpoint). */
export function addCheckpointBody(oldSize: number, proof: readonly Uint8Array[], signedNote: string): string {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0)
    throw new RangeError('old size must be a whole number ≥ 0');
  if (proof.length > MAX_PROOF_LINES) throw new RangeError(`at most ${MAX_PROOF_LINES} proof lines`);
  if (oldSize === 0 && proof.length > 0)
    throw new RangeError('the proof must be empty when the old size is 0');
  const lines = proof.map((h) => `${Buffer.from(h).toString('base64')}\n`).join('');
  return `old ${oldSize}\n${lines}\n${signedNote}`;
}

/** parseSizeReply reads a 409 body, "<size>\n" in decimal; undefined when it is anything else. */
export function parseSizeReply(body: Buffer): number | undefined {
  if (body.length > 32) return undefined;
  const text = body.toString('latin1');
  if (!text.endsWith('\n')) return undefined;
  const digits = text.slice(0, -1);
  return SIZE_TEXT.test(digits) ? Number(digits) : undefined;
}

/**
 * cosignatureFromReply checks a 200 reply to add-checkpoint of `signedNote` and returns the
 * witness's cosignature: the reply must be UTF-8 signature lines only (no blank line, which would
 * move where the note's text ends), and one of them must verify under `witness`. Lines by other
 * keys are ignored (§add-checkpoint: "The client MUST ignore any cosignatures from unknown
 * keys"); a line under the witness's key id that does not verify is INVALID_COSIGNATURE. A
 * timestamp more than `maxSkewSeconds` after `now` is refused (tlog-cosignature §Format:
 * "verifiers MAY reject cosignatures with timestamps in the future").
 */
export function cosignatureFromReply(
  reply: Buffer,
  signedNote: string,
  witness: CosignerVerifier,
  now: Date,
  maxSkewSeconds = 600,
): Cosigned {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(reply);
  } catch {
    throw new WitnessFailure('BAD_REPLY', 'the witness replied with bytes that are not UTF-8');
  }
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : [];
  if (lines.length === 0 || lines.length >= MAX_SIGNATURES || lines.some((l) => !l.startsWith('\u2014 ')))
    throw new WitnessFailure('BAD_REPLY', 'the witness did not reply with signature lines');
  let check: ReturnType<typeof checkCosignatures>;
  try {
    check = checkCosignatures(`${signedNote}${text}`, [witness]);
  } catch (err) {
    if (err instanceof NoteError)
      throw new WitnessFailure('BAD_REPLY', 'the witness replied with malformed signature lines');
    throw err;
  }
  if (check.invalid.length > 0)
    throw new WitnessFailure(
      'INVALID_COSIGNATURE',
      `a cosignature under witness ${witness.name}'s key does not verify: refused`,
    );
  const mine = check.cosigned[0];
  if (!mine)
    throw new WitnessFailure(
      'NO_COSIGNATURE',
      `the reply holds no cosignature by the configured key of ${witness.name}`,
    );
  if (mine.timestamp > Math.floor(now.getTime() / 1000) + maxSkewSeconds)
    throw new WitnessFailure(
      'FUTURE_COSIGNATURE',
      `witness ${witness.name} dated its cosignature in the future: refused`,
    );
  return mine;
}
