/**
 * password.ts — password hashing and the rules a new password must meet.
 *
 * Hashing is scrypt (RFC 7914) from node:crypto with a fresh 16-byte salt per password and the
 * parameters in SCRYPT_PARAMS (N = 2^15, r = 8, p = 1, 64-byte key: about 32 MiB and ~50–100 ms
 * per hash on a server core, OWASP's minimum recommendation for scrypt). The stored string is
 * self-describing, so the parameters can be raised later without breaking old hashes:
 *
 *   scrypt$<log2 N>$<r>$<p>$<salt, base64url>$<key, base64url>
 *
 * A new password must be at least MIN_PASSWORD_LENGTH characters, at most MAX_PASSWORD_LENGTH
 * (bounds the work an attacker can make us do), and not a common password (common-passwords.txt).
 */
import { randomBytes, type ScryptOptions, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AccessError } from './errors.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './limits.js';

export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH };

export const SCRYPT_PARAMS = Object.freeze({ log2N: 15, r: 8, p: 1, keyLength: 64, saltLength: 16 });

// The largest parameters a stored hash may ask for; stops a tampered row from asking for
// gigabytes of memory.
const MAX_LOG2N = 20;
const STORED = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,88})\$([A-Za-z0-9_-]{16,176})$/;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, keyLength, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** scryptOptions returns node's options for cost 2^log2N, with maxmem just above 128·N·r. */
function scryptOptions(log2N: number, r: number, p: number): ScryptOptions {
  const N = 2 ** log2N;
  return { N, r, p, maxmem: 128 * N * r * p + 16 * 1024 * 1024 };
}

/** hashPassword returns the self-describing scrypt string for `password`. */
export async function hashPassword(password: string): Promise<string> {
  const { log2N, r, p, keyLength, saltLength } = SCRYPT_PARAMS;
  const salt = randomBytes(saltLength);
  const key = await scrypt(password, salt, keyLength, scryptOptions(log2N, r, p));
  return `scrypt$${log2N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * verifyPassword tells whether `password` matches `stored`, comparing keys in constant time.
 * A malformed or out-of-bounds stored string never matches.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const m = STORED.exec(stored);
  if (!m) return false;
  const [log2N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (log2N < 10 || log2N > MAX_LOG2N || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(m[4]!, 'base64url');
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await scrypt(password, salt, expected.length, scryptOptions(log2N, r, p));
  return timingSafeEqual(key, expected);
}

// A hash of a random password: verifying against it costs the same as a real check, so a login
// for an unknown account takes as long as one for a known account.
let dummyHash: Promise<string> | undefined;
/** burnPasswordCheck spends the time of one verification (for unknown or disabled accounts). */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(18).toString('base64url'));
  await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH), await dummyHash);
}

let common: ReadonlySet<string> | undefined;
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  );
  return common;
}

/**
 * isCommonPassword tells whether `password` is on the common list, also after lowercasing and
 * removing trailing digits and symbols ("Password2024!" is "password"), or is one character or
 * a short pattern repeated ("abcabcabcabc").
 */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  const list = commonPasswords();
  if (list.has(lower)) return true;
  const stem = lower.replace(/[^a-z]+$/u, '');
  if (stem !== lower && (list.has(stem) || stem.length === 0)) return true;
  if (/^(.{1,4})\1+$/su.test(lower)) return true;
  return false;
}

/** checkNewPassword throws WEAK_PASSWORD unless `password` meets the rules for a new password. */
export function checkNewPassword(password: string, username?: string): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw new AccessError('WEAK_PASSWORD', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new AccessError('WEAK_PASSWORD', `a password may have at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  if (isCommonPassword(password)) {
    throw new AccessError('WEAK_PASSWORD', 'this password is too common; choose a longer, unusual one');
  }
  if (username && password.toLowerCase().includes(username.toLowerCase())) {
    throw new AccessError('WEAK_PASSWORD', 'a password must not contain the username');
  }
}
