/**
 * log-key.ts — the custody log's key as a capability: sign a checkpoint (C2SP tlog-checkpoint
 * inside a C2SP signed note, Ed25519) and open one signed by it. Pure: the key file itself is
 * read and created by src/store/keys.ts; the public half, the verifier key
 * `origin+keyhash+base64`, is what outsiders use to check checkpoints and export packages.
 */
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { openNote, parseVerifierKey, type Signer, signNote, type Verifier } from './note.js';

export type OpenedCheckpoint =
  | { ok: true; size: number; root: Buffer; origin: string }
  | { ok: false; error: string };

export interface LogKey {
  readonly origin: string;
  /** The public verifier key string (C2SP signed-note). */
  readonly verifierKey: string;
  /** signCheckpoint returns the signed note of the checkpoint (origin, size, root). */
  signCheckpoint(size: number, root: Buffer): string;
  /** openCheckpoint verifies a signed checkpoint note against this key and parses it. */
  openCheckpoint(note: string): OpenedCheckpoint;
}

/** logKeyFrom wraps a parsed signer key. */
export function logKeyFrom(signer: Signer): LogKey {
  const verifier: Verifier = parseVerifierKey(signer.verifierKey);
  return {
    origin: signer.name,
    verifierKey: signer.verifierKey,
    signCheckpoint(size, root) {
      return signNote(formatCheckpoint({ origin: signer.name, size, root }), signer);
    },
    openCheckpoint(note) {
      try {
        const { text } = openNote(note, [verifier]);
        const cp = parseCheckpoint(text);
        if (cp.origin !== signer.name) return { ok: false, error: `origin ${cp.origin} is not this log's` };
        return { ok: true, size: cp.size, root: Buffer.from(cp.root), origin: cp.origin };
      } catch (err) {
        return { ok: false, error: (err as Error).message };
      }
    },
  };
}
