/**
 * keys.ts — the deployment's custody-log key file: an Ed25519 signer key in C2SP signed-note
 * form, created on first use under `<data>/keys/custody-log.key` (directory 0700, file 0600,
 * never logged). The store owns what lives under the data directory (database, blobs, keys);
 * what the key does is src/lib/log-key.ts.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LogKey, logKeyFrom } from '../lib/log-key.js';
import { generateSignerKey, parseSignerKey, type Signer } from '../lib/note.js';
import { StoreError } from './errors.js';

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
    throw new StoreError(
      'KEY_INVALID',
      `the log key in ${file} is not a valid signer key`,
      {},
      { cause: err },
    );
  }
  return logKeyFrom(signer);
}
