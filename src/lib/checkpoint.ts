/**
 * checkpoint.ts — C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the signed statement
 * of a transparency log's size and root, carried in a C2SP signed note (note.ts). Proven by
 * test/vectors/checkpoint.json (checkpoint.test.ts): bodies and signed notes byte for byte.
 *
 *   <origin>\n                non-empty; names the log (and, by default, its key)
 *   <size>\n                  decimal ASCII digits, no sign, no leading zeros
 *   <root>\n                  standard base64 of the 32-byte RFC 6962 root
 *   [<extension>\n]*          optional non-empty lines
 *
 * Parsing is strict: the body is formatted again from what was parsed and must equal the input,
 * so each checkpoint has exactly one accepted encoding.
 */
import { AttestError } from './errors.js';
import {
  decodeBase64,
  isNoteText,
  type Note,
  openNote,
  parseVerifierKey,
  type Signer,
  signNote,
  type Verifier,
} from './note.js';

/** MAX_CHECKPOINT_BYTES bounds a body before parsing; real ones are under 200 bytes. */
export const MAX_CHECKPOINT_BYTES = 64 * 1024;
const ROOT_SIZE = 32;
// At most 16 digits: every safe integer fits, and longer input is refused before Number().
const SIZE_TEXT = /^(?:0|[1-9][0-9]{0,15})$/;

export type CheckpointErrorCode = 'MALFORMED_CHECKPOINT' | 'UNEXPECTED_ORIGIN';

/** CheckpointError is thrown for a body that is not a canonical checkpoint, or is another log's. */
export class CheckpointError extends AttestError<CheckpointErrorCode> {}

/** CheckpointFields are what a checkpoint states. */
export interface CheckpointFields {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  readonly extensions?: readonly string[];
}

/** Checkpoint is a parsed checkpoint body. */
export interface Checkpoint extends CheckpointFields {
  readonly root: Buffer;
  readonly extensions: readonly string[];
}

/** OpenedCheckpoint is a checkpoint whose note signature verified, with that note. */
export interface OpenedCheckpoint extends Checkpoint {
  readonly note: Note;
}

const malformed = (why: string) =>
  new CheckpointError('MALFORMED_CHECKPOINT', `malformed checkpoint: ${why}`);

/** isCheckpointLine tells whether `line` can be one line of a body: non-empty note text. */
function isCheckpointLine(line: string): boolean {
  return line !== '' && !line.includes('\n') && isNoteText(line);
}

/** formatCheckpoint returns the body text of `cp`, each line ending in "\n". */
export function formatCheckpoint(cp: CheckpointFields): string {
  const extensions = cp.extensions ?? [];
  if (!isCheckpointLine(cp.origin)) throw malformed('the origin must be one non-empty line');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw malformed('the size must be a safe integer ≥ 0');
  if (!(cp.root instanceof Uint8Array) || cp.root.length !== ROOT_SIZE)
    throw malformed('the root must be 32 bytes');
  if (!extensions.every(isCheckpointLine)) throw malformed('extension lines must be non-empty lines');
  const lines = [cp.origin, String(cp.size), Buffer.from(cp.root).toString('base64'), ...extensions];
  return `${lines.join('\n')}\n`;
}

/**
 * parseCheckpoint parses a checkpoint body (the text of an opened note). The body is
 * attacker-controlled until its note is verified: it is bounded, every field is checked, and the
 * body must re-format to itself (no "+1", "065", non-canonical base64 or trailing blank line).
 */
export function parseCheckpoint(body: string): Checkpoint {
  if (typeof body !== 'string' || body.length > MAX_CHECKPOINT_BYTES) throw malformed('too large');
  if (!body.endsWith('\n')) throw malformed('the body must end in a newline');
  const [origin = '', sizeText = '', rootText = '', ...extensions] = body.slice(0, -1).split('\n');
  if (!SIZE_TEXT.test(sizeText))
    throw malformed('the size must be decimal digits without a sign or leading zero');
  const size = Number(sizeText);
  const root = decodeBase64(rootText);
  if (!root || root.length !== ROOT_SIZE) throw malformed('the root must be base64 of 32 bytes');
  const cp: Checkpoint = Object.freeze({ origin, size, root, extensions: Object.freeze(extensions) });
  if (formatCheckpoint(cp) !== body) throw malformed('the body is not in canonical form');
  return cp;
}

/** signCheckpoint returns the signed note of the checkpoint `cp`. */
export function signCheckpoint(cp: CheckpointFields, ...signers: Signer[]): string {
  return signNote(formatCheckpoint(cp), ...signers);
}

/**
 * openCheckpoint verifies `note` against one verifier key and parses its body. The origin must
 * be `origin`, by default the key's name (C2SP: a checkpoint is only meaningful for the log its
 * client expects). Throws NoteError (see openNote) or CheckpointError.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifierKey: string | Verifier,
  origin?: string,
): OpenedCheckpoint {
  const verifier = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  const opened = openNote(note, [verifier]);
  const cp = parseCheckpoint(opened.text);
  const want = origin ?? verifier.name;
  if (cp.origin !== want) {
    throw new CheckpointError('UNEXPECTED_ORIGIN', `checkpoint origin ${cp.origin} is not ${want}`, {
      origin: cp.origin,
      want,
    });
  }
  return Object.freeze({ ...cp, note: opened });
}
