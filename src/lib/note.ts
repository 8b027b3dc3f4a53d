/**
 * note.ts — C2SP signed-note with Ed25519 (https://c2sp.org/signed-note), matching
 * golang.org/x/mod/sumdb/note v0.7.0's rules, proven by shared/vectors/checkpoint.json
 * (note.test.ts). Ed25519 is node:crypto's (RFC 8032, deterministic); no curve code here.
 *
 *   note      = text "\n" signature-line+          (text ends in "\n"; split at the LAST "\n\n")
 *   signature = "— " name " " base64(keyhash[4] || sig[64]) "\n"      (U+2014 EM DASH)
 *   keyhash   = SHA-256(name || "\n" || 0x01 || pubkey)[0:4]           (0x01 = Ed25519)
 *   verifier  = name "+" hex8(keyhash) "+" base64(0x01 || pubkey)
 *   signer    = "PRIVATE+KEY+" name "+" hex8(keyhash) "+" base64(0x01 || seed)
 */
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { AttestError } from './errors.js';
import { sha256 } from './hash.js';

export type NoteErrorCode =
  | 'MALFORMED_NOTE'
  | 'INVALID_SIGNATURE'
  | 'NO_VERIFIABLE_SIGNATURES'
  | 'MALFORMED_KEY'
  | 'TOO_MANY_SIGNATURES';

/** NoteError is raised for notes and keys that fail; messages follow x/mod's wording. */
export class NoteError extends AttestError<NoteErrorCode> {}

const SIG_PREFIX = '\u2014 ';
const ALG_ED25519 = 0x01;
const MAX_SIGNATURES = 100;
const MAX_NOTE_BYTES = 1 << 20;
// DER wrappers that turn raw Ed25519 key bytes into node:crypto key objects (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface Verifier {
  readonly name: string;
  readonly keyHash: number;
  readonly publicKey: KeyObject;
}

export interface Signer {
  readonly name: string;
  readonly keyHash: number;
  readonly privateKey: KeyObject;
  /** The matching public verifier key string. */
  readonly verifierKey: string;
}

export interface Signature {
  readonly name: string;
  readonly keyHash: number;
  readonly base64: string;
}

export interface OpenedNote {
  readonly text: string;
  readonly sigs: Signature[];
  readonly unverifiedSigs: Signature[];
}

/** isValidName: non-empty, valid UTF-8, no white space and no '+' (x/mod isValidName). */
export function isValidName(name: string): boolean {
  return name !== '' && !/[\s+\uFFFD]/u.test(name);
}

