/**
 * keys.ts — the deployment's custody-log key file: an Ed25519 signer key in C2SP signed-note
 * form, created on first use under `<data>/keys/custody-log.key` (directory 0700, file 0600,
 * never logged). The store owns what lives under the data directory (database, blobs, keys);
 * what the key does is src/lib/log-key.ts.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { type LogKey, logKeyFrom } from '../lib/log-key.js';
import { generateSignerKey, parseSignerKey, type Signer } from '../lib/note.js';
import { StoreError } from './errors.js';
import type { Database } from './schema.js';

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

/**
 * refuseMissingKey throws KEY_MISSING when the log has signed checkpoints but the key file is
 * gone. Creating a new key on start (as a first run does) would let anyone who deletes the key
 * file obtain a fresh signer for a rewritten log; so a missing key is a refusal to start, with
 * the way back (issue 18.4). A new key is only ever made by `attest log rotate-key`.
 */
export async function refuseMissingKey(db: Kysely<Database>, dataDir: string): Promise<void> {
  const file = keyPath(dataDir);
  if (existsSync(file)) return;
  const row = await db
    .selectFrom('checkpoint')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const n = Number(row?.n ?? 0);
  if (n === 0) return;
  throw new StoreError(
    'KEY_MISSING',
    `the custody log has ${n} signed checkpoint(s) but its signing key ${file} is missing. ` +
      `Restore ${file} and ${file.replace(/\.key$/, '.state')} from the backup made with them (mode 0600), ` +
      'then start again. Attest will not make a new key for a log that already has one: if the key is ' +
      'lost for good, see "Losing the key" in src/custody/README.md.',
  );
}
