/**
 * keys.ts — the deployment's custody-log key file: an Ed25519 signer key in C2SP signed-note
 * form, created on first use as `custody-log.key` in the keys directory (`<data>/keys`, or
 * ATTEST_KEYS_DIR shared by every process of a deployment; directory 0700, file 0600, never
 * logged), and the database's record of which key signs the log (`log_signer`, issue 21.2). The store owns what lives under the data directory (database, blobs, keys);
 * what the key does is src/lib/log-key.ts.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { type LogKey, logKeyFrom } from '../lib/log-key.js';
import { generateSignerKey, parseSignerKey, type Signer } from '../lib/note.js';
import { StoreError } from './errors.js';
import type { Database } from './schema.js';

/** keyPath is where a deployment keeps its log signing key, in its keys directory. */
export function keyPath(keysDir: string): string {
  return join(keysDir, 'custody-log.key');
}

/** loadOrCreateLogKey reads the key file, creating it (0600) when the deployment has none. */
export function loadOrCreateLogKey(keysDir: string, origin: string): LogKey {
  const file = keyPath(keysDir);
  if (!existsSync(file)) {
    mkdirSync(keysDir, { recursive: true, mode: 0o700 });
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
export async function refuseMissingKey(db: Kysely<Database>, keysDir: string): Promise<void> {
  const file = keyPath(keysDir);
  if (existsSync(file)) return;
  const row = await db
    .selectFrom('checkpoint')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const n = Number(row?.n ?? 0);
  const shared =
    'Every process of one deployment signs with the same key: with several processes, point ATTEST_KEYS_DIR ' +
    'at the keys directory they share.';
  if (n > 0)
    throw new StoreError(
      'KEY_MISSING',
      `the custody log has ${n} signed checkpoint(s) but its signing key ${file} is missing. ` +
        `Restore ${file} and ${file.replace(/\.key$/, '.state')} from the backup made with them (mode 0600), ` +
        'then start again. Attest will not make a new key for a log that already has one: if the key is ' +
        `lost for good, see "Losing the key" in src/custody/README.md. ${shared}`,
    );
  // A deployment that already has a key (another process made it) gets no second one here.
  const recorded = await db
    .selectFrom('log_signer')
    .select('verifier_key')
    .where('id', '=', 1)
    .executeTakeFirst();
  if (recorded)
    throw new StoreError(
      'KEY_MISSING',
      `the custody log is signed by ${recorded.verifier_key}, but there is no key at ${file}. ${shared} ` +
        'Or restore custody-log.key and custody-log.state there from the backup made with them.',
    );
}

/**
 * claimLogKey records `verifierKey` as the key that signs the log when none is recorded, and
 * throws KEY_MISMATCH when another is: every process of a deployment (N × serve, M × worker, the
 * CLI) must sign with the same key, or the log's checkpoints stop verifying (issue 21.2).
 */
export async function claimLogKey(
  db: Kysely<Database>,
  verifierKey: string,
  keysDir: string,
  at: string,
): Promise<void> {
  await db
    .insertInto('log_signer')
    .values({ id: 1, verifier_key: verifierKey, updated_at: at })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const row = await db
    .selectFrom('log_signer')
    .select('verifier_key')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  if (row.verifier_key === verifierKey) return;
  if (retiredHere(keysDir, row.verifier_key)) {
    // `attest log rotate-key` retired the recorded key here and installed this one, then stopped
    // before recording it: finish its work.
    await recordLogKey(db, verifierKey, at);
    return;
  }
  throw new StoreError(
    'KEY_MISMATCH',
    `the custody log is signed by ${row.verifier_key}, but this process's key ${keyPath(keysDir)} is ${verifierKey}. ` +
      'Every process of one deployment must use the same key: point ATTEST_KEYS_DIR of each at one shared keys ' +
      'directory (or copy custody-log.key and custody-log.state there from the first). (After an interrupted ' +
      '`attest log rotate-key`, the new key is custody-log.key.next beside the old one: move it into place.)',
  );
}

/** recordLogKey records a new signing key after `attest log rotate-key` has installed it. */
export async function recordLogKey(db: Kysely<Database>, verifierKey: string, at: string): Promise<void> {
  await db
    .insertInto('log_signer')
    .values({ id: 1, verifier_key: verifierKey, updated_at: at })
    .onConflict((oc) => oc.column('id').doUpdateSet({ verifier_key: verifierKey, updated_at: at }))
    .execute();
}

/** retiredHere tells whether `verifierKey` was retired by a key rotation in this keys directory. */
function retiredHere(keysDir: string, verifierKey: string): boolean {
  const hash = verifierKey.split('+')[1] ?? '';
  if (!/^[0-9a-f]{8}$/.test(hash)) return false;
  const file = join(keysDir, 'retired', `${hash}.pub`);
  return existsSync(file) && readFileSync(file, 'utf8').trim() === verifierKey;
}
