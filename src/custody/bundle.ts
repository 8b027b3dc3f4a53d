/**
 * bundle.ts — checking a proof bundle (`attest log proofs --json`) offline, as an outside auditor
 * would (issue 18.5): the checkpoint note must be signed by the key the auditor pinned — the key
 * inside the bundle is used only when none is pinned, and the result says so — then each
 * inclusion proof (RFC 9162 §2.1.3.2) and consistency proof (§2.1.4.2) must lead to the signed
 * root. The bundle is attacker-controlled: its shape, counts and sizes are checked before use, and
 * a checkpoint saved with CRLF or an extra newline is normalised first.
 */
import { parseCheckpoint } from '../lib/checkpoint.js';
import { verifyConsistency, verifyInclusion } from '../lib/merkle.js';
import { normaliseSavedNote, openNote, parseVerifierKey, type Verifier } from '../lib/note.js';
import { CustodyError } from './errors.js';
import { checkQuorum, type QuorumCheck, type WitnessPolicy } from './witness/verify.js';

export interface BundleResult {
  readonly ok: boolean;
  /** The key the checkpoint was checked against, and whether the auditor pinned it. */
  readonly key: string;
  readonly pinned: boolean;
  readonly size: number;
  readonly checked: { inclusion: number; consistency: number };
  readonly problems: string[];
  /** Who cosigned the checkpoint, when witnesses were given (C2SP tlog-cosignature). */
  readonly witnesses?: QuorumCheck;
}

const MAX_PROOFS = 100_000;
const MAX_PATH = 64;
const HEX = /^[0-9a-f]{64}$/;

const bad = (why: string) => new CustodyError('INVALID_BUNDLE', `not a proof bundle: ${why}`);

function isIndex(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function hashes(v: unknown, what: string): Buffer[] {
  if (!Array.isArray(v) || v.length > MAX_PATH || !v.every((h) => typeof h === 'string' && HEX.test(h))) {
    throw bad(`${what} must be a list of at most ${MAX_PATH} hex SHA-256 hashes`);
  }
  return v.map((h: string) => Buffer.from(h, 'hex'));
}

/** verifyBundle checks `bundle` (parsed JSON) against `pinnedKey`, or against its own key if none. */
export function verifyBundle(bundle: unknown, pinnedKey?: string, witnesses?: WitnessPolicy): BundleResult {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) throw bad('not a JSON object');
  const b = bundle as Record<string, unknown>;
  if (typeof b.checkpoint !== 'string') throw bad('checkpoint must be a signed note');
  const inclusion = b.inclusion ?? [];
  const consistency = b.consistency ?? [];
  if (
    !Array.isArray(inclusion) ||
    !Array.isArray(consistency) ||
    inclusion.length + consistency.length > MAX_PROOFS
  ) {
    throw bad(`inclusion and consistency must be lists of at most ${MAX_PROOFS} proofs in all`);
  }
  const keyText = pinnedKey?.trim() ?? (typeof b.key === 'string' ? b.key : undefined);
  if (keyText === undefined) throw bad('no key in the bundle and none pinned');
  let verifier: Verifier;
  try {
    verifier = parseVerifierKey(keyText);
  } catch {
    throw new CustodyError('INVALID_BUNDLE', 'the verifier key is malformed');
  }
  const problems: string[] = [];
  const result = (size: number, inc: number, con: number): BundleResult => ({
    ok: problems.length === 0,
    key: verifier.verifierKey,
    pinned: pinnedKey !== undefined,
    size,
    checked: { inclusion: inc, consistency: con },
    problems,
    ...(quorum ? { witnesses: quorum } : {}),
  });
  let quorum: QuorumCheck | undefined;
  let size: number;
  let root: Buffer;
  try {
    const cp = parseCheckpoint(openNote(normaliseSavedNote(b.checkpoint), [verifier]).text);
    if (cp.origin !== verifier.name)
      throw new Error(`origin ${cp.origin} is not the key's log ${verifier.name}`);
    size = cp.size;
    root = cp.root;
  } catch (err) {
    problems.push(`checkpoint: ${(err as Error).message}`);
    return result(0, 0, 0);
  }
  if (witnesses) {
    quorum = checkQuorum(normaliseSavedNote(b.checkpoint), witnesses);
    for (const name of quorum.invalid)
      problems.push(`checkpoint: the cosignature of witness ${name} does not verify`);
    if (!quorum.met)
      problems.push(
        `checkpoint: cosigned by ${quorum.cosigned.length} of the witnesses given, the quorum is ${quorum.quorum}`,
      );
  }
  for (const [i, p] of inclusion.entries()) {
    const q = p as Record<string, unknown>;
    if (typeof q !== 'object' || q === null || !isIndex(q.index) || !isIndex(q.size))
      throw bad(`inclusion[${i}] is malformed`);
    if (typeof q.leafHash !== 'string' || !HEX.test(q.leafHash))
      throw bad(`inclusion[${i}].leafHash is malformed`);
    const path = hashes(q.proof, `inclusion[${i}].proof`);
    if (q.size !== size)
      problems.push(`inclusion[${i}]: proof is for a tree of ${q.size}, the checkpoint is ${size}`);
    else if (!verifyInclusion(Buffer.from(q.leafHash, 'hex'), q.index, size, path, root)) {
      problems.push(`inclusion[${i}]: entry ${q.index} is not in the signed tree`);
    }
  }
  for (const [i, p] of consistency.entries()) {
    const q = p as Record<string, unknown>;
    if (typeof q !== 'object' || q === null || !isIndex(q.old) || !isIndex(q.new))
      throw bad(`consistency[${i}] is malformed`);
    if (typeof q.oldRoot !== 'string' || !HEX.test(q.oldRoot))
      throw bad(`consistency[${i}].oldRoot is malformed`);
    const path = hashes(q.proof, `consistency[${i}].proof`);
    if (q.new !== size)
      problems.push(`consistency[${i}]: proof is to a tree of ${q.new}, the checkpoint is ${size}`);
    else if (!verifyConsistency(q.old, size, Buffer.from(q.oldRoot, 'hex'), root, path)) {
      problems.push(`consistency[${i}]: the tree of ${q.old} is not a prefix of the signed tree`);
    }
  }
  return result(size, inclusion.length, consistency.length);
}

