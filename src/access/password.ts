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
 * (bounds the work an attacker can make us do), not a common password (isCommonPassword), and
 * not built on the username or the product's name.
 */
import { randomBytes, type ScryptOptions, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/** The product's name: never part of a password for it. */
export const PRODUCT_NAME = 'attest';

let common: ReadonlySet<string> | undefined;
/**
 * commonPasswords is the 49 000 most common passwords of breach corpora, frequency-ranked, as
 * the well-kept zxcvbn-ts project ships them (@zxcvbn-ts/language-common, MIT), plus the words
 * of this deployment's context (context-passwords.txt). Loaded on first use: ~50 ms, ~4 MB.
 */
function commonPasswords(): ReadonlySet<string> {
  if (common) return common;
  const zxcvbn = createRequire(import.meta.url)('@zxcvbn-ts/language-common') as {
    dictionary: Record<'passwords-common', string[]>;
  };
  const context = readFileSync(new URL('./context-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  common = new Set([...zxcvbn.dictionary['passwords-common'], ...context]);
  return common;
}

/** Common "leet" substitutions (as zxcvbn's l33t table), undone before looking a password up. */
const LEET: Readonly<Record<string, string>> = {
  '4': 'a',
  '@': 'a',
  '8': 'b',
  '(': 'c',
  '3': 'e',
  '6': 'g',
  '1': 'i',
  '!': 'i',
  '|': 'l',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
  '2': 'z',
};

function unleet(s: string): string {
  return [...s].map((c) => LEET[c] ?? c).join('');
}

/** stem drops leading and trailing digits, symbols and spaces ("2024Password!" → "password"). */
function stem(s: string): string {
  return s.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
}

/** isSequence tells whether `s` runs up or down by one code point ("abcdefghijkl", "987654…"). */
function isSequence(s: string): boolean {
  const cps = [...s].map((c) => c.codePointAt(0)!);
  if (cps.length < 3) return false;
  const step = cps[1]! - cps[0]!;
  return Math.abs(step) === 1 && cps.every((c, i) => i === 0 || c - cps[i - 1]! === step);
}

/** isTwoCommonWords tells whether `s` is two common passwords glued ("correcthorse", "qwertydragon"). */
function isTwoCommonWords(s: string, list: ReadonlySet<string>): boolean {
  for (let i = 3; i <= s.length - 3; i++) {
    if (list.has(s.slice(0, i)) && list.has(s.slice(i))) return true;
  }
  return false;
}

/**
 * isCommonPassword tells whether `password` is one an attacker tries early: on the common list
 * (as typed, lowercased, with leet substitutions undone, with separators removed, or with
 * digits and symbols around it removed), two common passwords glued together, one character
 * or pattern repeated ("qwertyqwerty"), or a run of consecutive characters ("abcdefghijkl").
 */
export function isCommonPassword(password: string): boolean {
  const list = commonPasswords();
  const lower = password.normalize('NFKC').toLowerCase();
  const forms = new Set<string>();
  for (const f of [lower, unleet(lower)]) {
    forms.add(f);
    forms.add(f.replace(/[\s._-]+/gu, ''));
    forms.add(stem(f));
    forms.add(stem(f).replace(/[\s._-]+/gu, ''));
  }
  for (const f of forms) {
    if (f.length === 0) return true; // nothing but digits and symbols
    if (list.has(f)) return true;
    if (/^(.+?)\1+$/su.test(f)) return true;
    if (isSequence(f)) return true;
    if (isTwoCommonWords(f, list)) return true;
  }
  return false;
}

/** containsContext tells whether `password` contains the username or the product's name. */
function containsContext(password: string, username?: string): string | null {
  const forms = [password.toLowerCase(), unleet(password.toLowerCase())].map((f) =>
    f.replace(/[\s._-]+/gu, ''),
  );
  const words = [PRODUCT_NAME, ...(username ? [username.toLowerCase(), stem(username.toLowerCase())] : [])]
    .map((w) => w.replace(/[\s._-]+/gu, ''))
    .filter((w) => w.length >= 3);
  for (const w of words)
    if (forms.some((f) => f.includes(w))) return w === PRODUCT_NAME ? 'product' : 'username';
  return null;
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
  const context = containsContext(password, username);
  if (context === 'username')
    throw new AccessError('WEAK_PASSWORD', 'a password must not contain the username');
  if (context === 'product')
    throw new AccessError('WEAK_PASSWORD', 'a password must not contain the product’s name');
  if (isCommonPassword(password)) {
    throw new AccessError('WEAK_PASSWORD', 'this password is too common; choose a longer, unusual one');
  }
}
