/**
 * checkpoint.ts — C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the signed body of a
 * transparency log's state, proven by shared/vectors/checkpoint.json (checkpoint.test.ts).
 *
 *   <origin>\n <size, decimal, no sign or leading zeros>\n <base64 root, 32 bytes>\n [extension\n]*
 *
 * Parsing is strict: the body is re-formatted from what was parsed and must equal the input, so
 * each checkpoint has exactly one accepted encoding.
 */
import { AttestError } from './errors.js';
import { decodeBase64 } from './note.js';

export class CheckpointError extends AttestError<'MALFORMED_CHECKPOINT'> {}

export interface CheckpointBody {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  readonly extensions?: readonly string[];
}

const MAX_BODY = 64 * 1024;

/** formatCheckpoint returns the checkpoint body text. */
export function formatCheckpoint(cp: CheckpointBody): string {
  if (cp.origin === '' || cp.origin.includes('\n'))
    throw new CheckpointError('MALFORMED_CHECKPOINT', 'invalid origin');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0)
    throw new CheckpointError('MALFORMED_CHECKPOINT', 'invalid size');
  if (cp.root.length !== 32) throw new CheckpointError('MALFORMED_CHECKPOINT', 'root must be 32 bytes');
  const ext = cp.extensions ?? [];
  if (ext.some((e) => e === '' || e.includes('\n')))
    throw new CheckpointError('MALFORMED_CHECKPOINT', 'invalid extension line');
  return [cp.origin, String(cp.size), Buffer.from(cp.root).toString('base64'), ...ext]
    .map((l) => `${l}\n`)
    .join('');
}

/** parseCheckpoint parses a checkpoint body (the text of an opened note). */
export function parseCheckpoint(body: string): CheckpointBody {
  const malformed = () => new CheckpointError('MALFORMED_CHECKPOINT', 'malformed checkpoint');
  if (body.length > MAX_BODY || !body.endsWith('\n')) throw malformed();
  const lines = body.slice(0, -1).split('\n');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!origin || !sizeText || !rootText || !/^(0|[1-9][0-9]{0,15})$/.test(sizeText)) throw malformed();
  const size = Number(sizeText);
  const root = decodeBase64(rootText);
  if (!Number.isSafeInteger(size) || !root || root.length !== 32) throw malformed();
  const cp: CheckpointBody = { origin, size, root, ...(extensions.length ? { extensions } : {}) };
  let again: string;
  try {
    again = formatCheckpoint(cp);
  } catch {
    throw malformed();
  }
  if (again !== body) throw malformed();
  return cp;
}
