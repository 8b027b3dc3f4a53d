/**
 * key-box.ts — the signing key and signer state in a backup, encrypted with a passphrase:
 * scrypt (RFC 7914; N = 2^15, r = 8, p = 1, 16-byte salt) derives a 256-bit key, AES-256-GCM
 * (NIST SP 800-38D; 12-byte IV, 16-byte tag) seals the files. A wrong passphrase or a changed
 * byte fails the tag check; nothing is written until it passes. The derivation (a deliberate
 * ~0.1 s and 32 MiB) runs on the thread pool, so a backup or restore does its other work meanwhile.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { StoreError } from '../errors.js';

const N = 2 ** 15;
const R = 8;
const P = 1;
const MAX_BOX_BYTES = 1024 * 1024;

/** KeyFiles maps a path inside the keys directory (e.g. `custody-log.key`) to its bytes. */
export type KeyFiles = Record<string, string>;

/** checkPassphrase refuses a passphrase too short to seal keys with (cheap: no key derivation). */
export function checkPassphrase(passphrase: string): void {
  if (passphrase.length < 12)
    throw new StoreError('BACKUP_INVALID', 'the backup passphrase must have at least 12 characters');
}

/** derive runs scrypt with this box format's parameters, off the event loop. */
function derive(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, 32, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** SealingKey: a key derived from the passphrase with a new salt, for one sealKeys. */
export interface SealingKey {
  readonly salt: Buffer;
  readonly key: Buffer;
}

/** sealingKey derives a key to seal with from `passphrase` (start it early: it takes a while). */
export async function sealingKey(passphrase: string): Promise<SealingKey> {
  checkPassphrase(passphrase);
  const salt = randomBytes(16);
  return { salt, key: await derive(passphrase, salt) };
}

/** sealKeys encrypts `files` under a key from sealingKey; the result is JSON text. */
export function sealKeys(files: KeyFiles, { salt, key }: SealingKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(files), 'utf8'), cipher.final()]);
  return `${JSON.stringify({
    format: 'attest-keys/1',
    kdf: { name: 'scrypt', N, r: R, p: P, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: body.toString('base64'),
  })}\n`;
}

/** openKeys decrypts a sealed box; a wrong passphrase or altered box is BACKUP_INVALID. */
export async function openKeys(text: string, passphrase: string): Promise<KeyFiles> {
  const bad = (why: string) =>
    new StoreError('BACKUP_INVALID', `the encrypted keys cannot be opened: ${why}`);
  if (text.length > MAX_BOX_BYTES) throw bad('too large');
  let box: {
    format?: unknown;
    kdf?: { name?: unknown; N?: unknown; r?: unknown; p?: unknown; salt?: unknown };
    iv?: unknown;
    tag?: unknown;
    data?: unknown;
  };
  try {
    box = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  // Only the parameters this code writes are accepted: a box cannot ask for a huge scrypt cost.
  if (
    box?.format !== 'attest-keys/1' ||
    box.kdf?.name !== 'scrypt' ||
    box.kdf.N !== N ||
    box.kdf.r !== R ||
    box.kdf.p !== P ||
    typeof box.kdf.salt !== 'string' ||
    typeof box.iv !== 'string' ||
    typeof box.tag !== 'string' ||
    typeof box.data !== 'string'
  )
    throw bad('not an Attest key box');
  const key = await derive(passphrase, Buffer.from(box.kdf.salt, 'base64'));
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
  let plain: string;
  try {
    plain = Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw bad('wrong passphrase, or the file was altered');
  }
  const files = JSON.parse(plain) as unknown;
  if (typeof files !== 'object' || files === null) throw bad('no files inside');
  const out: KeyFiles = {};
  for (const [name, value] of Object.entries(files)) {
    // Names come from inside an authenticated box, but are still paths: plain relative ones only.
    if (typeof value !== 'string' || !/^(retired\/)?[A-Za-z0-9._-]+$/.test(name) || name.includes('..'))
      throw bad(`unexpected entry "${name}"`);
    out[name] = value;
  }
  return out;
}
