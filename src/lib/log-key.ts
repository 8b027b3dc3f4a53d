/**
 * log-key.ts — the deployment's custody-log key: an Ed25519 key in C2SP signed-note form,
 * created on first use under `<data>/keys/custody-log.key` (mode 0600, never logged). Its
 * public half, the verifier key `origin+keyhash+base64`, is what outsiders use to check
 * checkpoints and export packages.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCheckpoint, parseCheckpoint } from '../lib/checkpoint.js';
import {
  generateSignerKey,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  type Signer,
  signNote,
  type Verifier,
} from '../lib/note.js';
import { CustodyError } from './errors.js';

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

/** keyPath is where a deployment keeps its log signing key. */
export function keyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'custody-log.key');
}

/** loadOrCreateLogKey reads the key file, creating it (0600) when the deployment has none. */
export function loadOrCreateLogKey(dataDir: string, origin: string): LogKey {
  const file = keyPath(dataDir);
  if (!existsSync(file)) {
    mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${generateSignerKey(origin)}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  let signer: Signer;
  try {
    signer = parseSignerKey(readFileSync(file, 'utf8').trim());
  } catch (err) {
    throw new CustodyError(
      'KEY_INVALID',
      `the log key in ${file} is not a valid signer key`,
      {},
      { cause: err },
    );
  }
  return logKeyFrom(signer);
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
