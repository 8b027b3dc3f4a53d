/**
 * key-rotation.ts — `attest log rotate-key` (issue 18.4): replacing the log's signing key so that
 * a verifier who pinned the old key can follow the chain. The new key is announced by a
 * `key-rotation` entry naming both public keys, and the first checkpoint covering that entry is
 * signed by the old key *and* the new one (one C2SP signed note, two signature lines): the old
 * key vouches for the tree that names its successor. verify-checkpoints.ts follows the chain.
 *
 * Order, so that a crash loses nothing: the new key is written beside the old one first
 * (`custody-log.key.next`), then the entry and the co-signed checkpoint are committed, then the
 * new key replaces the old one by rename. The old private key is then deleted — it is no longer
 * needed to verify anything (the log holds its public key), and a key rotated because it may have
 * leaked must not linger; its verifier key is kept in `keys/retired/`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Ctx, nowIso } from '../ctx.js';
import { generateSignerKey, parseSignerKey, parseVerifierKey, signNote } from '../lib/note.js';
import { keyPath, recordLogKey } from '../store/keys.js';
import { CustodyError } from './errors.js';
import { appendEntries } from './service.js';
import { signContinuing } from './signer.js';
import type { Checkpoint } from './tree.js';

export interface Rotated {
  readonly oldKey: string;
  readonly newKey: string;
  /** The checkpoint co-signed by both keys. */
  readonly checkpoint: Checkpoint;
}

/** rotateKey makes a new log key, announces it under the old one, and installs it. */
export async function rotateKey(ctx: Ctx, actor: string): Promise<Rotated> {
  const file = keyPath(ctx.config.keysDir);
  const next = `${file}.next`;
  if (!existsSync(file)) throw new CustodyError('KEY_MISSING', `no key at ${file} to rotate from`);
  const oldSigner = parseSignerKey(readFileSync(file, 'utf8').trim());
  if (oldSigner.verifierKey !== ctx.logKey.verifierKey) {
    throw new CustodyError('KEY_INVALID', 'the key file changed while Attest was running');
  }
  if (existsSync(next)) {
    throw new CustodyError(
      'KEY_INVALID',
      `${next} exists: a rotation was interrupted. Check \`attest log head\`, then remove it and retry`,
    );
  }
  const newKeyString = generateSignerKey(ctx.logKey.origin);
  const newSigner = parseSignerKey(newKeyString);
  writeFileSync(next, `${newKeyString}\n`, { mode: 0o600, flag: 'wx' });
  const oldPub = parseVerifierKey(oldSigner.verifierKey);
  const newPub = parseVerifierKey(newSigner.verifierKey);
  await ctx.db.transaction().execute((trx) =>
    appendEntries(
      trx,
      [
        {
          kind: 'key-rotation',
          actor,
          data: {
            oldKey: oldPub.publicKey.toString('hex'),
            newKey: newPub.publicKey.toString('hex'),
            oldKeyId: oldPub.keyHash.toString(16).padStart(8, '0'),
            newKeyId: newPub.keyHash.toString(16).padStart(8, '0'),
          },
        },
      ],
      nowIso(ctx),
    ),
  );
  const checkpoint = await signContinuing(ctx, (text) => signNote(text, oldSigner, newSigner));
  if (!checkpoint) throw new CustodyError('NO_CHECKPOINT', 'the co-signed checkpoint was not made');
  const retired = join(dirname(file), 'retired');
  mkdirSync(retired, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(retired, `${oldPub.keyHash.toString(16).padStart(8, '0')}.pub`),
    `${oldSigner.verifierKey}\n`,
    {
      mode: 0o600,
    },
  );
  renameSync(next, file);
  // Other processes now refuse to start with the old key (src/store/keys.ts, issue 21.2).
  await recordLogKey(ctx.db, newSigner.verifierKey, nowIso(ctx));
  return { oldKey: oldSigner.verifierKey, newKey: newSigner.verifierKey, checkpoint };
}