/** SavedCheckpointResult is what `attest log verify-checkpoint` found. */
export interface SavedCheckpointResult {
  readonly ok: boolean;
  readonly checkpoint: { readonly origin: string; readonly size: number; readonly root: string } | null;
  readonly witnesses?: QuorumCheck;
  readonly problems: string[];
}

/**
 * verifySavedCheckpoint checks a checkpoint kept by an outsider: the log's signature under the
 * pinned key (and its origin), then, when witnesses are given, their cosignatures and quorum.
 * The text is untrusted: normalised as saved files are (CRLF, final newline), bounded by note.ts.
 */
export function verifySavedCheckpoint(
  text: string,
  key: string,
  witnesses?: WitnessPolicy,
): SavedCheckpointResult {
  const problems: string[] = [];
  const note = normaliseSavedNote(text);
  let checkpoint: SavedCheckpointResult['checkpoint'] = null;
  try {
    const verifier = parseVerifierKey(key);
    const cp = parseCheckpoint(openNote(note, [verifier]).text);
    if (cp.origin !== verifier.name)
      throw new Error(`origin ${cp.origin} is not the key's log ${verifier.name}`);
    checkpoint = { origin: cp.origin, size: cp.size, root: cp.root.toString('base64') };
  } catch (err) {
    problems.push(`checkpoint: ${(err as Error).message}`);
    return { ok: false, checkpoint, problems };
  }
  if (!witnesses) return { ok: true, checkpoint, problems };
  const quorum = checkQuorum(note, witnesses);
  for (const name of quorum.invalid) problems.push(`the cosignature of witness ${name} does not verify`);
  if (!quorum.met)
    problems.push(
      `cosigned by ${quorum.cosigned.length} of the witnesses given, the quorum is ${quorum.quorum}`,
    );
  return { ok: problems.length === 0, checkpoint, witnesses: quorum, problems };
}