/** keyHash returns the 32-bit key id: the first 4 bytes of SHA-256(name || "\n" || 0x01 || pub). */
export function keyHash(name: string, publicKey: Uint8Array): number {
  return sha256(Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ALG_ED25519]), publicKey).readUInt32BE(0);
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** decodeBase64 decodes standard padded base64 strictly (node's decoder skips bad characters). */
export function decodeBase64(s: string): Buffer | undefined {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? b : undefined;
}

function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function rawPublicKey(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
}

/** verifierKeyString formats `name+hash+base64(0x01||pub)`. */
export function verifierKeyString(name: string, publicKey: Uint8Array): string {
  const key = Buffer.concat([Buffer.from([ALG_ED25519]), publicKey]);
  return `${name}+${hex8(keyHash(name, publicKey))}+${key.toString('base64')}`;
}

/** signerKeyString formats `PRIVATE+KEY+name+hash+base64(0x01||seed)` for a 32-byte seed. */
export function signerKeyString(name: string, seed: Uint8Array): string {
  if (!isValidName(name)) throw new NoteError('MALFORMED_KEY', 'invalid key name');
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const pub = rawPublicKey(priv);
  const key = Buffer.concat([Buffer.from([ALG_ED25519]), seed]);
  return `PRIVATE+KEY+${name}+${hex8(keyHash(name, pub))}+${key.toString('base64')}`;
}

/** generateSignerKey returns a new random signer key string for `name`. */
export function generateSignerKey(name: string): string {
  return signerKeyString(name, randomBytes(32));
}

/** splitKey cuts `s` at its first parts-1 '+' signs (the base64 key may itself hold '+'). */
function splitKey(s: string, parts: number): string[] | undefined {
  const out: string[] = [];
  let rest = s;
  for (let i = 0; i < parts - 1; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return undefined;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  out.push(rest);
  return out;
}

/** parseVerifierKey parses a verifier key string, checking its key hash. */
export function parseVerifierKey(s: string): Verifier {
  const parts = splitKey(s, 3);
  const fail = () => new NoteError('MALFORMED_KEY', 'malformed verifier id');
  if (!parts) throw fail();
  const [name, hash16, key64] = parts as [string, string, string];
  const key = decodeBase64(key64);
  if (!isValidName(name) || !/^[0-9a-f]{8}$/.test(hash16) || !key || key.length === 0) throw fail();
  if (key[0] !== ALG_ED25519 || key.length !== 33)
    throw new NoteError('MALFORMED_KEY', 'unknown verifier algorithm');
  const pub = key.subarray(1);
  if (keyHash(name, pub) !== Number.parseInt(hash16, 16))
    throw new NoteError('MALFORMED_KEY', 'invalid verifier hash');
  return { name, keyHash: Number.parseInt(hash16, 16), publicKey: publicKeyFromRaw(pub) };
}

/** parseSignerKey parses a signer key string, checking its key hash. */
export function parseSignerKey(s: string): Signer {
  const parts = splitKey(s, 5);
  const fail = () => new NoteError('MALFORMED_KEY', 'malformed signer key');
  if (parts?.[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw fail();
  const [, , name, hash16, key64] = parts as [string, string, string, string, string];
  const key = decodeBase64(key64);
  if (
    !isValidName(name) ||
    !/^[0-9a-f]{8}$/.test(hash16) ||
    !key ||
    key.length !== 33 ||
    key[0] !== ALG_ED25519
  )
    throw fail();
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, key.subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  });
  const pub = rawPublicKey(privateKey);
  const hash = keyHash(name, pub);
  if (hash !== Number.parseInt(hash16, 16)) throw new NoteError('MALFORMED_KEY', 'invalid signer key hash');
  return { name, keyHash: hash, privateKey, verifierKey: verifierKeyString(name, pub) };
}

/** hasOnlyNoteCharacters: valid UTF-8 text with no control characters but "\n" (x/mod Open). */
function hasOnlyNoteCharacters(s: string): boolean {
  return !/[\u0000-\u0009\u000b-\u001f\uFFFD]/.test(s);
}

/** signNote signs `text` (which must end in "\n") with each signer and returns the note. */
export function signNote(text: string, ...signers: Signer[]): string {
  if (!text.endsWith('\n') || !hasOnlyNoteCharacters(text)) {
    throw new NoteError('MALFORMED_NOTE', 'malformed note');
  }
  const body = Buffer.from(text, 'utf8');
  const lines = signers.map((s) => {
    const sig = sign(null, body, s.privateKey);
    const hash = Buffer.alloc(4);
    hash.writeUInt32BE(s.keyHash);
    return `${SIG_PREFIX}${s.name} ${Buffer.concat([hash, sig]).toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/**
 * openNote verifies `msg` against `verifiers` and returns its text and signatures. Signatures by
 * unknown keys are ignored (unverifiedSigs); a known key whose signature fails is an error even
 * if another signature is good; at least one known signature must verify. Input is
 * attacker-controlled: it is bounded, and any malformation is one MALFORMED_NOTE error.
 */
export function openNote(msg: string, verifiers: readonly Verifier[]): OpenedNote {
  const malformed = () => new NoteError('MALFORMED_NOTE', 'malformed note');
  if (Buffer.byteLength(msg, 'utf8') > MAX_NOTE_BYTES || !hasOnlyNoteCharacters(msg)) throw malformed();
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw malformed();
  const text = msg.slice(0, split + 1);
  let rest = msg.slice(split + 2);
  if (rest === '' || !rest.endsWith('\n')) throw malformed();
  const sigs: Signature[] = [];
  const unverifiedSigs: Signature[] = [];
  const seen = new Set<string>();
  let count = 0;
  while (rest !== '') {
    const nl = rest.indexOf('\n');
    const line = rest.slice(0, nl);
    rest = rest.slice(nl + 1);
    if (!line.startsWith(SIG_PREFIX)) throw malformed();
    const [name, b64, extra] = line.slice(SIG_PREFIX.length).split(' ');
    const raw = b64 === undefined ? undefined : decodeBase64(b64);
    if (extra !== undefined || name === undefined || !isValidName(name) || !b64 || !raw || raw.length <= 4)
      throw malformed();
    if (++count > MAX_SIGNATURES) throw new NoteError('TOO_MANY_SIGNATURES', 'too many signatures');
    const hash = raw.readUInt32BE(0);
    const signature: Signature = { name, keyHash: hash, base64: b64 };
    const verifier = verifiers.find((v) => v.name === name && v.keyHash === hash);
    if (!verifier) {
      unverifiedSigs.push(signature);
      continue;
    }
    const id = `${name}+${hex8(hash)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (!verify(null, Buffer.from(text, 'utf8'), verifier.publicKey, raw.subarray(4))) {
      throw new NoteError('INVALID_SIGNATURE', `invalid signature for key ${id}`, { key: id });
    }
    sigs.push(signature);
  }
  if (sigs.length === 0) throw new NoteError('NO_VERIFIABLE_SIGNATURES', 'note has no verifiable signatures');
  return { text, sigs, unverifiedSigs };
}
